// Package sqlutil holds what the SQL store adapters share: loading embedded
// schema migrations and checking them against what a database has applied.
package sqlutil

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Migration is one schema change: a numbered SQL script applied at most once.
type Migration struct {
	// Version orders migrations; the first is 1 and there are no gaps.
	Version int
	// Name is the descriptive part of the file name ("init" for 0001_init.sql).
	Name string
	// SQL is the script, possibly several statements.
	SQL string
}

// ErrBadMigrations reports an embedded migration set that cannot be applied:
// a badly named file, a duplicate or a missing version.
var ErrBadMigrations = errors.New("sqlutil: bad migration set")

// LoadMigrations reads every *.sql file in dir of fsys, named
// "<version>_<name>.sql" (e.g. "0001_init.sql"), and returns them ordered by
// version. Versions must start at 1 and have no gaps, so that a database's
// highest applied version says exactly which scripts it has run.
func LoadMigrations(fsys fs.FS, dir string) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadMigrations, err)
	}
	var out []Migration
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		base := strings.TrimSuffix(e.Name(), ".sql")
		num, name, ok := strings.Cut(base, "_")
		if !ok || name == "" {
			return nil, fmt.Errorf("%w: %q is not named <version>_<name>.sql", ErrBadMigrations, e.Name())
		}
		v, err := strconv.Atoi(num)
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("%w: %q has no positive version number", ErrBadMigrations, e.Name())
		}
		b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrBadMigrations, err)
		}
		out = append(out, Migration{Version: v, Name: name, SQL: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("%w: expected version %d, found %d (%s)", ErrBadMigrations, i+1, m.Version, m.Name)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: no migrations in %q", ErrBadMigrations, dir)
	}
	return out, nil
}

// SchemaTooNewError reports a database migrated by a newer build: it has
// applied versions this build does not know, so this build must not use it.
type SchemaTooNewError struct {
	// Applied is the database's highest applied version.
	Applied int
	// Known is the highest version this build embeds.
	Known int
}

// Error implements error.
func (e *SchemaTooNewError) Error() string {
	return fmt.Sprintf("database schema version %d is newer than this build's %d", e.Applied, e.Known)
}

// Pending returns the migrations after version applied, or a
// *SchemaTooNewError when applied is beyond the last of ms.
func Pending(ms []Migration, applied int) ([]Migration, error) {
	if applied > len(ms) {
		return nil, &SchemaTooNewError{Applied: applied, Known: len(ms)}
	}
	if applied < 0 {
		applied = 0
	}
	return ms[applied:], nil
}
