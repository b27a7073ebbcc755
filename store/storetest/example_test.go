package storetest_test

import (
	"fmt"
	"testing"

	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/memory"
	"github.com/starling-fed/starling/store/storetest"
)

// The Bench helpers are ordinary benchmark functions: besides calling them
// from a backend's Benchmark functions, a program can run one with
// testing.Benchmark. (Run needs a *testing.T, so it lives in a test; see
// the package documentation.)
func ExampleBenchMarkSeen() {
	open := func(tb testing.TB) store.Store {
		s := memory.New()
		tb.Cleanup(func() { s.Close() })
		return s
	}
	r := testing.Benchmark(func(b *testing.B) { storetest.BenchMarkSeen(b, open) })
	fmt.Println("ran:", r.N > 0)
	// Output: ran: true
}
