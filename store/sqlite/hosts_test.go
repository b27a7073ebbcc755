package sqlite

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store"
)

// Two Stores on one file stand for two processes: their host-state
// updates are serialised by SQLite's write lock, so none is lost.
func TestUpdateHostStateAcrossStoresOnOneFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shared.db")
	ctx := context.Background()
	var stores []*Store
	for range 2 {
		s, err := Open(ctx, path, Config{})
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		stores = append(stores, s)
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			assert.NoError(t, stores[i%2].UpdateHostState(ctx, "a.example", func(h *store.HostState) error {
				h.Failures = append(h.Failures, t0.Add(time.Duration(i)*time.Second))
				return nil
			}))
		})
	}
	wg.Wait()
	h, err := stores[0].HostState(ctx, "A.EXAMPLE")
	require.NoError(t, err)
	assert.Len(t, h.Failures, 20)
	assert.Equal(t, "a.example", h.Host)
}
