package postgres

import (
	"context"
	"fmt"
	"hash/fnv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/starling-fed/starling/store"
)

var _ store.JobNotifier = (*Store)(nil)

// notifyChannel is the LISTEN/NOTIFY channel of this store's schema, so
// deployments sharing a database do not wake each other.
func (s *Store) notifyChannel() string {
	name := "starling_jobs"
	if s.schema != "" {
		name += "_" + s.schema
	}
	if len(name) > 63 { // PostgreSQL's identifier limit
		h := fnv.New64a()
		h.Write([]byte(s.schema))
		name = fmt.Sprintf("starling_jobs_%x", h.Sum64())
	}
	return name
}

// notifySQL wakes every instance listening on the channel ($1) once the
// surrounding transaction commits; a rolled-back one sends nothing.
const notifySQL = `SELECT pg_notify($1, '')`

// jobsChanged notifies listeners in every instance, outside any
// transaction (inside InTx the notification waits for its commit). It is
// a hint, so a failure is only logged.
func (s *Store) jobsChanged(ctx context.Context) {
	if _, err := s.q().Exec(ctx, notifySQL, s.notifyChannel()); err != nil {
		s.log.DebugContext(ctx, "notifying job listeners", "error", err)
	}
}

// NotifyJobs implements [store.JobNotifier] with LISTEN/NOTIFY: the channel
// receives a value after an Enqueue, Retry or Requeue commits in any
// instance sharing the schema, and is closed when ctx is done. It holds
// one pool connection while ctx lasts. The LISTEN is in place when
// NotifyJobs returns; if the connection is lost it is re-established,
// and the channel gets a value then, since notifications may have been
// missed meanwhile.
//
// Close stops every listener and closes its channel: a listener holds a
// pool connection, which closing the pool would otherwise wait for. After
// Close the channel comes back closed.
func (s *Store) NotifyJobs(ctx context.Context) <-chan struct{} {
	ch := make(chan struct{}, 1)
	ctx, done, ok := s.listeners.add(ctx)
	if !ok {
		close(ch)
		return ch
	}
	conn, err := s.listen(ctx)
	if err != nil && ctx.Err() == nil {
		s.log.WarnContext(ctx, "listening for jobs", "error", err)
	}
	go func() {
		defer done()
		defer close(ch)
		signal := func() {
			select {
			case ch <- struct{}{}:
			default:
			}
		}
		for ctx.Err() == nil {
			if conn == nil {
				select {
				case <-ctx.Done():
					return
				case <-time.After(time.Second):
				}
				if conn, err = s.listen(ctx); err != nil {
					continue
				}
				signal()
			}
			if _, err := conn.Conn().WaitForNotification(ctx); err != nil {
				dropConn(conn)
				conn = nil
				continue
			}
			signal()
		}
		if conn != nil {
			dropConn(conn)
		}
	}()
	return ch
}

// listen takes a connection from the pool and LISTENs on it.
func (s *Store) listen(ctx context.Context) (*pgxpool.Conn, error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, `LISTEN `+quoteIdent(s.notifyChannel())); err != nil {
		dropConn(conn)
		return nil, err
	}
	return conn, nil
}

// dropConn closes a listening connection instead of returning it to the
// pool, where its subscription would outlive the listener.
func dropConn(conn *pgxpool.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = conn.Conn().Close(ctx)
	conn.Release()
}

// listenerSet lets Close stop the NotifyJobs goroutines and wait for them
// to give back their connections.
type listenerSet struct {
	mu      sync.Mutex
	stopped bool
	cancels map[int]context.CancelFunc
	next    int
	wg      sync.WaitGroup
}

func newListenerSet() *listenerSet {
	return &listenerSet{cancels: make(map[int]context.CancelFunc)}
}

// add registers a listener, returning its context (cancelled by stop), the
// function it calls when it has finished, and false after stop.
func (l *listenerSet) add(ctx context.Context) (context.Context, func(), bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stopped {
		return ctx, func() {}, false
	}
	ctx, cancel := context.WithCancel(ctx)
	id := l.next
	l.next++
	l.cancels[id] = cancel
	l.wg.Add(1)
	return ctx, func() {
		cancel()
		l.mu.Lock()
		delete(l.cancels, id)
		l.mu.Unlock()
		l.wg.Done()
	}, true
}

// stop cancels every listener and waits until each has dropped its
// connection.
func (l *listenerSet) stop() {
	l.mu.Lock()
	l.stopped = true
	for _, cancel := range l.cancels {
		cancel()
	}
	l.mu.Unlock()
	l.wg.Wait()
}
