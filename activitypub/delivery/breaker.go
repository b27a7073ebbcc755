package delivery

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/starling-fed/starling/store"
)

// BreakerState is the state of a host's circuit breaker.
type BreakerState string

// Breaker states.
const (
	// BreakerClosed: deliveries to the host flow.
	BreakerClosed BreakerState = "closed"
	// BreakerOpen: the host failed repeatedly; its jobs wait until
	// OpenUntil.
	BreakerOpen BreakerState = "open"
	// BreakerHalfOpen: the open period is over; the next delivery is a
	// probe whose outcome closes or reopens the circuit.
	BreakerHalfOpen BreakerState = "half-open"
	// BreakerUnavailable: the host failed on too many distinct days; its
	// jobs are dead-lettered until it is marked alive or a delivery to it
	// succeeds.
	BreakerUnavailable BreakerState = "unavailable"
)

// stateOf classifies a stored host state at now.
func (b *breaker) stateOf(s store.HostState, now time.Time) BreakerState {
	switch {
	case len(s.FailureDays) >= b.days:
		return BreakerUnavailable
	case s.OpenUntil.IsZero():
		return BreakerClosed
	case s.OpenUntil.After(now):
		return BreakerOpen
	default:
		return BreakerHalfOpen
	}
}

// cacheTTL is how long this process trusts its copy of a host's state
// before reading the store again (other processes may have changed it).
const cacheTTL = 2 * time.Second

// successRefresh is how often a healthy host's LastSuccess is written.
const successRefresh = time.Minute

// breaker keeps the per-host circuit state in the store, with a short
// local cache so a healthy host costs no store round trip per delivery.
type breaker struct {
	q         store.Queue
	threshold int
	window    time.Duration
	openFor   time.Duration
	probeHold time.Duration
	days      int

	mu    sync.Mutex
	cache map[string]cachedHost
}

type cachedHost struct {
	state store.HostState
	read  time.Time
}

func newBreaker(c Config) *breaker {
	return &breaker{
		q: c.Store, threshold: c.BreakerThreshold, window: c.BreakerWindow, openFor: c.BreakerOpenFor,
		probeHold: 2 * c.Timeout, days: c.UnavailableDays, cache: make(map[string]cachedHost),
	}
}

// get returns host's state, from the cache when fresh.
func (b *breaker) get(ctx context.Context, host string, now time.Time) (store.HostState, error) {
	b.mu.Lock()
	c, ok := b.cache[host]
	b.mu.Unlock()
	if ok && now.Sub(c.read) < cacheTTL && !now.Before(c.read) {
		return c.state, nil
	}
	s, err := b.q.HostState(ctx, host)
	if err != nil {
		return s, err
	}
	b.put(host, s, now)
	return s, nil
}

func (b *breaker) put(host string, s store.HostState, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.cache) > 100000 {
		clear(b.cache)
	}
	b.cache[host] = cachedHost{state: s, read: now}
}

// update changes host's state in the store and caches the result.
func (b *breaker) update(ctx context.Context, host string, now time.Time, fn func(*store.HostState) error) (store.HostState, error) {
	var out store.HostState
	err := b.q.UpdateHostState(ctx, host, func(s *store.HostState) error {
		if err := fn(s); err != nil {
			return err
		}
		out = *s
		out.Failures = slices.Clone(s.Failures)
		out.FailureDays = slices.Clone(s.FailureDays)
		return nil
	})
	if err != nil {
		return out, err
	}
	out.Host = host
	b.put(host, out, now)
	return out, nil
}

// admission is what to do with a claimed job before sending it.
type admission int

const (
	admitSend  admission = iota // send it
	admitProbe                  // send it as the probe of a half-open circuit
	admitWait                   // return it to the queue until the given time
	admitBury                   // the host is unavailable
)

// errNotProbe aborts an update when another worker became the probe.
type errNotProbe struct{ until time.Time }

func (errNotProbe) Error() string { return "delivery: another worker probes this host" }

// admit decides whether a job for host may be sent at now.
func (b *breaker) admit(ctx context.Context, host string, now time.Time) (admission, time.Time, error) {
	s, err := b.get(ctx, host, now)
	if err != nil {
		return admitWait, now, err
	}
	switch b.stateOf(s, now) {
	case BreakerUnavailable:
		return admitBury, time.Time{}, nil
	case BreakerOpen:
		return admitWait, s.OpenUntil, nil
	case BreakerHalfOpen:
		_, err := b.update(ctx, host, now, func(s *store.HostState) error {
			if !s.OpenUntil.IsZero() && s.OpenUntil.After(now) {
				return errNotProbe{s.OpenUntil}
			}
			if !s.OpenUntil.IsZero() {
				s.OpenUntil = now.Add(b.probeHold)
			}
			return nil
		})
		var np errNotProbe
		switch {
		case err == nil:
			return admitProbe, time.Time{}, nil
		case errors.As(err, &np):
			return admitWait, np.until, nil
		default:
			return admitWait, now, err
		}
	}
	return admitSend, time.Time{}, nil
}

// success records a delivered job: the circuit closes and the failure
// days are forgotten. It returns the state before, for logging.
func (b *breaker) success(ctx context.Context, host string, now time.Time) (BreakerState, error) {
	s, err := b.get(ctx, host, now)
	if err != nil {
		return BreakerClosed, err
	}
	before := b.stateOf(s, now)
	clean := len(s.Failures) == 0 && len(s.FailureDays) == 0 && s.OpenUntil.IsZero()
	if clean && now.Sub(s.LastSuccess) < successRefresh {
		return before, nil
	}
	_, err = b.update(ctx, host, now, func(s *store.HostState) error {
		s.Failures, s.FailureDays, s.OpenUntil = nil, nil, time.Time{}
		s.LastSuccess = now
		return nil
	})
	return before, err
}

// failure records a failed attempt that is the host's fault and returns
// the new state.
func (b *breaker) failure(ctx context.Context, host string, now time.Time, probe bool) (store.HostState, error) {
	return b.update(ctx, host, now, func(s *store.HostState) error {
		cut := now.Add(-b.window)
		kept := s.Failures[:0]
		for _, f := range s.Failures {
			if f.After(cut) {
				kept = append(kept, f)
			}
		}
		kept = append(kept, now)
		if len(kept) > 2*b.threshold {
			kept = kept[len(kept)-2*b.threshold:]
		}
		s.Failures = kept
		day := now.UTC().Truncate(24 * time.Hour)
		if !slices.ContainsFunc(s.FailureDays, day.Equal) {
			s.FailureDays = append(s.FailureDays, day)
			if len(s.FailureDays) > b.days {
				s.FailureDays = s.FailureDays[len(s.FailureDays)-b.days:]
			}
		}
		if probe || len(kept) >= b.threshold {
			s.OpenUntil = now.Add(b.openFor)
		}
		return nil
	})
}

// alive forgets host's failures.
func (b *breaker) alive(ctx context.Context, host string, now time.Time) error {
	_, err := b.update(ctx, host, now, func(s *store.HostState) error {
		s.Failures, s.FailureDays, s.OpenUntil = nil, nil, time.Time{}
		return nil
	})
	return err
}

// normHost lower-cases a host name for the breaker.
func normHost(h string) string { return strings.ToLower(strings.TrimSpace(h)) }
