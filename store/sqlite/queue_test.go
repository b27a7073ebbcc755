package sqlite

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store"
)

// queryPlan returns SQLite's plan for query, one step per line.
func queryPlan(t *testing.T, s *Store, query string, args ...any) string {
	t.Helper()
	rows, err := s.r.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query, args...)
	require.NoError(t, err)
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, parent, unused int
		var detail string
		require.NoError(t, rows.Scan(&id, &parent, &unused, &detail))
		b.WriteString(detail + "\n")
	}
	require.NoError(t, rows.Err())
	return b.String()
}

func TestClaimUsesTheDueIndex(t *testing.T) {
	s := openTemp(t, Config{})
	plan := queryPlan(t, s, pickSQL, 1, 8)
	assert.Contains(t, plan, "USING INDEX jobs_due")
	assert.NotContains(t, plan, "SCAN j\n", "claiming must not scan the jobs table")
	assert.Contains(t, plan, "jobs_ordering", "ordering keys are checked through their index")
}

func TestFollowerInboxesUseTheirIndex(t *testing.T) {
	s := openTemp(t, Config{})
	plan := queryPlan(t, s, `SELECT DISTINCT delivery_inbox FROM follows
		WHERE followee = ? AND state = 'accepted' AND delivery_inbox > ? ORDER BY delivery_inbox LIMIT ?`, "x", "", 10)
	assert.Contains(t, plan, "follows_inboxes")
	assert.NotContains(t, plan, "TEMP B-TREE", "no sort: the index gives the order")
}

func TestPayloadStoredOnceAndFreedWithLastJob(t *testing.T) {
	s := openTemp(t, Config{})
	ctx := context.Background()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	payloads := func() int {
		var n int
		require.NoError(t, s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM queue_payloads`).Scan(&n))
		return n
	}
	_, err := s.Enqueue(ctx, store.Batch{
		ActivityID: "https://local.example/a/1", Activity: []byte(`{"big":"payload"}`),
		Sender: "https://local.example/u#k", Inboxes: []string{"https://a.example/i", "https://b.example/i", "https://c.example/i"},
		Now: now,
	})
	require.NoError(t, err)
	assert.Equal(t, 1, payloads(), "one payload for three jobs")
	jobs, err := s.Claim(ctx, now, time.Minute, 10)
	require.NoError(t, err)
	require.Len(t, jobs, 3)
	require.NoError(t, s.Complete(ctx, jobs[0]))
	_, err = s.DeleteJob(ctx, jobs[1].ID)
	require.NoError(t, err)
	assert.Equal(t, 1, payloads(), "still referenced")
	require.NoError(t, s.Complete(ctx, jobs[2]))
	assert.Zero(t, payloads(), "freed with the last job")
}
