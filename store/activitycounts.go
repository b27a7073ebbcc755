package store

import (
	"context"
	"time"
)

// ActivityCounts counts the deliveries of one activity, one per inbox job,
// by where each job stands. Every job the activity has, or had, is in at
// most one field.
type ActivityCounts struct {
	// Delivered counts jobs ended by [Queue.Complete]. It is kept after
	// the job rows are gone (see [ActivityCounter]).
	Delivered int64
	// Pending counts jobs still queued, pending or leased, with no failed
	// attempt recorded (LastError empty): waiting for a first attempt, or
	// in flight on it.
	Pending int64
	// Failing counts jobs still queued, pending or leased, whose last
	// attempt failed (LastError not empty): waiting for a retry, in flight
	// on one, or requeued from the dead letter.
	Failing int64
	// Dead counts jobs in the dead letter ([JobDead]).
	Dead int64
}

// Queued returns the jobs not yet at an end: Pending plus Failing.
func (c ActivityCounts) Queued() int64 { return c.Pending + c.Failing }

// Total returns the jobs counted in all fields.
func (c ActivityCounts) Total() int64 { return c.Delivered + c.Pending + c.Failing + c.Dead }

// ActivityCounter is an optional capability: durable per-activity delivery
// counts, shared by every process using the store. Discover it by type
// assertion on a [Store].
//
// Pending, Failing and Dead are counted from the jobs the queue holds, so
// they follow Enqueue, Claim, Retry, Bury, Requeue and DeleteJob at once.
// Delivered is a tally per activity, raised in the same transaction as
// each Complete, so it survives the deletion of the job and of the
// activity's payload. A job removed with [Queue.DeleteJob] leaves every
// count: it was neither delivered nor given up by the delivery layer.
//
// # Retention
//
// The tally of an activity is kept until [ActivityCounter.PurgeActivityCounts]
// removes it; nothing removes it on its own. Call the purge from time to
// time with a cut-off such as "now less 30 days" to bound the tallies kept.
type ActivityCounter interface {
	// ActivityCounts returns the counts of activityID. An activity the
	// store has no record of (never enqueued, or purged with no job left)
	// yields zero counts and a nil error: to the queue it is simply an
	// activity with nothing delivered and nothing to deliver.
	ActivityCounts(ctx context.Context, activityID string) (ActivityCounts, error)

	// PurgeActivityCounts deletes the Delivered tallies of activities
	// whose latest Enqueue (its Batch.Now) is before before and that have
	// no job left in any state, and returns how many it deleted. Counts
	// of an activity that still has jobs are never purged.
	PurgeActivityCounts(ctx context.Context, before time.Time) (int64, error)
}
