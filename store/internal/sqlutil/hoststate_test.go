package sqlutil

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store"
)

func TestHostStateEncoding(t *testing.T) {
	t0 := time.Date(2026, 3, 14, 15, 9, 26, 535_897_000, time.UTC)
	for name, h := range map[string]store.HostState{
		"zero": {Host: "a.example"},
		"full": {
			Host:        "a.example",
			Failures:    []time.Time{t0, t0.Add(time.Minute)},
			FailureDays: []time.Time{t0.Truncate(24 * time.Hour)},
			OpenUntil:   t0.Add(time.Hour),
			LastSuccess: t0.Add(-time.Hour),
		},
	} {
		t.Run(name, func(t *testing.T) {
			b, err := EncodeHostState(h)
			require.NoError(t, err)
			got, err := DecodeHostState(h.Host, b)
			require.NoError(t, err)
			assert.Equal(t, h, got)
		})
	}
	_, err := DecodeHostState("a.example", []byte("not json"))
	assert.Error(t, err)
}

func TestNormalizeHost(t *testing.T) {
	h, err := NormalizeHost("Social.Example:8443")
	require.NoError(t, err)
	assert.Equal(t, "social.example:8443", h)
	for _, bad := range []string{"", "a b", "a/b", "a\nb"} {
		_, err := NormalizeHost(bad)
		assert.ErrorIs(t, err, store.ErrInvalid, bad)
	}
}

// FuzzDecodeHostState feeds DecodeHostState arbitrary stored bytes: it
// must not panic, and what it accepts must survive a round trip.
func FuzzDecodeHostState(f *testing.F) {
	for _, seed := range []string{`{}`, `{"failures":[1,2],"failure_days":[0],"open_until":5,"last_success":-3}`, `not json`, `[]`, `{"failures":null}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := DecodeHostState("a.example", b)
		if err != nil {
			return
		}
		again, err := EncodeHostState(h)
		require.NoError(t, err)
		h2, err := DecodeHostState("a.example", again)
		require.NoError(t, err)
		assert.Equal(t, h, h2)
	})
}
