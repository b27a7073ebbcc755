package memory_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/memory"
)

// maxBytesPerJob is the memory budget of one queued job, inbox included.
const maxBytesPerJob = 300

// heapAfterGC returns the live heap after a full collection.
func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// bytesPerJob enqueues n jobs of one activity (inboxes of realistic length,
// allocated after the baseline so the store's copy of them is counted) and
// returns the heap growth per job.
func bytesPerJob(tb testing.TB, s *memory.Store, n int, orderingKey string) float64 {
	tb.Helper()
	activity := []byte(`{"@context":"https://www.w3.org/ns/activitystreams","id":"https://local.example/users/alice/statuses/1/activity","type":"Create","actor":"https://local.example/users/alice","object":{"id":"https://local.example/users/alice/statuses/1","type":"Note","content":"hello, fediverse"}}`)
	before := heapAfterGC()
	inboxes := make([]string, n)
	for i := range inboxes {
		inboxes[i] = fmt.Sprintf("https://h%05d.example.social/users/u%06d/inbox", i%20000, i)
	}
	added, err := s.Enqueue(tb.Context(), store.Batch{
		ActivityID:  "https://local.example/users/alice/statuses/1/activity",
		Activity:    activity,
		Sender:      "https://local.example/users/alice#main-key",
		Inboxes:     inboxes,
		OrderingKey: orderingKey,
		Now:         time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	})
	require.NoError(tb, err)
	require.Equal(tb, n, added)
	inboxes = nil
	after := heapAfterGC()
	runtime.KeepAlive(s)
	return (float64(after) - float64(before)) / float64(n)
}

// TestMemoryPerQueuedJob holds the queue to its budget: 100,000 queued
// jobs of one activity cost at most 300 bytes each, inbox string included.
func TestMemoryPerQueuedJob(t *testing.T) {
	s := memory.New()
	defer s.Close()
	per := bytesPerJob(t, s, 100_000, "https://local.example/users/alice/statuses/1")
	t.Logf("%.0f bytes per queued job (100,000 jobs, one activity, ordering key set)", per)
	assert.LessOrEqual(t, per, float64(maxBytesPerJob))
	c, err := s.CountJobs(t.Context(), "")
	require.NoError(t, err)
	assert.Equal(t, 100_000, c.Pending)
}

// BenchmarkMemoryPerQueuedJob reports the heap cost of a queued job.
func BenchmarkMemoryPerQueuedJob(b *testing.B) {
	var per float64
	for b.Loop() {
		s := memory.New()
		per = bytesPerJob(b, s, 100_000, "https://local.example/users/alice/statuses/1")
		s.Close()
	}
	b.ReportMetric(per, "bytes/job")
}
