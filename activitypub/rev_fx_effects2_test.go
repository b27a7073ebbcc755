package activitypub

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/vocab"
	"github.com/starling-fed/starling/store"
)

// A post shared by someone a local actor follows does not reach the local
// actor when it blocks the post's author: a share is no way around a block.
func TestRevFxAnnounceOfBlockedAuthorKeptFromBlocker(t *testing.T) {
	e := newEffects(t)
	e.follow(e.alice, e.bob.ID, store.FollowAccepted)
	e.follow(e.carol, e.bob.ID, store.FollowAccepted)
	_, err := e.st.AddToCollection(e.ctx, blockedIRI(e.alice), e.dave.ID)
	require.NoError(t, err)
	post := e.note(e.dave, "by someone alice blocks")
	a := e.activity(e.bob, vocab.TypeAnnounce, vocab.IRIRef(post.ID))
	a.To = []vocab.Ref{vocab.IRIRef(vocab.PublicIRI)}
	require.NoError(t, e.run(e.bob, a, post))
	assert.NotContains(t, e.members(e.f.InboxIRI("alice")), a.ID)
	assert.Contains(t, e.members(e.f.InboxIRI("carol")), a.ID)

	t.Run("ignored when every follower blocks the author", func(t *testing.T) {
		_, err := e.f.st.AddToCollection(e.ctx, blockedIRI(e.carol), e.dave.ID) // through the read cache
		require.NoError(t, err)
		post := e.note(e.dave, "again")
		a := e.activity(e.bob, vocab.TypeAnnounce, vocab.IRIRef(post.ID))
		a.To = []vocab.Ref{vocab.IRIRef(vocab.PublicIRI)}
		before := e.snapshot(post.ID, a.ID)
		require.ErrorIs(t, e.run(e.bob, a, post), ErrIgnored)
		assert.Equal(t, before, e.snapshot(post.ID, a.ID))
	})
}

// A direct message cannot be pinned: Mastodon refuses it, and the Add
// would announce it to the public and the actor's followers.
func TestRevFxPinDirectMessageRefused(t *testing.T) {
	ctx := context.Background()
	pub := newPublisher(t, false, "alice", "bob")
	dm := vocab.NewNote("", "", "<p>psst</p>", time.Time{})
	dm.Address(vocab.VisibilityDirect, "", pub.F.ActorIRI("bob"))
	create, err := pub.F.Publish(ctx, "alice", dm)
	require.NoError(t, err)
	post := vocab.First(create.Object).ID()
	_, err = pub.F.Pin(ctx, "alice", post)
	require.ErrorIs(t, err, ErrForbidden)
	assert.Empty(t, pub.members(t, pub.F.FeaturedIRI("alice")))

	followers := vocab.NewNote("", "", "<p>friends</p>", time.Time{})
	followers.Address(vocab.VisibilityFollowers, pub.F.FollowersIRI("alice"))
	create, err = pub.F.Publish(ctx, "alice", followers)
	require.NoError(t, err)
	_, err = pub.F.Pin(ctx, "alice", vocab.First(create.Object).ID())
	require.NoError(t, err, "a followers-only post may be pinned")
}

// A Move of an actor nobody here follows concerns nothing kept here: it is
// ignored, without fetching the new account it names, and never reaches
// the host's Move hook ("a followed actor moved").
func TestRevFxMoveOfUnfollowedActorIgnored(t *testing.T) {
	e := newEffects(t)
	e.follow(e.eve.ID, e.alice, store.FollowAccepted) // eve follows alice; nobody follows eve
	moved := e.remoteActor(e.p2, "eve", func(a *vocab.Object) { a.AlsoKnownAs = []string{e.eve.ID} })
	m := e.activity(e.eve, vocab.TypeMove, vocab.IRIRef(e.eve.ID))
	m.Target = []vocab.Ref{vocab.IRIRef(moved.ID)}
	before := e.snapshot(moved.ID)
	require.ErrorIs(t, e.run(e.eve, m, nil), ErrIgnored)
	assert.Equal(t, before, e.snapshot(moved.ID))
	assert.Zero(t, e.jobs())
}
