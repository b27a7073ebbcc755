package postgres_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/internal/pgtest"
	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/postgres"
	"github.com/starling-fed/starling/store/storetest"
)

// TestConformance runs the store contract's suite. The run gets one schema
// of its own; each rule starts from emptied tables rather than a new
// schema, which would cost a migration per rule.
func TestConformance(t *testing.T) {
	url := pgtest.URL(t)
	schema := pgtest.Schema(t, url, "starling_test_")
	setup := openTest(t, postgres.Config{Schema: schema})
	storetest.Run(t, func(t *testing.T) store.Store {
		emptyTables(t, setup)
		return openTest(t, postgres.Config{Schema: schema, MaxConns: 8})
	})
}

// emptyTables deletes every row the store keeps, leaving the schema.
func emptyTables(t testing.TB, s *postgres.Store) {
	t.Helper()
	_, err := s.Pool().Exec(context.Background(), `DELETE FROM jobs; DELETE FROM queue_payloads; DELETE FROM activity_counts;
		DELETE FROM host_states; DELETE FROM seen_activities; DELETE FROM remote_keys; DELETE FROM remote_actors;
		DELETE FROM follows; DELETE FROM follow_counters; DELETE FROM collection_items; DELETE FROM collections; DELETE FROM objects;
		DELETE FROM actor_keys`)
	require.NoError(t, err)
}
