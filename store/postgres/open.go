package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Config tunes a Store. Its zero value is ready to use: every field documents
// what zero means.
type Config struct {
	// Schema is the PostgreSQL schema holding the store's tables. Open
	// creates it when missing and puts it first on every connection's
	// search_path. Empty means the server's default search_path (usually
	// "public"). It must be a plain identifier: lower-case ASCII letters,
	// digits and underscores, not starting with a digit, at most 63 bytes.
	Schema string

	// MaxConns caps the pool's connections. Zero means pgxpool's default
	// (the larger of 4 and the number of CPUs), unless the connection URL
	// sets pool_max_conns.
	MaxConns int32

	// Logger receives migration and maintenance messages. Nil discards them.
	Logger *slog.Logger
}

// Store is a store backed by a PostgreSQL database. It is safe for
// concurrent use by many goroutines and by many processes sharing the
// database.
type Store struct {
	pool   *pgxpool.Pool
	schema string
	log    *slog.Logger
	// tx is set on the Store handed to an InTx callback: every statement
	// then runs in it.
	tx pgx.Tx
	// sweep remembers when orphaned payloads were last swept.
	sweep *sweepState
	// listeners tracks NotifyJobs goroutines, which Close stops.
	listeners *listenerSet
}

// ErrBadSchema is returned by Open when Config.Schema is not a plain
// identifier.
var ErrBadSchema = errors.New("postgres: bad schema name")

// Open connects to the database at connURL (a postgres:// URL or a key=value
// connection string, as pgx accepts), applies any pending schema migrations
// and returns a Store ready for use. Close the Store when done.
func Open(ctx context.Context, connURL string, cfg Config) (*Store, error) {
	if cfg.Schema != "" && !validIdent(cfg.Schema) {
		return nil, fmt.Errorf("%w: %q", ErrBadSchema, cfg.Schema)
	}
	pc, err := pgxpool.ParseConfig(connURL)
	if err != nil {
		// pgx's parse errors can echo the URL; keep the password out.
		return nil, fmt.Errorf("postgres: parse connection string: %w", err)
	}
	if cfg.MaxConns > 0 {
		pc.MaxConns = cfg.MaxConns
	}
	if cfg.Schema != "" {
		// Sent in the startup message: no extra round trip per
		// connection, and set before any statement runs.
		pc.ConnConfig.RuntimeParams["search_path"] = cfg.Schema
	}
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	s := &Store{pool: pool, schema: cfg.Schema, log: cfg.Logger, sweep: new(sweepState), listeners: newListenerSet()}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// validIdent reports whether name is an unquoted-safe PostgreSQL identifier.
func validIdent(name string) bool {
	if name == "" || len(name) > 63 {
		return false
	}
	for i, c := range name {
		switch {
		case c == '_', c >= 'a' && c <= 'z':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// Close stops the NotifyJobs listeners (closing their channels) and closes
// every connection of the pool, waiting for those in use by other calls.
// Calls after the first do nothing; so does Close on the Store given to an
// InTx callback.
func (s *Store) Close() error {
	if s.tx == nil {
		s.listeners.stop()
		s.pool.Close()
	}
	return nil
}

// Pool returns the underlying connection pool, for hosts that want to share
// it or inspect its statistics. Statements run on it see the store's schema
// on their search_path.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// quoteIdent quotes an identifier for use in SQL text.
func quoteIdent(name string) string { return pgx.Identifier{name}.Sanitize() }
