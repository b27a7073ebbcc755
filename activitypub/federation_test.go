package activitypub

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/vocab"
	"github.com/starling-fed/starling/store"
)

// TestFederationConversation runs a whole conversation between two servers
// over real HTTPS with real signatures: follow, accept, post, reply, like,
// announce, undo like, edit, delete, unfollow — each step checked on the
// side that receives it.
func TestFederationConversation(t *testing.T) {
	for _, tc := range []struct {
		name   string
		sqlite bool
	}{{"memory", false}, {"sqlite", true}} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			a := newNode(t, nodeOptions{TLS: true, SQLite: tc.sqlite, Users: []Actor{{Username: "alice", Name: "Alice"}}})
			b := newNode(t, nodeOptions{TLS: true, SQLite: tc.sqlite, Users: []Actor{{Username: "bob", Name: "Bob"}}})
			alice, bob := a.F.ActorIRI("alice"), b.F.ActorIRI("bob")

			// bob follows alice by her address, found through WebFinger.
			_, err := b.F.Follow(ctx, "bob", a.acct("alice"))
			require.NoError(t, err)
			a.waitEvent(is("Follow", bob))
			b.waitEvent(is("Accept", alice))
			requireFollow(t, a.Store, bob, alice, store.FollowAccepted)
			requireFollow(t, b.Store, bob, alice, store.FollowAccepted)

			// alice posts; bob's server gets it because bob follows her.
			note := vocab.NewNote("", alice, "<p>Hello, fediverse</p>", time.Time{})
			create, err := a.F.Publish(ctx, "alice", note)
			require.NoError(t, err)
			noteID := vocab.First(create.Object).ID()
			require.NotEmpty(t, noteID)
			got := b.waitEvent(is("Create", alice))
			assert.Equal(t, noteID, got.Object)
			stored, err := b.Store.GetObject(ctx, noteID)
			require.NoError(t, err)
			assert.Contains(t, string(stored.Document), "Hello, fediverse")

			// bob replies; alice's server files it under her post.
			reply, err := b.F.Reply(ctx, "bob", noteID, "<p>Hi Alice!</p>")
			require.NoError(t, err)
			replyID := vocab.First(reply.Object).ID()
			a.waitEvent(func(e event) bool { return e.Hook == "Create" && e.Object == replyID })
			requireMember(t, a.Store, repliesIRI(noteID), replyID, true)

			// alice likes and shares the reply.
			like, err := a.F.Like(ctx, "alice", replyID)
			require.NoError(t, err)
			b.waitEvent(func(e event) bool { return e.Hook == "Like" && e.ID == like.ID })
			requireMember(t, b.Store, likesIRI(replyID), like.ID, true)
			announce, err := a.F.Announce(ctx, "alice", replyID)
			require.NoError(t, err)
			b.waitEvent(func(e event) bool { return e.Hook == "Announce" && e.ID == announce.ID })
			requireMember(t, b.Store, sharesIRI(replyID), announce.ID, true)

			// alice takes her like back.
			_, err = a.F.Unlike(ctx, "alice", replyID)
			require.NoError(t, err)
			b.waitEvent(func(e event) bool { return e.Hook == "Undo" && e.Object == like.ID })
			requireMember(t, b.Store, likesIRI(replyID), like.ID, false)

			// alice edits her post; bob's copy follows.
			edited := vocab.NewNote(noteID, alice, "<p>Hello, fediverse (edited)</p>", time.Time{})
			_, err = a.F.UpdatePost(ctx, "alice", edited)
			require.NoError(t, err)
			b.waitEvent(func(e event) bool { return e.Hook == "Update" && e.Object == noteID })
			stored, err = b.Store.GetObject(ctx, noteID)
			require.NoError(t, err)
			assert.Contains(t, string(stored.Document), "(edited)")

			// alice deletes it; bob's copy becomes a Tombstone.
			_, err = a.F.DeletePost(ctx, "alice", noteID)
			require.NoError(t, err)
			b.waitEvent(func(e event) bool { return e.Hook == "Delete" && e.Object == noteID })
			_, err = b.Store.GetObject(ctx, noteID)
			assert.ErrorIs(t, err, store.ErrGone)

			// bob unfollows; alice's server forgets him as a follower.
			_, err = b.F.Unfollow(ctx, "bob", alice)
			require.NoError(t, err)
			a.waitEvent(is("Undo", bob))
			_, err = a.Store.GetFollow(ctx, bob, alice)
			assert.ErrorIs(t, err, store.ErrNotFound)
			_, err = b.Store.GetFollow(ctx, bob, alice)
			assert.ErrorIs(t, err, store.ErrNotFound)
			idle(t, a, b)
		})
	}
}

// requireFollow waits until st holds the follow in state.
func requireFollow(t *testing.T, st store.Store, follower, followee string, state store.FollowState) {
	t.Helper()
	require.Eventually(t, func() bool {
		f, err := st.GetFollow(context.Background(), follower, followee)
		return err == nil && f.State == state
	}, 10*time.Second, 10*time.Millisecond, "follow %s → %s never reached %s", follower, followee, state)
}

// requireMember waits until the collection does (or does not) contain item.
func requireMember(t *testing.T, st store.Store, collection, item string, want bool) {
	t.Helper()
	require.Eventually(t, func() bool {
		ok, err := st.CollectionContains(context.Background(), collection, item)
		return err == nil && ok == want
	}, 10*time.Second, 10*time.Millisecond, "%s contains %s: want %v", collection, item, want)
}

// requireNoObject asserts st holds nothing under iri.
func requireNoObject(t *testing.T, st store.Store, iri string) {
	t.Helper()
	_, err := st.GetObject(context.Background(), iri)
	require.True(t, errors.Is(err, store.ErrNotFound), "%s: got %v, want not found", iri, err)
}
