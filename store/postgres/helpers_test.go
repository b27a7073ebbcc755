package postgres_test

import (
	"context"
	neturl "net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/internal/pgtest"
	"github.com/starling-fed/starling/store/postgres"
)

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

// openTest opens a store in a fresh schema (or cfg.Schema), closed when the
// test ends. Its connections commit without waiting for the disk
// (synchronous_commit=off): a test's data need not survive a server
// crash, and the suite runs several times faster.
func openTest(t testing.TB, cfg postgres.Config) *postgres.Store {
	t.Helper()
	return open(t, withParam(pgtest.URL(t), "synchronous_commit", "off"), cfg)
}

// openBench is openTest with the server's own commit durability.
func openBench(t testing.TB, cfg postgres.Config) *postgres.Store {
	t.Helper()
	return open(t, pgtest.URL(t), cfg)
}

func open(t testing.TB, url string, cfg postgres.Config) *postgres.Store {
	t.Helper()
	if cfg.Schema == "" {
		cfg.Schema = pgtest.Schema(t, url, "starling_test_")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s, err := postgres.Open(ctx, url, cfg)
	if err != nil {
		pgtest.Unreachable(t, err)
	}
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s
}
