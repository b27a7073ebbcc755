package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	sqlitedrv "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/starling-fed/starling/store"
)

var (
	_ store.Store      = (*Store)(nil)
	_ store.Transactor = (*Store)(nil)
)

// querier is what a statement runs on: the reader pool, the writer pool or a
// transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// stmtCache keeps one prepared statement per query text on a pool, so
// hot statements are compiled once per connection rather than per call.
// The store's queries are a fixed set of constant strings, so the cache
// stays small.
//
// A transaction holds its connection (for the writer, the only one), so
// a statement first met inside a transaction runs unprepared and is
// prepared on the pool once the transaction has ended (prepareMissed).
type stmtCache struct {
	db     *sql.DB
	mu     sync.Mutex
	stmts  map[string]*sql.Stmt
	missed map[string]bool
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, stmts: make(map[string]*sql.Stmt), missed: make(map[string]bool)}
}

// lookup returns the prepared statement for query, noting a miss.
func (c *stmtCache) lookup(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	st, ok := c.stmts[query]
	if !ok && c.stmts != nil {
		c.missed[query] = true
	}
	return st
}

// get returns the prepared statement for query, preparing it on the pool
// if needed. Only call it while holding none of the pool's connections.
func (c *stmtCache) get(ctx context.Context, query string) (*sql.Stmt, error) {
	if st := c.lookup(query); st != nil {
		return st, nil
	}
	c.prepareMissed(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.stmts[query]; ok {
		return st, nil
	}
	return nil, errors.New("sqlite: statement cache closed")
}

// prepareMissed prepares the statements that missed the cache. It holds
// no lock while preparing, since that waits for a free connection.
// Failures are left for the next miss to retry and report.
func (c *stmtCache) prepareMissed(ctx context.Context) {
	c.mu.Lock()
	var queries []string
	for query := range c.missed {
		queries = append(queries, query)
	}
	c.mu.Unlock()
	for _, query := range queries {
		st, err := c.db.PrepareContext(ctx, query)
		if err != nil {
			continue
		}
		c.mu.Lock()
		delete(c.missed, query)
		if _, ok := c.stmts[query]; ok || c.stmts == nil {
			_ = st.Close() // prepared meanwhile, or the cache was closed
		} else {
			c.stmts[query] = st
		}
		c.mu.Unlock()
	}
}

func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for _, st := range c.stmts {
		errs = append(errs, st.Close())
	}
	c.stmts, c.missed = nil, map[string]bool{}
	return errors.Join(errs...)
}

// cachedDB runs statements on a pool through its statement cache.
type cachedDB struct{ c *stmtCache }

func (d cachedDB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := d.c.get(ctx, query)
	if err != nil {
		return d.c.db.ExecContext(ctx, query, args...)
	}
	return st.ExecContext(ctx, args...)
}

func (d cachedDB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := d.c.get(ctx, query)
	if err != nil {
		return d.c.db.QueryContext(ctx, query, args...)
	}
	return st.QueryContext(ctx, args...)
}

func (d cachedDB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := d.c.get(ctx, query)
	if err != nil {
		// The pool reports the statement's own error through the Row.
		return d.c.db.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// cachedTx runs statements in a transaction, using the pool's prepared
// statements where they exist.
//
// When noCancel is set, statements ignore their callers' contexts: the
// writer's shared transaction must not be interrupted by one caller giving
// up, since SQLite may then roll back everyone's work in it.
type cachedTx struct {
	tx       *sql.Tx
	c        *stmtCache
	noCancel bool
}

func (t cachedTx) ctx(ctx context.Context) context.Context {
	if t.noCancel {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

func (t cachedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx = t.ctx(ctx)
	if st := t.c.lookup(query); st != nil {
		return t.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, query, args...)
}

func (t cachedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx = t.ctx(ctx)
	if st := t.c.lookup(query); st != nil {
		return t.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, query, args...)
}

func (t cachedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	ctx = t.ctx(ctx)
	if st := t.c.lookup(query); st != nil {
		return t.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, query, args...)
}

// reader returns where read-only statements run: the transaction inside
// InTx, else the reader pool.
func (s *Store) reader() querier {
	if s.tx != nil {
		return s.tx
	}
	return cachedDB{s.rc}
}

// write runs fn in a write transaction (or in the surrounding InTx
// transaction) and returns its error; fn's writes are kept only if it
// returns nil. Outside InTx the work goes to the group-commit writer, and
// its own errors (cancellation, a closed store, a failed commit) name op.
func (s *Store) write(ctx context.Context, op string, fn func(tx querier) error) error {
	if s.tx != nil {
		return fn(s.tx)
	}
	return s.writer.do(ctx, op, fn)
}

// InTx implements [store.Transactor]: fn's calls on tx form one unit of
// the writer's transaction, kept if fn returns nil and rolled back (to its
// savepoint) otherwise. Other writes wait until fn returns, so fn should
// be short, and it must write only through tx: a write on the outer Store
// would wait for fn forever. Calling InTx on tx joins the same transaction.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context, tx store.Store) error) error {
	if s.tx != nil {
		return fn(ctx, s)
	}
	notify := new(atomic.Bool)
	err := s.writer.do(ctx, "transaction", func(q querier) error {
		inner := *s
		inner.tx = q
		inner.txNotify = notify
		return fn(ctx, &inner)
	})
	if err == nil && notify.Load() {
		s.notifier.notify()
	}
	return err
}

// wrapErr prefixes err with the package and operation; a missing row
// becomes store.ErrNotFound and a unique violation store.ErrConflict.
func wrapErr(op string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlite: %s: %w", op, store.ErrNotFound)
	}
	var se *sqlitedrv.Error
	if errors.As(err, &se) && (se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY) {
		return fmt.Errorf("sqlite: %s: %w: %w", op, store.ErrConflict, err)
	}
	return fmt.Errorf("sqlite: %s: %w", op, err)
}

// micros converts t to the stored form: microseconds since the epoch, or
// NULL for the zero time.
func micros(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMicro(), Valid: true}
}

// fromMicros converts a stored time back; NULL is the zero time.
func fromMicros(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMicro(v.Int64).UTC()
}

// boolInt is SQLite's boolean.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// readTx runs several reads that must agree with each other: in one read
// transaction on the reader pool, or in the surrounding InTx transaction.
func (s *Store) readTx(ctx context.Context, fn func(q querier) error) error {
	if s.tx != nil {
		return fn(s.tx)
	}
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer s.rc.prepareMissed(ctx)
	defer func() { _ = tx.Rollback() }()
	return fn(cachedTx{tx: tx, c: s.rc})
}
