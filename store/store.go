package store

import "context"

// Store bundles every concern a federation engine needs kept. A backend
// implements all of them on one value; storetest checks that it honours
// each interface's contract.
//
// Every guarantee the interfaces give to concurrent callers (exactly one
// caller sees added or created or first, no job is claimed twice, no
// host-state update is lost) holds as well for callers in different
// processes sharing one backend's data, as app instances sharing one
// PostgreSQL database do. A backend whose data cannot be shared, such as
// the memory store, has only the one process to consider.
type Store interface {
	Keys
	Objects
	Collections
	Follows
	RemoteActors
	Seen
	Queue

	// Close releases the store's resources. Calls after Close may fail.
	Close() error
}

// Transactor is an optional capability: running several store calls as
// one atomic unit. Discover it by type assertion on a [Store].
type Transactor interface {
	// InTx calls fn with a Store whose calls all belong to one transaction.
	// If fn returns nil the transaction commits; if it returns an error
	// (or panics) nothing it wrote is kept and the error is returned.
	// fn must use only the Store it is given, not the outer one.
	InTx(ctx context.Context, fn func(ctx context.Context, tx Store) error) error
}

// JobNotifier is an optional capability: learning that jobs may have
// become available without polling. Discover it by type assertion on a
// [Store]. Backends shared by several processes (e.g. PostgreSQL LISTEN)
// notify across processes.
type JobNotifier interface {
	// NotifyJobs returns a channel that receives a value after an Enqueue,
	// Retry or Requeue commits, in any process sharing the store.
	// Notifications coalesce: one value may stand for many writes, so a
	// worker drains the queue after each. The channel is closed when ctx
	// is done. Workers still poll on a timer: a notification is a hint.
	NotifyJobs(ctx context.Context) <-chan struct{}
}
