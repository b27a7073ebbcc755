package delivery_test

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/delivery"
	"github.com/starling-fed/starling/store"
)

func TestBreakerHostDownThenBack(t *testing.T) {
	var down atomic.Bool
	down.Store(true)
	p := newPeer(t, func(int, http.ResponseWriter, *http.Request) int {
		if down.Load() {
			return http.StatusBadGateway
		}
		return http.StatusAccepted
	})
	e := newEnv(t, func(c *delivery.Config) {
		c.BreakerThreshold = 3
		c.BreakerOpenFor = 30 * time.Minute
		c.Schedule = []time.Duration{time.Minute}
	})
	ctx := context.Background()
	for i := range 3 {
		e.publish(fmt.Sprintf("https://local.example/a/b%d", i), p.inbox(fmt.Sprintf("/u%d/inbox", i)))
		e.settle()
	}
	require.Equal(t, 3, p.count())
	hs, err := e.d.HostStatus(ctx, p.host())
	require.NoError(t, err)
	assert.Equal(t, delivery.BreakerOpen, hs.State)
	assert.Equal(t, e.clock.Now().Add(30*time.Minute), hs.OpenUntil)
	assert.Equal(t, 3, hs.RecentFailures)
	assert.Equal(t, 3, hs.Queue.Pending)

	// While open, due jobs wait for the end of the open period untried.
	e.clock.Advance(5 * time.Minute)
	e.publish("https://local.example/a/b3", p.inbox("/u3/inbox"))
	e.settle()
	assert.Equal(t, 3, p.count(), "no request while the circuit is open")
	for _, j := range e.jobs() {
		assert.False(t, j.NextAttempt.Before(hs.OpenUntil), "job %d waits for the breaker", j.ID)
	}

	// The host comes back; after the open period one probe closes the
	// circuit and the rest follow.
	down.Store(false)
	e.clock.Set(hs.OpenUntil)
	waitFor(t, e.d, "probe", func() bool { return p.count() >= 4 })
	e.settle()
	// Jobs that found the probe under way wait at most twice Timeout.
	probeHold := 2 * testTimeout
	e.clock.Advance(probeHold)
	waitFor(t, e.d, "all delivered", func() bool {
		c, err := e.store.CountJobs(ctx, "")
		require.NoError(t, err)
		return c.Total() == 0
	})
	assert.Equal(t, 7, p.count())
	hs, err = e.d.HostStatus(ctx, p.host())
	require.NoError(t, err)
	assert.Equal(t, delivery.BreakerClosed, hs.State)
	assert.Equal(t, e.clock.Now().Add(-probeHold), hs.LastSuccess, "the probe's success")
}

func TestBreakerProbeFailsReopens(t *testing.T) {
	p := newPeer(t, func(int, http.ResponseWriter, *http.Request) int { return http.StatusServiceUnavailable })
	e := newEnv(t, func(c *delivery.Config) {
		c.BreakerThreshold = 2
		c.Schedule = []time.Duration{time.Minute}
	})
	ctx := context.Background()
	e.publish("https://local.example/a/p1", p.inbox("/a"))
	e.settle()
	e.publish("https://local.example/a/p2", p.inbox("/b"))
	e.settle()
	hs, err := e.d.HostStatus(ctx, p.host())
	require.NoError(t, err)
	require.Equal(t, delivery.BreakerOpen, hs.State)
	e.clock.Set(hs.OpenUntil)
	e.settle()
	assert.Equal(t, 3, p.count(), "exactly one probe")
	hs2, err := e.d.HostStatus(ctx, p.host())
	require.NoError(t, err)
	assert.Equal(t, delivery.BreakerOpen, hs2.State)
	assert.Equal(t, e.clock.Now().Add(delivery.DefaultBreakerOpenFor), hs2.OpenUntil)
}

func TestHostUnavailableAfterSevenDays(t *testing.T) {
	var down atomic.Bool
	down.Store(true)
	p := newPeer(t, func(int, http.ResponseWriter, *http.Request) int {
		if down.Load() {
			return http.StatusInternalServerError
		}
		return http.StatusAccepted
	})
	e := newEnv(t, func(c *delivery.Config) {
		c.Schedule = []time.Duration{24 * time.Hour, 24 * time.Hour, 24 * time.Hour, 24 * time.Hour,
			24 * time.Hour, 24 * time.Hour, 24 * time.Hour, 24 * time.Hour}
		c.BreakerThreshold = 100
	})
	ctx := context.Background()
	e.publish("https://local.example/a/u", p.inbox("/inbox"))
	for day := range 7 {
		e.settle()
		hs, err := e.d.HostStatus(ctx, p.host())
		require.NoError(t, err)
		assert.Equal(t, day+1, hs.FailureDays)
		if day < 6 {
			assert.Equal(t, delivery.BreakerClosed, hs.State)
			e.clock.Advance(24 * time.Hour)
		} else {
			assert.Equal(t, delivery.BreakerUnavailable, hs.State)
		}
	}
	require.Equal(t, 7, p.count())

	// The pending job and new ones are dead-lettered without a request.
	e.clock.Advance(24 * time.Hour)
	e.publish("https://local.example/a/u2", p.inbox("/other"))
	e.settle()
	assert.Equal(t, 7, p.count())
	dead, _, err := e.d.DeadJobs(ctx, "", 10)
	require.NoError(t, err)
	require.Len(t, dead, 2)
	for _, j := range dead {
		assert.Equal(t, delivery.ErrHostUnavailable.Error(), j.LastError)
	}

	// A signed request from the host brings it back.
	down.Store(false)
	require.NoError(t, e.d.MarkHostAlive(ctx, p.host()))
	hs, err := e.d.HostStatus(ctx, p.host())
	require.NoError(t, err)
	assert.Equal(t, delivery.BreakerClosed, hs.State)
	for _, j := range dead {
		require.NoError(t, e.d.Requeue(ctx, j.ID))
	}
	waitFor(t, e.d, "redelivery", func() bool { return p.count() == 9 })
	e.settle()
	c, err := e.store.CountJobs(ctx, "")
	require.NoError(t, err)
	assert.Equal(t, store.QueueCounts{}, c)
}

func TestMarkHostAliveInvalid(t *testing.T) {
	e := newEnv(t, nil)
	assert.ErrorIs(t, e.d.MarkHostAlive(context.Background(), " "), store.ErrInvalid)
	assert.NoError(t, e.d.MarkHostAlive(context.Background(), "never-failed.example"))
}
