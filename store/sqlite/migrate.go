package sqlite

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"time"

	sqlitedrv "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/starling-fed/starling/store/internal/sqlutil"
)

// migrationFiles holds the schema, one numbered script per change. A script,
// once released, is never edited: changes go in a new, higher-numbered file.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrate brings the schema up to date in one IMMEDIATE transaction, so two
// processes opening the same file at once apply each script exactly once and
// a failing script leaves the schema as it was.
//
// Openers racing on a new file can get SQLITE_BUSY without SQLite's busy
// handler being consulted: switching the file to WAL mode, done as each
// connection opens, needs a moment of exclusive access. Such an attempt is
// repeated, with a short pause, until the busy timeout has passed.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := sqlutil.LoadMigrations(migrationFiles, "migrations")
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	deadline := time.Now().Add(s.cfg.BusyTimeout)
	pause := time.Millisecond
	for {
		err := s.migrateOnce(ctx, ms)
		if err == nil || !isBusy(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("sqlite: migrate %s: %w", s.path, ctx.Err())
		case <-time.After(pause):
		}
		pause = min(2*pause, 50*time.Millisecond)
	}
}

// isBusy reports whether err is SQLite's SQLITE_BUSY, in any of its
// extended forms.
func isBusy(err error) bool {
	var se *sqlitedrv.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

// migrateOnce makes one attempt at applying the pending migrations.
func (s *Store) migrateOnce(ctx context.Context, ms []sqlutil.Migration) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: migrate %s: %w", s.path, err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at INTEGER NOT NULL
	) STRICT`); err != nil {
		return fmt.Errorf("sqlite: migrate %s: %w", s.path, err)
	}
	var applied int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&applied); err != nil {
		return fmt.Errorf("sqlite: migrate %s: %w", s.path, err)
	}
	pending, err := sqlutil.Pending(ms, applied)
	if err != nil {
		return fmt.Errorf("sqlite: %s: %w", s.path, err)
	}
	for _, m := range pending {
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			return fmt.Errorf("sqlite: migration %d (%s): %w", m.Version, m.Name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) 
			VALUES (?, ?, CAST(unixepoch('subsec') * 1000000 AS INTEGER))`, m.Version, m.Name); err != nil {
			return fmt.Errorf("sqlite: migration %d (%s): %w", m.Version, m.Name, err)
		}
		s.log.InfoContext(ctx, "applied schema migration", "version", m.Version, "name", m.Name)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: migrate %s: %w", s.path, err)
	}
	return nil
}

// SchemaVersion returns the highest migration version applied to the
// database.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.r.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("sqlite: schema version: %w", err)
	}
	return v, nil
}
