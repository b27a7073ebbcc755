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

func TestFollowUnfollow(t *testing.T) {
	ctx := context.Background()
	pub := newPublisher(t, true, "alice")
	rp := newPeer(t, pub.F)
	bob := rp.addActor("bob", true)
	me := pub.F.ActorIRI("alice")

	follow, err := pub.F.Follow(ctx, "alice", bob)
	require.NoError(t, err)
	assert.Equal(t, vocab.TypeFollow, follow.Type)
	assert.Equal(t, []string{bob}, vocab.IDs(follow.Object))
	assert.Equal(t, []string{bob}, vocab.IDs(follow.To))
	fl, err := pub.Store.GetFollow(ctx, me, bob)
	require.NoError(t, err)
	assert.Equal(t, store.FollowPending, fl.State)
	assert.Equal(t, follow.ID, fl.ActivityID)
	assert.Equal(t, bob+"/inbox", fl.Inbox)
	assert.Equal(t, rp.URL("/inbox"), fl.SharedInbox)
	// A Follow goes to the followee's own inbox, not the shared one.
	rp.waitPost("/users/bob/inbox", follow.ID)

	// Following again keeps an accepted follow accepted.
	require.NoError(t, pub.Store.SetFollowState(ctx, me, bob, store.FollowAccepted))
	again, err := pub.F.Follow(ctx, "alice", bob)
	require.NoError(t, err)
	fl, err = pub.Store.GetFollow(ctx, me, bob)
	require.NoError(t, err)
	assert.Equal(t, store.FollowAccepted, fl.State)
	assert.Equal(t, again.ID, fl.ActivityID)

	undo, err := pub.F.Unfollow(ctx, "alice", bob)
	require.NoError(t, err)
	assert.Equal(t, vocab.TypeUndo, undo.Type)
	got := rp.waitPost("/users/bob/inbox", undo.ID)
	embedded, ok := got.JSON["object"].(map[string]any)
	require.True(t, ok, "the Follow is embedded, not named by IRI: %s", got.Raw)
	assert.Equal(t, again.ID, embedded["id"])
	assert.Equal(t, "Follow", embedded["type"])
	assert.Equal(t, me, embedded["actor"])
	assert.Equal(t, bob, embedded["object"])
	assert.NotContains(t, embedded, "@context")
	_, err = pub.Store.GetFollow(ctx, me, bob)
	require.ErrorIs(t, err, store.ErrNotFound)
	// Undone and replaced Follows leave the outbox and are no longer served.
	assert.Equal(t, []string{undo.ID}, pub.members(t, pub.F.OutboxIRI("alice")))
	for _, id := range []string{follow.ID, again.ID} {
		_, err = pub.Store.GetObject(ctx, id)
		require.ErrorIs(t, err, store.ErrGone, id)
	}

	_, err = pub.F.Unfollow(ctx, "alice", bob)
	require.ErrorIs(t, err, ErrNotFound)
	_, err = pub.F.Follow(ctx, "alice", me)
	require.ErrorIs(t, err, ErrInvalidActivity)
	assert.Empty(t, rp.Failures())
}

func TestFollowByAddress(t *testing.T) {
	ctx := context.Background()
	pub := newPublisher(t, false, "alice")
	rp := newPeer(t, pub.F)
	bob := rp.addActor("bob", false)
	for _, addr := range []string{"@bob@" + rp.Host, "bob@" + rp.Host} {
		t.Run(addr, func(t *testing.T) {
			act, err := pub.F.Follow(ctx, "alice", addr)
			require.NoError(t, err)
			assert.Equal(t, []string{bob}, vocab.IDs(act.Object))
			fl, err := pub.Store.GetFollow(ctx, pub.F.ActorIRI("alice"), bob)
			require.NoError(t, err)
			assert.Equal(t, act.ID, fl.ActivityID)
		})
	}
}

func TestLikeUnlike(t *testing.T) {
	ctx := context.Background()
	pub := newPublisher(t, true, "alice")
	rp := newPeer(t, pub.F)
	bob := rp.addActor("bob", true)
	note := rp.addNote("n1", bob)

	like, err := pub.F.Like(ctx, "alice", note)
	require.NoError(t, err)
	assert.Equal(t, vocab.TypeLike, like.Type)
	assert.Equal(t, []string{note}, vocab.IDs(like.Object))
	assert.Equal(t, []string{bob}, vocab.IDs(like.To))
	assert.Equal(t, []string{note}, pub.members(t, pub.F.LikedIRI("alice")))

	again, err := pub.F.Like(ctx, "alice", note)
	require.NoError(t, err)
	assert.Equal(t, like.ID, again.ID, "liking twice sends one Like")

	undo, err := pub.F.Unlike(ctx, "alice", note)
	require.NoError(t, err)
	got := rp.waitPost("/inbox", undo.ID)
	embedded, ok := got.JSON["object"].(map[string]any)
	require.True(t, ok, "the Like is embedded: %s", got.Raw)
	assert.Equal(t, like.ID, embedded["id"])
	assert.Equal(t, "Like", embedded["type"])
	assert.Empty(t, pub.members(t, pub.F.LikedIRI("alice")))
	assert.Equal(t, []string{undo.ID}, pub.members(t, pub.F.OutboxIRI("alice")), "the undone Like leaves the outbox")
	// The Undo is ordered after the Like: both arrived, the Like first,
	// and only once.
	var order []string
	for _, p := range rp.Posts() {
		order = append(order, p.Activity.Type)
	}
	assert.Equal(t, []string{"Like", "Undo"}, order)

	_, err = pub.F.Unlike(ctx, "alice", note)
	require.ErrorIs(t, err, ErrNotFound)
	// Liking again after the Undo sends a new Like.
	like2, err := pub.F.Like(ctx, "alice", note)
	require.NoError(t, err)
	assert.NotEqual(t, like.ID, like2.ID)
	rp.waitPost("/inbox", like2.ID)
}

func TestAnnounceUnannounce(t *testing.T) {
	ctx := context.Background()
	pub := newPublisher(t, true, "alice")
	rp := newPeer(t, pub.F)
	bob := rp.addActor("bob", false)
	carol := rp.addActor("carol", false)
	pub.follow(t, carol, carol+"/inbox", "", "alice")
	note := rp.addNote("n1", bob)
	direct := rp.addNote("n2", bob, pub.F.ActorIRI("alice"))

	ann, err := pub.F.Announce(ctx, "alice", note)
	require.NoError(t, err)
	assert.Equal(t, []string{vocab.PublicIRI}, vocab.IDs(ann.To))
	assert.Equal(t, []string{pub.F.FollowersIRI("alice"), bob}, vocab.IDs(ann.Cc))
	rp.waitPost("/users/bob/inbox", ann.ID)
	rp.waitPost("/users/carol/inbox", ann.ID)

	_, err = pub.F.Announce(ctx, "alice", direct)
	require.ErrorIs(t, err, ErrForbidden, "a direct message cannot be boosted")

	undo, err := pub.F.Unannounce(ctx, "alice", note)
	require.NoError(t, err)
	assert.Equal(t, vocab.IDs(ann.To), vocab.IDs(undo.To))
	assert.Equal(t, vocab.IDs(ann.Cc), vocab.IDs(undo.Cc))
	for _, path := range []string{"/users/bob/inbox", "/users/carol/inbox"} {
		got := rp.waitPost(path, undo.ID)
		embedded, ok := got.JSON["object"].(map[string]any)
		require.True(t, ok)
		assert.Equal(t, ann.ID, embedded["id"])
	}
	_, err = pub.F.Unannounce(ctx, "alice", note)
	require.ErrorIs(t, err, ErrNotFound)
}

func TestReply(t *testing.T) {
	ctx := context.Background()
	pub := newPublisher(t, true, "alice")
	rp := newPeer(t, pub.F)
	bob := rp.addActor("bob", false)
	public := rp.addNote("n1", bob)
	direct := rp.addNote("n2", bob, pub.F.ActorIRI("alice"))

	act, err := pub.F.Reply(ctx, "alice", public, "<p>@bob yes</p>")
	require.NoError(t, err)
	post := vocab.First(act.Object).Object
	require.NotNil(t, post)
	assert.Equal(t, []string{public}, vocab.IDs(post.InReplyTo))
	assert.Equal(t, "<p>@bob yes</p>", post.Content)
	assert.Equal(t, []string{bob}, post.Mentioned())
	assert.Equal(t, "@bob@"+rp.Host, post.Tag[0].Object.Name)
	assert.Equal(t, []string{vocab.PublicIRI}, vocab.IDs(post.To))
	assert.Equal(t, []string{pub.F.FollowersIRI("alice"), bob}, vocab.IDs(post.Cc))
	rp.waitPost("/users/bob/inbox", act.ID)

	dm, err := pub.F.Reply(ctx, "alice", direct, "<p>psst</p>")
	require.NoError(t, err)
	assert.Equal(t, []string{bob}, vocab.IDs(dm.To), "a reply to a direct message stays direct")
	assert.Empty(t, dm.Cc)
	rp.waitPost("/users/bob/inbox", dm.ID)
}

func TestUpdateAndDeletePost(t *testing.T) {
	ctx := context.Background()
	pub := newPublisher(t, false, "alice", "mallory")
	rp := newPeer(t, pub.F)
	bob := rp.addActor("bob", false)
	carol := rp.addActor("carol", true)
	pub.follow(t, carol, carol+"/inbox", rp.URL("/inbox"), "alice")

	note := vocab.NewNote("", "", "<p>v1</p>", time.Time{}).Mention(bob, "@bob")
	note.Address(vocab.VisibilityFollowers, pub.F.FollowersIRI("alice"), bob)
	create, err := pub.F.Publish(ctx, "alice", note)
	require.NoError(t, err)
	post := vocab.First(create.Object).Object

	edit := &vocab.Object{ID: post.ID, Type: vocab.TypeNote, Content: "<p>v2</p>", To: iris(vocab.PublicIRI)}
	upd, err := pub.F.UpdatePost(ctx, "alice", edit)
	require.NoError(t, err)
	assert.Equal(t, vocab.TypeUpdate, upd.Type)
	edited := vocab.First(upd.Object).Object
	require.NotNil(t, edited)
	assert.Equal(t, "<p>v2</p>", edited.Content)
	assert.Equal(t, post.Published, edited.Published, "published is kept")
	assert.False(t, edited.Updated.IsZero())
	assert.Equal(t, vocab.IDs(post.To), vocab.IDs(edited.To), "the audience is the original's")
	assert.Equal(t, vocab.IDs(post.Cc), vocab.IDs(upd.Cc))
	stored, _ := pub.stored(t, post.ID)
	assert.Equal(t, "<p>v2</p>", stored.Content)
	storedCreate, _ := pub.stored(t, create.ID)
	assert.Equal(t, "<p>v2</p>", vocab.First(storedCreate.Object).Object.Content, "the Create served shows the edit")

	_, err = pub.F.UpdatePost(ctx, "mallory", edit)
	require.ErrorIs(t, err, ErrForbidden)
	_, err = pub.F.DeletePost(ctx, "mallory", post.ID)
	require.ErrorIs(t, err, ErrForbidden)
	_, err = pub.F.UpdatePost(ctx, "alice", &vocab.Object{ID: rp.addNote("theirs", bob), Type: vocab.TypeNote})
	require.ErrorIs(t, err, ErrForbidden)
	_, err = pub.F.DeletePost(ctx, "alice", rp.URL("/notes/theirs"))
	require.ErrorIs(t, err, ErrForbidden)

	del, err := pub.F.DeletePost(ctx, "alice", post.ID)
	require.NoError(t, err)
	assert.Equal(t, vocab.TypeDelete, del.Type)
	tomb := vocab.First(del.Object).Object
	require.NotNil(t, tomb)
	assert.Equal(t, vocab.TypeTombstone, tomb.Type)
	assert.Equal(t, post.ID, tomb.ID)
	assert.Equal(t, vocab.TypeNote, tomb.FormerType)
	assert.Equal(t, vocab.IDs(post.To), vocab.IDs(del.To))
	_, err = pub.Store.GetObject(ctx, post.ID)
	require.ErrorIs(t, err, store.ErrGone)
	_, err = pub.Store.GetObject(ctx, create.ID)
	require.ErrorIs(t, err, store.ErrGone, "the Create, which embeds the post, is gone too")
	assert.NotContains(t, pub.members(t, pub.F.OutboxIRI("alice")), create.ID)
	_, err = pub.F.DeletePost(ctx, "alice", post.ID)
	require.ErrorIs(t, err, ErrGone)

	// Each activity went to bob and to the followers' shared inbox, all
	// keyed by the post, so a Delete never overtakes its Create.
	byActivity := map[string][]string{}
	for _, j := range pub.jobs(t) {
		assert.Equal(t, post.ID, j.OrderingKey, j.ActivityID)
		byActivity[j.ActivityID] = append(byActivity[j.ActivityID], j.Inbox)
	}
	want := []string{bob + "/inbox", rp.URL("/inbox")}
	for _, id := range []string{create.ID, upd.ID, del.ID} {
		assert.ElementsMatch(t, want, byActivity[id], id)
	}
}

func TestDeletePostDelivered(t *testing.T) {
	ctx := context.Background()
	pub := newPublisher(t, true, "alice")
	rp := newPeer(t, pub.F)
	bob := rp.addActor("bob", false)
	note := vocab.NewNote("", "", "<p>x</p>", time.Time{})
	note.To = iris(bob)
	create, err := pub.F.Publish(ctx, "alice", note)
	require.NoError(t, err)
	_, err = pub.F.UpdatePost(ctx, "alice", &vocab.Object{ID: vocab.First(create.Object).ID(), Content: "<p>y</p>"})
	require.NoError(t, err)
	del, err := pub.F.DeletePost(ctx, "alice", vocab.First(create.Object).ID())
	require.NoError(t, err)
	rp.waitPost("/users/bob/inbox", del.ID)
	var order []string
	for _, p := range rp.Posts() {
		order = append(order, p.Activity.Type)
	}
	assert.Equal(t, []string{"Create", "Update", "Delete"}, order)
	assert.Empty(t, rp.Failures())
}

func TestBlockUnblock(t *testing.T) {
	ctx := context.Background()
	pub := newPublisher(t, true, "alice")
	rp := newPeer(t, pub.F)
	bob := rp.addActor("bob", true)
	me := pub.F.ActorIRI("alice")
	pub.follow(t, bob, bob+"/inbox", rp.URL("/inbox"), "alice")
	_, err := pub.Store.PutFollow(ctx, store.Follow{Follower: me, Followee: bob, ActivityID: pub.F.NewID(),
		State: store.FollowAccepted, Inbox: bob + "/inbox", Created: time.Now()})
	require.NoError(t, err)

	block, err := pub.F.Block(ctx, "alice", bob)
	require.NoError(t, err)
	assert.Equal(t, vocab.TypeBlock, block.Type)
	assert.Equal(t, []string{bob}, pub.members(t, blockedIRI(me)))
	_, err = pub.Store.GetFollow(ctx, me, bob)
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = pub.Store.GetFollow(ctx, bob, me)
	require.ErrorIs(t, err, store.ErrNotFound)
	rp.waitPost("/users/bob/inbox", block.ID)

	undo, err := pub.F.Unblock(ctx, "alice", bob)
	require.NoError(t, err)
	got := rp.waitPost("/users/bob/inbox", undo.ID)
	embedded, ok := got.JSON["object"].(map[string]any)
	require.True(t, ok)
	assert.Equal(t, block.ID, embedded["id"])
	assert.Equal(t, "Block", embedded["type"])
	assert.Empty(t, pub.members(t, blockedIRI(me)))
	_, err = pub.F.Unblock(ctx, "alice", bob)
	require.ErrorIs(t, err, ErrNotFound)
}

func TestMove(t *testing.T) {
	ctx := context.Background()
	pub := newPublisher(t, true, "alice")
	rp := newPeer(t, pub.F)
	me := pub.F.ActorIRI("alice")
	carol := rp.addActor("carol", false)
	pub.follow(t, carol, carol+"/inbox", "", "alice")
	stranger := rp.addActor("stranger", false)
	newHome := rp.addActor("alice2", false, me)

	_, err := pub.F.Move(ctx, "alice", stranger)
	require.ErrorIs(t, err, ErrForbidden, "the target must list us in alsoKnownAs")

	mv, err := pub.F.Move(ctx, "alice", newHome)
	require.NoError(t, err)
	assert.Equal(t, vocab.TypeMove, mv.Type)
	assert.Equal(t, []string{me}, vocab.IDs(mv.Object))
	assert.Equal(t, []string{newHome}, vocab.IDs(mv.Target))
	assert.Equal(t, []string{pub.F.FollowersIRI("alice")}, vocab.IDs(mv.To))
	rp.waitPost("/users/carol/inbox", mv.ID)
	a, err := pub.F.LocalActor(ctx, "alice")
	require.NoError(t, err)
	assert.Equal(t, newHome, a.MovedTo)
}

func TestUpdateProfileAndDeleteActor(t *testing.T) {
	ctx := context.Background()
	pub := newPublisher(t, true, "alice")
	rp := newPeer(t, pub.F)
	me := pub.F.ActorIRI("alice")
	carol := rp.addActor("carol", true)
	dave := rp.addActor("dave", false)
	pub.follow(t, carol, carol+"/inbox", rp.URL("/inbox"), "alice")
	_, err := pub.Store.PutFollow(ctx, store.Follow{Follower: me, Followee: dave, ActivityID: pub.F.NewID(),
		State: store.FollowAccepted, Inbox: dave + "/inbox", Created: time.Now()})
	require.NoError(t, err)

	upd, err := pub.F.UpdateProfile(ctx, "alice")
	require.NoError(t, err)
	got := rp.waitPost("/inbox", upd.ID)
	obj, ok := got.JSON["object"].(map[string]any)
	require.True(t, ok)
	assert.Equal(t, me, obj["id"])
	assert.Equal(t, "Person", obj["type"])
	assert.Equal(t, []string{"/inbox"}, rp.postsOf(upd.ID), "a profile update goes to followers")

	del, err := pub.F.DeleteActor(ctx, "alice")
	require.NoError(t, err)
	assert.Equal(t, []string{me}, vocab.IDs(del.Object))
	rp.waitPost("/inbox", del.ID)
	rp.waitPost("/users/dave/inbox", del.ID)
	assert.Empty(t, rp.Failures(), "deliveries after the delete are still signed")
	_, err = pub.F.LocalActor(ctx, "alice")
	require.ErrorIs(t, err, ErrGone)
	_, err = pub.F.Publish(ctx, "alice", vocab.NewNote("", "", "x", time.Time{}))
	require.ErrorIs(t, err, ErrGone)
}

func TestPinUnpin(t *testing.T) {
	ctx := context.Background()
	pub := newPublisher(t, false, "alice", "bob")
	rp := newPeer(t, pub.F)
	create, err := pub.F.Publish(ctx, "alice", vocab.NewNote("", "", "<p>pin me</p>", time.Time{}))
	require.NoError(t, err)
	post := vocab.First(create.Object).ID()

	add, err := pub.F.Pin(ctx, "alice", post)
	require.NoError(t, err)
	assert.Equal(t, vocab.TypeAdd, add.Type)
	assert.Equal(t, []string{post}, vocab.IDs(add.Object))
	assert.Equal(t, []string{pub.F.FeaturedIRI("alice")}, vocab.IDs(add.Target))
	assert.Equal(t, []string{pub.F.FollowersIRI("alice")}, vocab.IDs(add.Cc))
	assert.Equal(t, []string{post}, pub.members(t, pub.F.FeaturedIRI("alice")))

	_, err = pub.F.Pin(ctx, "bob", post)
	require.ErrorIs(t, err, ErrForbidden)
	_, err = pub.F.Pin(ctx, "alice", rp.addNote("n1", rp.addActor("zed", false)))
	require.ErrorIs(t, err, ErrForbidden)

	rm, err := pub.F.Unpin(ctx, "alice", post)
	require.NoError(t, err)
	assert.Equal(t, vocab.TypeRemove, rm.Type)
	assert.Empty(t, pub.members(t, pub.F.FeaturedIRI("alice")))
	_, err = pub.F.Unpin(ctx, "alice", post)
	require.ErrorIs(t, err, ErrNotFound)
}

func TestInboxGone(t *testing.T) {
	ctx := context.Background()
	pub := newPublisher(t, true, "alice", "amy")
	rp := newPeer(t, pub.F)
	bob := rp.addActor("bob", false)
	carol := rp.addActor("carol", true)
	for _, who := range []string{bob, carol} {
		_, err := pub.F.FetchActor(ctx, who) // cached, as the Follow that arrived would have
		require.NoError(t, err)
	}
	pub.follow(t, bob, bob+"/inbox", "", "alice")
	pub.follow(t, bob, bob+"/inbox", "", "amy")
	pub.follow(t, carol, carol+"/inbox", rp.URL("/inbox"), "alice")

	// carol's personal inbox is not where she gets deliveries: kept.
	pub.F.inboxGone(ctx, carol+"/inbox")
	_, err := pub.Store.GetFollow(ctx, carol, pub.F.ActorIRI("alice"))
	require.NoError(t, err)
	// An inbox of no known actor changes nothing.
	pub.F.inboxGone(ctx, rp.URL("/somewhere/else"))

	// bob's inbox answers 410 to a delivery: his follows go.
	rp.setGone("/users/bob/inbox")
	_, err = pub.F.Publish(ctx, "alice", vocab.NewNote("", "", "<p>x</p>", time.Time{}))
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		n, err := pub.Store.CountFollowers(ctx, pub.F.ActorIRI("amy"), store.FollowAccepted)
		return err == nil && n == 0
	}, 15*time.Second, 10*time.Millisecond)
	_, err = pub.Store.GetFollow(ctx, bob, pub.F.ActorIRI("alice"))
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = pub.Store.GetFollow(ctx, carol, pub.F.ActorIRI("alice"))
	require.NoError(t, err)
}
