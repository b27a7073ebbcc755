package activitypub

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/vocab"
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
