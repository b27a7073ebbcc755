package postgres_test

import (
	"testing"

	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/postgres"
	"github.com/starling-fed/starling/store/storetest"
)

// benchStore opens a store in a fresh schema. Unlike the tests it keeps
// the server's commit durability (synchronous_commit as configured), so
// the figures are what a deployment would see.
func benchStore(tb testing.TB) store.Store {
	tb.Helper()
	return openBench(tb, postgres.Config{MaxConns: 20})
}

func BenchmarkEnqueue10000(b *testing.B)    { storetest.BenchEnqueue(b, benchStore) }
func BenchmarkClaimComplete(b *testing.B)   { storetest.BenchClaimComplete(b, benchStore) }
func BenchmarkFollowerInboxes(b *testing.B) { storetest.BenchFollowerInboxes(b, benchStore) }
func BenchmarkMarkSeen(b *testing.B)        { storetest.BenchMarkSeen(b, benchStore) }
func BenchmarkClaimBacklog(b *testing.B)    { storetest.BenchClaimBacklog(b, benchStore) }
