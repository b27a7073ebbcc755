package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/internal/pgtest"
	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/postgres"
)

// A job enqueued before the tallies existed (no activity_counts row, as
// after migration 2 runs on a busy queue) still counts when it completes,
// and a second instance on the same schema reads the same counts.
func TestActivityCountsForJobsOlderThanTheTally(t *testing.T) {
	ctx := context.Background()
	schema := pgtest.Schema(t, pgtest.URL(t), "starling_test_")
	a := openTest(t, postgres.Config{Schema: schema})
	b := openTest(t, postgres.Config{Schema: schema})
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	id := "https://local.example/activities/1"
	_, err := a.Enqueue(ctx, store.Batch{ActivityID: id, Activity: []byte(`{"id":"` + id + `"}`),
		Sender: "https://local.example/users/a", Inboxes: []string{"https://a.example/inbox", "https://b.example/inbox"},
		Now: now})
	require.NoError(t, err)
	_, err = a.Pool().Exec(ctx, `DELETE FROM activity_counts`)
	require.NoError(t, err)

	jobs, err := a.Claim(ctx, now, time.Minute, 2)
	require.NoError(t, err)
	require.Len(t, jobs, 2)
	require.NoError(t, a.Complete(ctx, jobs[0]))
	require.NoError(t, a.Bury(ctx, jobs[1], "410"))
	for _, s := range []*postgres.Store{a, b} {
		c, err := s.ActivityCounts(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, store.ActivityCounts{Delivered: 1, Dead: 1}, c)
	}
	n, err := b.PurgeActivityCounts(ctx, now.Add(time.Hour))
	require.NoError(t, err)
	assert.Zero(t, n, "a dead job is still held")
	_, err = b.DeleteJob(ctx, jobs[1].ID)
	require.NoError(t, err)
	n, err = b.PurgeActivityCounts(ctx, now.Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
	c, err := a.ActivityCounts(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, store.ActivityCounts{}, c)
}
