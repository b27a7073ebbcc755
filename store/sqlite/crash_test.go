package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/internal/sqlutil/crashtest"
	"github.com/starling-fed/starling/store/sqlite"
)

// TestCrash kills a process mid-workload with SIGKILL and checks, after
// reopening the file, that every acknowledged enqueue is there and every
// job is completed or claimable again.
func TestCrash(t *testing.T) {
	if crashtest.IsChild() {
		t.Skip("running as the crash child")
	}
	if testing.Short() {
		t.Skip("crash test re-executes the test binary")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	res := crashtest.Run(t, crashtest.Config{
		ChildTest: "TestCrashChild",
		KillAfter: 500,
		Target:    path,
		Reopen: func(t *testing.T) store.Store {
			s, err := sqlite.Open(context.Background(), path, sqlite.Config{})
			require.NoError(t, err)
			t.Cleanup(func() { _ = s.Close() })
			return s
		},
	})
	t.Logf("acknowledged batches %d, completed jobs %d, recovered jobs %d, in flight %d", res.Batches, res.Completed, res.Recovered, res.InFlight)
}

// TestCrashChild is the child process of TestCrash.
func TestCrashChild(t *testing.T) {
	if !crashtest.IsChild() {
		t.Skip("helper process for TestCrash")
	}
	s, err := sqlite.Open(context.Background(), crashtest.Target(), sqlite.Config{})
	require.NoError(t, err)
	crashtest.Child(t, s)
}
