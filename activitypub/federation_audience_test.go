package activitypub

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/vocab"
	"github.com/starling-fed/starling/store"
)

// TestFederationAudience checks that followers-only and direct posts reach
// only their audience, across three servers.
func TestFederationAudience(t *testing.T) {
	ctx := context.Background()
	a := newNode(t, nodeOptions{Users: []Actor{{Username: "alice"}}})
	b := newNode(t, nodeOptions{SQLite: true, Users: []Actor{{Username: "bob"}}})
	c := newNode(t, nodeOptions{Users: []Actor{{Username: "carol"}}})
	alice, bob, carol := a.F.ActorIRI("alice"), b.F.ActorIRI("bob"), c.F.ActorIRI("carol")

	_, err := b.F.Follow(ctx, "bob", alice)
	require.NoError(t, err)
	requireFollow(t, b.Store, bob, alice, store.FollowAccepted)

	// Followers only: bob follows alice, carol does not.
	private := vocab.NewNote("", alice, "<p>for my followers</p>", time.Time{})
	private.Address(vocab.VisibilityFollowers, a.F.FollowersIRI("alice"))
	act, err := a.F.Publish(ctx, "alice", private)
	require.NoError(t, err)
	privateID := vocab.First(act.Object).ID()
	b.waitEvent(func(e event) bool { return e.Hook == "Create" && e.Object == privateID })

	// Direct: only carol, who is mentioned.
	direct := vocab.NewNote("", alice, "<p>just for you</p>", time.Time{}).Mention(carol, c.acct("carol"))
	direct.Address(vocab.VisibilityDirect, "", carol)
	act, err = a.F.Publish(ctx, "alice", direct)
	require.NoError(t, err)
	directID := vocab.First(act.Object).ID()
	c.waitEvent(func(e event) bool { return e.Hook == "Create" && e.Object == directID })

	idle(t, a, b, c)
	assert.False(t, c.hasEvent(func(e event) bool { return e.Object == privateID }), "carol's server got a followers-only post")
	requireNoObject(t, c.Store, privateID)
	assert.False(t, b.hasEvent(func(e event) bool { return e.Object == directID }), "bob's server got a direct post to carol")
	requireNoObject(t, b.Store, directID)

	// Neither can be read by someone outside the audience.
	_, err = c.F.Fetch(ctx, privateID)
	assert.ErrorIs(t, err, ErrNotFound)
	_, err = b.F.Fetch(ctx, directID)
	assert.ErrorIs(t, err, ErrNotFound)
	resp, err := http.Get(privateID)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "anonymous GET of a followers-only post")
}

// TestFederationManualApproval: follows of an actor that approves followers
// wait for the host, which accepts one and rejects another.
func TestFederationManualApproval(t *testing.T) {
	ctx := context.Background()
	a := newNode(t, nodeOptions{Users: []Actor{{Username: "alice", ManuallyApprovesFollowers: true}}})
	b := newNode(t, nodeOptions{Users: []Actor{{Username: "bob"}, {Username: "carol"}}})
	alice, bob, carol := a.F.ActorIRI("alice"), b.F.ActorIRI("bob"), b.F.ActorIRI("carol")

	_, err := b.F.Follow(ctx, "bob", alice)
	require.NoError(t, err)
	_, err = b.F.Follow(ctx, "carol", alice)
	require.NoError(t, err)
	fb := a.waitEvent(is("Follow", bob))
	fc := a.waitEvent(is("Follow", carol))
	assert.True(t, fb.Pending)
	assert.True(t, fc.Pending)
	idle(t, a, b)
	requireFollow(t, a.Store, bob, alice, store.FollowPending)
	requireFollow(t, b.Store, bob, alice, store.FollowPending)
	assert.False(t, b.hasEvent(is("Accept", "")), "accepted before the host decided")

	require.NoError(t, a.F.AcceptFollow(ctx, fb.ID))
	require.NoError(t, a.F.RejectFollow(ctx, fc.ID))
	b.waitEvent(is("Accept", alice))
	b.waitEvent(is("Reject", alice))
	requireFollow(t, a.Store, bob, alice, store.FollowAccepted)
	requireFollow(t, b.Store, bob, alice, store.FollowAccepted)
	require.Eventually(t, func() bool {
		_, err := b.Store.GetFollow(ctx, carol, alice)
		return err != nil
	}, 10*time.Second, 10*time.Millisecond)
	_, err = a.Store.GetFollow(ctx, carol, alice)
	assert.ErrorIs(t, err, store.ErrNotFound)
}

// TestFederationBlock: a blocked follower loses the follow both ways and is
// refused from then on.
func TestFederationBlock(t *testing.T) {
	ctx := context.Background()
	a := newNode(t, nodeOptions{Users: []Actor{{Username: "alice"}}})
	b := newNode(t, nodeOptions{Users: []Actor{{Username: "bob"}}})
	alice, bob := a.F.ActorIRI("alice"), b.F.ActorIRI("bob")
	_, err := b.F.Follow(ctx, "bob", alice)
	require.NoError(t, err)
	requireFollow(t, b.Store, bob, alice, store.FollowAccepted)
	post, err := a.F.Publish(ctx, "alice", vocab.NewNote("", alice, "<p>before</p>", time.Time{}))
	require.NoError(t, err)
	postID := vocab.First(post.Object).ID()
	b.waitEvent(func(e event) bool { return e.Hook == "Create" && e.Object == postID })

	_, err = a.F.Block(ctx, "alice", bob)
	require.NoError(t, err)
	b.waitEvent(is("Block", alice))
	_, err = a.Store.GetFollow(ctx, bob, alice)
	assert.ErrorIs(t, err, store.ErrNotFound)
	require.Eventually(t, func() bool {
		_, err := b.Store.GetFollow(ctx, bob, alice)
		return err != nil
	}, 10*time.Second, 10*time.Millisecond)

	// bob's reply reaches alice's server, which keeps nothing of it: not
	// for alice, not among her post's replies.
	reply, err := b.F.Reply(ctx, "bob", postID, "<p>hey</p>")
	require.NoError(t, err)
	replyID := vocab.First(reply.Object).ID()
	require.Eventually(t, func() bool {
		st, err := b.F.Delivery().StatusContext(ctx, reply.ID)
		return err == nil && st.Enqueued > 0 && st.Pending == 0
	}, 10*time.Second, 10*time.Millisecond)
	idle(t, a, b)
	assert.False(t, a.hasEvent(func(e event) bool { return e.ID == reply.ID }), "alice was told of a blocked actor's reply")
	requireNoObject(t, a.Store, replyID)
	requireMember(t, a.Store, repliesIRI(postID), replyID, false)
}

// TestFederationMove: alice moves from one server to another; bob's server
// verifies the move against alsoKnownAs and follows her new account.
func TestFederationMove(t *testing.T) {
	ctx := context.Background()
	a := newNode(t, nodeOptions{Users: []Actor{{Username: "alice"}}})
	b := newNode(t, nodeOptions{Users: []Actor{{Username: "bob"}}})
	c := newNode(t, nodeOptions{})
	alice, bob := a.F.ActorIRI("alice"), b.F.ActorIRI("bob")
	require.NoError(t, c.F.CreateActor(ctx, Actor{Username: "alice", AlsoKnownAs: []string{alice}}))
	newAlice := c.F.ActorIRI("alice")

	_, err := b.F.Follow(ctx, "bob", alice)
	require.NoError(t, err)
	requireFollow(t, b.Store, bob, alice, store.FollowAccepted)

	_, err = a.F.Move(ctx, "alice", newAlice)
	require.NoError(t, err)
	b.waitEvent(is("Move", alice))
	c.waitEvent(is("Follow", bob))
	requireFollow(t, b.Store, bob, newAlice, store.FollowAccepted)
	requireFollow(t, c.Store, bob, newAlice, store.FollowAccepted)

	// A move to an account that does not name the old one is refused.
	require.NoError(t, c.F.CreateActor(ctx, Actor{Username: "mallory"}))
	_, err = a.F.Move(ctx, "alice", c.F.ActorIRI("mallory"))
	assert.ErrorIs(t, err, ErrForbidden)
}

// TestFederationInboxForwarding: carol replies to alice's post addressing
// alice's followers; alice's server forwards the reply to bob, her follower
// on a third server, who checks it against its origin.
func TestFederationInboxForwarding(t *testing.T) {
	ctx := context.Background()
	a := newNode(t, nodeOptions{Users: []Actor{{Username: "alice"}}})
	b := newNode(t, nodeOptions{Users: []Actor{{Username: "bob"}}})
	c := newNode(t, nodeOptions{Users: []Actor{{Username: "carol"}}})
	alice, carol := a.F.ActorIRI("alice"), c.F.ActorIRI("carol")
	for _, n := range []struct {
		n    *node
		name string
	}{{b, "bob"}, {c, "carol"}} {
		_, err := n.n.F.Follow(ctx, n.name, alice)
		require.NoError(t, err)
		requireFollow(t, n.n.Store, n.n.F.ActorIRI(n.name), alice, store.FollowAccepted)
	}
	post, err := a.F.Publish(ctx, "alice", vocab.NewNote("", alice, "<p>what do you think?</p>", time.Time{}))
	require.NoError(t, err)
	postID := vocab.First(post.Object).ID()
	c.waitEvent(func(e event) bool { return e.Hook == "Create" && e.Object == postID })

	// The reply names alice's followers, which only alice's server can
	// reach: it forwards the reply to them. bob's server, getting it signed
	// by alice's server rather than carol's, checks it with carol's.
	reply := vocab.NewNote("", carol, "<p>I agree</p>", time.Time{}).ReplyTo(postID)
	reply.To = []vocab.Ref{vocab.IRIRef(vocab.PublicIRI)}
	reply.Cc = []vocab.Ref{vocab.IRIRef(alice), vocab.IRIRef(a.F.FollowersIRI("alice"))}
	act, err := c.F.Publish(ctx, "carol", reply)
	require.NoError(t, err)
	replyID := vocab.First(act.Object).ID()
	a.waitEvent(func(e event) bool { return e.Hook == "Create" && e.Object == replyID })
	got := b.waitEvent(func(e event) bool { return e.Hook == "Create" && e.Object == replyID })
	assert.Equal(t, carol, got.Actor)
	stored, err := b.Store.GetObject(ctx, replyID)
	require.NoError(t, err)
	assert.Contains(t, string(stored.Document), "I agree")
	requireMember(t, b.Store, b.F.InboxIRI("bob"), act.ID, true)
}

// TestFederationAuthorizedFetch: both servers require signed GETs; the
// conversation works, and an unsigned GET of a post is refused.
func TestFederationAuthorizedFetch(t *testing.T) {
	ctx := context.Background()
	a := newNode(t, nodeOptions{AuthorizedFetch: true, Users: []Actor{{Username: "alice"}}})
	b := newNode(t, nodeOptions{AuthorizedFetch: true, Users: []Actor{{Username: "bob"}}})
	alice, bob := a.F.ActorIRI("alice"), b.F.ActorIRI("bob")
	_, err := b.F.Follow(ctx, "bob", alice)
	require.NoError(t, err)
	requireFollow(t, b.Store, bob, alice, store.FollowAccepted)
	post, err := a.F.Publish(ctx, "alice", vocab.NewNote("", alice, "<p>signed only</p>", time.Time{}))
	require.NoError(t, err)
	postID := vocab.First(post.Object).ID()
	b.waitEvent(func(e event) bool { return e.Hook == "Create" && e.Object == postID })
	reply, err := b.F.Reply(ctx, "bob", postID, "<p>ok</p>")
	require.NoError(t, err)
	a.waitEvent(func(e event) bool { return e.Hook == "Create" && e.Object == vocab.First(reply.Object).ID() })

	// A signed fetch works; an unsigned one is refused.
	o, err := b.F.Fetch(ctx, postID)
	require.NoError(t, err)
	assert.Equal(t, postID, o.ID)
	req, err := http.NewRequest(http.MethodGet, postID, nil)
	require.NoError(t, err)
	req.Header.Set("Accept", "application/activity+json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
}

// TestFederationCavageOnly: one server speaks only draft-cavage; the other
// learns it by a refused RFC 9421 signature and falls back.
func TestFederationCavageOnly(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	var rfc9421Accepted, cavageAccepted, refused int
	watch := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := &wireRecorder{ResponseWriter: w, status: http.StatusOK}
			h.ServeHTTP(rec, r)
			if r.Method != http.MethodPost {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			switch {
			case rec.status >= 400:
				refused++
			case r.Header.Get("Signature-Input") != "":
				rfc9421Accepted++
			case strings.Contains(r.Header.Get("Signature"), "keyId="):
				cavageAccepted++
			}
		})
	}
	a := newNode(t, nodeOptions{CavageOnly: true, Wrap: watch, Users: []Actor{{Username: "alice"}}})
	b := newNode(t, nodeOptions{Users: []Actor{{Username: "bob"}}})
	alice, bob := a.F.ActorIRI("alice"), b.F.ActorIRI("bob")
	_, err := b.F.Follow(ctx, "bob", alice)
	require.NoError(t, err)
	requireFollow(t, b.Store, bob, alice, store.FollowAccepted)
	post, err := a.F.Publish(ctx, "alice", vocab.NewNote("", alice, "<p>old school</p>", time.Time{}))
	require.NoError(t, err)
	postID := vocab.First(post.Object).ID()
	b.waitEvent(func(e event) bool { return e.Hook == "Create" && e.Object == postID })
	_, err = b.F.Reply(ctx, "bob", postID, "<p>works</p>")
	require.NoError(t, err)
	a.waitEvent(func(e event) bool { return e.Hook == "Create" && e.Actor == bob })
	idle(t, a, b)
	mu.Lock()
	defer mu.Unlock()
	assert.Zero(t, rfc9421Accepted, "an RFC 9421 signature was accepted by the draft-cavage-only server")
	assert.GreaterOrEqual(t, cavageAccepted, 2)
	assert.GreaterOrEqual(t, refused, 1, "bob's server never tried RFC 9421 first")
}

// wireRecorder remembers the status a handler wrote.
type wireRecorder struct {
	http.ResponseWriter
	status int
}

func (s *wireRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// TestFederationBlindRecipients: a post sent privately (bcc) to two actors
// of one server reaches both, through their own inboxes, though neither is
// named in what is delivered.
func TestFederationBlindRecipients(t *testing.T) {
	ctx := context.Background()
	a := newNode(t, nodeOptions{Users: []Actor{{Username: "alice"}}})
	b := newNode(t, nodeOptions{SQLite: true, Users: []Actor{{Username: "bob"}, {Username: "carol"}}})
	alice, bob, carol := a.F.ActorIRI("alice"), b.F.ActorIRI("bob"), b.F.ActorIRI("carol")
	note := vocab.NewNote("", alice, "<p>for your eyes only</p>", time.Time{})
	note.Bcc = []vocab.Ref{vocab.IRIRef(bob), vocab.IRIRef(carol)}
	act, err := a.F.Publish(ctx, "alice", note)
	require.NoError(t, err)
	for _, who := range []string{bob, carol} {
		b.waitEvent(func(e event) bool { return e.Hook == "Create" && e.ID == act.ID && e.Recipient == who })
	}
	requireMember(t, b.Store, b.F.InboxIRI("bob"), act.ID, true)
	requireMember(t, b.Store, b.F.InboxIRI("carol"), act.ID, true)
	idle(t, a, b)
	n := 0
	for _, e := range b.Events() {
		if e.ID == act.ID {
			n++
		}
	}
	assert.Equal(t, 2, n, "once for each recipient")
}

// TestLocalBlindRecipients: the same for two actors of the sender's own
// server, reached without the network.
func TestLocalBlindRecipients(t *testing.T) {
	ctx := context.Background()
	a := newNode(t, nodeOptions{Users: []Actor{{Username: "alice"}, {Username: "bob"}, {Username: "carol"}}})
	alice, bob, carol := a.F.ActorIRI("alice"), a.F.ActorIRI("bob"), a.F.ActorIRI("carol")
	note := vocab.NewNote("", alice, "<p>for your eyes only</p>", time.Time{})
	note.Bcc = []vocab.Ref{vocab.IRIRef(bob), vocab.IRIRef(carol)}
	act, err := a.F.Publish(ctx, "alice", note)
	require.NoError(t, err)
	for _, who := range []string{bob, carol} {
		a.waitEvent(func(e event) bool { return e.Hook == "Create" && e.ID == act.ID && e.Recipient == who })
	}
	requireMember(t, a.Store, a.F.InboxIRI("bob"), act.ID, true)
	requireMember(t, a.Store, a.F.InboxIRI("carol"), act.ID, true)
}
