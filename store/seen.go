package store

import (
	"context"
	"time"
)

// Seen remembers activity ids for inbox deduplication.
//
// Implementations must be safe for concurrent use, including by several
// processes sharing one database, and honour ctx.
type Seen interface {
	// MarkSeen is an atomic test-and-set: it records activityID as seen
	// until expires and reports first == true if the id was not seen
	// before, or its previous record had expired (expires not after now).
	// When callers race on the same id, exactly one sees first == true.
	// A repeated id (first == false) leaves the stored expiry unchanged.
	// activityID must pass [ValidateIRI]; expires must be after now
	// ([ErrInvalid]).
	MarkSeen(ctx context.Context, activityID string, now, expires time.Time) (first bool, err error)

	// PurgeSeen forgets ids whose expiry is not after now and returns how
	// many it removed. Backends may also purge lazily on their own.
	PurgeSeen(ctx context.Context, now time.Time) (int, error)
}
