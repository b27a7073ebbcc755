package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

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

// reader returns where read-only statements run: the transaction inside
// InTx, else the reader pool.
func (s *Store) reader() querier {
	if s.tx != nil {
		return s.tx
	}
	return s.r
}

// write runs fn in a write transaction on the single writer connection (or
// in the surrounding InTx transaction), committing if fn returns nil.
func (s *Store) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if s.tx != nil {
		return fn(s.tx)
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	return nil
}

// InTx implements [store.Transactor]: fn's calls on tx form one write
// transaction on the writer connection. Other writers wait until it ends,
// so fn should be short. Calling InTx on tx joins the same transaction.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context, tx store.Store) error) (err error) {
	if s.tx != nil {
		return fn(ctx, s)
	}
	sqlTx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = sqlTx.Rollback()
			panic(p)
		}
	}()
	inner := *s
	inner.tx = sqlTx
	if err := fn(ctx, &inner); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	return nil
}

// wrapErr prefixes err with the package and operation; a missing row
// becomes store.ErrNotFound.
func wrapErr(op string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlite: %s: %w", op, store.ErrNotFound)
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

// validateIRIs checks every IRI argument, reporting the first bad one.
func validateIRIs(iris ...string) error {
	for _, iri := range iris {
		if err := store.ValidateIRI(iri); err != nil {
			return err
		}
	}
	return nil
}

// pageLimit checks and caps a page size.
func pageLimit(limit int) (int, error) {
	if limit <= 0 {
		return 0, fmt.Errorf("%w: page limit %d is not positive", store.ErrInvalid, limit)
	}
	return min(limit, store.MaxPageSize), nil
}

// decodePosition turns a page cursor into the sequence to page below; the
// empty cursor starts at the top.
func decodePosition(cursor, scope string) (int64, error) {
	if cursor == "" {
		return 1<<63 - 1, nil
	}
	c, err := store.DecodeCursor(cursor, scope)
	if err != nil {
		return 0, err
	}
	return c.Position, nil
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
	defer func() { _ = tx.Rollback() }()
	return fn(tx)
}
