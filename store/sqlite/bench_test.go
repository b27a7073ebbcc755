package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/sqlite"
	"github.com/starling-fed/starling/store/storetest"
)

// benchStore opens a store in a fresh file with the default Config.
func benchStore(tb testing.TB) store.Store {
	tb.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "bench.db"), sqlite.Config{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

func BenchmarkEnqueue10000(b *testing.B)    { storetest.BenchEnqueue(b, benchStore) }
func BenchmarkClaimComplete(b *testing.B)   { storetest.BenchClaimComplete(b, benchStore) }
func BenchmarkFollowerInboxes(b *testing.B) { storetest.BenchFollowerInboxes(b, benchStore) }
func BenchmarkMarkSeen(b *testing.B)        { storetest.BenchMarkSeen(b, benchStore) }
func BenchmarkClaimBacklog(b *testing.B)    { storetest.BenchClaimBacklog(b, benchStore) }
