//go:build !linux

package httpsig

import "time"

// threadCPU falls back to wall time where no per-thread CPU clock is read.
func threadCPU() time.Duration { return time.Duration(time.Now().UnixNano()) }
