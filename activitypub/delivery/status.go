package delivery

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/starling-fed/starling/store"
)

// ActivityStatus counts the deliveries of one activity, one per inbox.
//
// Where the counts come from depends on the store:
//
//   - A store that implements [store.ActivityCounter] (the memory, SQLite
//     and PostgreSQL stores do) keeps them durably: they survive a
//     restart and every process sharing the store reads the same numbers.
//     Enqueued, Delivered, Pending, Failing, Dead and Expanding are then
//     the store's; only Gone stays this process's own record, since the
//     store does not keep why a job was given up. A job removed from the
//     queue with store.Queue.DeleteJob drops out of every count.
//   - Otherwise the counts are this process's records, kept in memory
//     since it started: jobs it enqueued and outcomes its workers reached.
//     With several processes sharing a queue each sees the outcomes of its
//     own workers, and after a restart earlier activities are unknown.
//
// Dead jobs, which every store keeps, can be listed with
// [Delivery.DeadJobs].
type ActivityStatus struct {
	ActivityID string
	// Known reports whether there is any record of the activity: a job in
	// the store or a delivered tally (durable counts), or a record in
	// this process (in-process counts).
	Known bool
	// Enqueued is the number of jobs counted: Delivered + Pending + Dead
	// with durable counts; the jobs this process enqueued otherwise.
	Enqueued int
	// Delivered is the number of inboxes that accepted the activity.
	Delivered int
	// Pending is Enqueued less the jobs that reached an end: waiting for
	// a first attempt, in flight, or waiting to be retried.
	Pending int
	// Failing is the part of Pending whose last attempt failed.
	Failing int
	// Dead is the number of jobs given up (dead-lettered), Gone among
	// them those whose inbox answered 410 Gone (as seen by this
	// process's workers, whatever the store).
	Dead int
	Gone int
	// Expanding reports that a followers collection is still being
	// expanded into jobs: with durable counts, that the expansion job is
	// still queued, in whichever process it runs.
	Expanding bool
}

// Done reports whether every known job reached an end.
func (s ActivityStatus) Done() bool { return s.Known && s.Pending == 0 && !s.Expanding }

// maxTracked bounds the activities remembered; the oldest are forgotten.
const maxTracked = 10000

type counts struct {
	enqueued, delivered, failing, dead, gone int
	expanding                                bool
}

// tracker keeps ActivityStatus records.
type tracker struct {
	mu    sync.Mutex
	m     map[string]*counts
	order []string
}

func newTracker() *tracker { return &tracker{m: make(map[string]*counts)} }

// get returns the record of id, creating it. t.mu is held.
func (t *tracker) get(id string) *counts {
	c := t.m[id]
	if c == nil {
		if len(t.order) >= maxTracked {
			delete(t.m, t.order[0])
			t.order = t.order[1:]
		}
		c = &counts{}
		t.m[id] = c
		t.order = append(t.order, id)
	}
	return c
}

func (t *tracker) with(id string, fn func(*counts)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fn(t.get(id))
}

func (t *tracker) enqueued(id string, n int) { t.with(id, func(c *counts) { c.enqueued += n }) }
func (t *tracker) expanding(id string, on bool) {
	t.with(id, func(c *counts) { c.expanding = on })
}

// settle undoes a job's failing mark when it reaches an end.
func settle(c *counts, j store.Job) {
	if j.LastError != "" && c.failing > 0 {
		c.failing--
	}
}

func (t *tracker) delivered(j store.Job) {
	t.with(j.ActivityID, func(c *counts) { settle(c, j); c.delivered++ })
}
func (t *tracker) dead(j store.Job) { t.with(j.ActivityID, func(c *counts) { settle(c, j); c.dead++ }) }
func (t *tracker) gone(j store.Job) {
	t.with(j.ActivityID, func(c *counts) { settle(c, j); c.dead++; c.gone++ })
}
func (t *tracker) failing(j store.Job) {
	if j.LastError == "" {
		t.with(j.ActivityID, func(c *counts) { c.failing++ })
	}
}
func (t *tracker) requeued(j store.Job) {
	t.with(j.ActivityID, func(c *counts) {
		if c.dead > 0 {
			c.dead--
		}
		c.failing++
	})
}

func (t *tracker) status(id string) ActivityStatus {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := ActivityStatus{ActivityID: id}
	c := t.m[id]
	if c == nil {
		return s
	}
	s.Known = true
	s.Enqueued, s.Delivered, s.Failing, s.Dead, s.Gone = c.enqueued, c.delivered, c.failing, c.dead, c.gone
	s.Expanding = c.expanding
	s.Pending = max(0, c.enqueued-c.delivered-c.dead)
	s.Failing = min(s.Failing, s.Pending)
	return s
}

// Status returns the delivery counts of an activity (see
// [ActivityStatus]): the store's durable counts when it has them, else
// this process's own. If reading the store fails, the failure is logged
// and this process's counts are returned; use [Delivery.StatusContext] to
// see the error and bound the read with a context.
func (d *Delivery) Status(activityID string) ActivityStatus {
	ctx := context.Background()
	s, err := d.StatusContext(ctx, activityID)
	if err != nil {
		d.log.WarnContext(ctx, "delivery: reading activity status; using this process's counts",
			"activity_id", activityID, "error", err)
		return d.track.status(activityID)
	}
	return s
}

// StatusContext is [Delivery.Status] with a context, returning the error
// of a failed store read instead of falling back. With a store that does
// not implement [store.ActivityCounter] it returns this process's counts
// and never fails.
func (d *Delivery) StatusContext(ctx context.Context, activityID string) (ActivityStatus, error) {
	local := d.track.status(activityID)
	c, ok := d.store.(store.ActivityCounter)
	if !ok {
		return local, nil
	}
	// The expansion job is read first: it completes only after it has
	// enqueued every follower's job, so if it is seen gone, the jobs it
	// added are in the counts read next.
	fan, err := c.ActivityCounts(ctx, fanoutID(activityID))
	if err != nil {
		return ActivityStatus{}, fmt.Errorf("delivery: reading activity status: %w", err)
	}
	n, err := c.ActivityCounts(ctx, activityID)
	if err != nil {
		return ActivityStatus{}, fmt.Errorf("delivery: reading activity status: %w", err)
	}
	return durableStatus(activityID, n, fan, local), nil
}

// durableStatus builds the status from the store's counts of the activity
// (n) and of its expansion job (fan), taking Gone from this process's.
func durableStatus(activityID string, n, fan store.ActivityCounts, local ActivityStatus) ActivityStatus {
	s := ActivityStatus{
		ActivityID: activityID,
		Enqueued:   int(n.Total()),
		Delivered:  int(n.Delivered),
		Pending:    int(n.Queued()),
		Failing:    int(n.Failing),
		Dead:       int(n.Dead),
		Gone:       min(local.Gone, int(n.Dead)),
		Expanding:  fan.Queued() > 0,
	}
	s.Known = s.Enqueued > 0 || s.Expanding
	return s
}

// HostStatus is the circuit-breaker state of a host and its queue.
type HostStatus struct {
	Host  string
	State BreakerState
	// OpenUntil is when an open circuit lets a probe through.
	OpenUntil time.Time
	// RecentFailures counts failures within [Config.BreakerWindow];
	// FailureDays the distinct days with failures since the last success.
	RecentFailures int
	FailureDays    int
	// LastSuccess is the last recorded delivery to the host (written at
	// most once a minute while the host is healthy).
	LastSuccess time.Time
	// Queue counts the host's jobs by state.
	Queue store.QueueCounts
}

// HostStatus reads the breaker state and queue counts of host, as all
// processes sharing the store see them.
func (d *Delivery) HostStatus(ctx context.Context, host string) (HostStatus, error) {
	host = normHost(host)
	now := d.cfg.Clock()
	s, err := d.store.HostState(ctx, host)
	if err != nil {
		return HostStatus{}, fmt.Errorf("delivery: reading host state: %w", err)
	}
	d.br.put(host, s, now)
	q, err := d.store.CountJobs(ctx, host)
	if err != nil {
		return HostStatus{}, fmt.Errorf("delivery: counting jobs: %w", err)
	}
	recent := 0
	for _, f := range s.Failures {
		if now.Sub(f) < d.cfg.BreakerWindow {
			recent++
		}
	}
	return HostStatus{Host: host, State: d.br.stateOf(s, now), OpenUntil: s.OpenUntil, RecentFailures: recent,
		FailureDays: len(s.FailureDays), LastSuccess: s.LastSuccess, Queue: q}, nil
}

// DeadJobs lists dead-lettered jobs, most recently enqueued first, a page
// at a time: pass "" as cursor first, then the cursor returned, until it
// is "". Each job's LastError says why it was given up.
func (d *Delivery) DeadJobs(ctx context.Context, cursor string, limit int) ([]store.Job, string, error) {
	return d.store.DeadJobs(ctx, cursor, limit)
}

// Requeue puts a dead-lettered job back in the queue, due now. It fails
// with an error wrapping store.ErrConflict if the job is not dead, and
// store.ErrNotFound if there is no such job.
func (d *Delivery) Requeue(ctx context.Context, id int64) error {
	j, err := d.store.Job(ctx, id)
	if err != nil {
		return err
	}
	if err := d.store.Requeue(ctx, id, d.cfg.Clock()); err != nil {
		return err
	}
	d.track.requeued(j)
	d.log.InfoContext(ctx, "delivery: job requeued", "job", id, "inbox", j.Inbox, "activity_id", j.ActivityID)
	d.Wake()
	return nil
}
