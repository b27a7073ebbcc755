package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store/internal/sqlutil"
)

func openTemp(t testing.TB, cfg Config) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "starling.db"), cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestOpenSetsPragmas(t *testing.T) {
	s := openTemp(t, Config{BusyTimeout: 1500 * time.Millisecond})
	ctx := context.Background()
	var mode string
	require.NoError(t, s.w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode))
	assert.Equal(t, "wal", mode)
	for _, c := range []struct {
		name string
		db   *sql.DB
	}{{"writer", s.w}, {"reader", s.r}} {
		t.Run(c.name, func(t *testing.T) {
			var fk, busy, syncLevel int
			require.NoError(t, c.db.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk))
			require.NoError(t, c.db.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy))
			require.NoError(t, c.db.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&syncLevel))
			assert.Equal(t, 1, fk)
			assert.Equal(t, 1500, busy)
			assert.Equal(t, 1, syncLevel, "synchronous=NORMAL")
		})
	}
	_, err := s.r.ExecContext(ctx, "CREATE TABLE nope (x)")
	assert.Error(t, err, "reader connections are query-only")
}

func TestOpenSynchronousFull(t *testing.T) {
	s := openTemp(t, Config{SynchronousFull: true})
	var level int
	require.NoError(t, s.w.QueryRowContext(context.Background(), "PRAGMA synchronous").Scan(&level))
	assert.Equal(t, 2, level)
}

func TestOpenBadPath(t *testing.T) {
	for _, p := range []string{"", "file:x.db", "x.db?mode=ro", "x.db#frag"} {
		t.Run(p, func(t *testing.T) {
			s, err := Open(context.Background(), p, Config{})
			require.Error(t, err)
			assert.Nil(t, s)
		})
	}
	_, err := Open(context.Background(), "", Config{})
	assert.ErrorIs(t, err, ErrNoPath)
	_, err = Open(context.Background(), filepath.Join(t.TempDir(), "missing-dir", "x.db"), Config{})
	assert.Error(t, err)
}

func TestOpenMemory(t *testing.T) {
	s, err := Open(context.Background(), ":memory:", Config{})
	require.NoError(t, err)
	defer s.Close()
	v, err := s.SchemaVersion(context.Background())
	require.NoError(t, err)
	assert.Positive(t, v)
}

func TestMigrationsAppliedOnceAcrossReopenAndRace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "starling.db")
	ctx := context.Background()
	ms, err := sqlutil.LoadMigrations(migrationFiles, "migrations")
	require.NoError(t, err)

	// Several openers racing on a fresh file: each script runs once.
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Go(func() {
			s, err := Open(ctx, path, Config{})
			if err == nil {
				err = s.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	require.NoError(t, errors.Join(errs...))

	s, err := Open(ctx, path, Config{})
	require.NoError(t, err)
	defer s.Close()
	v, err := s.SchemaVersion(ctx)
	require.NoError(t, err)
	assert.Equal(t, len(ms), v)
	var rows int
	require.NoError(t, s.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_migrations").Scan(&rows))
	assert.Equal(t, len(ms), rows)
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "starling.db")
	ctx := context.Background()
	s, err := Open(ctx, path, Config{})
	require.NoError(t, err)
	_, err = s.w.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)")
	require.NoError(t, err)
	require.NoError(t, s.Close())

	_, err = Open(ctx, path, Config{})
	var tooNew *sqlutil.SchemaTooNewError
	require.ErrorAs(t, err, &tooNew)
	assert.Equal(t, 999, tooNew.Applied)
}

func TestOpenPathNeedsNoEscaping(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "with space")
	require.NoError(t, os.Mkdir(dir, 0o755))
	path := filepath.Join(dir, "a%20b.db")
	s, err := Open(context.Background(), path, Config{})
	require.NoError(t, err)
	require.NoError(t, s.Close())
	_, err = os.Stat(path)
	assert.NoError(t, err, "the file is created under the name given, not a decoded one")
}
