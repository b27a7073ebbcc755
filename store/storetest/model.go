package storetest

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store"
)

// modelJob is the suite's own record of a queued job. Jobs are named by
// activity id and inbox (unique in the queue); ids are learnt on claim.
type modelJob struct {
	seq        int       // enqueue order
	job        store.Job // as last claimed (ID zero until then)
	activity   string
	key, inbox string
	state      store.JobState
	next       time.Time
	leaseUntil time.Time
}

// queueModel replays random queue operations against a plain model and
// checks the store agrees at every step.
type queueModel struct {
	t    *testing.T
	s    store.Store
	jobs map[string]*modelJob
	now  time.Time
	seq  int
}

// name keys a job in the model.
func name(activityID, inbox string) string { return activityID + " " + inbox }

// claimable reports whether the model lets j be claimed now.
func (m *queueModel) claimable(j *modelJob) bool {
	switch {
	case j.state == store.JobPending && !j.next.After(m.now):
	case j.state == store.JobLeased && !j.leaseUntil.After(m.now):
	default:
		return false
	}
	if j.key == "" {
		return true
	}
	for _, o := range m.jobs {
		if o.seq < j.seq && o.key == j.key && o.inbox == j.inbox && o.state != store.JobDead {
			return false
		}
	}
	return true
}

func (m *queueModel) checkCounts(step int) {
	var want store.QueueCounts
	for _, j := range m.jobs {
		switch j.state {
		case store.JobPending:
			want.Pending++
		case store.JobLeased:
			want.Leased++
		case store.JobDead:
			want.Dead++
		}
	}
	require.Equal(m.t, want, counts(m.t, m.s, ""), "step %d: CountJobs disagrees with the operations applied", step)
}

// due is when j may next be claimed: its NextAttempt while pending, its
// LeaseUntil while leased.
func (j *modelJob) due() time.Time {
	if j.state == store.JobLeased {
		return j.leaseUntil
	}
	return j.next
}

func (m *queueModel) claim(step, limit int) {
	var could []*modelJob
	for _, j := range m.jobs {
		if m.claimable(j) {
			could = append(could, j)
		}
	}
	// Earliest due first, ties in enqueue (= id) order.
	slices.SortFunc(could, func(a, b *modelJob) int {
		if c := a.due().Compare(b.due()); c != 0 {
			return c
		}
		return a.seq - b.seq
	})
	lease := time.Duration(1+step%3) * time.Minute
	got := claim(m.t, m.s, m.now, lease, limit)
	require.Len(m.t, got, min(limit, len(could)), "step %d: Claim returned %d jobs, %d were due and not held back", step, len(got), len(could))
	var want, gotNames []string
	for i, g := range got {
		j := m.jobs[name(g.ActivityID, g.Inbox)]
		require.NotNil(m.t, j, "step %d: claimed an unknown job %s", step, name(g.ActivityID, g.Inbox))
		require.True(m.t, m.claimable(j), "step %d: job %d was not due or was held back by its ordering key", step, g.ID)
		want = append(want, name(could[i].activity, could[i].inbox))
		gotNames = append(gotNames, name(g.ActivityID, g.Inbox))
	}
	require.Equal(m.t, want, gotNames, "step %d: Claim hands out the earliest due jobs first, ties by id", step)
	for _, g := range got {
		j := m.jobs[name(g.ActivityID, g.Inbox)]
		j.job, j.state, j.leaseUntil = g, store.JobLeased, m.now.Add(lease)
	}
}

// randomJob returns a job of the model in state whose id is known, or
// nil; the choice depends only on r and the model.
func (m *queueModel) randomJob(r *rand.Rand, state store.JobState) *modelJob {
	var cands []*modelJob
	for _, j := range m.jobs {
		if j.state == state && j.job.ID != 0 {
			cands = append(cands, j)
		}
	}
	if len(cands) == 0 {
		return nil
	}
	slices.SortFunc(cands, func(a, b *modelJob) int { return a.seq - b.seq })
	return cands[r.IntN(len(cands))]
}

// runQueueModel applies steps random operations.
func runQueueModel(t *testing.T, s store.Store, seed uint64, steps int) {
	r := rand.New(rand.NewPCG(seed, 0))
	m := &queueModel{t: t, s: s, jobs: map[string]*modelJob{}, now: t0}
	inboxes := []string{"https://a.example/inbox", "https://b.example/inbox", "https://c.example/inbox"}
	keys := []string{"", alice + "/notes/1", alice + "/notes/2"}
	for step := range steps {
		switch op := r.IntN(10); {
		case op < 3: // enqueue
			id := iri(alice, "/activities/%d", step)
			b := batch(id)
			for _, in := range inboxes {
				if r.IntN(2) == 0 {
					b.Inboxes = append(b.Inboxes, in)
				}
			}
			b.OrderingKey = keys[r.IntN(len(keys))]
			b.Now = m.now
			if r.IntN(3) == 0 {
				b.NotBefore = m.now.Add(time.Duration(r.IntN(5)) * time.Minute)
			}
			require.Equal(t, len(b.Inboxes), enqueue(t, s, b), "step %d: Enqueue", step)
			next := b.Now
			if b.NotBefore.After(next) {
				next = b.NotBefore
			}
			for _, in := range b.Inboxes {
				m.seq++
				m.jobs[name(id, in)] = &modelJob{seq: m.seq, activity: id, key: b.OrderingKey, inbox: in, state: store.JobPending, next: next}
			}
		case op < 6:
			m.claim(step, 1+r.IntN(4))
		case op == 6: // complete
			if j := m.randomJob(r, store.JobLeased); j != nil {
				require.NoError(t, s.Complete(ctx(t), j.job), "step %d: Complete", step)
				delete(m.jobs, name(j.job.ActivityID, j.inbox))
			}
		case op == 7: // retry
			if j := m.randomJob(r, store.JobLeased); j != nil {
				next := m.now.Add(time.Duration(r.IntN(4)) * time.Minute)
				require.NoError(t, s.Retry(ctx(t), j.job, next, "retry"), "step %d: Retry", step)
				j.state, j.next = store.JobPending, next
			}
		case op == 8: // bury, requeue or delete
			switch r.IntN(3) {
			case 0:
				if j := m.randomJob(r, store.JobLeased); j != nil {
					require.NoError(t, s.Bury(ctx(t), j.job, "dead"), "step %d: Bury", step)
					j.state = store.JobDead
				}
			case 1:
				if j := m.randomJob(r, store.JobDead); j != nil {
					require.NoError(t, s.Requeue(ctx(t), j.job.ID, m.now), "step %d: Requeue", step)
					j.state, j.next = store.JobPending, m.now
				}
			case 2:
				if j := m.randomJob(r, store.JobPending); j != nil {
					deleted, err := s.DeleteJob(ctx(t), j.job.ID)
					require.NoError(t, err)
					require.True(t, deleted, "step %d: DeleteJob", step)
					delete(m.jobs, name(j.job.ActivityID, j.inbox))
				}
			}
		default: // time passes
			m.now = m.now.Add(time.Duration(r.IntN(3)) * time.Minute)
		}
		m.checkCounts(step)
	}
	// Drain: everything not dead is delivered in the end; nothing is lost.
	m.now = m.now.Add(24 * time.Hour)
	for range 1000 {
		got := claim(t, s, m.now, time.Hour, 100)
		if len(got) == 0 {
			break
		}
		for _, g := range got {
			j := m.jobs[name(g.ActivityID, g.Inbox)]
			require.NotNil(t, j, "drain: unknown job %d", g.ID)
			require.True(t, m.claimable(j), "drain: job %d held back or not due", g.ID)
		}
		for _, g := range got {
			require.NoError(t, s.Complete(ctx(t), g))
			delete(m.jobs, name(g.ActivityID, g.Inbox))
		}
	}
	for n, j := range m.jobs {
		require.Equal(t, store.JobDead, j.state, "job %s (%s) was never handed out again: lost", n, j.state)
	}
	m.checkCounts(steps)
}
