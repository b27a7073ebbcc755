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

// TestPublishBetweenServers runs the publishing calls between two
// Federations over HTTPS with real signatures, one on SQLite, the other
// signing with draft-cavage only: follow (by WebFinger address), accept,
// post, reply, like, announce, undo, edit, delete, unfollow.
func TestPublishBetweenServers(t *testing.T) {
	ctx := context.Background()
	a := newNode(t, nodeOptions{TLS: true, CavageOnly: true, Users: []Actor{{Username: "alice"}}})
	b := newNode(t, nodeOptions{TLS: true, SQLite: true, Users: []Actor{{Username: "bob"}}})
	alice, bob := a.F.ActorIRI("alice"), b.F.ActorIRI("bob")

	follow, err := a.F.Follow(ctx, "alice", b.acct("bob"))
	require.NoError(t, err)
	b.waitEvent(func(e event) bool { return e.Hook == "Follow" && e.ID == follow.ID })
	a.waitEvent(is("Accept", bob))
	fl, err := a.Store.GetFollow(ctx, alice, bob)
	require.NoError(t, err)
	assert.Equal(t, store.FollowAccepted, fl.State)
	fl, err = b.Store.GetFollow(ctx, alice, bob)
	require.NoError(t, err)
	assert.Equal(t, store.FollowAccepted, fl.State)

	post, err := b.F.Publish(ctx, "bob", vocab.NewNote("", "", "<p>first</p>", time.Time{}))
	require.NoError(t, err)
	postID := vocab.First(post.Object).ID()
	a.waitEvent(func(e event) bool { return e.Hook == "Create" && e.ID == post.ID })

	reply, err := a.F.Reply(ctx, "alice", postID, "<p>welcome</p>")
	require.NoError(t, err)
	b.waitEvent(func(e event) bool { return e.Hook == "Create" && e.ID == reply.ID })

	like, err := a.F.Like(ctx, "alice", postID)
	require.NoError(t, err)
	b.waitEvent(func(e event) bool { return e.Hook == "Like" && e.ID == like.ID })
	boost, err := a.F.Announce(ctx, "alice", postID)
	require.NoError(t, err)
	b.waitEvent(func(e event) bool { return e.Hook == "Announce" && e.ID == boost.ID })
	unlike, err := a.F.Unlike(ctx, "alice", postID)
	require.NoError(t, err)
	b.waitEvent(func(e event) bool { return e.Hook == "Undo" && e.ID == unlike.ID })

	edit, err := b.F.UpdatePost(ctx, "bob", &vocab.Object{ID: postID, Content: "<p>first, edited</p>"})
	require.NoError(t, err)
	a.waitEvent(func(e event) bool { return e.Hook == "Update" && e.ID == edit.ID })
	del, err := b.F.DeletePost(ctx, "bob", postID)
	require.NoError(t, err)
	a.waitEvent(func(e event) bool { return e.Hook == "Delete" && e.ID == del.ID })

	unfollow, err := a.F.Unfollow(ctx, "alice", bob)
	require.NoError(t, err)
	b.waitEvent(func(e event) bool { return e.Hook == "Undo" && e.ID == unfollow.ID })
	_, err = b.Store.GetFollow(ctx, alice, bob)
	require.ErrorIs(t, err, store.ErrNotFound)
	idle(t, a, b)
	dead, _, err := a.Store.DeadJobs(ctx, "", 10)
	require.NoError(t, err)
	assert.Empty(t, dead)
}

// TestPublishAudiences checks that followers-only and direct posts reach
// only their audience, across three servers and between local actors.
func TestPublishAudiences(t *testing.T) {
	ctx := context.Background()
	a := newNode(t, nodeOptions{Users: []Actor{{Username: "alice"}, {Username: "amy"}}})
	b := newNode(t, nodeOptions{Users: []Actor{{Username: "bob"}}})
	c := newNode(t, nodeOptions{Users: []Actor{{Username: "carol"}}})
	alice, amy := a.F.ActorIRI("alice"), a.F.ActorIRI("amy")

	// bob follows alice from another server, amy from the same one.
	_, err := b.F.Follow(ctx, "bob", alice)
	require.NoError(t, err)
	b.waitEvent(is("Accept", alice))
	_, err = a.F.Follow(ctx, "amy", "@alice@"+a.TS.Listener.Addr().String())
	require.NoError(t, err)
	a.waitEvent(func(e event) bool { return e.Hook == "Accept" && e.Actor == alice && e.Recipient == amy })
	n, err := a.Store.CountFollowers(ctx, alice, store.FollowAccepted)
	require.NoError(t, err)
	assert.Equal(t, 2, n)

	followersOnly := vocab.NewNote("", "", "<p>friends only</p>", time.Time{})
	followersOnly.Address(vocab.VisibilityFollowers, a.F.FollowersIRI("alice"))
	fo, err := a.F.Publish(ctx, "alice", followersOnly)
	require.NoError(t, err)

	direct := vocab.NewNote("", "", "<p>@carol hi</p>", time.Time{}).Mention(c.F.ActorIRI("carol"), "")
	direct.Address(vocab.VisibilityDirect, "", direct.Mentioned()...)
	dm, err := a.F.Publish(ctx, "alice", direct)
	require.NoError(t, err)

	toAmy := vocab.NewNote("", "", "<p>@amy psst</p>", time.Time{}).Mention(amy, "")
	toAmy.Address(vocab.VisibilityDirect, "", toAmy.Mentioned()...)
	local, err := a.F.Publish(ctx, "alice", toAmy)
	require.NoError(t, err)

	b.waitEvent(func(e event) bool { return e.Hook == "Create" && e.ID == fo.ID })
	a.waitEvent(func(e event) bool { return e.Hook == "Create" && e.ID == fo.ID })
	c.waitEvent(func(e event) bool { return e.Hook == "Create" && e.ID == dm.ID })
	a.waitEvent(func(e event) bool { return e.Hook == "Create" && e.ID == local.ID && e.Recipient == amy })
	idle(t, a, b, c)

	assert.False(t, c.hasEvent(func(e event) bool { return e.ID == fo.ID }), "carol does not follow alice")
	assert.False(t, b.hasEvent(func(e event) bool { return e.ID == dm.ID || e.ID == local.ID }), "bob was not addressed")
	assert.False(t, c.hasEvent(func(e event) bool { return e.ID == local.ID }), "carol was not addressed")
	assert.False(t, a.hasEvent(func(e event) bool { return e.ID == dm.ID }), "the direct message is carol's alone")

	// amy unfollows alice on their own server.
	undo, err := a.F.Unfollow(ctx, "amy", alice)
	require.NoError(t, err)
	a.waitEvent(func(e event) bool { return e.Hook == "Undo" && e.ID == undo.ID })
	n, err = a.Store.CountFollowers(ctx, alice, store.FollowAccepted)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "bob still follows")
}

// TestPublishLocalInteractions checks that actors of one server reach each
// other without HTTP: a like, a reply, a block.
func TestPublishLocalInteractions(t *testing.T) {
	ctx := context.Background()
	a := newNode(t, nodeOptions{Users: []Actor{{Username: "alice"}, {Username: "amy"}}})
	alice, amy := a.F.ActorIRI("alice"), a.F.ActorIRI("amy")

	post, err := a.F.Publish(ctx, "alice", vocab.NewNote("", "", "<p>hello</p>", time.Time{}))
	require.NoError(t, err)
	postID := vocab.First(post.Object).ID()

	like, err := a.F.Like(ctx, "amy", postID)
	require.NoError(t, err)
	assert.Equal(t, []string{alice}, vocab.IDs(like.To))
	a.waitEvent(func(e event) bool { return e.Hook == "Like" && e.ID == like.ID && e.Recipient == alice })

	reply, err := a.F.Reply(ctx, "amy", postID, "<p>hi alice</p>")
	require.NoError(t, err)
	assert.Equal(t, []string{alice}, vocab.First(reply.Object).Object.Mentioned())
	a.waitEvent(func(e event) bool { return e.Hook == "Create" && e.ID == reply.ID && e.Recipient == alice })
	replies, err := a.Store.CollectionPage(ctx, repliesIRI(postID), "", 10)
	require.NoError(t, err)
	assert.Equal(t, []string{vocab.First(reply.Object).ID()}, replies.Items)

	_, err = a.F.DeletePost(ctx, "amy", vocab.First(reply.Object).ID())
	require.NoError(t, err)
	replies, err = a.Store.CollectionPage(ctx, repliesIRI(postID), "", 10)
	require.NoError(t, err)
	assert.Empty(t, replies.Items, "a deleted reply leaves the replies")

	block, err := a.F.Block(ctx, "alice", amy)
	require.NoError(t, err)
	a.waitEvent(func(e event) bool { return e.Hook == "Block" && e.ID == block.ID && e.Recipient == amy })
	idle(t, a)
	counter, ok := a.Store.(store.ActivityCounter)
	require.True(t, ok)
	for _, act := range []*vocab.Object{like, reply, block} {
		c, err := counter.ActivityCounts(ctx, act.ID)
		require.NoError(t, err)
		assert.Zero(t, c.Total(), "%s was queued for HTTP delivery", act.Type)
	}
}
