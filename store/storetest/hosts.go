package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store"
)

// hostRules check the per-host circuit-breaker state kept beside the
// delivery queue; they run in the Queue group.
var hostRules = []rule{
	{"HostState round-trips and an unknown host has the zero state", func(t *testing.T, s store.Store) {
		h, err := s.HostState(ctx(t), "a.example")
		require.NoError(t, err)
		assert.Equal(t, "a.example", h.Host)
		assert.Empty(t, h.Failures)
		assert.True(t, h.OpenUntil.IsZero())
		require.NoError(t, s.UpdateHostState(ctx(t), "a.example", func(h *store.HostState) error {
			h.Failures = append(h.Failures, t0, at(time.Minute))
			h.FailureDays = []time.Time{time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)}
			h.OpenUntil = at(30 * time.Minute)
			h.LastSuccess = at(-time.Hour)
			h.Host = "tampered.example"
			return nil
		}))
		got, err := s.HostState(ctx(t), "a.example")
		require.NoError(t, err)
		assert.Equal(t, "a.example", got.Host, "Host stays the host")
		require.Len(t, got.Failures, 2)
		assert.True(t, at(time.Minute).Equal(got.Failures[1]))
		require.Len(t, got.FailureDays, 1)
		assert.True(t, time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC).Equal(got.FailureDays[0]))
		assert.True(t, at(30*time.Minute).Equal(got.OpenUntil))
		assert.True(t, at(-time.Hour).Equal(got.LastSuccess))
		other, err := s.HostState(ctx(t), "b.example")
		require.NoError(t, err)
		assert.Empty(t, other.Failures, "hosts are independent")
	}},
	{"UpdateHostState stores nothing when update fails", func(t *testing.T, s store.Store) {
		boom := errors.New("boom")
		err := s.UpdateHostState(ctx(t), "a.example", func(h *store.HostState) error {
			h.OpenUntil = at(time.Hour)
			return boom
		})
		require.ErrorIs(t, err, boom)
		h, err := s.HostState(ctx(t), "a.example")
		require.NoError(t, err)
		assert.True(t, h.OpenUntil.IsZero())
	}},
	{"racing UpdateHostState calls lose no update", func(t *testing.T, s store.Store) {
		parallel(16, func(i int) {
			assert.NoError(t, s.UpdateHostState(ctx(t), "a.example", func(h *store.HostState) error {
				h.Failures = append(h.Failures, at(time.Duration(i)*time.Second))
				return nil
			}))
		})
		h, err := s.HostState(ctx(t), "a.example")
		require.NoError(t, err)
		assert.Len(t, h.Failures, 16)
	}}, {"hosts are matched without regard to case, and an empty host is refused", func(t *testing.T, s store.Store) {
		// Job.Host is lower-cased by the store; the delivery layer may
		// hold a host as a peer wrote it. Both must name the same state
		// and the same jobs.
		require.NoError(t, s.UpdateHostState(ctx(t), "Mixed.Example", func(h *store.HostState) error {
			h.OpenUntil = at(time.Hour)
			return nil
		}))
		h, err := s.HostState(ctx(t), "mixed.example")
		require.NoError(t, err)
		assert.Equal(t, "mixed.example", h.Host, "Host is lower-cased")
		assert.True(t, at(time.Hour).Equal(h.OpenUntil), "state written under Mixed.Example is read under mixed.example")
		h, err = s.HostState(ctx(t), "MIXED.EXAMPLE")
		require.NoError(t, err)
		assert.True(t, at(time.Hour).Equal(h.OpenUntil))

		enqueue(t, s, batch(alice+"/activities/1", "https://Mixed.Example/inbox", "https://mixed.example/other", "https://mixed.example:443/third"))
		assert.Equal(t, store.QueueCounts{Pending: 3}, counts(t, s, "MIXED.example"), "CountJobs matches hosts without regard to case, and Job.Host comes from store.HostOf")
		for _, j := range claim(t, s, t0, time.Minute, 10) {
			assert.Equal(t, "mixed.example", j.Host, "Job.Host of %s is store.HostOf's", j.Inbox)
		}

		_, err = s.HostState(ctx(t), "")
		assert.ErrorIs(t, err, store.ErrInvalid, "HostState of an empty host")
		err = s.UpdateHostState(ctx(t), "", func(*store.HostState) error { return nil })
		assert.ErrorIs(t, err, store.ErrInvalid, "UpdateHostState of an empty host")
	}},
}
