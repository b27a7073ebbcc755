package delivery

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

var retryAfterCases = []struct {
	in   string
	want time.Duration
}{
	{"", 0},
	{"120", 120 * time.Second},
	{" 5 ", 5 * time.Second},
	{"0", 0},
	{"-3", 0},
	{"soon", 0},
	{"Sun, 01 Mar 2026 13:00:00 GMT", time.Hour},
	{"Sun, 01 Mar 2026 11:00:00 GMT", 0},
	{"99999999999999999999", 0},
	{"999999999999", 365 * 24 * time.Hour},
}

var retryNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func TestParseRetryAfter(t *testing.T) {
	for _, tc := range retryAfterCases {
		t.Run(tc.in, func(t *testing.T) {
			assert.Equal(t, tc.want, parseRetryAfter(tc.in, retryNow))
		})
	}
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, tc := range retryAfterCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d := parseRetryAfter(s, retryNow)
		if d < 0 || d > 365*24*time.Hour {
			t.Fatalf("parseRetryAfter(%q) = %v", s, d)
		}
	})
}

func TestPermanentStatus(t *testing.T) {
	for status, want := range map[int]bool{
		200: false, 301: false, 400: true, 401: false, 403: true, 404: true, 408: false, 410: true,
		413: true, 422: true, 429: false, 500: false, 501: true, 502: false, 503: false,
	} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			assert.Equal(t, want, permanentStatus(status))
		})
	}
}

func TestDefaultScheduleSpansAboutThreeDays(t *testing.T) {
	var total time.Duration
	for _, d := range DefaultSchedule() {
		total += d
	}
	assert.InDelta(t, 72, total.Hours(), 12, "about three days: %v", total)
}

func TestBackoff(t *testing.T) {
	b := backoff{schedule: []time.Duration{time.Minute, time.Hour}, maxAge: time.Hour + time.Minute, maxAfter: 2 * time.Hour}
	created := retryNow
	at, ok := b.next(created, retryNow, 1, nil)
	assert.True(t, ok)
	assert.Equal(t, retryNow.Add(time.Minute), at)
	at, ok = b.next(created, retryNow, 5, &Error{RetryAfter: 10 * time.Hour})
	assert.True(t, ok, "young jobs keep trying")
	assert.Equal(t, retryNow.Add(2*time.Hour), at, "Retry-After capped")
	_, ok = b.next(created, retryNow.Add(2*time.Hour), 3, nil)
	assert.False(t, ok, "schedule used and old enough")

	j := backoff{schedule: []time.Duration{time.Minute}, jitter: 0.2}
	for range 100 {
		d := j.delay(1)
		assert.True(t, d >= 48*time.Second && d <= 72*time.Second, d)
	}
	full := backoff{schedule: []time.Duration{time.Second}, jitter: 1}
	for range 1000 {
		d := full.delay(1)
		assert.True(t, d >= time.Millisecond && d <= 2*time.Second, "largest jitter New accepts: %v", d)
	}
}

func TestErrorText(t *testing.T) {
	assert.Equal(t, "delivery: https://x/i: HTTP 503 (retry after 2s)",
		(&Error{Inbox: "https://x/i", Status: 503, RetryAfter: 2 * time.Second}).Error())
	assert.Equal(t, "delivery: https://x/i: HTTP 404 (permanent)",
		(&Error{Inbox: "https://x/i", Status: 404, Permanent: true}).Error())
	inner := errors.New("boom")
	e := &Error{Inbox: "https://x/i", Err: inner}
	assert.ErrorIs(t, e, inner)
	assert.True(t, (&Error{Status: 410}).Gone())
	assert.True(t, hostFault(e))
	assert.False(t, hostFault(&Error{Err: inner, local: true}))
	assert.False(t, hostFault(&Error{Status: 404, Permanent: true}))
}
