package storetest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/starling-fed/starling/store"
)

// BenchEnqueue measures one Enqueue call fanning one activity out to 10,000
// inboxes; it reports jobs/s.
func BenchEnqueue(b *testing.B, newStore func(tb testing.TB) store.Store) {
	s := newStore(b)
	inboxes := inboxesOn(10_000, 500)
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		i++
		id := fmt.Sprintf("%s/activities/bench-%d", alice, i)
		if _, err := s.Enqueue(b.Context(), store.Batch{ActivityID: id, Activity: activity(id), Sender: sender, Inboxes: inboxes, Now: t0}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(i*len(inboxes))/b.Elapsed().Seconds(), "jobs/s")
}

// BenchClaimComplete measures claiming and completing jobs with 1, 4 and
// 16 concurrent workers, each claiming up to 8 jobs at a time; each
// sub-benchmark reports jobs/s. The queue is filled before the timer starts.
func BenchClaimComplete(b *testing.B, newStore func(tb testing.TB) store.Store) {
	for _, workers := range []int{1, 4, 16} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			s := newStore(b)
			total := b.N
			for i := 0; i < total; i += 10_000 {
				id := fmt.Sprintf("%s/activities/bench-%d", alice, i)
				n := min(10_000, total-i)
				if _, err := s.Enqueue(b.Context(), store.Batch{ActivityID: id, Activity: activity(id), Sender: sender, Inboxes: inboxesOn(n, 100), Now: t0}); err != nil {
					b.Fatal(err)
				}
			}
			var done atomic.Int64
			var failed atomic.Value
			b.ReportAllocs()
			b.ResetTimer()
			var wg sync.WaitGroup
			for range workers {
				wg.Go(func() {
					for done.Load() < int64(total) {
						jobs, err := s.Claim(b.Context(), t0, time.Hour, 8)
						if err != nil {
							failed.Store(err)
							return
						}
						if len(jobs) == 0 {
							return
						}
						for _, j := range jobs {
							if err := s.Complete(b.Context(), j); err != nil {
								failed.Store(err)
								return
							}
						}
						done.Add(int64(len(jobs)))
					}
				})
			}
			wg.Wait()
			b.StopTimer()
			if err, _ := failed.Load().(error); err != nil {
				b.Fatal(err)
			}
			if got := done.Load(); got != int64(total) {
				b.Fatalf("completed %d of %d jobs", got, total)
			}
			b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "jobs/s")
		})
	}
}

// BenchFollowerInboxes measures listing the distinct delivery inboxes of
// an actor with 100,000 accepted followers spread over 2,000 hosts (a
// fifth without a shared inbox). Setup runs in transactions of 1,000
// follows when the store implements [store.Transactor].
func BenchFollowerInboxes(b *testing.B, newStore func(tb testing.TB) store.Store) {
	s := newStore(b)
	const followers = 100_000
	put := func(ctx context.Context, s store.Store, from int) error {
		for i := from; i < min(from+1000, followers); i++ {
			f := follow(fmt.Sprintf("https://h%d.example/users/u%d", i%2000, i), alice, store.FollowAccepted)
			if i%5 != 0 {
				f.SharedInbox = fmt.Sprintf("https://h%d.example/inbox", i%2000)
			}
			if _, err := s.PutFollow(ctx, f); err != nil {
				return err
			}
		}
		return nil
	}
	for from := 0; from < followers; from += 1000 {
		var err error
		if tx, ok := s.(store.Transactor); ok {
			err = tx.InTx(b.Context(), func(ctx context.Context, s store.Store) error { return put(ctx, s, from) })
		} else {
			err = put(b.Context(), s, from)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		n = 0
		for _, err := range s.FollowerInboxes(b.Context(), alice) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	b.ReportMetric(float64(n), "inboxes")
}

// BenchMarkSeen measures the seen-activity test-and-set from parallel
// goroutines, half of the calls on ids already seen.
func BenchMarkSeen(b *testing.B, newStore func(tb testing.TB) store.Store) {
	s := newStore(b)
	var next atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1)
			id := fmt.Sprintf("%s/activities/%d", carol, i/2)
			if _, err := s.MarkSeen(b.Context(), id, t0, at(time.Hour)); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchClaimBacklog measures claiming and completing one due job while
// 100,000 jobs wait for a later attempt. A store that finds due jobs
// through an index runs it about as fast as an empty queue; one that scans
// gets slower with the backlog.
func BenchClaimBacklog(b *testing.B, newStore func(tb testing.TB) store.Store) {
	s := newStore(b)
	for i := range 10 {
		id := fmt.Sprintf("%s/activities/backlog-%d", alice, i)
		bt := store.Batch{ActivityID: id, Activity: activity(id), Sender: sender, Inboxes: inboxesOn(10_000, 1000), Now: t0, NotBefore: at(1000 * time.Hour)}
		if _, err := s.Enqueue(b.Context(), bt); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		i++
		id := fmt.Sprintf("%s/activities/due-%d", alice, i)
		if _, err := s.Enqueue(b.Context(), store.Batch{ActivityID: id, Activity: activity(id), Sender: sender, Inboxes: []string{"https://due.example/inbox"}, Now: t0}); err != nil {
			b.Fatal(err)
		}
		jobs, err := s.Claim(b.Context(), t0, time.Minute, 1)
		if err != nil || len(jobs) != 1 {
			b.Fatalf("claim: %d jobs, %v", len(jobs), err)
		}
		if err := s.Complete(b.Context(), jobs[0]); err != nil {
			b.Fatal(err)
		}
	}
}
