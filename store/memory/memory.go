package memory

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/starling-fed/starling/store"
)

// Store is an in-memory [store.Store]. Its zero value is not usable; call
// [New]. It is safe for concurrent use; each concern has its own lock, so
// a slow caller of one concern does not hold up the others.
type Store struct {
	keys        keyState
	objects     objectState
	collections collectionState
	follows     followState
	remote      remoteState
	seen        seenState
	queue       queueState

	closeOnce sync.Once
}

// Compile-time checks that Store honours the contract.
var (
	_ store.Store        = (*Store)(nil)
	_ store.Keys         = (*Store)(nil)
	_ store.Objects      = (*Store)(nil)
	_ store.Collections  = (*Store)(nil)
	_ store.Follows      = (*Store)(nil)
	_ store.RemoteActors = (*Store)(nil)
	_ store.Seen         = (*Store)(nil)
	_ store.Queue        = (*Store)(nil)
	_ store.JobNotifier  = (*Store)(nil)
)

// New returns an empty store.
func New() *Store {
	s := &Store{}
	s.keys.init()
	s.objects.init()
	s.collections.init()
	s.follows.init()
	s.remote.init()
	s.seen.init()
	s.queue.init()
	return s
}

// Close closes the channels handed out by NotifyJobs. The data stays
// readable; the store holds no other resources.
func (s *Store) Close() error {
	s.closeOnce.Do(s.queue.closeNotifiers)
	return nil
}

// micros returns t as Unix microseconds, the compact form the queue and
// the seen set keep times in. Unlike Unix nanoseconds, which an int64
// holds only for the years 1678 to 2262, microseconds cover every year a
// time.Time can name from year 1 to 9999 (the zero Time included), so a
// far "not before" or expiry keeps its order. The contract asks for
// microsecond precision, as the SQL backends keep.
func micros(t time.Time) int64 { return t.UnixMicro() }

// fromMicros is the inverse of [micros], in UTC.
func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// check validates the IRI arguments (role, IRI pairs, as for
// validateIRIs) and then the context: the first thing most methods do, so
// bad input is reported as such even when ctx is done.
func check(ctx context.Context, pairs ...string) error {
	if err := validateIRIs(pairs...); err != nil {
		return err
	}
	return ctx.Err()
}

// validateIRIs checks each IRI, naming the first bad one's role.
func validateIRIs(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if err := store.ValidateIRI(pairs[i+1]); err != nil {
			return fmt.Errorf("memory: %s: %w", pairs[i], err)
		}
	}
	return nil
}

// notFound returns an error wrapping store.ErrNotFound.
func notFound(what, key string) error {
	return fmt.Errorf("memory: %s %q: %w", what, key, store.ErrNotFound)
}

// invalid returns an error wrapping store.ErrInvalid.
func invalid(format string, args ...any) error {
	return fmt.Errorf("memory: %w: %s", store.ErrInvalid, fmt.Sprintf(format, args...))
}

// checkLimit validates a page limit and caps it.
func checkLimit(limit int) (int, error) {
	if limit <= 0 {
		return 0, invalid("limit %d is not positive", limit)
	}
	return min(limit, store.MaxPageSize), nil
}

// wrapDoc adds the package prefix to a document validation error.
func wrapDoc(what string, doc []byte) error {
	if err := store.ValidateDocument(doc); err != nil {
		return fmt.Errorf("memory: %s: %w", what, err)
	}
	return nil
}

// errCursor wraps a cursor decoding error.
func errCursor(err error) error {
	if errors.Is(err, store.ErrInvalidCursor) {
		return fmt.Errorf("memory: %w", err)
	}
	return err
}
