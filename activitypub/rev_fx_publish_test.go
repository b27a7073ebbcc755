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

// A reply to an unlisted post stays unlisted, as Mastodon composes it: it
// must not surface on public timelines a thread its author kept off them.
func TestRevFxReplyToUnlistedStaysUnlisted(t *testing.T) {
	ctx := context.Background()
	pub := newPublisher(t, false, "alice")
	rp := newPeer(t, pub.F)
	bob := rp.addActor("bob", false)
	unlisted := vocab.NewNote(rp.URL("/notes/u1"), bob, "<p>quiet</p>", time.Now().UTC())
	unlisted.Address(vocab.VisibilityUnlisted, bob+"/followers")
	rp.addDoc(unlisted)

	act, err := pub.F.Reply(ctx, "alice", unlisted.ID, "<p>@bob sure</p>")
	require.NoError(t, err)
	post := vocab.First(act.Object).Object
	require.NotNil(t, post)
	assert.Equal(t, vocab.VisibilityUnlisted, post.Visibility(pub.F.FollowersIRI("alice")))
	assert.NotContains(t, vocab.IDs(post.To), vocab.PublicIRI)
	assert.Contains(t, vocab.IDs(post.Cc), bob)
}

// A blind recipient (bto, bcc) is told at its own inbox: bto and bcc are
// removed from what is sent, so at a shared inbox its server could not
// know whom the post is for.
func TestRevFxBlindRecipientsAtPersonalInbox(t *testing.T) {
	ctx := context.Background()
	pub := newPublisher(t, false, "alice")
	rp := newPeer(t, pub.F)
	bob := rp.addActor("bob", true)
	carol := rp.addActor("carol", true)
	dave := rp.addActor("dave", true)

	note := vocab.NewNote("", "", "<p>secret</p>", time.Time{})
	note.To = iris(bob)
	note.Bto = iris(carol)
	note.Bcc = iris(dave)
	act, err := pub.F.Publish(ctx, "alice", note)
	require.NoError(t, err)
	var inboxes []string
	for _, j := range pub.jobs(t) {
		if j.ActivityID == act.ID {
			inboxes = append(inboxes, j.Inbox)
		}
	}
	assert.ElementsMatch(t, []string{rp.URL("/inbox"), carol + "/inbox", dave + "/inbox"}, inboxes)
}

// A local post answering another local actor's post is filed among that
// post's replies only when its author may see it, as for received
// replies: a direct message to others is not.
func TestRevFxPrivateLocalReplyNotFiled(t *testing.T) {
	ctx := context.Background()
	pub := newPublisher(t, false, "alice", "amy")
	rp := newPeer(t, pub.F)
	bob := rp.addActor("bob", false)
	create, err := pub.F.Publish(ctx, "alice", vocab.NewNote("", "", "<p>hello</p>", time.Time{}))
	require.NoError(t, err)
	parent := vocab.First(create.Object).ID()

	dm := vocab.NewNote("", "", "<p>psst bob</p>", time.Time{}).ReplyTo(parent)
	dm.Address(vocab.VisibilityDirect, "", bob)
	_, err = pub.F.Publish(ctx, "amy", dm)
	require.NoError(t, err)
	assert.Empty(t, pub.members(t, repliesIRI(parent)))

	reply, err := pub.F.Reply(ctx, "amy", parent, "<p>hi alice</p>")
	require.NoError(t, err)
	assert.Equal(t, []string{vocab.First(reply.Object).ID()}, pub.members(t, repliesIRI(parent)))
}

// A deleted local actor leaves the follows it had with other local
// actors, both ways, and those it had of remote actors (which were sent
// the Delete): otherwise other local actors keep following, and being
// followed by, an account that is gone, and posts keep being filed for it.
func TestRevFxDeleteActorLeavesLocalFollows(t *testing.T) {
	ctx := context.Background()
	pub := newPublisher(t, false, "alice", "amy")
	rp := newPeer(t, pub.F)
	dave := rp.addActor("dave", false)
	alice, amy := pub.F.ActorIRI("alice"), pub.F.ActorIRI("amy")
	for _, pair := range [][2]string{{alice, amy}, {amy, alice}, {alice, dave}} {
		_, err := pub.Store.PutFollow(ctx, store.Follow{Follower: pair[0], Followee: pair[1], ActivityID: pub.F.NewID(),
			State: store.FollowAccepted, Inbox: pair[1] + "/inbox", Created: time.Now()})
		require.NoError(t, err)
	}
	_, err := pub.F.DeleteActor(ctx, "alice")
	require.NoError(t, err)
	for _, pair := range [][2]string{{alice, amy}, {amy, alice}, {alice, dave}} {
		_, err := pub.Store.GetFollow(ctx, pair[0], pair[1])
		assert.ErrorIs(t, err, store.ErrNotFound, "%s -> %s", pair[0], pair[1])
	}
	var inboxes []string
	for _, j := range pub.jobs(t) {
		inboxes = append(inboxes, j.Inbox)
	}
	assert.Contains(t, inboxes, dave+"/inbox", "the followed remote actor is still told")
}
