package memory

import (
	"context"
	"slices"
	"strings"

	"github.com/starling-fed/starling/store"
)

// hostKey returns host lower-cased, as [store.HostOf] gives a job's host,
// so a host is matched without regard to case. An empty host, or one with
// a slash or white space, is refused.
func hostKey(host string) (string, error) {
	if host == "" || strings.ContainsAny(host, "/ \t\r\n") {
		return "", invalid("host %q", host)
	}
	return strings.ToLower(host), nil
}

// cloneHostState returns a copy of h sharing no slices with it.
func cloneHostState(h *store.HostState) store.HostState {
	c := *h
	c.Failures = slices.Clone(h.Failures)
	c.FailureDays = slices.Clone(h.FailureDays)
	return c
}

// HostState implements [store.Queue].
func (s *Store) HostState(ctx context.Context, host string) (store.HostState, error) {
	host, err := hostKey(host)
	if err != nil {
		return store.HostState{}, err
	}
	if err := ctx.Err(); err != nil {
		return store.HostState{}, err
	}
	q := &s.queue
	q.hostMu.Lock()
	defer q.hostMu.Unlock()
	if h := q.hostStates[host]; h != nil {
		return cloneHostState(h), nil
	}
	return store.HostState{Host: host}, nil
}

// UpdateHostState implements [store.Queue]. update runs under the lock.
func (s *Store) UpdateHostState(ctx context.Context, host string, update func(*store.HostState) error) error {
	host, err := hostKey(host)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	q := &s.queue
	q.hostMu.Lock()
	defer q.hostMu.Unlock()
	h := store.HostState{Host: host}
	if old := q.hostStates[host]; old != nil {
		h = cloneHostState(old)
	}
	if err := update(&h); err != nil {
		return err
	}
	h.Host = host
	c := cloneHostState(&h)
	q.hostStates[host] = &c
	return nil
}
