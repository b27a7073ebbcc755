package delivery

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Sentinel errors, recorded as a dead job's reason and matched with
// errors.Is.
var (
	// ErrHostUnavailable: the host failed on too many distinct days and
	// is not tried until it is marked alive.
	ErrHostUnavailable = errors.New("delivery: host unavailable")
	// ErrExpired: the job's retry schedule ran out.
	ErrExpired = errors.New("delivery: retries exhausted")
	// ErrNotStarted: Shutdown was called on a Delivery never started.
	ErrNotStarted = errors.New("delivery: not started")
	// ErrStarted: Start was called twice.
	ErrStarted = errors.New("delivery: already started")
)

// Error is the failure of one delivery attempt, for errors.As.
type Error struct {
	// Inbox is where the activity was sent.
	Inbox string
	// Status is the HTTP status answered, or 0 when no answer came.
	Status int
	// RetryAfter is the wait the peer asked for (429, 503), or 0.
	RetryAfter time.Duration
	// Permanent reports that retrying cannot help (most 4xx, and 501).
	Permanent bool
	// Err is the transport error when Status is 0.
	Err error

	local bool // the failure is ours (no signing key), not the host's
}

// Error describes the failure.
func (e *Error) Error() string {
	if e.Status == 0 {
		return fmt.Sprintf("delivery: %s: %v", e.Inbox, e.Err)
	}
	s := fmt.Sprintf("delivery: %s: HTTP %d", e.Inbox, e.Status)
	if e.Permanent {
		s += " (permanent)"
	}
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(" (retry after %v)", e.RetryAfter)
	}
	return s
}

// Unwrap returns the transport error, if any.
func (e *Error) Unwrap() error { return e.Err }

// Gone reports whether the inbox answered 410 Gone.
func (e *Error) Gone() bool { return e.Status == http.StatusGone }

// permanentStatus reports whether an answer with this status must not be
// retried: any 4xx except 401 (a key not yet fetched, a clock skew), 408
// and 429, and 501.
func permanentStatus(status int) bool {
	switch {
	case status == http.StatusNotImplemented:
		return true
	case status >= 400 && status < 500:
		switch status {
		case http.StatusUnauthorized, http.StatusRequestTimeout, http.StatusTooManyRequests:
			return false
		}
		return true
	}
	return false
}

// hostFault reports whether a failure counts against the host's circuit
// breaker: no answer, or a server error. A 4xx is about one inbox or one
// request, not the host's health.
func hostFault(e *Error) bool {
	return !e.local && (e.Status == 0 || (e.Status >= 500 && !e.Permanent))
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an
// HTTP-date, capped at a year. It returns 0 when the header is absent or
// unreadable.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	const year = 365 * 24 * time.Hour
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		return min(time.Duration(min(n, int64(year/time.Second)))*time.Second, year)
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return min(d, year)
		}
	}
	return 0
}

// backoff is the retry policy.
type backoff struct {
	schedule []time.Duration
	jitter   float64
	maxAge   time.Duration
	maxAfter time.Duration
}

func newBackoff(c Config) backoff {
	var total time.Duration
	for _, d := range c.Schedule {
		total += d
	}
	return backoff{schedule: c.Schedule, jitter: c.Jitter, maxAge: total, maxAfter: c.MaxRetryAfter}
}

// delay returns the wait after the n-th failed attempt (n from 1), with
// jitter.
func (b backoff) delay(n int) time.Duration {
	i := min(max(n-1, 0), len(b.schedule)-1)
	d := b.schedule[i]
	if b.jitter > 0 {
		f := 1 + b.jitter*(2*rand.Float64()-1)
		d = time.Duration(float64(d) * f)
	}
	return max(d, time.Millisecond)
}

// next returns when a job enqueued at created, failed for the n-th time
// at now with e, should be tried again: after the peer's Retry-After, if
// any, else after the schedule's delay. ok is false when the job should
// be given up: every delay of the schedule was used and the job is at
// least as old as the schedule is long. (Attempts also count claims that
// only found a host's circuit open, hence the age condition.)
func (b backoff) next(created, now time.Time, n int, e *Error) (time.Time, bool) {
	if n > len(b.schedule) && now.Sub(created) >= b.maxAge {
		return time.Time{}, false
	}
	d := b.delay(n)
	if e != nil && e.RetryAfter > 0 {
		d = min(e.RetryAfter, b.maxAfter)
	}
	return now.Add(d), true
}
