package memory_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/memory"
	"github.com/starling-fed/starling/store/storetest"
)

// open is the factory storetest uses: a fresh, empty store per call.
func open(tb testing.TB) store.Store {
	s := memory.New()
	tb.Cleanup(func() { require.NoError(tb, s.Close()) })
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return open(t) })
}

func BenchmarkEnqueue10k(b *testing.B)      { storetest.BenchEnqueue(b, open) }
func BenchmarkClaimComplete(b *testing.B)   { storetest.BenchClaimComplete(b, open) }
func BenchmarkClaimBacklog(b *testing.B)    { storetest.BenchClaimBacklog(b, open) }
func BenchmarkFollowerInboxes(b *testing.B) { storetest.BenchFollowerInboxes(b, open) }
func BenchmarkMarkSeen(b *testing.B)        { storetest.BenchMarkSeen(b, open) }
