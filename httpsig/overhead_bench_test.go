package httpsig

import (
	"runtime"
	"slices"
	"testing"
	"time"
)

// measureOverhead alternates one of the package's operations with the raw
// crypto operation it wraps, iteration by iteration, and reports the
// median CPU time of the first over that of the second as "x-raw" (1.10
// means 10 % overhead). It times the benchmark's own thread (on Linux), and
// medians, so a busy machine skews neither side. reset, if not nil, runs
// untimed before each pair.
func measureOverhead(b *testing.B, reset, pkgOp, rawOp func()) {
	const maxSamples = 1 << 16
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	pkg, raw := make([]time.Duration, 0, maxSamples), make([]time.Duration, 0, maxSamples)
	b.ReportAllocs()
	for b.Loop() {
		if reset != nil {
			reset()
		}
		t0 := threadCPU()
		pkgOp()
		t1 := threadCPU()
		rawOp()
		t2 := threadCPU()
		if len(pkg) < maxSamples {
			pkg, raw = append(pkg, t1-t0), append(raw, t2-t1)
		}
	}
	b.ReportMetric(float64(median(pkg))/float64(median(raw)), "x-raw")
}

// median returns the median of d, reordering it; 1 for no samples, so a
// ratio never divides by zero.
func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 1
	}
	slices.Sort(d)
	return d[len(d)/2]
}
