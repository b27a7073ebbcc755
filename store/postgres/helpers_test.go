package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	neturl "net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store/postgres"
)

// Environment variables that point the tests at a server.
const (
	envURL     = "STARLING_POSTGRES_URL"
	envRequire = "STARLING_REQUIRE_POSTGRES"
)

// testURL returns the server to test against, skipping the test when none
// is configured, or failing it when STARLING_REQUIRE_POSTGRES=1.
func testURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(envURL)
	if u == "" {
		if os.Getenv(envRequire) == "1" {
			t.Fatalf("%s=1 but %s is not set", envRequire, envURL)
		}
		t.Skipf("PostgreSQL tests need a server: set %s (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)", envURL)
	}
	return u
}

// unreachable skips or fails a test whose server cannot be reached.
func unreachable(t testing.TB, err error) {
	t.Helper()
	if os.Getenv(envRequire) == "1" {
		t.Fatalf("PostgreSQL at %s is required but unreachable: %v", envURL, err)
	}
	t.Skipf("PostgreSQL at %s is unreachable, skipping: %v", envURL, err)
}

// withParam adds a run-time parameter to a connection URL (pgx sends
// unknown URL parameters to the server as settings).
func withParam(connURL, key, value string) string {
	u, err := neturl.Parse(connURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return connURL // a key=value string: leave it as configured
	}
	q := u.Query()
	if q.Get(key) == "" {
		q.Set(key, value)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// newSchema names a fresh schema starling_test_<random> and drops it, with
// everything in it, when the test ends. The store creates it on Open.
func newSchema(t testing.TB, url string) string {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "starling_test_" + hex.EncodeToString(b[:])
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

// openTest opens a store in a fresh schema (or cfg.Schema), closed when the
// test ends. Its connections commit without waiting for the disk
// (synchronous_commit=off): a test's data need not survive a server
// crash, and the suite runs several times faster.
func openTest(t testing.TB, cfg postgres.Config) *postgres.Store {
	t.Helper()
	return open(t, withParam(testURL(t), "synchronous_commit", "off"), cfg)
}

// openBench is openTest with the server's own commit durability.
func openBench(t testing.TB, cfg postgres.Config) *postgres.Store {
	t.Helper()
	return open(t, testURL(t), cfg)
}

func open(t testing.TB, url string, cfg postgres.Config) *postgres.Store {
	t.Helper()
	if cfg.Schema == "" {
		cfg.Schema = newSchema(t, url)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s, err := postgres.Open(ctx, url, cfg)
	if err != nil {
		unreachable(t, err)
	}
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s
}
