package sqlite

import (
	"context"
	"sync"

	"github.com/starling-fed/starling/store"
)

var _ store.JobNotifier = (*Store)(nil)

// notifier fans job notifications out to the channels NotifyJobs handed
// out. One SQLite file serves one process, so notifications stay in it.
type notifier struct {
	mu   sync.Mutex
	subs map[chan struct{}]bool
}

func newNotifier() *notifier { return &notifier{subs: make(map[chan struct{}]bool)} }

func (n *notifier) subscribe(ctx context.Context) <-chan struct{} {
	ch := make(chan struct{}, 1)
	n.mu.Lock()
	n.subs[ch] = true
	n.mu.Unlock()
	go func() {
		<-ctx.Done()
		n.mu.Lock()
		delete(n.subs, ch)
		close(ch)
		n.mu.Unlock()
	}()
	return ch
}

// notify wakes every subscriber; a subscriber with a wake-up pending keeps
// that one (notifications coalesce).
func (n *notifier) notify() {
	n.mu.Lock()
	defer n.mu.Unlock()
	for ch := range n.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// NotifyJobs implements [store.JobNotifier]: the channel receives a value
// after an Enqueue, Retry or Requeue of this Store commits, and is closed
// when ctx is done.
func (s *Store) NotifyJobs(ctx context.Context) <-chan struct{} {
	return s.notifier.subscribe(ctx)
}

// jobsChanged notifies subscribers that jobs may be due, or, inside InTx,
// once the transaction has committed.
func (s *Store) jobsChanged() {
	if s.txNotify != nil {
		s.txNotify.Store(true)
		return
	}
	s.notifier.notify()
}
