package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/sqlite"
	"github.com/starling-fed/starling/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "starling.db"), sqlite.Config{})
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		return s
	})
}

// An in-memory database (one connection) honours the contract too. The
// race detector skips it: it shares all its code with the file-backed
// suite above, which runs under the detector, and would double its cost.
func TestConformanceMemory(t *testing.T) {
	if raceEnabled {
		t.Skip("covered by TestConformance under the race detector")
	}
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := sqlite.Open(context.Background(), ":memory:", sqlite.Config{})
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		return s
	})
}
