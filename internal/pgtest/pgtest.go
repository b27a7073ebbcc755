package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Environment variables read by this package.
const (
	EnvURL     = "STARLING_POSTGRES_URL"
	EnvRequire = "STARLING_REQUIRE_POSTGRES"
)

// URL returns the server to test against. When none is configured it
// skips t, or fails it when EnvRequire is "1".
func URL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvURL)
	if u == "" {
		if os.Getenv(EnvRequire) == "1" {
			t.Fatalf("%s=1 but %s is not set", EnvRequire, EnvURL)
		}
		t.Skipf("PostgreSQL tests need a server: set %s (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)", EnvURL)
	}
	return u
}

// Unreachable ends a test whose server could not be reached: it skips t,
// or fails it when EnvRequire is "1".
func Unreachable(t testing.TB, err error) {
	t.Helper()
	if os.Getenv(EnvRequire) == "1" {
		t.Fatalf("PostgreSQL at %s is required but unreachable: %v", EnvURL, err)
	}
	t.Skipf("PostgreSQL at %s is unreachable, skipping: %v", EnvURL, err)
}

// Schema returns a fresh schema name, prefix followed by random hex, and
// drops that schema with everything in it when the test ends. It does not
// create the schema: the stores create theirs on open.
func Schema(t testing.TB, url, prefix string) string {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := prefix + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Logf("dropping schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP SCHEMA IF EXISTS `+pgx.Identifier{schema}.Sanitize()+` CASCADE`); err != nil {
			t.Logf("dropping schema %s: %v", schema, err)
		}
	})
	return schema
}
