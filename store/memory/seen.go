package memory

import (
	"context"
	"sync"
	"time"
)

type seenState struct {
	mu      sync.Mutex
	expires map[string]int64 // activity id → expiry, Unix nanoseconds
}

func (s *seenState) init() { s.expires = map[string]int64{} }

// MarkSeen implements [store.Seen].
func (s *Store) MarkSeen(ctx context.Context, activityID string, now, expires time.Time) (bool, error) {
	if err := validateIRIs("activity", activityID); err != nil {
		return false, err
	}
	if !expires.After(now) {
		return false, invalid("expiry %v is not after now %v", expires, now)
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	st := &s.seen
	st.mu.Lock()
	defer st.mu.Unlock()
	if exp, ok := st.expires[activityID]; ok && exp > micros(now) {
		return false, nil
	}
	st.expires[activityID] = micros(expires)
	return true, nil
}

// PurgeSeen implements [store.Seen].
func (s *Store) PurgeSeen(ctx context.Context, now time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	st := &s.seen
	st.mu.Lock()
	defer st.mu.Unlock()
	n := 0
	cut := micros(now)
	for id, exp := range st.expires {
		if exp <= cut {
			delete(st.expires, id)
			n++
		}
	}
	return n, nil
}
