package memory

import (
	"context"
	"time"

	"github.com/starling-fed/starling/store"
)

var _ store.ActivityCounter = (*Store)(nil)

// tally counts the jobs of one activity by where they stand. It outlives
// the activity's payload, so Delivered is kept after the last job ends,
// until PurgeActivityCounts drops it.
type tally struct {
	counts   store.ActivityCounts
	enqueued int64 // latest Batch.Now, Unix microseconds
	live     int   // jobs held, in any state
}

// tallyOf returns the tally of activityID, creating it. q.mu is held.
func (q *queueState) tallyOf(activityID string) *tally {
	t := q.tallies[activityID]
	if t == nil {
		t = &tally{}
		q.tallies[activityID] = t
	}
	return t
}

// add adds delta to the field j counts in, from its state and LastError.
func (t *tally) add(j *job, delta int) {
	t.live += delta
	switch {
	case j.state == stateDead:
		t.counts.Dead += int64(delta)
	case j.lastError != "":
		t.counts.Failing += int64(delta)
	default:
		t.counts.Pending += int64(delta)
	}
}

// ActivityCounts implements [store.ActivityCounter].
func (s *Store) ActivityCounts(ctx context.Context, activityID string) (store.ActivityCounts, error) {
	if err := ctx.Err(); err != nil {
		return store.ActivityCounts{}, err
	}
	q := &s.queue
	q.mu.Lock()
	defer q.mu.Unlock()
	t := q.tallies[activityID]
	if t == nil {
		return store.ActivityCounts{}, nil
	}
	return t.counts, nil
}

// PurgeActivityCounts implements [store.ActivityCounter].
func (s *Store) PurgeActivityCounts(ctx context.Context, before time.Time) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	cut := micros(before)
	q := &s.queue
	q.mu.Lock()
	defer q.mu.Unlock()
	var n int64
	for id, t := range q.tallies {
		if t.live == 0 && t.enqueued < cut {
			delete(q.tallies, id)
			n++
		}
	}
	return n, nil
}
