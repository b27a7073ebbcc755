package postgres

import (
	"context"
	"embed"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/starling-fed/starling/store/internal/sqlutil"
)

// migrationFiles holds the schema, one numbered script per change. A script,
// once released, is never edited: changes go in a new, higher-numbered file.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrate brings the schema up to date in one transaction holding an
// advisory lock, so several app instances starting at once apply each script
// exactly once and a failing script leaves the schema as it was.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := sqlutil.LoadMigrations(migrationFiles, "migrations")
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`,
			"starling.store.migrate:"+s.schema); err != nil {
			return fmt.Errorf("postgres: migrate: lock: %w", err)
		}
		if s.schema != "" {
			if _, err := tx.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+quoteIdent(s.schema)); err != nil {
				return fmt.Errorf("postgres: migrate: create schema: %w", err)
			}
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    integer PRIMARY KEY,
			name       text NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now()
		)`); err != nil {
			return fmt.Errorf("postgres: migrate: %w", err)
		}
		var applied int
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&applied); err != nil {
			return fmt.Errorf("postgres: migrate: %w", err)
		}
		pending, err := sqlutil.Pending(ms, applied)
		if err != nil {
			return fmt.Errorf("postgres: %w", err)
		}
		for _, m := range pending {
			// No arguments: pgx sends the script with the simple
			// protocol, so it may hold several statements.
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return fmt.Errorf("postgres: migration %d (%s): %w", m.Version, m.Name, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`,
				m.Version, m.Name); err != nil {
				return fmt.Errorf("postgres: migration %d (%s): %w", m.Version, m.Name, err)
			}
			s.log.InfoContext(ctx, "applied schema migration", "version", m.Version, "name", m.Name)
		}
		return nil
	})
}

// SchemaVersion returns the highest migration version applied to the
// database.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	if err := s.pool.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("postgres: schema version: %w", err)
	}
	return v, nil
}
