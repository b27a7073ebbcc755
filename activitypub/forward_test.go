package activitypub

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/vocab"
	"github.com/starling-fed/starling/store"
)

// forwardFixture: alice has a post and two followers, bob on the first
// peer and dave on the second; eve, on the first peer too, answers.
type forwardFixture struct {
	*effects
	post *vocab.Object // alice's
}

func newForwardFixture(t *testing.T) *forwardFixture {
	e := newEffects(t)
	e.follow(e.bob.ID, e.alice, store.FollowAccepted)
	e.follow(e.dave.ID, e.alice, store.FollowAccepted)
	e.follow(e.eve.ID, e.carol, store.FollowAccepted)
	e.follow(e.carol, e.alice, store.FollowAccepted) // a local follower
	return &forwardFixture{effects: e, post: e.localNote(e.alice)}
}

// reply builds eve's reply to parent, addressed to public and to.
func (x *forwardFixture) reply(parent string, to ...string) (*vocab.Object, *vocab.Object) {
	n := x.note(x.eve, "a reply")
	n.InReplyTo = []vocab.Ref{vocab.IRIRef(parent)}
	n.To = []vocab.Ref{vocab.IRIRef(vocab.PublicIRI)}
	n.Cc = nil
	for _, iri := range to {
		n.Cc = append(n.Cc, vocab.IRIRef(iri))
	}
	c := x.activity(x.eve, vocab.TypeCreate, vocab.ObjectRef(n))
	c.To, c.Cc = n.To, n.Cc
	return n, c
}

// raw encodes act with an unknown property and odd spacing, which a
// forward must keep byte for byte.
func (x *forwardFixture) raw(act *vocab.Object) []byte {
	x.t.Helper()
	b, err := vocab.Marshal(act)
	require.NoError(x.t, err)
	return append([]byte(`{ "x-unknown" : [1, 2],  `), b[1:]...)
}

func TestForwardReplyToFollowers(t *testing.T) {
	x := newForwardFixture(t)
	n, c := x.reply(x.post.ID, x.f.FollowersIRI("alice"))
	raw := x.raw(c)
	require.NoError(t, x.f.DefaultSideEffect(x.ctx, x.inRaw(x.eve, raw, n)))
	x.quiet()

	got := x.p2.Posts()
	require.Len(t, got, 1, "dave's server gets the reply")
	assert.Equal(t, "/inbox", got[0].Path, "through its shared inbox")
	assert.True(t, bytes.Equal(raw, got[0].Body), "forwarded byte for byte")
	sig := got[0].Header.Get("Signature") + got[0].Header.Get("Signature-Input")
	assert.Contains(t, sig, x.f.KeyID("alice"), "signed by the owner of the followers collection")
	assert.Empty(t, x.p.Posts(), "the author's server is left out")
	assert.Contains(t, x.members(x.f.InboxIRI("carol")), c.ID, "a local follower of alice gets it here")

	t.Run("a Delete of the reply is forwarded too", func(t *testing.T) {
		d := x.activity(x.eve, vocab.TypeDelete, vocab.IRIRef(n.ID))
		d.To = []vocab.Ref{vocab.IRIRef(vocab.PublicIRI)}
		d.Cc = []vocab.Ref{vocab.IRIRef(x.f.FollowersIRI("alice"))}
		raw := x.raw(d)
		require.NoError(t, x.f.DefaultSideEffect(x.ctx, x.inRaw(x.eve, raw, nil)))
		x.quiet()
		got := x.p2.Posts()
		require.Len(t, got, 2)
		assert.True(t, bytes.Equal(raw, got[1].Body))
		_, err := x.st.GetObject(x.ctx, n.ID)
		assert.ErrorIs(t, err, store.ErrGone)
	})
}

func TestForwardThroughCachedReplies(t *testing.T) {
	x := newForwardFixture(t)
	// dave answers alice (cached here), then eve answers dave, addressing
	// alice's followers.
	first := x.note(x.dave, "first answer")
	first.InReplyTo = []vocab.Ref{vocab.IRIRef(x.post.ID)}
	fc := x.activity(x.dave, vocab.TypeCreate, vocab.ObjectRef(first))
	require.NoError(t, x.run(x.dave, fc, first))
	n, c := x.reply(first.ID, x.f.FollowersIRI("alice"))
	require.NoError(t, x.f.DefaultSideEffect(x.ctx, x.inRaw(x.eve, x.raw(c), n)))
	x.quiet()
	var ids []string
	for _, o := range x.p2.decoded(t) {
		ids = append(ids, o.ID)
	}
	assert.Contains(t, ids, c.ID)
}

func TestForwardNotWhenItShouldNot(t *testing.T) {
	x := newForwardFixture(t)
	carolPost := x.localNote(x.carol)
	for _, tc := range []struct {
		name   string
		parent string
		to     []string
	}{
		{"not addressed to local followers", x.post.ID, nil},
		{"addressed to followers of someone else than the author replied to", carolPost.ID, []string{x.f.FollowersIRI("alice")}},
		{"replying to no local post", x.eve.ID + "/notes/other", []string{x.f.FollowersIRI("alice")}},
		{"replying to a local actor, not a post", x.alice, []string{x.f.FollowersIRI("alice")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, c := x.reply(tc.parent, tc.to...)
			if tc.name == "replying to no local post" {
				n.To = append(n.To, vocab.IRIRef(x.alice)) // addressed, so kept
			}
			if err := x.f.DefaultSideEffect(x.ctx, x.inRaw(x.eve, x.raw(c), n)); err != nil {
				require.ErrorIs(t, err, ErrIgnored) // not kept at all
			}
			assert.Zero(t, x.jobs(), "nothing is forwarded")
		})
	}
	t.Run("a mention of a local actor is no local object", func(t *testing.T) {
		n, c := x.reply(x.eve.ID+"/notes/other", x.f.FollowersIRI("alice"))
		n.Tag = []vocab.Ref{vocab.ObjectRef(&vocab.Object{Type: vocab.TypeMention, Href: x.alice})}
		n.To = append(n.To, vocab.IRIRef(x.alice))
		require.NoError(t, x.f.DefaultSideEffect(x.ctx, x.inRaw(x.eve, x.raw(c), n)))
		assert.Zero(t, x.jobs())
	})
	t.Run("a local actor's activity", func(t *testing.T) {
		n := &vocab.Object{ID: x.f.NewID(), Type: vocab.TypeNote, AttributedTo: []vocab.Ref{vocab.IRIRef(x.carol)},
			InReplyTo: []vocab.Ref{vocab.IRIRef(x.post.ID)},
			To:        []vocab.Ref{vocab.IRIRef(x.f.FollowersIRI("alice"))}}
		c := &vocab.Object{ID: x.f.NewID(), Type: vocab.TypeCreate, Actor: []vocab.Ref{vocab.IRIRef(x.carol)},
			Object: []vocab.Ref{vocab.ObjectRef(n)}, To: n.To}
		carol, err := x.f.ActorDocument(x.ctx, "carol")
		require.NoError(t, err)
		require.NoError(t, x.f.forward(x.ctx, x.inRaw(carol, x.raw(c), n)))
		assert.Zero(t, x.jobs())
	})
	assert.Empty(t, x.p.Posts())
	assert.Empty(t, x.p2.Posts())
}

func TestRefsOfSkipsLinks(t *testing.T) {
	o := &vocab.Object{
		InReplyTo: []vocab.Ref{vocab.IRIRef("https://a.example/1")},
		Object:    []vocab.Ref{vocab.ObjectRef(&vocab.Object{ID: "https://a.example/2", Type: vocab.TypeNote})},
		Target:    []vocab.Ref{vocab.IRIRef("https://a.example/3")},
		Tag: []vocab.Ref{
			vocab.ObjectRef(&vocab.Object{Type: vocab.TypeMention, Href: "https://a.example/users/x"}),
			vocab.ObjectRef(&vocab.Object{Type: vocab.TypeHashtag, Href: "https://a.example/tags/x"}),
			vocab.IRIRef("https://a.example/4"),
		},
	}
	assert.Equal(t, "https://a.example/1 https://a.example/2 https://a.example/3 https://a.example/4",
		strings.Join(refsOf(o), " "))
}

// TestForwardBetweenServers: carol, on a third server, answers alice's post
// addressing alice's followers; bob, who follows alice from a second server
// carol's server knows nothing of, gets the reply through alice's server.
func TestForwardBetweenServers(t *testing.T) {
	ctx := context.Background()
	a := newNode(t, nodeOptions{Users: []Actor{{Username: "alice"}}})
	b := newNode(t, nodeOptions{Users: []Actor{{Username: "bob"}}})
	c := newNode(t, nodeOptions{SQLite: true, Users: []Actor{{Username: "carol"}}})
	alice := a.F.ActorIRI("alice")
	_, err := b.F.Follow(ctx, "bob", alice)
	require.NoError(t, err)
	b.waitEvent(is("Accept", alice))

	post, err := a.F.Publish(ctx, "alice", vocab.NewNote("", "", "<p>hello</p>", time.Time{}))
	require.NoError(t, err)
	b.waitEvent(func(e event) bool { return e.Hook == "Create" && e.ID == post.ID })

	reply := vocab.NewNote("", "", "<p>hello to your followers</p>", time.Time{})
	reply.InReplyTo = []vocab.Ref{vocab.IRIRef(vocab.First(post.Object).ID())}
	reply.To = []vocab.Ref{vocab.IRIRef(vocab.PublicIRI)}
	reply.Cc = []vocab.Ref{vocab.IRIRef(alice), vocab.IRIRef(a.F.FollowersIRI("alice"))}
	created, err := c.F.Publish(ctx, "carol", reply)
	require.NoError(t, err)
	a.waitEvent(func(e event) bool { return e.Hook == "Create" && e.ID == created.ID })
	ev := b.waitEvent(func(e event) bool { return e.Hook == "Create" && e.ID == created.ID })
	assert.Equal(t, c.F.ActorIRI("carol"), ev.Actor)
	inbox, err := b.Store.CollectionPage(ctx, b.F.InboxIRI("bob"), "", 10)
	require.NoError(t, err)
	assert.Contains(t, inbox.Items, created.ID, "in the inbox of alice's follower")
}

func TestForwardedActivity(t *testing.T) {
	e := newEffects(t)
	served := e.note(e.bob, "at its origin")
	e.p.serve(t, served)
	create := e.activity(e.bob, vocab.TypeCreate, vocab.IRIRef(served.ID))
	create.To = served.To
	e.p.serve(t, create)
	// A forwarded Delete concerns only what is kept here.
	hold := func(t *testing.T, o *vocab.Object) {
		t.Helper()
		doc, err := vocab.Marshal(o)
		require.NoError(t, err)
		require.NoError(t, e.st.PutObject(e.ctx, store.Object{IRI: o.ID, Type: o.Type, Document: doc, Fetched: time.Now(), Updated: time.Now()}))
	}
	hold(t, served)

	t.Run("the copy at the origin is taken, not the body", func(t *testing.T) {
		forged := *create
		forged.Object = []vocab.Ref{vocab.ObjectRef(&vocab.Object{ID: served.ID, Type: vocab.TypeNote,
			AttributedTo: []vocab.Ref{vocab.IRIRef(e.bob.ID)}, Content: "forged"})}
		raw, got, err := e.f.forwardedActivity(e.ctx, &forged)
		require.NoError(t, err)
		assert.Equal(t, create.ID, got.ID)
		assert.Equal(t, served.ID, vocab.First(got.Object).IRI, "the object as the origin names it")
		assert.NotContains(t, string(raw), "forged")
	})
	t.Run("a Delete of an object gone from its origin", func(t *testing.T) {
		gone := e.bob.ID + "/notes/gone"
		held := e.note(e.bob, "deleted since")
		held.ID = gone
		hold(t, held)
		del := e.activity(e.bob, vocab.TypeDelete, vocab.ObjectRef(&vocab.Object{ID: gone, Type: vocab.TypeTombstone, Content: "embedded"}))
		raw, got, err := e.f.forwardedActivity(e.ctx, del)
		require.NoError(t, err)
		assert.Equal(t, gone, vocab.First(got.Object).IRI, "nothing embedded is kept")
		assert.NotContains(t, string(raw), "embedded")
	})
	for _, tc := range []struct {
		name string
		act  *vocab.Object
		want error
	}{
		{"another type at the origin", func() *vocab.Object {
			a := *create
			a.Type = vocab.TypeUpdate
			return &a
		}(), ErrForbidden},
		{"another actor at the origin", func() *vocab.Object {
			a := *create
			a.Actor = []vocab.Ref{vocab.IRIRef(e.eve.ID)}
			return &a
		}(), ErrForbidden},
		{"not served by its origin", e.activity(e.bob, vocab.TypeCreate, vocab.IRIRef(served.ID)), ErrForbidden},
		{"a Delete of an object still there", e.activity(e.bob, vocab.TypeDelete, vocab.IRIRef(served.ID)), ErrForbidden},
		{"a Delete of an object on another host", e.activity(e.bob, vocab.TypeDelete, vocab.IRIRef(e.p2.URL("/notes/1"))), ErrForbidden},
		{"an id on another host than the actor", func() *vocab.Object {
			a := *create
			a.ID = e.p2.URL("/activities/1")
			return &a
		}(), ErrOriginMismatch},
		{"a local actor", &vocab.Object{ID: e.f.NewID(), Type: vocab.TypeCreate, Actor: []vocab.Ref{vocab.IRIRef(e.alice)}}, ErrForbidden},
		{"two actors", func() *vocab.Object {
			a := *create
			a.Actor = append(a.Actor, vocab.IRIRef(e.eve.ID))
			return &a
		}(), ErrInvalidActivity},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := e.snapshot(served.ID, create.ID)
			_, _, err := e.f.forwardedActivity(e.ctx, tc.act)
			assert.ErrorIs(t, err, tc.want)
			assert.Equal(t, before, e.snapshot(served.ID, create.ID))
		})
	}
}
