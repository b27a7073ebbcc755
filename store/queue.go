package store

import (
	"context"
	"time"
)

// JobState is the state of a delivery job.
type JobState string

// Job states. A completed job is deleted, so there is no "done" state.
const (
	// JobPending: waiting for its NextAttempt time.
	JobPending JobState = "pending"
	// JobLeased: claimed by a worker until LeaseUntil. A leased job whose
	// lease has expired is claimable again.
	JobLeased JobState = "leased"
	// JobDead: given up on (the dead letter). Kept for inspection until
	// requeued or deleted.
	JobDead JobState = "dead"
)

// Valid reports whether s is a known state.
func (s JobState) Valid() bool { return s == JobPending || s == JobLeased || s == JobDead }

// Job is one delivery of one activity to one inbox.
type Job struct {
	// ID is assigned by the store, positive and increasing in enqueue order.
	// IDs are never reused, not even after the queue empties, since a
	// stale worker names its lease by ID and Attempts.
	ID int64
	// ActivityID is the id of the activity delivered.
	ActivityID string
	// Activity is the activity's JSON. The store keeps one copy per
	// activity, shared by all its jobs; Claim and Job fill it in, byte for
	// byte as enqueued.
	Activity []byte
	// Inbox is the inbox to POST to; Host is its lower-cased host (see
	// [HostOf]), set by the store.
	Inbox string
	Host  string
	// Sender is who signs the delivery: the key id or actor IRI.
	Sender string
	// OrderingKey, when not empty, orders jobs: a job is not claimed while
	// an earlier job (lower ID) with the same OrderingKey and the same
	// Inbox is pending or leased. Use the object's IRI, so a Delete is not
	// delivered ahead of its Create. An earlier job waiting for a retry
	// holds later ones back for as long as it waits, so the delivery layer
	// must bury a job it gives up on. Dead jobs do not hold others back; a
	// dead job requeued holds back again the later jobs not yet claimed.
	OrderingKey string
	// State is the job's state.
	State JobState
	// Attempts counts claims so far. Claim increments it, so (ID, Attempts)
	// names one lease.
	Attempts int
	// NextAttempt is when the job becomes due while pending: the batch's
	// NotBefore (or Now), then the time given to Retry or Requeue.
	NextAttempt time.Time
	// LeaseUntil is when the current lease ends (leased jobs only).
	LeaseUntil time.Time
	// LastError is the error of the last failed attempt, if any.
	LastError string
	// Created is the enqueue time (the batch's Now).
	Created time.Time
}

// Batch enqueues one activity for delivery to many inboxes at once.
type Batch struct {
	// ActivityID and Activity: the activity's id and JSON (at most
	// [MaxDocumentSize]). The payload is stored once for all jobs.
	ActivityID string
	Activity   []byte
	// Sender signs every job in the batch.
	Sender string
	// Inboxes receive one job each. Duplicates within the batch, and
	// inboxes that already have a job (in any state) for this ActivityID,
	// are skipped.
	Inboxes []string
	// OrderingKey is copied to every job (see [Job.OrderingKey]).
	OrderingKey string
	// Now is the enqueue time, required ([ErrInvalid] if zero); NotBefore,
	// if later, is the first attempt time (else Now).
	Now       time.Time
	NotBefore time.Time
}

// QueueCounts counts jobs by state.
type QueueCounts struct {
	// Pending, Leased and Dead count jobs in [JobPending], [JobLeased]
	// (expired leases included) and [JobDead].
	Pending int
	Leased  int
	Dead    int
}

// Total returns the number of jobs in all states.
func (c QueueCounts) Total() int { return c.Pending + c.Leased + c.Dead }

// HostState is what the delivery layer keeps per host for its circuit
// breaker. The store does not interpret it; it stores and returns it.
type HostState struct {
	// Host is the lower-cased host the state is about.
	Host string
	// Failures are the times of recent failed deliveries, as the caller
	// chose to keep them.
	Failures []time.Time
	// FailureDays are the distinct days (UTC midnight) on which deliveries
	// to the host failed, as the caller chose to keep them.
	FailureDays []time.Time
	// OpenUntil: while in the future, the circuit is open and the host is
	// not tried.
	OpenUntil time.Time
	// LastSuccess is the time of the last successful delivery.
	LastSuccess time.Time
}

// Queue is the durable delivery queue.
//
// Implementations must be safe for concurrent use by many workers in many
// processes sharing one database, and honour ctx. Claim must find due jobs
// through an index on the due time, never by scanning every job.
//
// A worker calls Claim, delivers each job, then ends the lease with exactly
// one of Complete, Retry or Bury, passing the Job as claimed: the store
// identifies the lease by (ID, Attempts). Ending a lease that is no longer
// current fails with [ErrLeaseLost] and changes nothing.
//
// # Leases
//
// A lease stays current until something else happens to its job, not
// until LeaseUntil: once LeaseUntil has passed the job is due again, but
// until another Claim takes it the first worker may still end the lease
// normally. Once another Claim has taken it (Attempts went up), or it was
// deleted, the first worker's Complete, Retry and Bury fail with
// [ErrLeaseLost]; that worker must drop the job, since the new holder owns
// it. A delivery that outlives its lease may thus be made twice: delivery
// is at least once, and leases should comfortably exceed a delivery's
// timeout.
//
// # Retries and the dead letter
//
// Retry takes the next attempt time per job, so a Retry-After answer or a
// backoff schedule is honoured exactly. Bury moves a job to the dead letter;
// Requeue brings it back, DeleteJob drops it. A job's activity payload is
// kept while any job of that activity exists, in any state.
type Queue interface {
	// Enqueue stores one job per new inbox of b and returns how many it
	// added. Validation is all or nothing: an invalid IRI (ActivityID,
	// Sender, any inbox) or an invalid or oversized payload fails with
	// nothing stored. Empty Inboxes adds nothing and returns 0, nil. An
	// ActivityID that still has a job, in any state (dead included), with
	// different bytes fails with [ErrConflict]. The jobs of one call are
	// all stored or none is.
	Enqueue(ctx context.Context, b Batch) (added int, err error)

	// Claim leases up to limit due jobs to the caller until now+lease and
	// returns them with Activity filled in, earliest due time first (ties
	// by ID). A job is due if it is pending with NextAttempt not after now
	// (due time NextAttempt), or leased with LeaseUntil not after now (due
	// time LeaseUntil: its worker vanished or is late; see Leases). Each
	// claimed job's Attempts goes up by one. Jobs held back by
	// [Job.OrderingKey] are skipped. No job is handed to two
	// claims whose leases overlap, whichever process they run in. limit and
	// lease must be positive ([ErrInvalid]).
	Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Job, error)

	// Complete deletes a delivered job. The activity's payload is freed
	// once no job refers to it.
	Complete(ctx context.Context, job Job) error

	// Retry returns a claimed job to pending, due at next (which may be
	// before now: then it is due at once), recording lastErr. Attempts is
	// unchanged.
	Retry(ctx context.Context, job Job, next time.Time, lastErr string) error

	// Bury moves a claimed job to the dead letter, recording lastErr.
	Bury(ctx context.Context, job Job, lastErr string) error

	// Job returns the job with the given id, or an error wrapping
	// [ErrNotFound].
	Job(ctx context.Context, id int64) (Job, error)

	// DeadJobs lists dead jobs, most recently enqueued first; the cursor
	// rules are those of [Collections.CollectionPage].
	DeadJobs(ctx context.Context, cursor string, limit int) ([]Job, string, error)

	// Requeue moves a dead job back to pending, due at next, keeping its
	// Attempts and LastError. Attempts is never reset: it is half of the
	// lease token, and counting again from zero would let a worker still
	// holding an old lease end a new one. A delivery layer that gives up
	// after a number of attempts therefore gives a requeued job at least
	// one more try before burying it again. A job that is not dead fails
	// with [ErrConflict]; an unknown id with [ErrNotFound].
	Requeue(ctx context.Context, id int64, next time.Time) error

	// DeleteJob deletes a job in any state, reporting whether it existed.
	// A worker holding its lease then gets [ErrLeaseLost]. Like Complete,
	// it frees the activity's payload with its last job, and it lets jobs
	// held back behind it by an ordering key go.
	DeleteJob(ctx context.Context, id int64) (deleted bool, err error)

	// CountJobs counts jobs by state; with host != "" only jobs of that
	// host. Leased jobs count as leased even after their lease expired.
	// Hosts are matched without regard to case.
	CountJobs(ctx context.Context, host string) (QueueCounts, error)

	// HostState returns the circuit-breaker state of host; a host never
	// written yields the zero HostState with Host set and no error.
	// Hosts are matched without regard to case and Host is returned
	// lower-cased, as [HostOf] gives it; an empty host, or one with a
	// slash or white space, fails with [ErrInvalid].
	HostState(ctx context.Context, host string) (HostState, error)

	// UpdateHostState atomically reads host's state, passes it to update
	// and stores what update leaves in it (Host stays host, lower-cased;
	// host rules as for HostState). Concurrent updates of one host, in any
	// process, are serialised so none is lost.
	// If update returns an error nothing is stored and the error is
	// returned. update must be quick and must not call the store.
	UpdateHostState(ctx context.Context, host string, update func(*HostState) error) error
}
