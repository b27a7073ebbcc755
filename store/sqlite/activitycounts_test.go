package sqlite

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store"
)

// A job enqueued before the tallies existed (its activity has no
// activity_counts row, as after migration 2 runs on a busy queue) still
// counts when it completes, and its tally is dated by its enqueue time.
func TestActivityCountsForJobsOlderThanTheTally(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "q.db"), Config{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	id := "https://local.example/activities/1"
	_, err = s.Enqueue(ctx, store.Batch{ActivityID: id, Activity: []byte(`{"id":"` + id + `"}`),
		Sender: "https://local.example/users/a", Inboxes: []string{"https://a.example/inbox", "https://b.example/inbox"},
		Now: now})
	require.NoError(t, err)
	_, err = s.w.ExecContext(ctx, `DELETE FROM activity_counts`)
	require.NoError(t, err)

	c, err := s.ActivityCounts(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, store.ActivityCounts{Pending: 2}, c)
	jobs, err := s.Claim(ctx, now, time.Minute, 2)
	require.NoError(t, err)
	for _, j := range jobs {
		require.NoError(t, s.Complete(ctx, j))
	}
	c, err = s.ActivityCounts(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, store.ActivityCounts{Delivered: 2}, c)

	n, err := s.PurgeActivityCounts(ctx, now)
	require.NoError(t, err)
	assert.Zero(t, n, "enqueued at the cut-off, not before it")
	n, err = s.PurgeActivityCounts(ctx, now.Add(time.Microsecond))
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
}
