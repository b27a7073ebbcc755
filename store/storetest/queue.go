package storetest

import (
	"bytes"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store"
)

const sender = alice + "#main-key"

// activity returns the JSON of a Create activity with the given id.
func activity(id string) []byte {
	return fmt.Appendf(nil, `{"id":%q, "type":"Create","actor":%q}`, id, alice)
}

// batch returns a Batch of one activity to inboxes, due at t0.
func batch(activityID string, inboxes ...string) store.Batch {
	return store.Batch{ActivityID: activityID, Activity: activity(activityID), Sender: sender, Inboxes: inboxes, Now: t0}
}

// inboxesOn returns n inboxes spread over hosts hosts.
func inboxesOn(n, hosts int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("https://h%d.example/users/u%d/inbox", i%hosts, i)
	}
	return out
}

func enqueue(t *testing.T, s store.Store, b store.Batch) int {
	t.Helper()
	n, err := s.Enqueue(ctx(t), b)
	require.NoError(t, err)
	return n
}

func claim(t *testing.T, s store.Store, now time.Time, lease time.Duration, limit int) []store.Job {
	t.Helper()
	jobs, err := s.Claim(ctx(t), now, lease, limit)
	require.NoError(t, err)
	return jobs
}

// claimTally counts, across racing workers, how often each job was
// claimed.
type claimTally struct {
	mu      sync.Mutex
	claimed map[int64]int
}

// claimAndComplete claims up to limit jobs due at t0, tallies them and
// completes them. It returns how many it claimed, and false on an error
// (already reported).
func (c *claimTally) claimAndComplete(t *testing.T, s store.Store, limit int) (int, bool) {
	got, err := s.Claim(ctx(t), t0, time.Hour, limit)
	if !assert.NoError(t, err) {
		return 0, false
	}
	c.mu.Lock()
	if c.claimed == nil {
		c.claimed = map[int64]int{}
	}
	for _, j := range got {
		c.claimed[j.ID]++
	}
	c.mu.Unlock()
	for _, j := range got {
		if !assert.NoError(t, s.Complete(ctx(t), j)) {
			return len(got), false
		}
	}
	return len(got), true
}

// checkOnce asserts that want distinct jobs were claimed, each once.
func (c *claimTally) checkOnce(t *testing.T, want int) {
	t.Helper()
	assert.Len(t, c.claimed, want, "every job claimed")
	for id, n := range c.claimed {
		assert.Equal(t, 1, n, "job %d claimed %d times", id, n)
	}
}

func counts(t *testing.T, s store.Store, host string) store.QueueCounts {
	t.Helper()
	c, err := s.CountJobs(ctx(t), host)
	require.NoError(t, err)
	return c
}

var queueRules = []rule{
	{"Enqueue stores one pending job per inbox with every field", func(t *testing.T, s store.Store) {
		b := batch(alice+"/activities/1", "https://A.example/inbox", "https://b.example/users/x/inbox")
		b.OrderingKey = alice + "/notes/1"
		assert.Equal(t, 2, enqueue(t, s, b))
		jobs := claim(t, s, t0, time.Minute, 10)
		require.Len(t, jobs, 2)
		assert.Less(t, jobs[0].ID, jobs[1].ID, "ids increase in enqueue order")
		for i, j := range jobs {
			assert.Positive(t, j.ID)
			assert.Equal(t, b.ActivityID, j.ActivityID)
			assert.True(t, bytes.Equal(b.Activity, j.Activity), "Activity byte for byte")
			assert.Equal(t, b.Inboxes[i], j.Inbox)
			assert.Equal(t, sender, j.Sender)
			assert.Equal(t, b.OrderingKey, j.OrderingKey)
			assert.True(t, t0.Equal(j.Created), "Created")
			assert.True(t, t0.Equal(j.NextAttempt), "NextAttempt defaults to Now")
			got, err := s.Job(ctx(t), j.ID)
			require.NoError(t, err)
			assert.True(t, bytes.Equal(b.Activity, got.Activity), "Job fills in Activity")
			assert.Equal(t, j.Inbox, got.Inbox)
		}
		assert.Equal(t, "a.example", jobs[0].Host, "Host is the lower-cased host of the inbox")
		assert.Equal(t, "b.example", jobs[1].Host)
	}},
	{"Enqueue skips duplicate inboxes within and across calls", func(t *testing.T, s store.Store) {
		id := alice + "/activities/1"
		in := inboxesOn(5, 2)
		assert.Equal(t, 5, enqueue(t, s, batch(id, append(in, in[0], in[3])...)))
		assert.Equal(t, 1, enqueue(t, s, batch(id, in[1], "https://new.example/inbox")), "only the new inbox is added")
		assert.Equal(t, 6, counts(t, s, "").Pending)
		_, err := s.Enqueue(ctx(t), store.Batch{ActivityID: id, Activity: []byte(`{"other":true}`), Sender: sender, Inboxes: []string{"https://c.example/inbox"}, Now: t0})
		assert.ErrorIs(t, err, store.ErrConflict, "same activity id with other bytes")
		n, err := s.Enqueue(ctx(t), store.Batch{ActivityID: id, Activity: activity(id), Sender: sender, Now: t0})
		require.NoError(t, err, "no inboxes: nothing to do")
		assert.Zero(t, n)
		assert.Equal(t, 6, counts(t, s, "").Total())
	}},
	{"Claim hands out only due jobs, oldest first, up to the limit", func(t *testing.T, s store.Store) {
		later := batch(alice+"/activities/later", "https://a.example/inbox")
		later.NotBefore = at(time.Hour)
		enqueue(t, s, later)
		soon := batch(alice+"/activities/soon", "https://b.example/inbox")
		soon.NotBefore = at(time.Minute)
		enqueue(t, s, soon)
		enqueue(t, s, batch(alice+"/activities/now", inboxesOn(3, 3)...))

		jobs := claim(t, s, t0, 24*time.Hour, 2)
		require.Len(t, jobs, 2, "the limit holds")
		jobs = append(jobs, claim(t, s, t0, 24*time.Hour, 10)...)
		require.Len(t, jobs, 3, "only the due jobs")
		for _, j := range jobs {
			assert.Equal(t, alice+"/activities/now", j.ActivityID)
			assert.Equal(t, store.JobLeased, j.State)
			assert.Equal(t, 1, j.Attempts, "a claim counts an attempt")
			assert.True(t, at(24*time.Hour).Equal(j.LeaseUntil), "LeaseUntil = now + lease")
		}
		assert.Empty(t, claim(t, s, at(59*time.Second), time.Minute, 10))
		jobs = claim(t, s, at(2*time.Hour), time.Minute, 10)
		require.Len(t, jobs, 2)
		assert.Equal(t, soon.ActivityID, jobs[0].ActivityID, "the earliest NextAttempt first")
		assert.Equal(t, later.ActivityID, jobs[1].ActivityID)
	}},
	{"a leased job is not claimed again until its lease expires", func(t *testing.T, s store.Store) {
		enqueue(t, s, batch(alice+"/activities/1", "https://a.example/inbox"))
		first := claim(t, s, t0, time.Minute, 10)
		require.Len(t, first, 1)
		assert.Empty(t, claim(t, s, at(30*time.Second), time.Minute, 10), "still leased")
		assert.Equal(t, store.QueueCounts{Leased: 1}, counts(t, s, ""))
		second := claim(t, s, at(time.Minute), time.Minute, 10)
		require.Len(t, second, 1, "an expired lease is claimable")
		assert.Equal(t, first[0].ID, second[0].ID)
		assert.Equal(t, 2, second[0].Attempts)
		assert.ErrorIs(t, s.Complete(ctx(t), first[0]), store.ErrLeaseLost, "the first worker lost its lease")
		assert.ErrorIs(t, s.Retry(ctx(t), first[0], at(time.Hour), "x"), store.ErrLeaseLost)
		assert.ErrorIs(t, s.Bury(ctx(t), first[0], "x"), store.ErrLeaseLost)
		require.NoError(t, s.Complete(ctx(t), second[0]))
	}},
	{"an expired lease is due at its LeaseUntil, not its NextAttempt", func(t *testing.T, s store.Store) {
		first := batch(alice+"/activities/1", "https://a.example/inbox")
		enqueue(t, s, first)
		held := claim(t, s, t0, 5*time.Minute, 10)
		require.Len(t, held, 1)
		second := batch(alice+"/activities/2", "https://b.example/inbox")
		second.NotBefore = at(3 * time.Minute)
		enqueue(t, s, second)
		got := claim(t, s, at(20*time.Minute), time.Minute, 1)
		require.Len(t, got, 1)
		assert.Equal(t, second.ActivityID, got[0].ActivityID, "due at 3 min comes before a lease that ended at 5 min")
		got = claim(t, s, at(20*time.Minute), time.Minute, 1)
		require.Len(t, got, 1)
		assert.Equal(t, first.ActivityID, got[0].ActivityID)
		assert.Equal(t, 2, got[0].Attempts)
	}},
	{"a lease that expired without another claim can still be completed", func(t *testing.T, s store.Store) {
		enqueue(t, s, batch(alice+"/activities/1", "https://a.example/inbox"))
		jobs := claim(t, s, t0, time.Minute, 10)
		require.Len(t, jobs, 1)
		require.NoError(t, s.Complete(ctx(t), jobs[0]))
		assert.Zero(t, counts(t, s, "").Total())
	}},
	{"Complete deletes the job and ends the lease for good", func(t *testing.T, s store.Store) {
		enqueue(t, s, batch(alice+"/activities/1", "https://a.example/inbox"))
		jobs := claim(t, s, t0, time.Minute, 10)
		require.Len(t, jobs, 1)
		require.NoError(t, s.Complete(ctx(t), jobs[0]))
		_, err := s.Job(ctx(t), jobs[0].ID)
		assert.ErrorIs(t, err, store.ErrNotFound)
		assert.ErrorIs(t, s.Complete(ctx(t), jobs[0]), store.ErrLeaseLost, "completing twice")
		assert.ErrorIs(t, s.Retry(ctx(t), jobs[0], t0, "x"), store.ErrLeaseLost, "retrying a completed job")
		assert.Empty(t, claim(t, s, at(time.Hour), time.Minute, 10))
	}},
	{"job ids increase and are never reused", func(t *testing.T, s store.Store) {
		var last int64
		for i := range 3 {
			enqueue(t, s, batch(iri(alice, "/activities/%d", i), "https://a.example/inbox"))
			jobs := claim(t, s, t0, time.Minute, 1)
			require.Len(t, jobs, 1)
			assert.Greater(t, jobs[0].ID, last, "a job enqueued after the queue emptied got an old id")
			last = jobs[0].ID
			require.NoError(t, s.Complete(ctx(t), jobs[0]))
		}
	}},
	{"ending a lease that is not the current one is ErrLeaseLost", func(t *testing.T, s store.Store) {
		enqueue(t, s, batch(alice+"/activities/1", "https://a.example/inbox"))
		jobs := claim(t, s, t0, time.Minute, 1)
		require.Len(t, jobs, 1)
		for _, attempts := range []int{0, 2} {
			j := jobs[0]
			j.Attempts = attempts
			assert.ErrorIs(t, s.Complete(ctx(t), j), store.ErrLeaseLost, "attempts %d", attempts)
			assert.ErrorIs(t, s.Bury(ctx(t), j, "x"), store.ErrLeaseLost, "attempts %d", attempts)
		}
		assert.ErrorIs(t, s.Complete(ctx(t), store.Job{ID: 1 << 40, Attempts: 1}), store.ErrLeaseLost, "an unknown job")
		got, err := s.Job(ctx(t), jobs[0].ID)
		require.NoError(t, err)
		assert.Equal(t, store.JobLeased, got.State, "failed calls changed nothing")
		require.NoError(t, s.Complete(ctx(t), jobs[0]))
	}},
	{"a lease from before a burial and requeue stays lost", func(t *testing.T, s store.Store) {
		enqueue(t, s, batch(alice+"/activities/1", "https://a.example/inbox"))
		a := claim(t, s, t0, time.Minute, 1) // worker A stalls past its lease
		require.Len(t, a, 1)
		b := claim(t, s, at(2*time.Minute), time.Minute, 1)
		require.Len(t, b, 1, "the expired lease is claimed again")
		require.NoError(t, s.Bury(ctx(t), b[0], "410 Gone"))
		require.NoError(t, s.Requeue(ctx(t), b[0].ID, at(3*time.Minute)))
		c := claim(t, s, at(3*time.Minute), time.Minute, 1)
		require.Len(t, c, 1)
		assert.Greater(t, c[0].Attempts, b[0].Attempts, "Attempts keeps counting through a requeue")
		assert.ErrorIs(t, s.Complete(ctx(t), a[0]), store.ErrLeaseLost, "a lease from before the burial")
		assert.ErrorIs(t, s.Retry(ctx(t), b[0], at(time.Hour), "x"), store.ErrLeaseLost, "the lease that buried it")
		require.NoError(t, s.Complete(ctx(t), c[0]), "the current lease")
	}},
	{"Retry returns the job to pending at its next attempt with the error", func(t *testing.T, s store.Store) {
		enqueue(t, s, batch(alice+"/activities/1", "https://a.example/inbox"))
		jobs := claim(t, s, t0, time.Minute, 10)
		require.Len(t, jobs, 1)
		require.NoError(t, s.Retry(ctx(t), jobs[0], at(time.Hour), "503 Service Unavailable"))
		got, err := s.Job(ctx(t), jobs[0].ID)
		require.NoError(t, err)
		assert.Equal(t, store.JobPending, got.State)
		assert.Equal(t, "503 Service Unavailable", got.LastError)
		assert.True(t, at(time.Hour).Equal(got.NextAttempt))
		assert.Equal(t, 1, got.Attempts)
		assert.Empty(t, claim(t, s, at(59*time.Minute), time.Minute, 10), "not due before its next attempt")
		again := claim(t, s, at(time.Hour), time.Minute, 10)
		require.Len(t, again, 1)
		assert.Equal(t, 2, again[0].Attempts)
		assert.Equal(t, "503 Service Unavailable", again[0].LastError)
		assert.ErrorIs(t, s.Retry(ctx(t), jobs[0], at(2*time.Hour), "x"), store.ErrLeaseLost, "the old lease ended with Retry")
	}},
	{"Bury moves a job to the dead letter and Requeue brings it back", func(t *testing.T, s store.Store) {
		enqueue(t, s, batch(alice+"/activities/1", inboxesOn(3, 3)...))
		jobs := claim(t, s, t0, time.Minute, 10)
		require.Len(t, jobs, 3)
		for _, j := range jobs {
			require.NoError(t, s.Bury(ctx(t), j, "410 Gone"))
		}
		assert.Equal(t, store.QueueCounts{Dead: 3}, counts(t, s, ""))
		assert.Empty(t, claim(t, s, at(1000*time.Hour), time.Minute, 10), "dead jobs are never claimed")
		dead, next, err := s.DeadJobs(ctx(t), "", 2)
		require.NoError(t, err)
		require.Len(t, dead, 2)
		assert.Equal(t, jobs[2].ID, dead[0].ID, "most recently enqueued first")
		assert.Equal(t, "410 Gone", dead[0].LastError)
		assert.Equal(t, store.JobDead, dead[0].State)
		rest, next2, err := s.DeadJobs(ctx(t), next, 2)
		require.NoError(t, err)
		require.Len(t, rest, 1)
		assert.Equal(t, jobs[0].ID, rest[0].ID)
		assert.Empty(t, next2)
		for _, bad := range tamper(next) {
			_, _, err := s.DeadJobs(ctx(t), bad, 2)
			require.ErrorIs(t, err, store.ErrInvalidCursor, "dead-letter cursor %q", bad)
		}

		require.NoError(t, s.Requeue(ctx(t), jobs[1].ID, at(time.Hour)))
		assert.ErrorIs(t, s.Requeue(ctx(t), jobs[1].ID, at(time.Hour)), store.ErrConflict, "only dead jobs are requeued")
		assert.ErrorIs(t, s.Requeue(ctx(t), 1<<40, t0), store.ErrNotFound)
		back := claim(t, s, at(time.Hour), time.Minute, 10)
		require.Len(t, back, 1)
		assert.Equal(t, jobs[1].ID, back[0].ID)
		assert.Equal(t, 2, back[0].Attempts, "Requeue keeps Attempts")
	}},
	{"DeleteJob removes a job in any state and its worker loses the lease", func(t *testing.T, s store.Store) {
		enqueue(t, s, batch(alice+"/activities/1", inboxesOn(2, 2)...))
		jobs := claim(t, s, t0, time.Minute, 1)
		require.Len(t, jobs, 1)
		deleted, err := s.DeleteJob(ctx(t), jobs[0].ID)
		require.NoError(t, err)
		assert.True(t, deleted)
		assert.ErrorIs(t, s.Complete(ctx(t), jobs[0]), store.ErrLeaseLost)
		deleted, err = s.DeleteJob(ctx(t), jobs[0].ID)
		require.NoError(t, err)
		assert.False(t, deleted)
		assert.Equal(t, store.QueueCounts{Pending: 1}, counts(t, s, ""))
	}},
	{"an activity's payload is freed with its last job", func(t *testing.T, s store.Store) {
		id := alice + "/activities/1"
		enqueue(t, s, batch(id, inboxesOn(3, 3)...))
		for _, j := range claim(t, s, t0, time.Minute, 10) {
			require.NoError(t, s.Complete(ctx(t), j))
		}
		n, err := s.Enqueue(ctx(t), store.Batch{ActivityID: id, Activity: []byte(`{"edited":true}`), Sender: sender, Inboxes: inboxesOn(1, 1), Now: t0})
		require.NoError(t, err, "once no job refers to it, an activity id may carry new bytes")
		assert.Equal(t, 1, n)
		jobs := claim(t, s, t0, time.Minute, 10)
		require.Len(t, jobs, 1)
		assert.Equal(t, `{"edited":true}`, string(jobs[0].Activity))
	}},
	{"a dead job keeps its payload and DeleteJob frees it", func(t *testing.T, s store.Store) {
		id := alice + "/activities/1"
		enqueue(t, s, batch(id, "https://a.example/inbox"))
		jobs := claim(t, s, t0, time.Minute, 10)
		require.Len(t, jobs, 1)
		require.NoError(t, s.Bury(ctx(t), jobs[0], "gave up"))
		edited := store.Batch{ActivityID: id, Activity: []byte(`{"edited":true}`), Sender: sender, Inboxes: []string{"https://b.example/inbox"}, Now: t0}
		_, err := s.Enqueue(ctx(t), edited)
		require.ErrorIs(t, err, store.ErrConflict, "a dead job still holds its activity's bytes")
		dead, err := s.Job(ctx(t), jobs[0].ID)
		require.NoError(t, err)
		assert.Equal(t, string(activity(id)), string(dead.Activity), "a dead job keeps its payload for inspection and requeue")
		deleted, err := s.DeleteJob(ctx(t), jobs[0].ID)
		require.NoError(t, err)
		require.True(t, deleted)
		n, err := s.Enqueue(ctx(t), edited)
		require.NoError(t, err, "DeleteJob of the last job frees the payload")
		assert.Equal(t, 1, n)
		jobs = claim(t, s, t0, time.Minute, 10)
		require.Len(t, jobs, 1)
		assert.Equal(t, `{"edited":true}`, string(jobs[0].Activity))
	}},
	{"an ordering key holds a job behind earlier jobs to the same inbox", func(t *testing.T, s store.Store) {
		key := alice + "/notes/1"
		a, b := "https://a.example/inbox", "https://b.example/inbox"
		create := batch(alice+"/activities/create", a, b)
		create.OrderingKey = key
		enqueue(t, s, create)
		del := batch(alice+"/activities/delete", a, b)
		del.OrderingKey = key
		enqueue(t, s, del)
		other := batch(alice+"/activities/other", a)
		other.OrderingKey = alice + "/notes/2"
		enqueue(t, s, other)
		unordered := batch(alice+"/activities/like", a)
		enqueue(t, s, unordered)

		first := claim(t, s, t0, 24*time.Hour, 10)
		var ids []string
		for _, j := range first {
			ids = append(ids, j.ActivityID+" "+j.Inbox)
		}
		assert.ElementsMatch(t, []string{create.ActivityID + " " + a, create.ActivityID + " " + b,
			other.ActivityID + " " + a, unordered.ActivityID + " " + a}, ids, "the Delete waits behind its Create")
		byInbox := map[string]store.Job{}
		for _, j := range first {
			if j.ActivityID == create.ActivityID {
				byInbox[j.Inbox] = j
			}
		}
		require.NoError(t, s.Retry(ctx(t), byInbox[a], at(time.Hour), "timeout"))
		assert.Empty(t, claim(t, s, at(time.Second), 24*time.Hour, 10), "a pending (retrying) Create still holds its Delete back")
		require.NoError(t, s.Complete(ctx(t), byInbox[b]))
		next := claim(t, s, at(time.Second), 24*time.Hour, 10)
		require.Len(t, next, 1, "the Delete to b follows once its Create was delivered")
		assert.Equal(t, del.ActivityID, next[0].ActivityID)
		assert.Equal(t, b, next[0].Inbox)
		again := claim(t, s, at(time.Hour), 24*time.Hour, 10)
		require.Len(t, again, 1)
		assert.Equal(t, create.ActivityID, again[0].ActivityID)
		require.NoError(t, s.Bury(ctx(t), again[0], "gave up"))
		last := claim(t, s, at(time.Hour), 24*time.Hour, 10)
		require.Len(t, last, 1, "a dead Create no longer holds its Delete back")
		assert.Equal(t, del.ActivityID, last[0].ActivityID)
		assert.Equal(t, a, last[0].Inbox)
	}},
	{"times centuries away keep their order and round-trip", func(t *testing.T, s store.Store) {
		// A far NotBefore or Retry time means "not for a long while", and a
		// caller may pass any time.Time; a backend that keeps times as
		// int64 nanoseconds (years 1678 to 2262 only) wraps them around.
		past := time.Date(1600, time.January, 2, 3, 4, 5, 6_000, time.UTC)
		future := time.Date(2500, time.June, 7, 8, 9, 10, 11_000, time.UTC)
		far := time.Date(3000, time.January, 1, 0, 0, 0, 0, time.UTC)
		old := batch(alice+"/activities/old", "https://a.example/inbox")
		old.Now = past
		enqueue(t, s, old)
		later := batch(alice+"/activities/later", "https://b.example/inbox")
		later.NotBefore = future
		enqueue(t, s, later)

		jobs := claim(t, s, t0, time.Minute, 10)
		require.Len(t, jobs, 1, "a job due in the year 2500 is not due today")
		assert.Equal(t, old.ActivityID, jobs[0].ActivityID)
		assert.True(t, jobs[0].Created.Equal(past), "Created %v, want %v", jobs[0].Created, past)
		assert.True(t, jobs[0].NextAttempt.Equal(past), "NextAttempt %v, want %v", jobs[0].NextAttempt, past)
		require.NoError(t, s.Retry(ctx(t), jobs[0], far, "retry in a thousand years"))
		assert.Empty(t, claim(t, s, future.Add(-time.Second), time.Minute, 10), "nothing is due before the year 2500")

		jobs = claim(t, s, future, time.Hour, 10)
		require.Len(t, jobs, 1, "only the job due in 2500")
		assert.Equal(t, later.ActivityID, jobs[0].ActivityID)
		assert.True(t, jobs[0].NextAttempt.Equal(future), "NextAttempt %v, want %v", jobs[0].NextAttempt, future)
		assert.True(t, jobs[0].LeaseUntil.Equal(future.Add(time.Hour)), "LeaseUntil %v", jobs[0].LeaseUntil)
		require.NoError(t, s.Complete(ctx(t), jobs[0]))

		jobs = claim(t, s, far, time.Minute, 10)
		require.Len(t, jobs, 1, "the job retried to the year 3000 is due then")
		assert.Equal(t, old.ActivityID, jobs[0].ActivityID)
		assert.True(t, jobs[0].NextAttempt.Equal(far), "NextAttempt %v, want %v", jobs[0].NextAttempt, far)
	}},
	{"CountJobs counts by state and by host", func(t *testing.T, s store.Store) {
		enqueue(t, s, batch(alice+"/activities/1", inboxesOn(10, 2)...)) // h0 and h1, 5 each
		jobs := claim(t, s, t0, time.Minute, 4)
		require.Len(t, jobs, 4)
		require.NoError(t, s.Bury(ctx(t), jobs[0], "x"))
		total := counts(t, s, "")
		assert.Equal(t, store.QueueCounts{Pending: 6, Leased: 3, Dead: 1}, total)
		h0, h1 := counts(t, s, "h0.example"), counts(t, s, "h1.example")
		assert.Equal(t, 5, h0.Total())
		assert.Equal(t, 5, h1.Total())
		assert.Equal(t, total.Pending, h0.Pending+h1.Pending)
		assert.Equal(t, total.Leased, h0.Leased+h1.Leased)
		assert.Equal(t, store.QueueCounts{}, counts(t, s, "unknown.example"))
	}},
	{"racing workers never claim a job twice and lose none", func(t *testing.T, s store.Store) {
		const jobs = 600
		enqueue(t, s, batch(alice+"/activities/1", inboxesOn(jobs/2, 10)...))
		enqueue(t, s, batch(alice+"/activities/2", inboxesOn(jobs/2, 10)...))
		var tally claimTally
		parallel(8, func(int) {
			for range jobs { // bounded, so a store that hands jobs out forever fails instead of hanging
				if n, ok := tally.claimAndComplete(t, s, 7); !ok || n == 0 {
					return
				}
			}
		})
		tally.checkOnce(t, jobs)
		assert.Zero(t, counts(t, s, "").Total())
	}},
	{"claiming while others enqueue loses nothing", func(t *testing.T, s store.Store) {
		const producers, perProducer = 4, 50
		var done atomic.Int32
		var tally claimTally
		var wg sync.WaitGroup
		for p := range producers {
			wg.Go(func() {
				defer done.Add(1)
				for i := range perProducer {
					_, err := s.Enqueue(ctx(t), batch(iri(alice, "/activities/%d-%d", p, i), inboxesOn(3, 3)...))
					assert.NoError(t, err)
				}
			})
		}
		for range 4 {
			wg.Go(func() {
				for range 100_000 { // bounded, so a broken store fails instead of hanging
					finished := done.Load() == producers
					n, ok := tally.claimAndComplete(t, s, 5)
					if !ok || n == 0 && finished {
						return
					}
					if n == 0 {
						runtime.Gosched()
					}
				}
			})
		}
		wg.Wait()
		tally.checkOnce(t, producers*perProducer*3)
	}},
	{"random operations agree with a model of the queue", func(t *testing.T, s store.Store) {
		for seed := range uint64(3) {
			t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
				for _, j := range claim(t, s, at(10000*time.Hour), time.Hour, store.MaxPageSize) {
					require.NoError(t, s.Complete(ctx(t), j))
				}
				for range 100 {
					dead, _, err := s.DeadJobs(ctx(t), "", 100)
					require.NoError(t, err)
					if len(dead) == 0 {
						break
					}
					for _, j := range dead {
						_, err := s.DeleteJob(ctx(t), j.ID)
						require.NoError(t, err)
					}
				}
				runQueueModel(t, s, seed, 300)
			})
		}
	}},
	{"bad queue input is refused and nothing is enqueued", func(t *testing.T, s store.Store) {
		good := batch(alice+"/activities/1", inboxesOn(3, 3)...)
		var cases []store.Batch
		for _, bad := range invalidIRIs {
			b := good
			b.Inboxes = slices.Concat(good.Inboxes, []string{bad})
			cases = append(cases, b)
			b = good
			b.ActivityID = bad
			cases = append(cases, b)
			b = good
			b.Sender = bad
			cases = append(cases, b)
		}
		for _, b := range cases {
			_, err := s.Enqueue(ctx(t), b)
			assert.ErrorIs(t, err, store.ErrInvalidIRI, "%q %q %q", b.ActivityID, b.Sender, b.Inboxes)
		}
		big := good
		big.Activity = bigDocument(store.MaxDocumentSize + 1)
		_, err := s.Enqueue(ctx(t), big)
		assert.ErrorIs(t, err, store.ErrTooLarge)
		notJSON := good
		notJSON.Activity = []byte("{")
		_, err = s.Enqueue(ctx(t), notJSON)
		assert.ErrorIs(t, err, store.ErrInvalid)
		noTime := good
		noTime.Now = time.Time{}
		_, err = s.Enqueue(ctx(t), noTime)
		assert.ErrorIs(t, err, store.ErrInvalid, "a batch without Now")
		assert.Zero(t, counts(t, s, "").Total(), "nothing stored half-way")

		for _, c := range []struct {
			lease time.Duration
			limit int
		}{{0, 1}, {-time.Second, 1}, {time.Minute, 0}, {time.Minute, -1}} {
			_, err := s.Claim(ctx(t), t0, c.lease, c.limit)
			assert.ErrorIs(t, err, store.ErrInvalid, "lease %v limit %d", c.lease, c.limit)
		}
		_, err = s.Job(ctx(t), 1<<40)
		assert.ErrorIs(t, err, store.ErrNotFound)
	}},
}
