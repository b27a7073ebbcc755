package postgres_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/internal/pgtest"
	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/internal/sqlutil/crashtest"
	"github.com/starling-fed/starling/store/postgres"
)

// TestCrash kills a process mid-workload with SIGKILL and checks, after
// reconnecting, that every acknowledged enqueue is there and every job is
// completed or claimable again.
func TestCrash(t *testing.T) {
	if crashtest.IsChild() {
		t.Skip("running as the crash child")
	}
	if testing.Short() {
		t.Skip("crash test re-executes the test binary")
	}
	url := pgtest.URL(t)
	schema := pgtest.Schema(t, url, "starling_test_")
	// Create the schema up front so the child and the parent share it.
	openTest(t, postgres.Config{Schema: schema})
	res := crashtest.Run(t, crashtest.Config{
		ChildTest: "TestCrashChild",
		KillAfter: 300,
		Target:    schema,
		Reopen: func(t *testing.T) store.Store {
			return openTest(t, postgres.Config{Schema: schema})
		},
	})
	t.Logf("acknowledged batches %d, completed jobs %d, recovered jobs %d, in flight %d", res.Batches, res.Completed, res.Recovered, res.InFlight)
}

// TestCrashChild is the child process of TestCrash.
func TestCrashChild(t *testing.T) {
	if !crashtest.IsChild() {
		t.Skip("helper process for TestCrash")
	}
	s, err := postgres.Open(context.Background(), pgtest.URL(t), postgres.Config{Schema: crashtest.Target()})
	require.NoError(t, err)
	crashtest.Child(t, s)
}
