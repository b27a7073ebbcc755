package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
)

// maxGroup caps how many writes share one transaction.
const maxGroup = 64

// errClosed is returned by writes after Close.
var errClosed = errors.New("store is closed")

// groupWriter owns the writer connection and commits writes in groups.
//
// SQLite runs one write transaction at a time, and the commit is most of
// its cost. So writes are queued to one goroutine, which takes every write
// waiting (up to maxGroup), runs each inside its own SAVEPOINT of one
// transaction, and commits once. A write whose function fails is rolled
// back to its savepoint alone; the others are kept. Each caller gets its
// own result after the commit, so an acknowledged write is committed
// (with synchronous=NORMAL, it survives a crash of the process but may be
// lost to a power failure).
type groupWriter struct {
	db    *sql.DB
	cache *stmtCache

	mu     sync.RWMutex // guards closed and sends on reqs
	closed bool
	reqs   chan *writeReq
	done   chan struct{}
}

type writeReq struct {
	ctx    context.Context
	op     string
	fn     func(querier) error
	result chan writeResult
}

type writeResult struct {
	err      error
	panicked bool
	panicVal any
}

func newGroupWriter(db *sql.DB, cache *stmtCache) *groupWriter {
	g := &groupWriter{db: db, cache: cache, reqs: make(chan *writeReq), done: make(chan struct{})}
	go g.loop()
	return g
}

// do runs fn in the writer's next transaction and returns its error, or
// the commit's. A panic in fn is re-raised in the caller. Errors not fn's
// name the backend and op.
func (g *groupWriter) do(ctx context.Context, op string, fn func(querier) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlite: %s: %w", op, err)
	}
	r := &writeReq{ctx: ctx, op: op, fn: fn, result: make(chan writeResult, 1)}
	g.mu.RLock()
	if g.closed {
		g.mu.RUnlock()
		return fmt.Errorf("sqlite: %s: %w", op, errClosed)
	}
	select {
	case g.reqs <- r:
		g.mu.RUnlock()
	case <-ctx.Done():
		g.mu.RUnlock()
		return fmt.Errorf("sqlite: %s: %w", op, ctx.Err())
	}
	// Once queued, wait for the outcome even if ctx ends: the write may
	// already be committed, and the caller must not be told otherwise.
	res := <-r.result
	if res.panicked {
		panic(res.panicVal)
	}
	return res.err
}

// close stops the writer after the writes already queued.
func (g *groupWriter) close() {
	g.mu.Lock()
	if !g.closed {
		g.closed = true
		close(g.reqs)
	}
	g.mu.Unlock()
	<-g.done
}

func (g *groupWriter) loop() {
	defer close(g.done)
	batch := make([]*writeReq, 0, maxGroup)
	for first := range g.reqs {
		batch = append(batch[:0], first)
	drain:
		for len(batch) < maxGroup {
			select {
			case r, ok := <-g.reqs:
				if !ok {
					break drain
				}
				batch = append(batch, r)
			default:
				break drain
			}
		}
		g.run(batch)
		g.cache.prepareMissed(context.Background())
	}
}

// run executes one group in one transaction and answers every request.
func (g *groupWriter) run(batch []*writeReq) {
	results := make([]writeResult, len(batch))
	answer := func() {
		for i, r := range batch {
			r.result <- results[i]
		}
	}
	// The transaction belongs to no caller: no caller's cancellation may
	// end it.
	ctx := context.Background()
	tx, err := g.db.BeginTx(ctx, nil)
	if err != nil {
		for i := range results {
			results[i].err = fmt.Errorf("sqlite: %s: begin: %w", batch[i].op, err)
		}
		answer()
		return
	}
	q := cachedTx{tx: tx, c: g.cache, noCancel: true}
	single := len(batch) == 1
	kept := 0
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			results[i].err = fmt.Errorf("sqlite: %s: %w", r.op, err)
			continue
		}
		if !single {
			if _, err := q.ExecContext(ctx, "SAVEPOINT w"); err != nil {
				results[i].err = fmt.Errorf("sqlite: %s: savepoint: %w", r.op, err)
				continue
			}
		}
		results[i] = call(r.fn, q)
		if single {
			break
		}
		if results[i].err != nil || results[i].panicked {
			if _, err := q.ExecContext(ctx, "ROLLBACK TO w"); err != nil {
				// The transaction is in an unknown state: give up on all.
				_ = tx.Rollback()
				for j := range results {
					if results[j].err == nil && !results[j].panicked {
						results[j].err = fmt.Errorf("sqlite: %s: rollback to savepoint: %w", batch[j].op, err)
					}
				}
				answer()
				return
			}
		} else {
			kept++
		}
		if _, err := q.ExecContext(ctx, "RELEASE w"); err != nil {
			_ = tx.Rollback()
			for j := range results {
				if results[j].err == nil && !results[j].panicked {
					results[j].err = fmt.Errorf("sqlite: %s: release savepoint: %w", batch[j].op, err)
				}
			}
			answer()
			return
		}
	}
	if single && (results[0].err != nil || results[0].panicked) || !single && kept == 0 {
		_ = tx.Rollback()
		answer()
		return
	}
	if err := tx.Commit(); err != nil {
		for i := range results {
			if results[i].err == nil && !results[i].panicked {
				results[i].err = fmt.Errorf("sqlite: %s: commit: %w", batch[i].op, err)
			}
		}
	}
	answer()
}

// call runs fn, turning a panic into a result the caller re-raises.
func call(fn func(querier) error, q querier) (res writeResult) {
	defer func() {
		if p := recover(); p != nil {
			res = writeResult{panicked: true, panicVal: p}
		}
	}()
	return writeResult{err: fn(q)}
}
