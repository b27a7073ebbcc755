package memory_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/memory"
)

// Host states are copied in and out: a caller keeping the slices it was
// handed cannot change what is stored.
func TestHostStateIsCopied(t *testing.T) {
	s := memory.New()
	defer s.Close()
	ctx := t.Context()
	var kept *store.HostState
	require.NoError(t, s.UpdateHostState(ctx, "a.example", func(h *store.HostState) error {
		h.Failures = []time.Time{t0}
		kept = h
		return nil
	}))
	kept.Failures[0] = t0.Add(time.Hour)
	got, err := s.HostState(ctx, "a.example")
	require.NoError(t, err)
	require.Len(t, got.Failures, 1)
	assert.True(t, t0.Equal(got.Failures[0]))
	got.Failures[0] = t0.Add(2 * time.Hour)
	again, err := s.HostState(ctx, "a.example")
	require.NoError(t, err)
	assert.True(t, t0.Equal(again.Failures[0]))
}
