package vocab_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/starling-fed/starling/activitypub/vocab"
)

func TestTypePredicates(t *testing.T) {
	for _, a := range []string{vocab.TypePerson, vocab.TypeService, vocab.TypeApplication, vocab.TypeGroup, vocab.TypeOrganization} {
		assert.True(t, vocab.IsActorType(a), a)
		assert.False(t, vocab.IsActivityType(a), a)
	}
	for _, a := range []string{vocab.TypeCreate, vocab.TypeUpdate, vocab.TypeDelete, vocab.TypeFollow,
		vocab.TypeAccept, vocab.TypeReject, vocab.TypeTentativeAccept, vocab.TypeTentativeReject,
		vocab.TypeAdd, vocab.TypeRemove, vocab.TypeLike, vocab.TypeAnnounce, vocab.TypeUndo,
		vocab.TypeBlock, vocab.TypeFlag, vocab.TypeMove, vocab.TypeQuestion, vocab.TypeInvite,
		vocab.TypeJoin, vocab.TypeLeave, vocab.TypeOffer, vocab.TypeArrive, vocab.TypeTravel,
		vocab.TypeView, vocab.TypeListen, vocab.TypeRead, vocab.TypeIgnore, vocab.TypeDislike} {
		assert.True(t, vocab.IsActivityType(a), a)
	}
	for _, c := range []string{vocab.TypeCollection, vocab.TypeOrderedCollection, vocab.TypeCollectionPage, vocab.TypeOrderedCollectionPage} {
		assert.True(t, vocab.IsCollectionType(c), c)
	}
	for _, l := range []string{vocab.TypeLink, vocab.TypeMention, vocab.TypeHashtag} {
		assert.True(t, vocab.IsLinkType(l), l)
	}
	assert.False(t, vocab.IsLinkType(vocab.TypeNote))
}
