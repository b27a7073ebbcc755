package sqlite

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
			b, err := encodeHostState(h)
			require.NoError(t, err)
			got, err := decodeHostState(h.Host, b)
			require.NoError(t, err)
			assert.Equal(t, h, got)
		})
	}
	_, err := decodeHostState("a.example", []byte("not json"))
	assert.Error(t, err)
}

func TestNormalizeHost(t *testing.T) {
	h, err := normalizeHost("Social.Example:8443")
	require.NoError(t, err)
	assert.Equal(t, "social.example:8443", h)
	for _, bad := range []string{"", "a b", "a/b", "a\nb"} {
		_, err := normalizeHost(bad)
		assert.ErrorIs(t, err, store.ErrInvalid, bad)
	}
}
