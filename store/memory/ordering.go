package memory

import (
	"container/heap"
	"slices"
)

// Ordering keys: a job is held back (kept out of the due heap) while an
// earlier pending or leased job with the same ordering key goes to the same
// inbox. Per key, queueState.orders lists the batches that still have such
// jobs; the activity/inbox index finds a batch's job for an inbox, so the
// check costs a few map lookups and no memory per job.

// heldBack reports whether an earlier pending or leased job with j's
// ordering key goes to j's inbox. It looks at the few batches that share
// the key, not at the queue.
func (q *queueState) heldBack(j *job) bool {
	key := j.b.key
	if key == "" {
		return false
	}
	for _, e := range q.orders[key] {
		if e.seq > j.id {
			break
		}
		o := q.dedup[dedupKey{e.p, j.inbox}]
		if o != nil && o.id < j.id && o.b.key == key && o.state != stateDead {
			return true
		}
	}
	return false
}

// nextInLine returns the first pending or leased job after j with j's
// ordering key and inbox, or nil.
func (q *queueState) nextInLine(j *job) *job {
	key := j.b.key
	for _, l := range q.orders[key] {
		if l.seq <= j.b.seq {
			continue
		}
		o := q.dedup[dedupKey{l.p, j.inbox}]
		if o != nil && o.id > j.id && o.b.key == key && o.state != stateDead {
			return o
		}
	}
	return nil
}

// release lets the job next in line behind e go once e no longer holds it
// back (e was deleted or buried).
func (q *queueState) release(e *job) {
	if e.b.key == "" {
		return
	}
	if o := q.nextInLine(e); o != nil && o.heapIdx < 0 && !q.heldBack(o) {
		heap.Push(&q.due, o)
	}
}

// setLive adds delta to b's count of pending and leased jobs, keeping the
// ordering index to the batches that have some.
func (q *queueState) setLive(b *batch, delta int) {
	was := b.live
	b.live += delta
	if b.key == "" {
		return
	}
	chain := q.orders[b.key]
	switch {
	case was > 0 && b.live == 0:
		if i := slices.Index(chain, b); i >= 0 {
			chain = slices.Delete(chain, i, i+1)
		}
	case was == 0 && b.live > 0:
		i, _ := slices.BinarySearchFunc(chain, b.seq, func(e *batch, seq int64) int { return cmpInt(e.seq, seq) })
		chain = slices.Insert(chain, i, b)
	}
	if len(chain) == 0 {
		delete(q.orders, b.key)
	} else {
		q.orders[b.key] = chain
	}
}
