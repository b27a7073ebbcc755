package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// Defaults applied by Open for zero Config fields.
const (
	DefaultBusyTimeout = 5 * time.Second
	DefaultMaxReaders  = 4
)

// Config tunes a Store. Its zero value is ready to use: every field documents
// what zero means.
type Config struct {
	// BusyTimeout is how long a statement waits for a lock held by another
	// process sharing the file before it fails. Zero means DefaultBusyTimeout.
	BusyTimeout time.Duration

	// MaxReaders caps the read-only connections used for queries outside
	// write transactions. Zero means DefaultMaxReaders, or GOMAXPROCS when
	// that is larger. Writes always go through one connection.
	MaxReaders int

	// SynchronousFull makes every commit wait for the data to reach the disk
	// (PRAGMA synchronous=FULL). By default (NORMAL, in WAL mode) a commit
	// survives a crash of the process, and only the last few commits can be
	// lost if the operating system crashes or the power fails; FULL closes
	// that window at a large cost in write throughput.
	SynchronousFull bool

	// Logger receives migration and maintenance messages. Nil discards them.
	Logger *slog.Logger
}

// Store is a store backed by one SQLite database file. It is safe for
// concurrent use by many goroutines; see the package documentation for how
// reads and writes are scheduled.
type Store struct {
	path string
	cfg  Config
	log  *slog.Logger

	// w is the single writer connection; every transaction that writes goes
	// through it, so writers queue in Go rather than spinning on SQLITE_BUSY.
	w *sql.DB
	// r serves reads outside write transactions. For an in-memory database,
	// which cannot be shared between connections, r is w.
	r *sql.DB
	// notifier serves NotifyJobs; txNotify is set on the Store given to an
	// InTx callback, to notify after the commit.
	notifier *notifier
	txNotify *atomic.Bool
	// writer runs every write transaction outside InTx on w.
	writer *groupWriter
	// wc and rc cache prepared statements on w and r.
	wc, rc *stmtCache
	// tx is set on the Store handed to an InTx callback: every statement
	// then runs in it.
	tx querier
	// closeOnce makes Close idempotent.
	closeOnce *sync.Once
}

// ErrNoPath is returned by Open when the database path is empty.
var ErrNoPath = errors.New("sqlite: no database path")

// Open opens (creating if needed) the SQLite database at path, applies any
// pending schema migrations and returns a Store ready for use. path is a file
// name; ":memory:" opens a private in-memory database (one connection, gone
// on Close), useful for tests. Close the Store when done.
func Open(ctx context.Context, path string, cfg Config) (*Store, error) {
	if path == "" {
		return nil, ErrNoPath
	}
	if strings.ContainsAny(path, "?#") || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("sqlite: path %q must be a plain file name, without a URI scheme or query", path)
	}
	if cfg.BusyTimeout <= 0 {
		cfg.BusyTimeout = DefaultBusyTimeout
	}
	if cfg.MaxReaders <= 0 {
		cfg.MaxReaders = max(DefaultMaxReaders, runtime.GOMAXPROCS(0))
	}
	s := &Store{path: path, cfg: cfg, log: cfg.Logger, closeOnce: new(sync.Once), notifier: newNotifier()}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}

	memory := path == ":memory:"
	w, err := sql.Open("sqlite", dsn(path, cfg, false, memory))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	s.w = w
	if memory {
		s.r = w
	} else {
		r, err := sql.Open("sqlite", dsn(path, cfg, true, false))
		if err != nil {
			_ = w.Close()
			return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
		}
		r.SetMaxOpenConns(cfg.MaxReaders)
		r.SetMaxIdleConns(cfg.MaxReaders)
		r.SetConnMaxLifetime(0)
		r.SetConnMaxIdleTime(0)
		s.r = r
	}
	s.wc, s.rc = newStmtCache(s.w), newStmtCache(s.r)
	if s.r == s.w {
		s.rc = s.wc
	}
	if err := s.migrate(ctx); err != nil {
		_ = s.Close()
		return nil, err
	}
	s.writer = newGroupWriter(s.w, s.wc)
	return s, nil
}

// dsn builds the driver's connection string. Every connection gets the busy
// timeout and foreign keys; the writer also switches the file to WAL mode
// (persistent) and sets the sync level; readers are query-only.
func dsn(path string, cfg Config, reader, memory bool) string {
	q := url.Values{}
	q.Set("_busy_timeout", strconv.FormatInt(cfg.BusyTimeout.Milliseconds(), 10))
	q.Set("_foreign_keys", "1")
	if !memory {
		q.Set("_journal_mode", "WAL")
	}
	if cfg.SynchronousFull {
		q.Set("_synchronous", "FULL")
	} else {
		q.Set("_synchronous", "NORMAL")
	}
	if reader {
		q.Set("_query_only", "1")
	} else {
		// Write transactions take the write lock at BEGIN, so two
		// processes sharing the file never deadlock upgrading a read lock.
		q.Set("_txlock", "immediate")
	}
	// Temporary b-trees for sorting stay in memory.
	q.Add("_pragma", "temp_store(MEMORY)")
	if !reader {
		q.Add("_pragma", "wal_autocheckpoint(8000)")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Close closes the database. Calls after the first return nil. On the
// Store given to an InTx callback, Close does nothing.
func (s *Store) Close() error {
	if s.tx != nil {
		return nil
	}
	var err error
	s.closeOnce.Do(func() {
		if s.writer != nil {
			s.writer.close()
		}
		if s.rc != nil && s.rc != s.wc {
			err = s.rc.close()
		}
		if s.wc != nil {
			err = errors.Join(err, s.wc.close())
		}
		if s.r != nil && s.r != s.w {
			err = errors.Join(err, s.r.Close())
		}
		if s.w != nil {
			err = errors.Join(err, s.w.Close())
		}
	})
	return err
}

// Path returns the database file name given to Open.
func (s *Store) Path() string { return s.path }
