package postgres_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/postgres"
)

var qt0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func enqueueN(t *testing.T, s *postgres.Store, activity string, n int, notBefore time.Time) {
	t.Helper()
	inboxes := make([]string, n)
	for i := range inboxes {
		inboxes[i] = fmt.Sprintf("https://h%d.example/users/u%d/inbox", i%50, i)
	}
	_, err := s.Enqueue(context.Background(), store.Batch{
		ActivityID: activity, Activity: []byte(`{"type":"Create"}`), Sender: "https://local.example/u#k",
		Inboxes: inboxes, Now: qt0, NotBefore: notBefore,
	})
	require.NoError(t, err)
}

// Two app instances (two pools on one schema) claiming at once never get
// the same job, and together they drain the queue.
func TestTwoInstancesShareTheQueue(t *testing.T) {
	a := openTest(t, postgres.Config{MaxConns: 4})
	var schema string
	require.NoError(t, a.Pool().QueryRow(context.Background(), `SELECT current_schema()`).Scan(&schema))
	b := openTest(t, postgres.Config{Schema: schema, MaxConns: 4})
	const jobs = 600
	enqueueN(t, a, "https://local.example/activities/1", jobs, time.Time{})

	var mu sync.Mutex
	seen := map[int64]int{}
	var wg sync.WaitGroup
	for w := range 8 {
		s := a
		if w%2 == 1 {
			s = b
		}
		wg.Go(func() {
			for {
				got, err := s.Claim(context.Background(), qt0, time.Hour, 7)
				if !assert.NoError(t, err) || len(got) == 0 {
					return
				}
				mu.Lock()
				for _, j := range got {
					seen[j.ID]++
				}
				mu.Unlock()
				for _, j := range got {
					assert.NoError(t, s.Complete(context.Background(), j))
				}
			}
		})
	}
	wg.Wait()
	assert.Len(t, seen, jobs)
	for id, n := range seen {
		assert.Equal(t, 1, n, "job %d claimed %d times", id, n)
	}
	var payloads int
	require.NoError(t, a.Pool().QueryRow(context.Background(), `SELECT COUNT(*) FROM queue_payloads`).Scan(&payloads))
	assert.Zero(t, payloads, "the payload went with the last job")
}

// With a backlog of jobs due later, the claim plan reads the due index
// rather than the table.
func TestClaimUsesTheDueIndex(t *testing.T) {
	s := openTest(t, postgres.Config{})
	ctx := context.Background()
	enqueueN(t, s, "https://local.example/activities/later", 3000, qt0.Add(100*time.Hour))
	_, err := s.Pool().Exec(ctx, `ANALYZE jobs`)
	require.NoError(t, err)
	rows, err := s.Pool().Query(ctx, `EXPLAIN `+postgres.ClaimSQL, qt0.Add(time.Minute), qt0, 8)
	require.NoError(t, err)
	var plan strings.Builder
	for rows.Next() {
		var line string
		require.NoError(t, rows.Scan(&line))
		plan.WriteString(line + "\n")
	}
	require.NoError(t, rows.Err())
	assert.Contains(t, plan.String(), "jobs_due", plan.String())
	assert.NotContains(t, plan.String(), "Seq Scan on jobs j", plan.String())
}
