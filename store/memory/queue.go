package memory

import (
	"bytes"
	"container/heap"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/starling-fed/starling/store"
)

// The queue keeps each job small (the budget is 300 bytes per queued job,
// inbox string included): times are Unix microseconds (see [micros]), the activity's bytes,
// id, sender and enqueue time are shared by all jobs of one Enqueue call
// through a *batch, and the host and ordering key are shared entries.

// payload is an activity's bytes, kept once while jobs refer to it.
type payload struct {
	id   string
	data []byte
	refs int // live jobs
	t    *tally
}

// batch holds what all jobs of one Enqueue call share.
type batch struct {
	p       *payload
	sender  string
	key     string // ordering key
	created int64
	seq     int64 // id of the batch's first job
	live    int   // jobs of the batch that are pending or leased
}

// hostEntry counts the jobs of one host.
type hostEntry struct {
	host   string
	counts store.QueueCounts
}

// Job states, packed.
const (
	statePending uint8 = iota
	stateLeased
	stateDead
)

var stateNames = [...]store.JobState{store.JobPending, store.JobLeased, store.JobDead}

type job struct {
	id         int64
	b          *batch
	inbox      string
	hc         *hostEntry
	lastError  string
	next       int64 // NextAttempt
	leaseUntil int64
	attempts   int32
	heapIdx    int32 // index in the due heap, -1 if not in it
	state      uint8
}

// due is when the job may next be claimed.
func (j *job) due() int64 {
	if j.state == stateLeased {
		return j.leaseUntil
	}
	return j.next
}

// dueHeap orders claimable jobs by due time, then id.
type dueHeap []*job

func (h dueHeap) Len() int { return len(h) }
func (h dueHeap) Less(a, b int) bool {
	if da, db := h[a].due(), h[b].due(); da != db {
		return da < db
	}
	return h[a].id < h[b].id
}
func (h dueHeap) Swap(a, b int) {
	h[a], h[b] = h[b], h[a]
	h[a].heapIdx, h[b].heapIdx = int32(a), int32(b)
}
func (h *dueHeap) Push(x any) {
	j := x.(*job)
	j.heapIdx = int32(len(*h))
	*h = append(*h, j)
}
func (h *dueHeap) Pop() any {
	old := *h
	j := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	j.heapIdx = -1
	return j
}

// dedupKey names a job by activity and inbox.
type dedupKey struct {
	p     *payload
	inbox string
}

type queueState struct {
	mu       sync.Mutex
	lastID   int64
	byID     map[int64]*job
	due      dueHeap
	payloads map[string]*payload
	tallies  map[string]*tally // per activity, see activitycounts.go
	dedup    map[dedupKey]*job
	hosts    map[string]*hostEntry
	// orders lists, per ordering key, the batches with pending or leased
	// jobs, oldest first. A job is held back (kept out of the due heap)
	// while an earlier job of one of them goes to the same inbox.
	orders map[string][]*batch
	dead   []int64 // ids of dead jobs, ascending
	counts store.QueueCounts

	hostMu     sync.Mutex
	hostStates map[string]*store.HostState

	notifyMu  sync.Mutex
	notifiers map[chan struct{}]struct{}
	closed    chan struct{}
}

func (q *queueState) init() {
	q.byID = map[int64]*job{}
	q.payloads = map[string]*payload{}
	q.tallies = map[string]*tally{}
	q.dedup = map[dedupKey]*job{}
	q.hosts = map[string]*hostEntry{}
	q.orders = map[string][]*batch{}
	q.hostStates = map[string]*store.HostState{}
	q.notifiers = map[chan struct{}]struct{}{}
	q.closed = make(chan struct{})
}

// count adds delta to the counts of state for j's host and in total.
func (q *queueState) count(j *job, state uint8, delta int) {
	for _, c := range []*store.QueueCounts{&q.counts, &j.hc.counts} {
		switch state {
		case statePending:
			c.Pending += delta
		case stateLeased:
			c.Leased += delta
		case stateDead:
			c.Dead += delta
		}
	}
}

// setState moves j to state, keeping the counts.
func (q *queueState) setState(j *job, state uint8) {
	q.count(j, j.state, -1)
	j.state = state
	q.count(j, state, +1)
}

// export returns j as a store.Job.
func (q *queueState) export(j *job) store.Job {
	out := store.Job{
		ID:          j.id,
		ActivityID:  j.b.p.id,
		Activity:    bytes.Clone(j.b.p.data),
		Inbox:       j.inbox,
		Host:        j.hc.host,
		Sender:      j.b.sender,
		State:       stateNames[j.state],
		Attempts:    int(j.attempts),
		NextAttempt: fromMicros(j.next),
		LastError:   j.lastError,
		OrderingKey: j.b.key,
		Created:     fromMicros(j.b.created),
	}
	if j.state == stateLeased {
		out.LeaseUntil = fromMicros(j.leaseUntil)
	}
	return out
}

// Enqueue implements [store.Queue].
func (s *Store) Enqueue(ctx context.Context, b store.Batch) (int, error) {
	if err := validateIRIs("activity", b.ActivityID, "sender", b.Sender); err != nil {
		return 0, err
	}
	if err := wrapDoc("activity "+b.ActivityID, b.Activity); err != nil {
		return 0, err
	}
	if b.Now.IsZero() {
		return 0, invalid("batch of %q has no enqueue time", b.ActivityID)
	}
	hosts := make([]string, len(b.Inboxes))
	for i, in := range b.Inboxes {
		h, err := store.HostOf(in)
		if err != nil {
			return 0, fmt.Errorf("memory: inbox: %w", err)
		}
		hosts[i] = h
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if len(b.Inboxes) == 0 {
		return 0, nil
	}
	next := b.Now
	if b.NotBefore.After(next) {
		next = b.NotBefore
	}

	q := &s.queue
	q.mu.Lock()
	p := q.payloads[b.ActivityID]
	if p == nil {
		p = &payload{id: b.ActivityID, data: bytes.Clone(b.Activity), t: q.tallyOf(b.ActivityID)}
	} else if !bytes.Equal(p.data, b.Activity) {
		q.mu.Unlock()
		return 0, fmt.Errorf("memory: activity %q is queued with other bytes: %w", b.ActivityID, store.ErrConflict)
	}
	bt := &batch{p: p, sender: b.Sender, key: b.OrderingKey, created: micros(b.Now), seq: q.lastID + 1}
	added := 0
	for i, in := range b.Inboxes {
		dk := dedupKey{p, in}
		if _, dup := q.dedup[dk]; dup {
			continue
		}
		hc := q.hosts[hosts[i]]
		if hc == nil {
			hc = &hostEntry{host: hosts[i]}
			q.hosts[hosts[i]] = hc
		}
		q.lastID++
		j := &job{id: q.lastID, b: bt, inbox: in, hc: hc, next: micros(next), heapIdx: -1, state: statePending}
		q.byID[j.id] = j
		q.dedup[dk] = j
		q.count(j, statePending, +1)
		p.t.add(j, +1)
		p.refs++
		added++
		if !q.heldBack(j) {
			heap.Push(&q.due, j)
		}
	}
	p.t.enqueued = max(p.t.enqueued, micros(b.Now))
	if added > 0 {
		q.payloads[b.ActivityID] = p
		bt.live = added
		if bt.key != "" {
			q.orders[bt.key] = append(q.orders[bt.key], bt)
		}
	}
	q.mu.Unlock()
	if added > 0 {
		q.notify()
	}
	return added, nil
}

// Claim implements [store.Queue]. It pops due jobs off a heap ordered by
// due time, so it never looks at jobs that are not due.
func (s *Store) Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]store.Job, error) {
	if lease <= 0 || limit <= 0 {
		return nil, invalid("lease %v and limit %d must be positive", lease, limit)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	n, until := micros(now), micros(now.Add(lease))
	q := &s.queue
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []store.Job
	for len(out) < limit && len(q.due) > 0 && q.due[0].due() <= n {
		j := q.due[0]
		q.setState(j, stateLeased)
		j.attempts++
		j.leaseUntil = until
		heap.Fix(&q.due, 0)
		out = append(out, q.export(j))
	}
	return out, nil
}

// leased returns the job if claimed holds its current lease.
func (q *queueState) leased(claimed store.Job) (*job, error) {
	j := q.byID[claimed.ID]
	if j == nil || j.state != stateLeased || int(j.attempts) != claimed.Attempts {
		return nil, fmt.Errorf("memory: job %d attempt %d: %w", claimed.ID, claimed.Attempts, store.ErrLeaseLost)
	}
	return j, nil
}

// remove forgets j entirely.
func (q *queueState) remove(j *job) {
	if j.heapIdx >= 0 {
		heap.Remove(&q.due, int(j.heapIdx))
	}
	q.count(j, j.state, -1)
	j.b.p.t.add(j, -1)
	delete(q.byID, j.id)
	delete(q.dedup, dedupKey{j.b.p, j.inbox})
	if j.state == stateDead {
		q.unbury(j.id)
	} else {
		q.setLive(j.b, -1)
		q.release(j)
	}
	p := j.b.p
	p.refs--
	if p.refs == 0 {
		delete(q.payloads, p.id)
	}
	if j.hc.counts.Total() == 0 {
		delete(q.hosts, j.hc.host)
	}
}

// unbury drops id from the dead index.
func (q *queueState) unbury(id int64) {
	if i, ok := slices.BinarySearch(q.dead, id); ok {
		q.dead = slices.Delete(q.dead, i, i+1)
	}
}

// endLease runs end on the job claimed names, under the lock, if the lease
// is still current; otherwise it fails with store.ErrLeaseLost.
func (q *queueState) endLease(ctx context.Context, claimed store.Job, end func(*job)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	j, err := q.leased(claimed)
	if err != nil {
		return err
	}
	end(j)
	return nil
}

// Complete implements [store.Queue].
func (s *Store) Complete(ctx context.Context, claimed store.Job) error {
	q := &s.queue
	return q.endLease(ctx, claimed, func(j *job) {
		j.b.p.t.counts.Delivered++
		q.remove(j)
	})
}

// Retry implements [store.Queue].
func (s *Store) Retry(ctx context.Context, claimed store.Job, next time.Time, lastErr string) error {
	q := &s.queue
	err := q.endLease(ctx, claimed, func(j *job) {
		j.b.p.t.add(j, -1)
		q.setState(j, statePending)
		j.next = micros(next)
		j.leaseUntil = 0
		j.lastError = lastErr
		j.b.p.t.add(j, +1)
		if j.heapIdx >= 0 {
			heap.Fix(&q.due, int(j.heapIdx))
		}
	})
	if err == nil {
		q.notify()
	}
	return err
}

// Bury implements [store.Queue].
func (s *Store) Bury(ctx context.Context, claimed store.Job, lastErr string) error {
	q := &s.queue
	return q.endLease(ctx, claimed, func(j *job) {
		if j.heapIdx >= 0 {
			heap.Remove(&q.due, int(j.heapIdx))
		}
		j.b.p.t.add(j, -1)
		q.setState(j, stateDead)
		j.leaseUntil = 0
		j.lastError = lastErr
		j.b.p.t.add(j, +1)
		q.setLive(j.b, -1)
		q.release(j)
		i, _ := slices.BinarySearch(q.dead, j.id)
		q.dead = slices.Insert(q.dead, i, j.id)
	})
}

// Job implements [store.Queue].
func (s *Store) Job(ctx context.Context, id int64) (store.Job, error) {
	if err := ctx.Err(); err != nil {
		return store.Job{}, err
	}
	q := &s.queue
	q.mu.Lock()
	defer q.mu.Unlock()
	j := q.byID[id]
	if j == nil {
		return store.Job{}, notFound("job", fmt.Sprint(id))
	}
	return q.export(j), nil
}

// deadScope scopes dead-letter cursors.
const deadScope = "dead-jobs"

// DeadJobs implements [store.Queue].
func (s *Store) DeadJobs(ctx context.Context, cursor string, limit int) ([]store.Job, string, error) {
	limit, err := checkLimit(limit)
	if err != nil {
		return nil, "", err
	}
	before, err := decodeBefore(cursor, deadScope)
	if err != nil {
		return nil, "", err
	}
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	q := &s.queue
	q.mu.Lock()
	defer q.mu.Unlock()
	i, _ := slices.BinarySearch(q.dead, before)
	var out []store.Job
	for i--; i >= 0 && len(out) < limit; i-- {
		out = append(out, q.export(q.byID[q.dead[i]]))
	}
	next := ""
	if i >= 0 {
		next = store.EncodeCursor(store.Cursor{Scope: deadScope, Position: q.dead[i+1]})
	}
	return out, next, nil
}

// Requeue implements [store.Queue].
func (s *Store) Requeue(ctx context.Context, id int64, next time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	q := &s.queue
	q.mu.Lock()
	j := q.byID[id]
	switch {
	case j == nil:
		q.mu.Unlock()
		return notFound("job", fmt.Sprint(id))
	case j.state != stateDead:
		q.mu.Unlock()
		return fmt.Errorf("memory: job %d is %s, not dead: %w", id, stateNames[j.state], store.ErrConflict)
	}
	q.unbury(id)
	j.b.p.t.add(j, -1)
	q.setState(j, statePending)
	j.b.p.t.add(j, +1)
	j.next = micros(next)
	q.setLive(j.b, +1)
	if !q.heldBack(j) {
		heap.Push(&q.due, j)
		// The requeued job goes first again: hold back the one that was
		// next in line (a leased one keeps its lease).
		if o := q.nextInLine(j); o != nil && o.heapIdx >= 0 {
			heap.Remove(&q.due, int(o.heapIdx))
		}
	}
	q.mu.Unlock()
	q.notify()
	return nil
}

// DeleteJob implements [store.Queue].
func (s *Store) DeleteJob(ctx context.Context, id int64) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	q := &s.queue
	q.mu.Lock()
	defer q.mu.Unlock()
	j := q.byID[id]
	if j == nil {
		return false, nil
	}
	q.remove(j)
	return true, nil
}

// CountJobs implements [store.Queue].
func (s *Store) CountJobs(ctx context.Context, host string) (store.QueueCounts, error) {
	if err := ctx.Err(); err != nil {
		return store.QueueCounts{}, err
	}
	q := &s.queue
	q.mu.Lock()
	defer q.mu.Unlock()
	if host == "" {
		return q.counts, nil
	}
	if hc := q.hosts[strings.ToLower(host)]; hc != nil {
		return hc.counts, nil
	}
	return store.QueueCounts{}, nil
}
