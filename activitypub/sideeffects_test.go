package activitypub

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/vocab"
	"github.com/starling-fed/starling/store"
)

func TestFollowAcceptedAtOnce(t *testing.T) {
	e := newEffects(t)
	follow := e.activity(e.bob, vocab.TypeFollow, vocab.IRIRef(e.alice))
	in := e.in(e.bob, follow, nil)
	require.NoError(t, e.f.DefaultSideEffect(e.ctx, in))
	assert.False(t, in.Pending)

	fl, err := e.st.GetFollow(e.ctx, e.bob.ID, e.alice)
	require.NoError(t, err)
	assert.Equal(t, store.FollowAccepted, fl.State)
	assert.Equal(t, follow.ID, fl.ActivityID)
	assert.Equal(t, e.bob.Inbox, fl.Inbox)
	assert.Equal(t, e.p.URL("/inbox"), fl.SharedInbox)
	kept, err := e.st.GetObject(e.ctx, follow.ID)
	require.NoError(t, err, "the Follow is kept to embed it later")
	assert.False(t, kept.Local)

	accept := e.received(e.p, vocab.TypeAccept)
	assert.Equal(t, []string{e.alice}, vocab.IDs(accept.Actor))
	assert.Equal(t, []string{e.bob.ID}, vocab.IDs(accept.To))
	assert.True(t, e.f.IsLocal(accept.ID))
	embedded := vocab.First(accept.Object).Object
	require.NotNil(t, embedded, "the Follow is embedded")
	assert.Equal(t, follow.ID, embedded.ID)
	assert.Equal(t, vocab.TypeFollow, embedded.Type)
	assert.Equal(t, []string{e.bob.ID}, vocab.IDs(embedded.Actor))
	assert.Equal(t, "/users/bob/inbox", e.p.Posts()[0].Path, "sent to the follower's own inbox")
	stored, err := e.st.GetObject(e.ctx, accept.ID)
	require.NoError(t, err, "the Accept can be dereferenced")
	assert.True(t, stored.Local)

	t.Run("a repeated Follow is accepted again", func(t *testing.T) {
		e.quiet()
		again := e.activity(e.bob, vocab.TypeFollow, vocab.IRIRef(e.alice))
		require.NoError(t, e.run(e.bob, again, nil))
		e.quiet()
		var accepts []string
		for _, o := range e.p.decoded(t) {
			if o.Type == vocab.TypeAccept {
				accepts = append(accepts, vocab.First(o.Object).ID())
			}
		}
		assert.Equal(t, []string{follow.ID, again.ID}, accepts)
		fl, err := e.st.GetFollow(e.ctx, e.bob.ID, e.alice)
		require.NoError(t, err)
		assert.Equal(t, again.ID, fl.ActivityID)
		_, err = e.st.GetObject(e.ctx, follow.ID)
		assert.ErrorIs(t, err, store.ErrNotFound, "the replaced Follow is forgotten")
	})
}

func TestFollowManualApproval(t *testing.T) {
	e := newEffects(t)
	follow := e.activity(e.bob, vocab.TypeFollow, vocab.IRIRef(e.carol))
	in := e.in(e.bob, follow, nil)
	require.NoError(t, e.f.DefaultSideEffect(e.ctx, in))
	assert.True(t, in.Pending)
	assert.Equal(t, store.FollowPending, e.followState(e.bob.ID, e.carol))
	assert.Zero(t, e.jobs(), "nothing is sent before the host decides")
	assert.Empty(t, e.p.Posts())

	t.Run("a repeated Follow stays pending", func(t *testing.T) {
		again := e.activity(e.bob, vocab.TypeFollow, vocab.IRIRef(e.carol))
		in := e.in(e.bob, again, nil)
		require.NoError(t, e.f.DefaultSideEffect(e.ctx, in))
		assert.True(t, in.Pending)
		assert.Zero(t, e.jobs())
		follow = again
	})

	t.Run("AcceptFollow", func(t *testing.T) {
		require.NoError(t, e.f.AcceptFollow(e.ctx, follow.ID))
		assert.Equal(t, store.FollowAccepted, e.followState(e.bob.ID, e.carol))
		accept := e.received(e.p, vocab.TypeAccept)
		assert.Equal(t, []string{e.carol}, vocab.IDs(accept.Actor))
		embedded := vocab.First(accept.Object).Object
		require.NotNil(t, embedded)
		assert.Equal(t, follow.ID, embedded.ID)
		assert.Equal(t, []string{e.carol}, vocab.IDs(embedded.Object))
	})

	t.Run("a Follow of an accepted follow is accepted at once", func(t *testing.T) {
		e.quiet()
		again := e.activity(e.bob, vocab.TypeFollow, vocab.IRIRef(e.carol))
		in := e.in(e.bob, again, nil)
		require.NoError(t, e.f.DefaultSideEffect(e.ctx, in))
		assert.False(t, in.Pending)
		assert.Equal(t, store.FollowAccepted, e.followState(e.bob.ID, e.carol))
		e.quiet()
		last := e.p.decoded(t)
		require.NotEmpty(t, last)
		assert.Equal(t, vocab.TypeAccept, last[len(last)-1].Type)
		assert.Equal(t, again.ID, vocab.First(last[len(last)-1].Object).ID())
		follow = again
	})

	t.Run("RejectFollow", func(t *testing.T) {
		e.quiet()
		require.NoError(t, e.f.RejectFollow(e.ctx, follow.ID))
		assert.Empty(t, e.followState(e.bob.ID, e.carol))
		reject := e.received(e.p, vocab.TypeReject)
		assert.Equal(t, []string{e.carol}, vocab.IDs(reject.Actor))
		assert.Equal(t, follow.ID, vocab.First(reject.Object).ID())
		require.NotNil(t, vocab.First(reject.Object).Object, "the Follow is embedded")
	})
}

func TestAcceptFollowErrors(t *testing.T) {
	e := newEffects(t)
	ours := e.follow(e.alice, e.bob.ID, store.FollowPending)
	before := e.snapshot()
	for _, tc := range []struct {
		name, id string
		want     error
	}{
		{"unknown", e.bob.ID + "/follows/none", ErrNotFound},
		{"a follow a local actor sent", ours.ActivityID, ErrInvalidActivity},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.ErrorIs(t, e.f.AcceptFollow(e.ctx, tc.id), tc.want)
			assert.ErrorIs(t, e.f.RejectFollow(e.ctx, tc.id), tc.want)
			assert.Equal(t, before, e.snapshot())
			assert.Zero(t, e.jobs())
		})
	}
}

func TestFollowRefused(t *testing.T) {
	e := newEffects(t)
	noInbox := *e.eve
	noInbox.Inbox = ""
	for _, tc := range []struct {
		name   string
		actor  *vocab.Object
		object string
	}{
		{"a remote actor", e.bob, e.eve.ID},
		{"an unknown local actor", e.bob, e.f.ActorIRI("nobody")},
		{"a local object that is no actor", e.bob, e.f.NewID()},
		{"the instance actor", e.bob, e.f.InstanceActorIRI()},
		{"a follower without inbox", &noInbox, e.alice},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := e.snapshot()
			err := e.run(tc.actor, e.activity(tc.actor, vocab.TypeFollow, vocab.IRIRef(tc.object)), nil)
			assert.ErrorIs(t, err, ErrInvalidActivity)
			assert.Equal(t, before, e.snapshot())
			assert.Zero(t, e.jobs())
		})
	}
}

func TestAcceptRejectOfOurFollow(t *testing.T) {
	for _, tc := range []struct {
		name  string
		typ   string
		state store.FollowState // before
		embed bool
		want  store.FollowState // after; "" = removed
	}{
		{"Accept by id", vocab.TypeAccept, store.FollowPending, false, store.FollowAccepted},
		{"Accept embedded", vocab.TypeAccept, store.FollowPending, true, store.FollowAccepted},
		{"Accept again", vocab.TypeAccept, store.FollowAccepted, false, store.FollowAccepted},
		{"Reject by id", vocab.TypeReject, store.FollowPending, false, ""},
		{"Reject embedded", vocab.TypeReject, store.FollowPending, true, ""},
		{"Reject of an accepted follow", vocab.TypeReject, store.FollowAccepted, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEffects(t)
			fl := e.follow(e.alice, e.bob.ID, tc.state)
			ref := vocab.IRIRef(fl.ActivityID)
			if tc.embed {
				ref = vocab.ObjectRef(&vocab.Object{ID: fl.ActivityID, Type: vocab.TypeFollow,
					Actor: []vocab.Ref{vocab.IRIRef(e.alice)}, Object: []vocab.Ref{vocab.IRIRef(e.bob.ID)}})
			}
			require.NoError(t, e.run(e.bob, e.activity(e.bob, tc.typ, ref), nil))
			assert.Equal(t, tc.want, e.followState(e.alice, e.bob.ID))
		})
	}

	for name, id := range map[string]string{"an embedded Follow with an id we did not mint": "/made-up", "an embedded Follow without id": ""} {
		t.Run(name, func(t *testing.T) {
			e := newEffects(t)
			e.follow(e.alice, e.bob.ID, store.FollowPending)
			follow := &vocab.Object{Type: vocab.TypeFollow,
				Actor: []vocab.Ref{vocab.IRIRef(e.alice)}, Object: []vocab.Ref{vocab.IRIRef(e.bob.ID)}}
			if id != "" {
				follow.ID = e.bob.ID + id
			}
			require.NoError(t, e.run(e.bob, e.activity(e.bob, vocab.TypeAccept, vocab.ObjectRef(follow)), nil))
			assert.Equal(t, store.FollowAccepted, e.followState(e.alice, e.bob.ID))
		})
	}
}

func TestAcceptRejectForbidden(t *testing.T) {
	e := newEffects(t)
	ours := e.follow(e.alice, e.bob.ID, store.FollowPending)
	theirs := e.follow(e.eve.ID, e.alice, store.FollowPending)
	for _, tc := range []struct {
		name  string
		actor *vocab.Object
		ref   vocab.Ref
		want  error
	}{
		{"Accept of our Follow of someone else", e.eve, vocab.IRIRef(ours.ActivityID), ErrForbidden},
		{"Accept of someone else's Follow of us", e.bob, vocab.IRIRef(theirs.ActivityID), ErrForbidden},
		{"Accept of their own Follow of us", e.eve, vocab.IRIRef(theirs.ActivityID), ErrForbidden},
		{"Accept with an embedded Follow of another pair", e.eve, vocab.ObjectRef(&vocab.Object{
			ID: e.eve.ID + "/x", Type: vocab.TypeFollow,
			Actor: []vocab.Ref{vocab.IRIRef(e.alice)}, Object: []vocab.Ref{vocab.IRIRef(e.bob.ID)}}), ErrForbidden},
		{"Accept of an unknown Follow", e.bob, vocab.IRIRef(e.f.NewID()), ErrNotFound},
	} {
		for _, typ := range []string{vocab.TypeAccept, vocab.TypeReject} {
			t.Run(typ+"/"+tc.name, func(t *testing.T) {
				before := e.snapshot()
				assert.ErrorIs(t, e.run(tc.actor, e.activity(tc.actor, typ, tc.ref), nil), tc.want)
				assert.Equal(t, before, e.snapshot())
			})
		}
	}
}

func TestUndoFollow(t *testing.T) {
	t.Run("by id and embedded", func(t *testing.T) {
		for _, embed := range []bool{false, true} {
			e := newEffects(t)
			follow := e.activity(e.bob, vocab.TypeFollow, vocab.IRIRef(e.alice))
			require.NoError(t, e.run(e.bob, follow, nil))
			ref := vocab.IRIRef(follow.ID)
			if embed {
				ref = vocab.ObjectRef(follow)
			}
			require.NoError(t, e.run(e.bob, e.activity(e.bob, vocab.TypeUndo, ref), nil))
			assert.Empty(t, e.followState(e.bob.ID, e.alice))
			_, err := e.st.GetObject(e.ctx, follow.ID)
			assert.ErrorIs(t, err, store.ErrNotFound)
		}
	})
	t.Run("an embedded Follow with another id", func(t *testing.T) {
		e := newEffects(t)
		require.NoError(t, e.run(e.bob, e.activity(e.bob, vocab.TypeFollow, vocab.IRIRef(e.alice)), nil))
		other := e.activity(e.bob, vocab.TypeFollow, vocab.IRIRef(e.alice))
		require.NoError(t, e.run(e.bob, e.activity(e.bob, vocab.TypeUndo, vocab.ObjectRef(other)), nil))
		assert.Empty(t, e.followState(e.bob.ID, e.alice))
	})
}

func TestUndoForbidden(t *testing.T) {
	e := newEffects(t)
	follow := e.activity(e.bob, vocab.TypeFollow, vocab.IRIRef(e.alice))
	require.NoError(t, e.run(e.bob, follow, nil))
	note := e.localNote(e.alice)
	like := e.activity(e.bob, vocab.TypeLike, vocab.IRIRef(note.ID))
	require.NoError(t, e.run(e.bob, like, nil))
	share := e.activity(e.bob, vocab.TypeAnnounce, vocab.IRIRef(note.ID))
	share.To = []vocab.Ref{vocab.IRIRef(vocab.PublicIRI)}
	require.NoError(t, e.run(e.bob, share, nil))
	ours := e.follow(e.alice, e.bob.ID, store.FollowAccepted)
	forged := *follow
	forged.Actor = []vocab.Ref{vocab.IRIRef(e.eve.ID)}
	forgedLike := *like
	forgedLike.Actor = []vocab.Ref{vocab.IRIRef(e.eve.ID)}
	for _, tc := range []struct {
		name string
		ref  vocab.Ref
		want error
	}{
		{"someone else's Follow by id", vocab.IRIRef(follow.ID), ErrForbidden},
		{"someone else's Follow embedded", vocab.ObjectRef(follow), ErrForbidden},
		{"someone else's Follow embedded as one's own", vocab.ObjectRef(&forged), ErrForbidden},
		{"someone else's Like by id", vocab.IRIRef(like.ID), ErrForbidden},
		{"someone else's Like embedded as one's own", vocab.ObjectRef(&forgedLike), ErrForbidden},
		{"someone else's Announce", vocab.IRIRef(share.ID), ErrForbidden},
		{"a local actor's Follow", vocab.IRIRef(ours.ActivityID), ErrForbidden},
		{"a Like of another host claimed as one's own", vocab.ObjectRef(&vocab.Object{
			ID: e.p2.URL("/likes/1"), Type: vocab.TypeLike,
			Actor: []vocab.Ref{vocab.IRIRef(e.eve.ID)}, Object: []vocab.Ref{vocab.IRIRef(note.ID)}}), ErrOriginMismatch},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := e.snapshot(note.ID, follow.ID, like.ID, share.ID)
			assert.ErrorIs(t, e.run(e.eve, e.activity(e.eve, vocab.TypeUndo, tc.ref), nil), tc.want)
			assert.Equal(t, before, e.snapshot(note.ID, follow.ID, like.ID, share.ID))
		})
	}
	assert.Equal(t, store.FollowAccepted, e.followState(e.bob.ID, e.alice))
	assert.Equal(t, []string{like.ID}, e.members(likesIRI(note.ID)))
}

func TestLikeAndUndo(t *testing.T) {
	e := newEffects(t)
	note := e.localNote(e.alice)
	like := e.activity(e.bob, vocab.TypeLike, vocab.IRIRef(note.ID))
	like.Content = "🍮" // a Misskey reaction
	like.MisskeyReaction = "🍮"
	require.NoError(t, e.run(e.bob, like, nil))
	assert.Equal(t, []string{like.ID}, e.members(likesIRI(note.ID)))
	kept, err := e.st.GetObject(e.ctx, like.ID)
	require.NoError(t, err)
	assert.Contains(t, string(kept.Document), "🍮", "the reaction is kept")

	t.Run("a duplicate is counted once", func(t *testing.T) {
		require.NoError(t, e.run(e.bob, like, nil))
		assert.Equal(t, []string{like.ID}, e.members(likesIRI(note.ID)))
	})
	t.Run("Likes of objects not ours are ignored", func(t *testing.T) {
		for _, object := range []string{e.note(e.eve, "x").ID, e.f.NewID(), e.alice} {
			l := e.activity(e.bob, vocab.TypeLike, vocab.IRIRef(object))
			before := e.snapshot(note.ID, object, l.ID)
			require.ErrorIs(t, e.run(e.bob, l, nil), ErrIgnored)
			assert.Equal(t, before, e.snapshot(note.ID, object, l.ID))
		}
	})
	t.Run("Undo by id", func(t *testing.T) {
		require.NoError(t, e.run(e.bob, e.activity(e.bob, vocab.TypeUndo, vocab.IRIRef(like.ID)), nil))
		assert.Empty(t, e.members(likesIRI(note.ID)))
		_, err := e.st.GetObject(e.ctx, like.ID)
		assert.ErrorIs(t, err, store.ErrNotFound)
	})
	t.Run("Undo embedded of a Like not kept", func(t *testing.T) {
		l2 := e.activity(e.bob, vocab.TypeLike, vocab.IRIRef(note.ID))
		require.NoError(t, e.run(e.bob, l2, nil))
		require.NoError(t, e.st.PurgeObject(e.ctx, l2.ID))
		require.NoError(t, e.run(e.bob, e.activity(e.bob, vocab.TypeUndo, vocab.ObjectRef(l2)), nil))
		assert.Empty(t, e.members(likesIRI(note.ID)))
	})
}

func TestCreate(t *testing.T) {
	e := newEffects(t)
	aliceNote := e.localNote(e.alice)
	e.follow(e.alice, e.bob.ID, store.FollowAccepted) // alice follows bob
	e.follow(e.carol, e.bob.ID, store.FollowPending)  // carol's follow is not accepted yet

	create := func(author, o *vocab.Object) *vocab.Object {
		c := e.activity(author, vocab.TypeCreate, vocab.ObjectRef(o))
		c.To, c.Cc = o.To, o.Cc
		return c
	}
	inbox := func(name string) []string { return e.members(e.f.InboxIRI(name)) }

	t.Run("public post of someone followed", func(t *testing.T) {
		n := e.note(e.bob, "hi")
		c := create(e.bob, n)
		require.NoError(t, e.run(e.bob, c, n))
		so, err := e.st.GetObject(e.ctx, n.ID)
		require.NoError(t, err)
		assert.False(t, so.Local)
		assert.Contains(t, inbox("alice"), c.ID)
		assert.NotContains(t, inbox("carol"), c.ID, "a pending follower gets nothing")
		_, err = e.st.GetObject(e.ctx, c.ID)
		assert.NoError(t, err, "the Create is kept for the inbox")
	})
	t.Run("followers-only post of someone followed", func(t *testing.T) {
		n := e.note(e.bob, "friends")
		n.To, n.Cc = []vocab.Ref{vocab.IRIRef(e.bob.Followers)}, nil
		c := create(e.bob, n)
		require.NoError(t, e.run(e.bob, c, n))
		assert.Contains(t, inbox("alice"), c.ID)
	})
	t.Run("direct post to someone else is not for followers", func(t *testing.T) {
		n := e.note(e.bob, "psst")
		n.To, n.Cc = []vocab.Ref{vocab.IRIRef(e.eve.ID)}, nil
		c := create(e.bob, n)
		before := e.snapshot(n.ID, c.ID)
		require.ErrorIs(t, e.run(e.bob, c, n), ErrIgnored)
		assert.Equal(t, before, e.snapshot(n.ID, c.ID))
	})
	t.Run("direct post to a local actor", func(t *testing.T) {
		n := e.note(e.eve, "hello carol")
		n.To, n.Cc = []vocab.Ref{vocab.IRIRef(e.carol)}, nil
		n.Tag = []vocab.Ref{vocab.ObjectRef(&vocab.Object{Type: vocab.TypeMention, Href: e.carol})}
		c := create(e.eve, n)
		require.NoError(t, e.run(e.eve, c, n))
		assert.Contains(t, inbox("carol"), c.ID)
		assert.NotContains(t, inbox("alice"), c.ID)
		_, err := e.st.GetObject(e.ctx, n.ID)
		assert.NoError(t, err)
	})
	t.Run("reply to a local post", func(t *testing.T) {
		n := e.note(e.eve, "nice post")
		n.InReplyTo = []vocab.Ref{vocab.IRIRef(aliceNote.ID)}
		c := create(e.eve, n)
		require.NoError(t, e.run(e.eve, c, n))
		assert.Equal(t, []string{n.ID}, e.members(repliesIRI(aliceNote.ID)))
		assert.Contains(t, inbox("alice"), c.ID, "the author of the post replied to is told")
	})
	t.Run("reply addressed to the followers of the author answered", func(t *testing.T) {
		e.follow(e.alice, e.dave.ID, store.FollowAccepted)
		parent := e.note(e.dave, "dave's post")
		require.NoError(t, e.run(e.dave, create(e.dave, parent), parent))
		n := e.note(e.eve, "to dave's followers")
		n.InReplyTo = []vocab.Ref{vocab.IRIRef(parent.ID)}
		n.To, n.Cc = []vocab.Ref{vocab.IRIRef(e.dave.ID)}, []vocab.Ref{vocab.IRIRef(e.dave.Followers)}
		c := create(e.eve, n)
		require.NoError(t, e.run(e.eve, c, n))
		assert.Contains(t, inbox("alice"), c.ID)
		assert.NotContains(t, inbox("carol"), c.ID)
	})
	t.Run("post addressed to the followers of an actor it mentions", func(t *testing.T) {
		n := e.note(e.eve, "@dave, to your followers")
		n.To, n.Cc = []vocab.Ref{vocab.IRIRef(e.dave.ID)}, []vocab.Ref{vocab.IRIRef(e.dave.Followers)}
		n.Tag = []vocab.Ref{vocab.ObjectRef(&vocab.Object{Type: vocab.TypeMention, Href: e.dave.ID})}
		c := create(e.eve, n)
		require.NoError(t, e.run(e.eve, c, n))
		assert.Contains(t, inbox("alice"), c.ID)
	})
	t.Run("post addressed to followers of an actor it does not concern", func(t *testing.T) {
		n := e.note(e.eve, "to someone's followers")
		n.To, n.Cc = []vocab.Ref{vocab.IRIRef(e.dave.Followers)}, nil
		c := create(e.eve, n)
		before := e.snapshot(n.ID, c.ID)
		require.ErrorIs(t, e.run(e.eve, c, n), ErrIgnored)
		assert.Equal(t, before, e.snapshot(n.ID, c.ID))
	})
	t.Run("unsolicited post is dropped", func(t *testing.T) {
		n := e.note(e.eve, "spam")
		n.InReplyTo = []vocab.Ref{vocab.IRIRef(e.f.NewID())} // a local IRI that is no post
		c := create(e.eve, n)
		before := e.snapshot(n.ID, c.ID)
		require.ErrorIs(t, e.run(e.eve, c, n), ErrIgnored)
		assert.Equal(t, before, e.snapshot(n.ID, c.ID))
	})
	t.Run("refused", func(t *testing.T) {
		elsewhere := e.note(e.dave, "not eve's")
		elsewhere.AttributedTo = []vocab.Ref{vocab.IRIRef(e.eve.ID)}
		elsewhere.To = []vocab.Ref{vocab.IRIRef(e.alice)}
		for _, tc := range []struct {
			name   string
			object *vocab.Object
			want   error
		}{
			{"attributed to someone else", func() *vocab.Object {
				n := e.note(e.eve, "by bob, says eve")
				n.AttributedTo = []vocab.Ref{vocab.IRIRef(e.bob.ID)}
				n.To = []vocab.Ref{vocab.IRIRef(e.alice)}
				return n
			}(), ErrForbidden},
			{"not attributed", func() *vocab.Object {
				n := e.note(e.eve, "anonymous")
				n.AttributedTo = nil
				n.To = []vocab.Ref{vocab.IRIRef(e.alice)}
				return n
			}(), ErrForbidden},
			{"on another host", elsewhere, ErrOriginMismatch},
			{"unavailable", nil, ErrInvalidActivity},
		} {
			t.Run(tc.name, func(t *testing.T) {
				ref := vocab.IRIRef(e.eve.ID + "/notes/gone")
				var iris []string
				if tc.object != nil {
					ref = vocab.IRIRef(tc.object.ID)
					iris = append(iris, tc.object.ID)
				}
				c := e.activity(e.eve, vocab.TypeCreate, ref)
				c.To = []vocab.Ref{vocab.IRIRef(e.alice)}
				before := e.snapshot(append(iris, c.ID)...)
				assert.ErrorIs(t, e.run(e.eve, c, tc.object), tc.want)
				assert.Equal(t, before, e.snapshot(append(iris, c.ID)...))
			})
		}
	})
}

func TestUpdate(t *testing.T) {
	e := newEffects(t)
	e.follow(e.alice, e.bob.ID, store.FollowAccepted)
	n := e.note(e.bob, "first")
	c := e.activity(e.bob, vocab.TypeCreate, vocab.ObjectRef(n))
	c.To = n.To
	require.NoError(t, e.run(e.bob, c, n))

	t.Run("an edit by the author", func(t *testing.T) {
		edit := *n
		edit.Content = "edited"
		require.NoError(t, e.run(e.bob, e.activity(e.bob, vocab.TypeUpdate, vocab.ObjectRef(&edit)), &edit))
		so, err := e.st.GetObject(e.ctx, n.ID)
		require.NoError(t, err)
		assert.Contains(t, string(so.Document), "edited")
	})
	t.Run("an edit of a post not kept is ignored", func(t *testing.T) {
		other := e.note(e.bob, "never seen")
		require.ErrorIs(t, e.run(e.bob, e.activity(e.bob, vocab.TypeUpdate, vocab.ObjectRef(other)), other), ErrIgnored)
		_, err := e.st.GetObject(e.ctx, other.ID)
		assert.ErrorIs(t, err, store.ErrNotFound)
	})
	t.Run("refused", func(t *testing.T) {
		local := e.localNote(e.alice)
		forgedLocal := *local
		forgedLocal.AttributedTo = []vocab.Ref{vocab.IRIRef(e.eve.ID)}
		stolen := *n
		stolen.AttributedTo = []vocab.Ref{vocab.IRIRef(e.eve.ID)}
		stolen.Content = "eve's now"
		claimed := *n
		claimed.Content = "eve edits bob's post"
		bobActor := *e.bob
		bobActor.Name = "Eve was here"
		for _, tc := range []struct {
			name   string
			object *vocab.Object
			want   error
		}{
			{"someone else's post", &claimed, ErrForbidden},
			{"someone else's post, claimed", &stolen, ErrForbidden},
			{"someone else's actor", &bobActor, ErrForbidden},
			{"a local post", &forgedLocal, ErrOriginMismatch},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := e.snapshot(n.ID, local.ID)
				err := e.run(e.eve, e.activity(e.eve, vocab.TypeUpdate, vocab.ObjectRef(tc.object)), tc.object)
				assert.ErrorIs(t, err, tc.want)
				assert.Equal(t, before, e.snapshot(n.ID, local.ID))
			})
		}
		t.Run("someone else's actor by IRI", func(t *testing.T) {
			before := e.snapshot(n.ID)
			err := e.run(e.eve, e.activity(e.eve, vocab.TypeUpdate, vocab.IRIRef(e.bob.ID)), nil)
			assert.ErrorIs(t, err, ErrForbidden)
			assert.Equal(t, before, e.snapshot(n.ID))
		})
	})
}

func TestDelete(t *testing.T) {
	e := newEffects(t)
	aliceNote := e.localNote(e.alice)
	reply := e.note(e.bob, "a reply")
	reply.InReplyTo = []vocab.Ref{vocab.IRIRef(aliceNote.ID)}
	c := e.activity(e.bob, vocab.TypeCreate, vocab.ObjectRef(reply))
	require.NoError(t, e.run(e.bob, c, reply))
	require.Equal(t, []string{reply.ID}, e.members(repliesIRI(aliceNote.ID)))

	t.Run("refused", func(t *testing.T) {
		for _, tc := range []struct {
			name   string
			object string
		}{
			{"someone else's post", reply.ID},
			{"a local post", aliceNote.ID},
			{"someone else's actor", e.bob.ID},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := e.snapshot(reply.ID, aliceNote.ID)
				err := e.run(e.eve, e.activity(e.eve, vocab.TypeDelete, vocab.IRIRef(tc.object)), nil)
				assert.ErrorIs(t, err, ErrForbidden)
				assert.Equal(t, before, e.snapshot(reply.ID, aliceNote.ID))
			})
		}
	})
	t.Run("an unknown post", func(t *testing.T) {
		before := e.snapshot(reply.ID)
		require.ErrorIs(t, e.run(e.eve, e.activity(e.eve, vocab.TypeDelete, vocab.IRIRef(e.eve.ID+"/notes/x")), nil), ErrIgnored)
		assert.Equal(t, before, e.snapshot(reply.ID))
	})
	t.Run("by the author, as a Tombstone", func(t *testing.T) {
		tomb := &vocab.Object{ID: reply.ID, Type: vocab.TypeTombstone}
		require.NoError(t, e.run(e.bob, e.activity(e.bob, vocab.TypeDelete, vocab.ObjectRef(tomb)), tomb))
		so, err := e.st.GetObject(e.ctx, reply.ID)
		assert.ErrorIs(t, err, store.ErrGone)
		assert.Equal(t, vocab.TypeNote, so.FormerType)
		assert.Empty(t, e.members(repliesIRI(aliceNote.ID)))
	})
	t.Run("a late Create of a deleted post is dropped", func(t *testing.T) {
		require.ErrorIs(t, e.run(e.bob, c, reply), ErrIgnored)
		_, err := e.st.GetObject(e.ctx, reply.ID)
		assert.ErrorIs(t, err, store.ErrGone)
		assert.Empty(t, e.members(repliesIRI(aliceNote.ID)))
	})
}

func TestDeleteActor(t *testing.T) {
	e := newEffects(t)
	e.follow(e.bob.ID, e.alice, store.FollowAccepted)
	e.follow(e.bob.ID, e.carol, store.FollowPending)
	e.follow(e.alice, e.bob.ID, store.FollowAccepted)
	e.follow(e.carol, e.bob.ID, store.FollowPending)
	e.follow(e.eve.ID, e.alice, store.FollowAccepted)
	e.follow(e.alice, e.eve.ID, store.FollowAccepted)
	require.NoError(t, e.run(e.bob, e.activity(e.bob, vocab.TypeDelete, vocab.IRIRef(e.bob.ID)), nil))
	for _, pair := range [][2]string{{e.bob.ID, e.alice}, {e.bob.ID, e.carol}, {e.alice, e.bob.ID}, {e.carol, e.bob.ID}} {
		assert.Empty(t, e.followState(pair[0], pair[1]), "%s -> %s", pair[0], pair[1])
	}
	assert.Equal(t, store.FollowAccepted, e.followState(e.eve.ID, e.alice), "others' follows stay")
	assert.Equal(t, store.FollowAccepted, e.followState(e.alice, e.eve.ID))
	_, err := e.st.GetRemoteActor(e.ctx, e.bob.ID)
	assert.ErrorIs(t, err, store.ErrNotFound)
	_, err = e.st.GetRemoteActor(e.ctx, e.eve.ID)
	assert.NoError(t, err)
}

func TestAnnounce(t *testing.T) {
	e := newEffects(t)
	aliceNote := e.localNote(e.alice)
	e.follow(e.alice, e.bob.ID, store.FollowAccepted)
	announce := func(actor *vocab.Object, object string) *vocab.Object {
		a := e.activity(actor, vocab.TypeAnnounce, vocab.IRIRef(object))
		a.To = []vocab.Ref{vocab.IRIRef(vocab.PublicIRI)}
		a.Cc = []vocab.Ref{vocab.IRIRef(actor.Followers)}
		return a
	}

	t.Run("of a local post", func(t *testing.T) {
		a := announce(e.eve, aliceNote.ID)
		require.NoError(t, e.run(e.eve, a, aliceNote))
		assert.Equal(t, []string{a.ID}, e.members(sharesIRI(aliceNote.ID)))
		require.NoError(t, e.run(e.eve, e.activity(e.eve, vocab.TypeUndo, vocab.IRIRef(a.ID)), nil))
		assert.Empty(t, e.members(sharesIRI(aliceNote.ID)))
	})
	t.Run("by someone followed", func(t *testing.T) {
		post := e.note(e.dave, "worth sharing")
		a := announce(e.bob, post.ID)
		require.NoError(t, e.run(e.bob, a, post))
		so, err := e.st.GetObject(e.ctx, post.ID)
		require.NoError(t, err)
		assert.Contains(t, string(so.Document), "worth sharing")
		assert.Contains(t, e.members(e.f.InboxIRI("alice")), a.ID)
		require.NoError(t, e.run(e.bob, e.activity(e.bob, vocab.TypeUndo, vocab.IRIRef(a.ID)), nil))
		assert.NotContains(t, e.members(e.f.InboxIRI("alice")), a.ID)
	})
	t.Run("by someone not followed", func(t *testing.T) {
		post := e.note(e.dave, "boosted by a stranger")
		a := announce(e.eve, post.ID)
		before := e.snapshot(post.ID, a.ID)
		require.ErrorIs(t, e.run(e.eve, a, post), ErrIgnored)
		assert.Equal(t, before, e.snapshot(post.ID, a.ID))
	})
	t.Run("of a post that is not public", func(t *testing.T) {
		post := e.note(e.dave, "followers only")
		post.To, post.Cc = []vocab.Ref{vocab.IRIRef(e.dave.Followers)}, nil
		a := announce(e.bob, post.ID)
		before := e.snapshot(post.ID, a.ID)
		assert.ErrorIs(t, e.run(e.bob, a, post), ErrForbidden)
		assert.Equal(t, before, e.snapshot(post.ID, a.ID))
	})
}

func TestBlock(t *testing.T) {
	e := newEffects(t)
	e.follow(e.bob.ID, e.alice, store.FollowAccepted)
	e.follow(e.alice, e.bob.ID, store.FollowAccepted)
	e.follow(e.bob.ID, e.carol, store.FollowAccepted)
	block := e.activity(e.bob, vocab.TypeBlock, vocab.IRIRef(e.alice))
	require.NoError(t, e.run(e.bob, block, nil))
	assert.Empty(t, e.followState(e.bob.ID, e.alice))
	assert.Empty(t, e.followState(e.alice, e.bob.ID))
	assert.Equal(t, store.FollowAccepted, e.followState(e.bob.ID, e.carol))
	assert.Equal(t, []string{e.bob.ID}, e.members(blockedByIRI(e.alice)))

	t.Run("Undo by someone else", func(t *testing.T) {
		before := e.snapshot(block.ID)
		assert.ErrorIs(t, e.run(e.eve, e.activity(e.eve, vocab.TypeUndo, vocab.IRIRef(block.ID)), nil), ErrForbidden)
		assert.Equal(t, before, e.snapshot(block.ID))
	})
	t.Run("Undo", func(t *testing.T) {
		require.NoError(t, e.run(e.bob, e.activity(e.bob, vocab.TypeUndo, vocab.IRIRef(block.ID)), nil))
		assert.Empty(t, e.members(blockedByIRI(e.alice)))
	})
	t.Run("a block of someone not ours", func(t *testing.T) {
		before := e.snapshot()
		require.ErrorIs(t, e.run(e.bob, e.activity(e.bob, vocab.TypeBlock, vocab.IRIRef(e.eve.ID)), nil), ErrIgnored)
		assert.Equal(t, before, e.snapshot())
	})
}

func TestFeatured(t *testing.T) {
	e := newEffects(t)
	pinned := e.note(e.bob, "pinned")
	add := func(typ string, target string, o *vocab.Object) *vocab.Object {
		a := e.activity(e.bob, typ, vocab.IRIRef(o.ID))
		a.Target = []vocab.Ref{vocab.IRIRef(target)}
		return a
	}
	require.NoError(t, e.run(e.bob, add(vocab.TypeAdd, e.bob.Featured, pinned), pinned))
	assert.Equal(t, []string{pinned.ID}, e.members(e.bob.Featured))
	_, err := e.st.GetObject(e.ctx, pinned.ID)
	assert.NoError(t, err)

	t.Run("ignored or refused", func(t *testing.T) {
		other := e.note(e.dave, "dave's")
		for _, tc := range []struct {
			name   string
			target string
			object *vocab.Object
			want   error
		}{
			{"another collection", e.bob.ID + "/collections/x", pinned, ErrIgnored},
			{"someone else's featured", e.eve.Featured, pinned, ErrIgnored},
			{"a local collection", e.f.FeaturedIRI("alice"), pinned, ErrIgnored},
			{"a post on another host", e.bob.Featured, other, ErrOriginMismatch},
		} {
			t.Run(tc.name, func(t *testing.T) {
				iris := []string{e.bob.Featured, e.eve.Featured, tc.target, other.ID}
				before := e.snapshot(iris...)
				assert.ErrorIs(t, e.run(e.bob, add(vocab.TypeAdd, tc.target, tc.object), tc.object), tc.want)
				assert.Equal(t, before, e.snapshot(iris...))
			})
		}
	})
	t.Run("Remove", func(t *testing.T) {
		require.NoError(t, e.run(e.bob, add(vocab.TypeRemove, e.bob.Featured, pinned), pinned))
		assert.Empty(t, e.members(e.bob.Featured))
	})
}

func TestMoveRefusedWithoutFetch(t *testing.T) {
	e := newEffects(t)
	e.follow(e.alice, e.bob.ID, store.FollowAccepted)
	for _, tc := range []struct {
		name   string
		object string
		target string
		want   error
	}{
		{"someone else's account", e.bob.ID, e.eve.ID, ErrForbidden},
		{"no target", e.eve.ID, "", ErrInvalidActivity},
		{"to itself", e.eve.ID, e.eve.ID, ErrInvalidActivity},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := e.activity(e.eve, vocab.TypeMove, vocab.IRIRef(tc.object))
			if tc.target != "" {
				m.Target = []vocab.Ref{vocab.IRIRef(tc.target)}
			}
			before := e.snapshot()
			assert.ErrorIs(t, e.run(e.eve, m, nil), tc.want)
			assert.Equal(t, before, e.snapshot())
			assert.Zero(t, e.jobs())
		})
	}
}

func TestNoDefaultSideEffect(t *testing.T) {
	e := newEffects(t)
	note := e.localNote(e.alice)
	for _, typ := range []string{vocab.TypeFlag, "EmojiReact", vocab.TypeView, "Bite"} {
		t.Run(typ, func(t *testing.T) {
			before := e.snapshot(note.ID)
			require.NoError(t, e.run(e.bob, e.activity(e.bob, typ, vocab.IRIRef(note.ID)), nil))
			assert.Equal(t, before, e.snapshot(note.ID))
			assert.Zero(t, e.jobs())
		})
	}
}

func TestDefaultSideEffectRejectsIncompleteInput(t *testing.T) {
	e := newEffects(t)
	for name, in := range map[string]*Inbound{
		"nil":             nil,
		"no activity":     {Actor: e.bob},
		"no actor":        {Activity: &vocab.Object{ID: e.bob.ID + "/a", Type: vocab.TypeFollow}},
		"no activity id":  {Activity: &vocab.Object{Type: vocab.TypeFollow}, Actor: e.bob},
		"Undo of nothing": {Activity: &vocab.Object{ID: e.bob.ID + "/u", Type: vocab.TypeUndo}, Actor: e.bob},
	} {
		t.Run(name, func(t *testing.T) {
			assert.ErrorIs(t, e.f.DefaultSideEffect(e.ctx, in), ErrInvalidActivity)
		})
	}
}

func TestUpdateActorRefreshesCache(t *testing.T) {
	e := newEffects(t)
	renamed := *e.bob
	renamed.Name = "Bob Renamed"
	e.p.serve(t, &renamed)
	require.NoError(t, e.run(e.bob, e.activity(e.bob, vocab.TypeUpdate, vocab.ObjectRef(&renamed)), &renamed))
	ra, err := e.st.GetRemoteActor(e.ctx, e.bob.ID)
	require.NoError(t, err)
	assert.Contains(t, string(ra.Document), "Bob Renamed", "fetched afresh from its origin")
}

func TestMoveFollowers(t *testing.T) {
	e := newEffects(t)
	aliceFollow := e.follow(e.alice, e.bob.ID, store.FollowAccepted)
	carolFollow := e.follow(e.carol, e.bob.ID, store.FollowPending)
	e.follow(e.bob.ID, e.alice, store.FollowAccepted) // bob's own follows are not moved
	moved := e.remoteActor(e.p2, "bob", func(a *vocab.Object) { a.AlsoKnownAs = []string{e.bob.ID} })
	m := e.activity(e.bob, vocab.TypeMove, vocab.IRIRef(e.bob.ID))
	m.Target = []vocab.Ref{vocab.IRIRef(moved.ID)}
	require.NoError(t, e.run(e.bob, m, nil))

	for _, local := range []string{e.alice, e.carol} {
		assert.Equal(t, store.FollowPending, e.followState(local, moved.ID), "%s follows the new account", local)
		assert.Empty(t, e.followState(local, e.bob.ID), "%s no longer follows the old one", local)
	}
	assert.Equal(t, store.FollowAccepted, e.followState(e.bob.ID, e.alice))
	e.quiet()
	var follows []string
	for _, o := range e.p2.decoded(t) {
		if o.Type == vocab.TypeFollow {
			follows = append(follows, vocab.First(o.Actor).ID())
			assert.Equal(t, moved.ID, vocab.First(o.Object).ID())
		}
	}
	assert.ElementsMatch(t, []string{e.alice, e.carol}, follows)
	var undone []string
	for _, o := range e.p.decoded(t) {
		if o.Type == vocab.TypeUndo {
			embedded := vocab.First(o.Object).Object
			require.NotNil(t, embedded, "the Follow is embedded")
			undone = append(undone, embedded.ID)
		}
	}
	assert.ElementsMatch(t, []string{aliceFollow.ActivityID, carolFollow.ActivityID}, undone)
}

func TestMoveRefusedAfterFetch(t *testing.T) {
	e := newEffects(t)
	e.follow(e.alice, e.bob.ID, store.FollowAccepted)
	// The cache claims the alias; the document at its origin does not.
	claimed := e.remoteActor(e.p2, "claimed", func(a *vocab.Object) { a.AlsoKnownAs = []string{e.bob.ID} })
	unclaimed := *claimed
	unclaimed.AlsoKnownAs = nil
	e.p2.serve(t, &unclaimed)
	for _, tc := range []struct {
		name   string
		target string
		want   error
	}{
		{"a new account not naming the old one", claimed.ID, ErrForbidden},
		{"a new account that cannot be fetched", e.p2.URL("/users/nobody"), ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := e.activity(e.bob, vocab.TypeMove, vocab.IRIRef(e.bob.ID))
			m.Target = []vocab.Ref{vocab.IRIRef(tc.target)}
			before := e.snapshot()
			err := e.run(e.bob, m, nil)
			assert.ErrorIs(t, err, tc.want)
			assert.Equal(t, before, e.snapshot())
			assert.Zero(t, e.jobs())
		})
	}
}

// TestManualApprovalBetweenServers runs a follow of an actor who approves
// followers by hand between two servers: pending until the host accepts,
// removed on both sides when it rejects.
func TestManualApprovalBetweenServers(t *testing.T) {
	ctx := context.Background()
	a := newNode(t, nodeOptions{Users: []Actor{{Username: "alice"}}})
	b := newNode(t, nodeOptions{SQLite: true, Users: []Actor{{Username: "bob", ManuallyApprovesFollowers: true}}})
	alice, bob := a.F.ActorIRI("alice"), b.F.ActorIRI("bob")

	follow, err := a.F.Follow(ctx, "alice", bob)
	require.NoError(t, err)
	ev := b.waitEvent(func(e event) bool { return e.Hook == "Follow" && e.ID == follow.ID })
	assert.True(t, ev.Pending, "the hook learns the follow waits")
	idle(t, a, b)
	assert.False(t, a.hasEvent(is("Accept", bob)), "nothing is accepted before the host decides")
	for _, n := range []*node{a, b} {
		fl, err := n.Store.GetFollow(ctx, alice, bob)
		require.NoError(t, err)
		assert.Equal(t, store.FollowPending, fl.State)
	}

	require.NoError(t, b.F.AcceptFollow(ctx, follow.ID))
	a.waitEvent(is("Accept", bob))
	for _, n := range []*node{a, b} {
		fl, err := n.Store.GetFollow(ctx, alice, bob)
		require.NoError(t, err)
		assert.Equal(t, store.FollowAccepted, fl.State)
	}

	require.NoError(t, b.F.RejectFollow(ctx, follow.ID))
	a.waitEvent(is("Reject", bob))
	for _, n := range []*node{a, b} {
		_, err := n.Store.GetFollow(ctx, alice, bob)
		assert.ErrorIs(t, err, store.ErrNotFound)
	}
}

// TestBlockAndMoveBetweenServers runs a Block and a Move across three
// servers: the blocked side drops its follows both ways; the followers of a
// moved account follow its new one, which names the old in alsoKnownAs.
func TestBlockAndMoveBetweenServers(t *testing.T) {
	ctx := context.Background()
	a := newNode(t, nodeOptions{Users: []Actor{{Username: "alice"}, {Username: "amy"}}})
	b := newNode(t, nodeOptions{Users: []Actor{{Username: "bob"}}})
	bob := b.F.ActorIRI("bob")
	c := newNode(t, nodeOptions{SQLite: true, Users: []Actor{{Username: "newbob", AlsoKnownAs: []string{bob}}}})
	alice, amy, newbob := a.F.ActorIRI("alice"), a.F.ActorIRI("amy"), c.F.ActorIRI("newbob")

	for _, name := range []string{"alice", "amy"} {
		_, err := a.F.Follow(ctx, name, bob)
		require.NoError(t, err)
	}
	_, err := b.F.Follow(ctx, "bob", alice)
	require.NoError(t, err)
	idle(t, a, b)
	n, err := b.Store.CountFollowers(ctx, bob, store.FollowAccepted)
	require.NoError(t, err)
	require.Equal(t, 2, n)

	t.Run("Block", func(t *testing.T) {
		block, err := b.F.Block(ctx, "bob", alice)
		require.NoError(t, err)
		a.waitEvent(func(e event) bool { return e.Hook == "Block" && e.ID == block.ID })
		for _, pair := range [][2]string{{alice, bob}, {bob, alice}} {
			_, err := a.Store.GetFollow(ctx, pair[0], pair[1])
			assert.ErrorIs(t, err, store.ErrNotFound, "%s -> %s", pair[0], pair[1])
		}
		fl, err := a.Store.GetFollow(ctx, amy, bob)
		require.NoError(t, err, "amy was not blocked")
		assert.Equal(t, store.FollowAccepted, fl.State)
	})

	t.Run("Move", func(t *testing.T) {
		move, err := b.F.Move(ctx, "bob", newbob)
		require.NoError(t, err)
		a.waitEvent(func(e event) bool { return e.Hook == "Move" && e.ID == move.ID })
		c.waitEvent(func(e event) bool { return e.Hook == "Follow" && e.Actor == amy })
		idle(t, a, b, c)
		fl, err := a.Store.GetFollow(ctx, amy, newbob)
		require.NoError(t, err)
		assert.Equal(t, store.FollowAccepted, fl.State, "the new account accepted")
		_, err = a.Store.GetFollow(ctx, amy, bob)
		assert.ErrorIs(t, err, store.ErrNotFound)
		_, err = b.Store.GetFollow(ctx, amy, bob)
		assert.ErrorIs(t, err, store.ErrNotFound, "the old account was told")
		_, err = a.Store.GetFollow(ctx, alice, newbob)
		assert.ErrorIs(t, err, store.ErrNotFound, "alice followed nobody any more")
	})
}

func TestBlockedActorsReachNobody(t *testing.T) {
	for _, entry := range []string{"actor", "domain"} {
		t.Run(entry, func(t *testing.T) {
			e := newEffects(t)
			note := e.localNote(e.alice)
			blocked := e.eve.ID
			if entry == "domain" {
				h, err := store.HostOf(e.eve.ID)
				require.NoError(t, err)
				blocked = "https://" + h
			}
			_, err := e.st.AddToCollection(e.ctx, blockedIRI(e.alice), blocked)
			require.NoError(t, err)
			iris := []string{note.ID, blockedIRI(e.alice)}

			t.Run("Follow", func(t *testing.T) {
				before := e.snapshot(iris...)
				err := e.run(e.eve, e.activity(e.eve, vocab.TypeFollow, vocab.IRIRef(e.alice)), nil)
				assert.ErrorIs(t, err, ErrBlocked)
				assert.Equal(t, before, e.snapshot(iris...))
				assert.Zero(t, e.jobs())
			})
			t.Run("Like", func(t *testing.T) {
				like := e.activity(e.eve, vocab.TypeLike, vocab.IRIRef(note.ID))
				before := e.snapshot(append(iris, like.ID)...)
				assert.ErrorIs(t, e.run(e.eve, like, nil), ErrBlocked)
				assert.Equal(t, before, e.snapshot(append(iris, like.ID)...))
			})
			t.Run("Create addressed to the blocker", func(t *testing.T) {
				n := e.note(e.eve, "hello alice")
				n.To, n.Cc = []vocab.Ref{vocab.IRIRef(e.alice)}, nil
				c := e.activity(e.eve, vocab.TypeCreate, vocab.ObjectRef(n))
				c.To = n.To
				before := e.snapshot(append(iris, n.ID, c.ID)...)
				require.ErrorIs(t, e.run(e.eve, c, n), ErrIgnored)
				assert.Equal(t, before, e.snapshot(append(iris, n.ID, c.ID)...))
			})
			t.Run("Create addressed to the blocker and someone else", func(t *testing.T) {
				n := e.note(e.eve, "hello both")
				n.To, n.Cc = []vocab.Ref{vocab.IRIRef(e.alice), vocab.IRIRef(e.carol)}, nil
				c := e.activity(e.eve, vocab.TypeCreate, vocab.ObjectRef(n))
				c.To = n.To
				require.NoError(t, e.run(e.eve, c, n))
				assert.Contains(t, e.members(e.f.InboxIRI("carol")), c.ID)
				assert.NotContains(t, e.members(e.f.InboxIRI("alice")), c.ID)
			})
		})
	}
}
