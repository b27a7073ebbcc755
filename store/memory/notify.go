package memory

import "context"

// NotifyJobs implements [store.JobNotifier]: the channel receives a value
// after Enqueue, Retry or Requeue and is closed when ctx ends or the store
// is closed.
func (s *Store) NotifyJobs(ctx context.Context) <-chan struct{} {
	q := &s.queue
	ch := make(chan struct{}, 1)
	q.notifyMu.Lock()
	select {
	case <-q.closed:
		q.notifyMu.Unlock()
		close(ch)
		return ch
	default:
	}
	q.notifiers[ch] = struct{}{}
	q.notifyMu.Unlock()
	go func() {
		select {
		case <-ctx.Done():
		case <-q.closed:
		}
		q.notifyMu.Lock()
		defer q.notifyMu.Unlock()
		if _, ok := q.notifiers[ch]; ok {
			delete(q.notifiers, ch)
			close(ch)
		}
	}()
	return ch
}

// notify wakes every listener without blocking; values coalesce.
func (q *queueState) notify() {
	q.notifyMu.Lock()
	defer q.notifyMu.Unlock()
	for ch := range q.notifiers {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// closeNotifiers closes every listener's channel.
func (q *queueState) closeNotifiers() {
	q.notifyMu.Lock()
	defer q.notifyMu.Unlock()
	close(q.closed)
	for ch := range q.notifiers {
		delete(q.notifiers, ch)
		close(ch)
	}
}
