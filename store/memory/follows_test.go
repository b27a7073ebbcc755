package memory_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/memory"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// The per-actor inbox counts follow every change of a relationship.
func TestFollowerInboxesTrackChanges(t *testing.T) {
	s := memory.New()
	defer s.Close()
	ctx := t.Context()
	const alice = "https://local.example/users/alice"
	inboxes := func() []string {
		var out []string
		for in, err := range s.FollowerInboxes(ctx, alice) {
			require.NoError(t, err)
			out = append(out, in)
		}
		return out
	}
	bob := store.Follow{Follower: "https://r.example/users/bob", Followee: alice, ActivityID: "https://r.example/f/1",
		State: store.FollowAccepted, Inbox: "https://r.example/users/bob/inbox", SharedInbox: "https://r.example/inbox", Created: t0}
	carol := bob
	carol.Follower, carol.ActivityID, carol.Inbox = "https://r.example/users/carol", "https://r.example/f/2", "https://r.example/users/carol/inbox"
	for _, f := range []store.Follow{bob, carol} {
		_, err := s.PutFollow(ctx, f)
		require.NoError(t, err)
	}
	assert.Equal(t, []string{"https://r.example/inbox"}, inboxes(), "one shared inbox for two followers")

	bob.SharedInbox = ""
	_, err := s.PutFollow(ctx, bob)
	require.NoError(t, err)
	assert.Equal(t, []string{"https://r.example/inbox", "https://r.example/users/bob/inbox"}, inboxes(), "bob's shared inbox was forgotten")

	require.NoError(t, s.SetFollowState(ctx, carol.Follower, alice, store.FollowPending))
	assert.Equal(t, []string{"https://r.example/users/bob/inbox"}, inboxes(), "a pending follower gets no deliveries")

	deleted, err := s.DeleteFollow(ctx, bob.Follower, alice)
	require.NoError(t, err)
	require.True(t, deleted)
	assert.Empty(t, inboxes())

	require.NoError(t, s.SetFollowState(ctx, carol.Follower, alice, store.FollowAccepted))
	assert.Equal(t, []string{"https://r.example/inbox"}, inboxes())
	p, err := s.Followers(ctx, alice, store.FollowAccepted, "", 10)
	require.NoError(t, err)
	assert.True(t, slices.ContainsFunc(p.Follows, func(f store.Follow) bool { return f.Follower == carol.Follower }))
}
