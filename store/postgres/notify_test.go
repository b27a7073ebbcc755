package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store/postgres"
)

// An Enqueue in one instance wakes a listener in another.
func TestNotifyJobsAcrossInstances(t *testing.T) {
	a := openTest(t, postgres.Config{})
	var schema string
	require.NoError(t, a.Pool().QueryRow(context.Background(), `SELECT current_schema()`).Scan(&schema))
	b := openTest(t, postgres.Config{Schema: schema})

	ctx, cancel := context.WithCancel(context.Background())
	ch := a.NotifyJobs(ctx)
	enqueueN(t, b, "https://local.example/activities/n", 2, time.Time{})
	select {
	case _, ok := <-ch:
		require.True(t, ok)
	case <-time.After(10 * time.Second):
		t.Fatal("no notification from the other instance")
	}
	cancel()
	for range ch {
	}
	// The listening connection was not handed back to the pool.
	require.Eventually(t, func() bool { return a.Pool().Stat().AcquiredConns() == 0 }, 5*time.Second, 10*time.Millisecond)
}
