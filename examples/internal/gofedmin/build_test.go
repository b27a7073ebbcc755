package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkColdBuild builds examples/bot and this program each with an empty
// build cache, as a first build on a fresh machine does, and reports the
// bot's build time and binary size as fractions of this program's. It takes
// minutes per iteration; run it alone:
//
//	go test -run '^$' -bench ColdBuild -benchtime 1x ./examples/internal/gofedmin
func BenchmarkColdBuild(b *testing.B) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		b.Skip("the go command is not on PATH")
	}
	root, err := filepath.Abs("../../..") // the module root
	if err != nil {
		b.Fatal(err)
	}
	build := func(pkg string) (time.Duration, int64) {
		dir := b.TempDir()
		out := filepath.Join(dir, "prog")
		cmd := exec.Command(goTool, "build", "-o", out, pkg)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOCACHE="+filepath.Join(dir, "cache"), "GOFLAGS=-buildvcs=false")
		start := time.Now()
		if msg, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("go build %s: %v\n%s", pkg, err, msg)
		}
		elapsed := time.Since(start)
		fi, err := os.Stat(out)
		if err != nil {
			b.Fatal(err)
		}
		return elapsed, fi.Size()
	}
	var botTime, fedTime time.Duration
	var botSize, fedSize int64
	for range b.N {
		t, s := build("./examples/bot")
		botTime, botSize = botTime+t, s
		t, s = build("./examples/internal/gofedmin")
		fedTime, fedSize = fedTime+t, s
	}
	b.ReportMetric(botTime.Seconds()/float64(b.N), "bot-build-s")
	b.ReportMetric(fedTime.Seconds()/float64(b.N), "gofed-build-s")
	b.ReportMetric(float64(botTime)/float64(fedTime), "build-time-ratio")
	b.ReportMetric(float64(botSize)/(1<<20), "bot-MiB")
	b.ReportMetric(float64(fedSize)/(1<<20), "gofed-MiB")
	b.ReportMetric(float64(botSize)/float64(fedSize), "size-ratio")
}
