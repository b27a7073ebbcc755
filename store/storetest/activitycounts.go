package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store"
)

// counter returns s as a store.ActivityCounter, skipping the rule when s
// does not implement the capability.
func counter(t *testing.T, s store.Store) store.ActivityCounter {
	t.Helper()
	c, ok := s.(store.ActivityCounter)
	if !ok {
		t.Skip("store does not implement store.ActivityCounter")
	}
	return c
}

// activityCounts returns the counts of id.
func activityCounts(t *testing.T, c store.ActivityCounter, id string) store.ActivityCounts {
	t.Helper()
	n, err := c.ActivityCounts(ctx(t), id)
	require.NoError(t, err)
	return n
}

var activityCounterRules = []rule{
	{"an unknown activity has zero counts", func(t *testing.T, s store.Store) {
		c := counter(t, s)
		assert.Equal(t, store.ActivityCounts{}, activityCounts(t, c, alice+"/activities/none"))
	}},
	{"enqueued jobs are pending and duplicates are not counted", func(t *testing.T, s store.Store) {
		c := counter(t, s)
		id := alice + "/activities/1"
		require.Equal(t, 3, enqueue(t, s, batch(id, inboxesOn(3, 2)...)))
		require.Equal(t, 1, enqueue(t, s, batch(id, inboxesOn(4, 2)...)))
		assert.Equal(t, store.ActivityCounts{Pending: 4}, activityCounts(t, c, id))
	}},
	{"a claimed job with no failed attempt stays pending", func(t *testing.T, s store.Store) {
		c := counter(t, s)
		id := alice + "/activities/1"
		enqueue(t, s, batch(id, inboxesOn(3, 3)...))
		require.Len(t, claim(t, s, t0, time.Minute, 2), 2)
		assert.Equal(t, store.ActivityCounts{Pending: 3}, activityCounts(t, c, id))
	}},
	{"a retried job is failing, also while claimed again", func(t *testing.T, s store.Store) {
		c := counter(t, s)
		id := alice + "/activities/1"
		enqueue(t, s, batch(id, inboxesOn(3, 3)...))
		jobs := claim(t, s, t0, time.Minute, 1)
		require.Len(t, jobs, 1)
		require.NoError(t, s.Retry(ctx(t), jobs[0], at(time.Hour), "503"))
		assert.Equal(t, store.ActivityCounts{Pending: 2, Failing: 1}, activityCounts(t, c, id))
		jobs = claim(t, s, at(2*time.Hour), time.Minute, 3)
		require.Len(t, jobs, 3)
		assert.Equal(t, store.ActivityCounts{Pending: 2, Failing: 1}, activityCounts(t, c, id))
	}},
	{"completed jobs are delivered, after their rows and payload are gone", func(t *testing.T, s store.Store) {
		c := counter(t, s)
		id := alice + "/activities/1"
		enqueue(t, s, batch(id, inboxesOn(3, 3)...))
		jobs := claim(t, s, t0, time.Minute, 3)
		require.Len(t, jobs, 3)
		require.NoError(t, s.Retry(ctx(t), jobs[0], t0, "503"))
		require.NoError(t, s.Complete(ctx(t), jobs[1]))
		assert.Equal(t, store.ActivityCounts{Delivered: 1, Pending: 1, Failing: 1}, activityCounts(t, c, id))
		require.NoError(t, s.Complete(ctx(t), jobs[2]))
		jobs = claim(t, s, t0, time.Minute, 1)
		require.Len(t, jobs, 1)
		require.NoError(t, s.Complete(ctx(t), jobs[0]))
		assert.Zero(t, counts(t, s, "").Total(), "no job rows left")
		assert.Equal(t, store.ActivityCounts{Delivered: 3}, activityCounts(t, c, id))
		// The payload is gone too, so the activity may come back with
		// other bytes; its tally carries on.
		b := batch(id, "https://other.example/inbox")
		b.Activity = []byte(`{"id":"` + id + `","type":"Update"}`)
		enqueue(t, s, b)
		assert.Equal(t, store.ActivityCounts{Delivered: 3, Pending: 1}, activityCounts(t, c, id))
	}},
	{"a lost lease counts nothing", func(t *testing.T, s store.Store) {
		c := counter(t, s)
		id := alice + "/activities/1"
		enqueue(t, s, batch(id, "https://a.example/inbox"))
		first := claim(t, s, t0, time.Minute, 1)
		require.Len(t, first, 1)
		require.Len(t, claim(t, s, at(time.Hour), time.Minute, 1), 1)
		require.ErrorIs(t, s.Complete(ctx(t), first[0]), store.ErrLeaseLost)
		assert.Equal(t, store.ActivityCounts{Pending: 1}, activityCounts(t, c, id))
	}},
	{"buried jobs are dead and requeued ones queued again", func(t *testing.T, s store.Store) {
		c := counter(t, s)
		id := alice + "/activities/1"
		enqueue(t, s, batch(id, inboxesOn(3, 3)...))
		jobs := claim(t, s, t0, time.Minute, 3)
		require.Len(t, jobs, 3)
		require.NoError(t, s.Bury(ctx(t), jobs[0], "410 Gone"))
		require.NoError(t, s.Bury(ctx(t), jobs[1], ""))
		assert.Equal(t, store.ActivityCounts{Pending: 1, Dead: 2}, activityCounts(t, c, id))
		require.NoError(t, s.Requeue(ctx(t), jobs[0].ID, t0))
		require.NoError(t, s.Requeue(ctx(t), jobs[1].ID, t0))
		assert.Equal(t, store.ActivityCounts{Pending: 2, Failing: 1}, activityCounts(t, c, id),
			"a requeued job keeps its LastError: failing if it had one")
	}},
	{"a deleted job leaves every count", func(t *testing.T, s store.Store) {
		c := counter(t, s)
		id := alice + "/activities/1"
		enqueue(t, s, batch(id, inboxesOn(3, 3)...))
		jobs := claim(t, s, t0, time.Minute, 3)
		require.Len(t, jobs, 3)
		require.NoError(t, s.Bury(ctx(t), jobs[0], "x"))
		require.NoError(t, s.Retry(ctx(t), jobs[1], t0, "x"))
		require.NoError(t, s.Complete(ctx(t), jobs[2]))
		for _, j := range jobs[:2] {
			ok, err := s.DeleteJob(ctx(t), j.ID)
			require.NoError(t, err)
			require.True(t, ok)
		}
		assert.Equal(t, store.ActivityCounts{Delivered: 1}, activityCounts(t, c, id))
	}},
	{"two activities do not mix", func(t *testing.T, s store.Store) {
		c := counter(t, s)
		a, b := alice+"/activities/a", alice+"/activities/b"
		enqueue(t, s, batch(a, inboxesOn(2, 2)...))
		enqueue(t, s, batch(b, inboxesOn(3, 3)...))
		for _, j := range claim(t, s, t0, time.Minute, 5) {
			if j.ActivityID == a {
				require.NoError(t, s.Complete(ctx(t), j))
			} else {
				require.NoError(t, s.Bury(ctx(t), j, "x"))
			}
		}
		assert.Equal(t, store.ActivityCounts{Delivered: 2}, activityCounts(t, c, a))
		assert.Equal(t, store.ActivityCounts{Dead: 3}, activityCounts(t, c, b))
	}},
	{"concurrent completes are counted exactly", func(t *testing.T, s store.Store) {
		c := counter(t, s)
		const n, workers = 60, 6
		id := alice + "/activities/1"
		enqueue(t, s, batch(id, inboxesOn(n, 5)...))
		jobs := claim(t, s, t0, time.Minute, n)
		require.Len(t, jobs, n)
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for i := w; i < n; i += workers {
					assert.NoError(t, s.Complete(ctx(t), jobs[i]))
				}
			})
		}
		wg.Wait()
		assert.Equal(t, store.ActivityCounts{Delivered: n}, activityCounts(t, c, id))
	}},
	{"purge drops finished tallies enqueued before the cut-off only", func(t *testing.T, s store.Store) {
		c := counter(t, s)
		done, busy, late := alice+"/activities/done", alice+"/activities/busy", alice+"/activities/late"
		enqueue(t, s, batch(done, "https://a.example/inbox"))
		enqueue(t, s, batch(busy, "https://a.example/inbox", "https://b.example/inbox"))
		lb := batch(late, "https://a.example/inbox")
		lb.Now = at(48 * time.Hour)
		enqueue(t, s, lb)
		for _, j := range claim(t, s, at(48*time.Hour), time.Minute, 4) {
			if j.ActivityID == busy && j.Host == "b.example" {
				continue
			}
			require.NoError(t, s.Complete(ctx(t), j))
		}
		purged, err := c.PurgeActivityCounts(ctx(t), at(24*time.Hour))
		require.NoError(t, err)
		assert.Equal(t, int64(1), purged)
		assert.Equal(t, store.ActivityCounts{}, activityCounts(t, c, done))
		assert.Equal(t, store.ActivityCounts{Delivered: 1, Pending: 1}, activityCounts(t, c, busy), "has a job left")
		assert.Equal(t, store.ActivityCounts{Delivered: 1}, activityCounts(t, c, late), "enqueued after the cut-off")
		purged, err = c.PurgeActivityCounts(ctx(t), at(24*time.Hour))
		require.NoError(t, err)
		assert.Zero(t, purged)
	}},
}
