package vocab_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/starling-fed/starling/activitypub/vocab"
)

func TestVisibility(t *testing.T) {
	const followers = "https://a.example/users/alice/followers"
	const bob = "https://b.example/users/bob"
	refs := func(iris ...string) []vocab.Ref {
		var out []vocab.Ref
		for _, i := range iris {
			out = append(out, vocab.IRIRef(i))
		}
		return out
	}
	cases := []struct {
		name      string
		o         *vocab.Object
		followers string
		want      vocab.Visibility
	}{
		{"public", &vocab.Object{To: refs(vocab.PublicIRI), Cc: refs(followers)}, followers, vocab.VisibilityPublic},
		{"public as:Public", &vocab.Object{To: refs("as:Public")}, followers, vocab.VisibilityPublic},
		{"public bare", &vocab.Object{To: refs("Public")}, followers, vocab.VisibilityPublic},
		{"unlisted", &vocab.Object{To: refs(followers), Cc: refs(vocab.PublicIRI)}, followers, vocab.VisibilityUnlisted},
		{"followers", &vocab.Object{To: refs(followers), Cc: refs(bob)}, followers, vocab.VisibilityFollowers},
		{"followers guessed", &vocab.Object{To: refs(followers)}, "", vocab.VisibilityFollowers},
		{"direct", &vocab.Object{To: refs(bob)}, followers, vocab.VisibilityDirect},
		{"nobody", &vocab.Object{}, followers, vocab.VisibilityDirect},
		{"nil", nil, followers, vocab.VisibilityDirect},
		{"activity without addressing reads its object", &vocab.Object{Type: vocab.TypeCreate,
			Object: []vocab.Ref{vocab.ObjectRef(&vocab.Object{To: refs(followers), Cc: refs(vocab.PublicIRI)})}},
			followers, vocab.VisibilityUnlisted},
		{"a Create is as visible as its object", &vocab.Object{Type: vocab.TypeCreate, To: refs(vocab.PublicIRI),
			Object: []vocab.Ref{vocab.ObjectRef(&vocab.Object{Type: vocab.TypeNote, To: refs(followers)})}},
			followers, vocab.VisibilityFollowers},
		{"an Announce is read by its own addressing", &vocab.Object{Type: vocab.TypeAnnounce, To: refs(followers),
			Object: []vocab.Ref{vocab.ObjectRef(&vocab.Object{Type: vocab.TypeNote, To: refs(vocab.PublicIRI)})}},
			followers, vocab.VisibilityFollowers},
		{"followers collection embedded", &vocab.Object{To: []vocab.Ref{vocab.ObjectRef(&vocab.Object{ID: followers, Type: vocab.TypeOrderedCollection})}},
			followers, vocab.VisibilityFollowers},
		{"Public as an embedded object", &vocab.Object{Cc: []vocab.Ref{vocab.ObjectRef(&vocab.Object{ID: "as:Public"})}},
			followers, vocab.VisibilityUnlisted},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.o.Visibility(tc.followers))
		})
	}
}

func TestAddressRoundTrip(t *testing.T) {
	const followers = "https://a.example/users/alice/followers"
	const bob = "https://b.example/users/bob"
	for _, v := range []vocab.Visibility{vocab.VisibilityPublic, vocab.VisibilityUnlisted,
		vocab.VisibilityFollowers, vocab.VisibilityDirect} {
		t.Run(v.String(), func(t *testing.T) {
			var o vocab.Object
			o.Address(v, followers, bob, "")
			assert.Equal(t, v, o.Visibility(followers))
			assert.Contains(t, o.Recipients(), bob)
			assert.NotContains(t, o.Recipients(), vocab.PublicIRI)
		})
	}
	var o vocab.Object
	o.Address(vocab.VisibilityPublic, followers, bob)
	assert.Equal(t, []string{vocab.PublicIRI}, vocab.IDs(o.To))
	assert.Equal(t, []string{followers, bob}, vocab.IDs(o.Cc))
	o.Address(vocab.VisibilityDirect, followers, bob)
	assert.Equal(t, []string{bob}, vocab.IDs(o.To))
	assert.Empty(t, o.Cc)
}

func TestRecipientsDeduplicates(t *testing.T) {
	o := vocab.Object{
		To:  []vocab.Ref{vocab.IRIRef("https://b.example/u"), vocab.IRIRef(vocab.PublicIRI)},
		Cc:  []vocab.Ref{vocab.IRIRef("https://b.example/u"), vocab.ObjectRef(&vocab.Object{ID: "https://c.example/u"})},
		Bcc: []vocab.Ref{vocab.IRIRef("https://d.example/u")},
	}
	assert.Equal(t, []string{"https://b.example/u", "https://c.example/u", "https://d.example/u"}, o.Recipients())
}
