package delivery

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/httpsig"
	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/memory"
)

func TestConfigDefaults(t *testing.T) {
	keys := func(context.Context, string) (httpsig.SigningKey, error) { return httpsig.SigningKey{}, nil }
	c, err := Config{Store: memory.New(), Keys: keys}.withDefaults()
	require.NoError(t, err)
	assert.Equal(t, DefaultWorkers, c.Workers)
	assert.Equal(t, DefaultPerHostLimit, c.PerHostLimit)
	assert.Equal(t, DefaultLease, c.Lease)
	assert.Equal(t, DefaultTimeout, c.Timeout)
	assert.Equal(t, DefaultSchedule(), c.Schedule)
	assert.Equal(t, DefaultJitter, c.Jitter)
	assert.NotNil(t, c.Clock)
	assert.NotNil(t, c.Logger)

	for name, bad := range map[string]Config{
		"no store":      {Keys: keys},
		"no keys":       {Store: memory.New()},
		"neg workers":   {Store: memory.New(), Keys: keys, Workers: -1},
		"neg lease":     {Store: memory.New(), Keys: keys, Lease: -time.Second},
		"timeout>lease": {Store: memory.New(), Keys: keys, Lease: time.Second, Timeout: time.Minute},
		"zero delay":    {Store: memory.New(), Keys: keys, Schedule: []time.Duration{0}},
		"jitter":        {Store: memory.New(), Keys: keys, Jitter: 2},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := New(bad)
			assert.ErrorIs(t, err, ErrConfig)
		})
	}
}

func TestFanoutID(t *testing.T) {
	for _, id := range []string{"https://a.example/x", "https://a.example/x#frag"} {
		f := fanoutID(id)
		require.NoError(t, store.ValidateIRI(f))
		assert.NotEqual(t, id, f)
		assert.True(t, isFanout(store.Job{ActivityID: f, Activity: []byte(`{"starlingFanout":{}}`)}))
		assert.False(t, isFanout(store.Job{ActivityID: id, Activity: []byte(`{"starlingFanout":{}}`)}))
		assert.False(t, isFanout(store.Job{ActivityID: f, Activity: []byte(`{"type":"Note"}`)}))
	}
}

func TestBreakerStates(t *testing.T) {
	b := &breaker{days: 7}
	now := retryNow
	assert.Equal(t, BreakerClosed, b.stateOf(store.HostState{}, now))
	assert.Equal(t, BreakerOpen, b.stateOf(store.HostState{OpenUntil: now.Add(time.Second)}, now))
	assert.Equal(t, BreakerHalfOpen, b.stateOf(store.HostState{OpenUntil: now}, now))
	assert.Equal(t, BreakerUnavailable, b.stateOf(store.HostState{FailureDays: make([]time.Time, 7)}, now))
}
