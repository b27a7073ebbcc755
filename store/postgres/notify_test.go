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

// Close does not wait for listeners' contexts: it stops them, and their
// channels close. (A listener holds a pool connection, and closing the
// pool waits for every connection to come back.)
func TestCloseStopsListeners(t *testing.T) {
	s := openTest(t, postgres.Config{})
	chans := []<-chan struct{}{s.NotifyJobs(context.Background()), s.NotifyJobs(context.Background())}
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	select {
	case err := <-closed:
		require.NoError(t, err)
	case <-time.After(20 * time.Second):
		t.Fatal("Close is waiting for the listeners")
	}
	for _, ch := range chans {
		for range ch {
		}
	}
	// A listener asked for after Close gets a closed channel.
	for range s.NotifyJobs(context.Background()) {
	}
}
