package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store"
)

// Two Stores on one file (as two processes would be) write and read at
// once: the busy timeout arbitrates, no call fails with SQLITE_BUSY, and
// each activity id is seen first exactly once.
func TestTwoStoresShareOneFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shared.db")
	ctx := context.Background()
	var stores [2]*Store
	for i := range stores {
		s, err := Open(ctx, path, Config{})
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		stores[i] = s
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const ids = 40
	var firsts [ids]atomic.Int32
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for w := range 8 {
		s := stores[w%2]
		wg.Go(func() {
			for i := range ids {
				id := fmt.Sprintf("https://remote.example/activities/%d", i)
				first, err := s.MarkSeen(ctx, id, now, now.Add(time.Hour))
				if err == nil && first {
					firsts[i].Add(1)
				}
				if err == nil {
					_, err = s.Enqueue(ctx, store.Batch{ActivityID: id, Activity: []byte(`{}`),
						Sender: "https://local.example/u#k", Inboxes: []string{fmt.Sprintf("https://h.example/%d/inbox", w)}, Now: now})
				}
				if err == nil {
					_, err = s.CountJobs(ctx, "")
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	for i := range firsts {
		require.Equal(t, int32(1), firsts[i].Load(), "activity %d", i)
	}
}
