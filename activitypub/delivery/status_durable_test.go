package delivery_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/delivery"
	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/memory"
	"github.com/starling-fed/starling/store/sqlite"
)

// outcomeServer answers by the inbox path: ".../gone/inbox" 410,
// ".../busy/inbox" 503, anything else 202.
func outcomeServer(t *testing.T) []string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.Contains(r.URL.Path, "/gone/"):
			w.WriteHeader(http.StatusGone)
		case strings.Contains(r.URL.Path, "/busy/"):
			w.WriteHeader(http.StatusServiceUnavailable)
		default:
			w.WriteHeader(http.StatusAccepted)
		}
	}))
	t.Cleanup(srv.Close)
	return []string{srv.URL + "/users/a/inbox", srv.URL + "/users/b/inbox", srv.URL + "/users/gone/inbox",
		srv.URL + "/users/busy/inbox"}
}

// newStatusDelivery returns a Delivery on s with the given clock, not
// started.
func newStatusDelivery(t *testing.T, s store.Store, clock *fakeClock) *delivery.Delivery {
	t.Helper()
	d, err := delivery.New(delivery.Config{
		Store: s, Keys: staticKeys(testKey(t)), InsecureAllowPrivateAddresses: true,
		Clock: clock.Now, PollInterval: 5 * time.Millisecond,
	})
	require.NoError(t, err)
	return d
}

// outcomes is the status every inbox of outcomeServer reached after one
// attempt each: two delivered, one gone (dead), one failing.
func outcomes(id string, gone int) delivery.ActivityStatus {
	return delivery.ActivityStatus{ActivityID: id, Known: true, Enqueued: 4, Delivered: 2, Pending: 1,
		Failing: 1, Dead: 1, Gone: gone}
}

// settled reports whether d sees each inbox of outcomeServer tried once.
func settled(d *delivery.Delivery, id string) func() bool {
	return func() bool {
		st := d.Status(id)
		return st.Delivered == 2 && st.Dead == 1 && st.Failing == 1
	}
}

func stop(t *testing.T, d *delivery.Delivery) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, d.Shutdown(ctx))
}

func TestStatusSurvivesRestartSQLite(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "status.db")
	clock := newClock()
	id := "https://local.example/activities/durable"

	first, err := sqlite.Open(ctx, path, sqlite.Config{})
	require.NoError(t, err)
	d := newStatusDelivery(t, first, clock)
	require.NoError(t, d.Start(ctx))
	_, err = d.Publish(ctx, delivery.Message{ActivityID: id, Activity: activity(id), Sender: testSender,
		Inboxes: outcomeServer(t)})
	require.NoError(t, err)
	waitFor(t, d, "one attempt per inbox", settled(d, id))
	stop(t, d)
	assert.Equal(t, outcomes(id, 1), d.Status(id))
	require.NoError(t, first.Close())

	// A new process on the same file: nothing in memory, same counts.
	again, err := sqlite.Open(ctx, path, sqlite.Config{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = again.Close() })
	d2 := newStatusDelivery(t, again, clock)
	st, err := d2.StatusContext(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, outcomes(id, 0), st, "Gone is the only per-process count")
	assert.False(t, st.Done())
}

func TestStatusSharedPostgres(t *testing.T) {
	stores := openPostgres(t, 2)
	ctx := context.Background()
	clock := newClock()
	id := "https://local.example/activities/shared"

	// The first instance publishes and never delivers; the second only
	// delivers.
	publisher := newStatusDelivery(t, stores[0], clock)
	worker := newStatusDelivery(t, stores[1], clock)
	_, err := publisher.Publish(ctx, delivery.Message{ActivityID: id, Activity: activity(id), Sender: testSender,
		Inboxes: outcomeServer(t)})
	require.NoError(t, err)
	for _, d := range []*delivery.Delivery{publisher, worker} {
		assert.Equal(t, delivery.ActivityStatus{ActivityID: id, Known: true, Enqueued: 4, Pending: 4}, d.Status(id))
	}
	require.NoError(t, worker.Start(ctx))
	waitFor(t, worker, "the publisher to see the worker's outcomes", settled(publisher, id))
	stop(t, worker)
	st, err := publisher.StatusContext(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, outcomes(id, 0), st)
	st, err = worker.StatusContext(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, outcomes(id, 1), st)
}

// plainStore hides the optional capabilities of the store it wraps.
type plainStore struct{ store.Store }

func TestStatusWithoutStoreCountsIsPerProcess(t *testing.T) {
	ctx := context.Background()
	s := plainStore{memory.New()}
	_, ok := store.Store(s).(store.ActivityCounter)
	require.False(t, ok)
	id := "https://local.example/activities/local"
	d := newStatusDelivery(t, s, newClock())
	require.NoError(t, d.Start(ctx))
	_, err := d.Publish(ctx, delivery.Message{ActivityID: id, Activity: activity(id), Sender: testSender,
		Inboxes: outcomeServer(t)})
	require.NoError(t, err)
	waitFor(t, d, "one attempt per inbox", settled(d, id))
	stop(t, d)
	st, err := d.StatusContext(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, outcomes(id, 1), st)

	other := newStatusDelivery(t, s, newClock())
	assert.Equal(t, delivery.ActivityStatus{ActivityID: id}, other.Status(id), "another process knows nothing")
}
