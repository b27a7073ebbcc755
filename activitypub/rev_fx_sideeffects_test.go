package activitypub

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/vocab"
	"github.com/starling-fed/starling/store"
)

// An Announce that keeps nothing here (its actor has no local follower and
// the post is not ours) must not reach the host's hook: the hook says "one
// of our objects, or something we follow, was shared".
func TestRevFxAnnounceByStrangerIgnored(t *testing.T) {
	e := newEffects(t)
	post := e.note(e.dave, "boosted by a stranger")
	a := e.activity(e.eve, vocab.TypeAnnounce, vocab.IRIRef(post.ID))
	a.To = []vocab.Ref{vocab.IRIRef(vocab.PublicIRI)}
	a.Cc = []vocab.Ref{vocab.IRIRef(e.eve.Followers)}
	before := e.snapshot(post.ID, a.ID)
	require.ErrorIs(t, e.run(e.eve, a, post), ErrIgnored)
	assert.Equal(t, before, e.snapshot(post.ID, a.ID))
}

// A remote actor may not share a local post that is not public: it is not
// counted among the post's shares (Mastodon refuses such a reblog).
func TestRevFxAnnounceOfPrivateLocalPostRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		to   func(e *effects) []vocab.Ref
	}{
		{"followers only", func(e *effects) []vocab.Ref { return []vocab.Ref{vocab.IRIRef(e.f.FollowersIRI("alice"))} }},
		{"direct", func(e *effects) []vocab.Ref { return []vocab.Ref{vocab.IRIRef(e.bob.ID)} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEffects(t)
			e.follow(e.bob.ID, e.alice, store.FollowAccepted)
			note := e.localNote(e.alice)
			note.To, note.Cc = tc.to(e), nil
			doc, err := vocab.Marshal(note)
			require.NoError(t, err)
			require.NoError(t, e.st.PutObject(e.ctx, store.Object{IRI: note.ID, Type: note.Type, Document: doc, Local: true}))
			a := e.activity(e.bob, vocab.TypeAnnounce, vocab.IRIRef(note.ID))
			a.To = []vocab.Ref{vocab.IRIRef(vocab.PublicIRI)}
			before := e.snapshot(note.ID, a.ID)
			require.ErrorIs(t, e.run(e.bob, a, note), ErrForbidden)
			assert.Equal(t, before, e.snapshot(note.ID, a.ID))
		})
	}
}

// An Undo of something never kept here changes nothing, so it is ignored
// rather than handed to the host's Undo hook (whose Like or Announce hook
// never saw the activity).
func TestRevFxUndoOfNothingKeptIgnored(t *testing.T) {
	e := newEffects(t)
	note := e.localNote(e.alice)
	stranger := e.note(e.dave, "not ours")
	for _, tc := range []struct {
		name   string
		undone *vocab.Object
	}{
		{"a Follow never made", e.activity(e.bob, vocab.TypeFollow, vocab.IRIRef(e.alice))},
		{"a Like of a post not ours", e.activity(e.bob, vocab.TypeLike, vocab.IRIRef(stranger.ID))},
		{"an Announce by an actor nobody here follows", e.activity(e.bob, vocab.TypeAnnounce, vocab.IRIRef(stranger.ID))},
		{"a Like of our post never received", e.activity(e.bob, vocab.TypeLike, vocab.IRIRef(note.ID))},
		{"a Block of someone not ours", e.activity(e.bob, vocab.TypeBlock, vocab.IRIRef(e.eve.ID))},
		{"a Block of ours never received", e.activity(e.bob, vocab.TypeBlock, vocab.IRIRef(e.alice))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := e.snapshot(note.ID, stranger.ID, tc.undone.ID)
			err := e.run(e.bob, e.activity(e.bob, vocab.TypeUndo, vocab.ObjectRef(tc.undone)), nil)
			require.ErrorIs(t, err, ErrIgnored)
			assert.Equal(t, before, e.snapshot(note.ID, stranger.ID, tc.undone.ID))
		})
	}
}

// Each actor likes a post once, as Mastodon, GoToSocial and Misskey count
// it: a second Like (a Misskey reaction sent again, say) with a new id
// replaces the first rather than adding to the count, and its Undo leaves
// none.
func TestRevFxLikeCountedOncePerActor(t *testing.T) {
	e := newEffects(t)
	note := e.localNote(e.alice)
	first := e.activity(e.bob, vocab.TypeLike, vocab.IRIRef(note.ID))
	require.NoError(t, e.run(e.bob, first, nil))
	second := e.activity(e.bob, vocab.TypeLike, vocab.IRIRef(note.ID))
	second.Content, second.MisskeyReaction = "🍮", "🍮"
	require.NoError(t, e.run(e.bob, second, nil))
	assert.Equal(t, []string{second.ID}, e.members(likesIRI(note.ID)))
	_, err := e.st.GetObject(e.ctx, first.ID)
	assert.ErrorIs(t, err, store.ErrNotFound, "the replaced Like is no longer kept")

	eve := e.activity(e.eve, vocab.TypeLike, vocab.IRIRef(note.ID))
	require.NoError(t, e.run(e.eve, eve, nil))
	assert.ElementsMatch(t, []string{second.ID, eve.ID}, e.members(likesIRI(note.ID)))

	require.NoError(t, e.run(e.bob, e.activity(e.bob, vocab.TypeUndo, vocab.IRIRef(second.ID)), nil))
	assert.Equal(t, []string{eve.ID}, e.members(likesIRI(note.ID)))
	again := e.activity(e.bob, vocab.TypeLike, vocab.IRIRef(note.ID))
	require.NoError(t, e.run(e.bob, again, nil))
	assert.ElementsMatch(t, []string{again.ID, eve.ID}, e.members(likesIRI(note.ID)))
}

// A reply to a local post that the post's author may not see (a direct
// message between two others, say) is not the author's to know of: it is
// neither filed among the post's replies nor handed to the host, which
// could show it under the post.
func TestRevFxPrivateReplyNotFiledUnderLocalPost(t *testing.T) {
	e := newEffects(t)
	aliceNote := e.localNote(e.alice)
	n := e.note(e.bob, "between eve and me")
	n.InReplyTo = []vocab.Ref{vocab.IRIRef(aliceNote.ID)}
	n.To, n.Cc = []vocab.Ref{vocab.IRIRef(e.eve.ID)}, nil
	c := e.activity(e.bob, vocab.TypeCreate, vocab.ObjectRef(n))
	c.To = n.To
	before := e.snapshot(aliceNote.ID, n.ID, c.ID)
	require.ErrorIs(t, e.run(e.bob, c, n), ErrIgnored)
	assert.Equal(t, before, e.snapshot(aliceNote.ID, n.ID, c.ID))

	t.Run("one addressed to the author is filed", func(t *testing.T) {
		n := e.note(e.bob, "to alice")
		n.InReplyTo = []vocab.Ref{vocab.IRIRef(aliceNote.ID)}
		n.To, n.Cc = []vocab.Ref{vocab.IRIRef(e.alice)}, nil
		c := e.activity(e.bob, vocab.TypeCreate, vocab.ObjectRef(n))
		c.To = n.To
		require.NoError(t, e.run(e.bob, c, n))
		assert.Equal(t, []string{n.ID}, e.members(repliesIRI(aliceNote.ID)))
	})
}

// Add and Remove of anything but the actor's own featured collection keep
// nothing, so they do not reach the host's Add hook ("an object was
// pinned").
func TestRevFxFeaturedElsewhereIgnored(t *testing.T) {
	e := newEffects(t)
	pinned := e.note(e.bob, "pinned")
	for _, target := range []string{e.bob.ID + "/collections/x", e.eve.Featured, e.f.FeaturedIRI("alice")} {
		for _, typ := range []string{vocab.TypeAdd, vocab.TypeRemove} {
			t.Run(typ+" "+target, func(t *testing.T) {
				a := e.activity(e.bob, typ, vocab.IRIRef(pinned.ID))
				a.Target = []vocab.Ref{vocab.IRIRef(target)}
				before := e.snapshot(target, pinned.ID)
				require.ErrorIs(t, e.run(e.bob, a, pinned), ErrIgnored)
				assert.Equal(t, before, e.snapshot(target, pinned.ID))
			})
		}
	}
}

// A post delivered to a local actor's own inbox is for that actor even
// when its addressing does not say so: the sender removed the bto or bcc
// that named it.
func TestRevFxBlindPostAtPersonalInbox(t *testing.T) {
	e := newEffects(t)
	n := e.note(e.eve, "for carol's eyes")
	n.To, n.Cc = []vocab.Ref{vocab.IRIRef(e.bob.ID)}, nil
	c := e.activity(e.eve, vocab.TypeCreate, vocab.ObjectRef(n))
	c.To = n.To
	in := e.in(e.eve, c, n)
	in.Recipient = e.carol
	require.NoError(t, e.f.DefaultSideEffect(e.ctx, in))
	assert.Contains(t, e.members(e.f.InboxIRI("carol")), c.ID)
	assert.NotContains(t, e.members(e.f.InboxIRI("alice")), c.ID)

	t.Run("not at the shared inbox", func(t *testing.T) {
		n := e.note(e.eve, "for nobody here")
		n.To, n.Cc = []vocab.Ref{vocab.IRIRef(e.bob.ID)}, nil
		c := e.activity(e.eve, vocab.TypeCreate, vocab.ObjectRef(n))
		c.To = n.To
		require.ErrorIs(t, e.run(e.eve, c, n), ErrIgnored)
	})
}
