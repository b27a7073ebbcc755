package delivery_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/delivery"
	"github.com/starling-fed/starling/internal/pgtest"
	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/postgres"
)

// openPostgres opens n stores (n connection pools, as n processes would
// have) on one fresh schema, dropped when the test ends.
func openPostgres(t testing.TB, n int) []*postgres.Store {
	t.Helper()
	url := pgtest.URL(t)
	schema := pgtest.Schema(t, url, "starling_delivery_test_")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out []*postgres.Store
	t.Cleanup(func() {
		for _, s := range out {
			_ = s.Close()
		}
	})
	for range n {
		s, err := postgres.Open(ctx, url, postgres.Config{Schema: schema})
		if err != nil {
			pgtest.Unreachable(t, err)
		}
		out = append(out, s)
	}
	return out
}

// overlapDetector is a set of inboxes that notice a delivery arriving
// while the same one is still being received.
type overlapDetector struct {
	mu       sync.Mutex
	inFlight map[string]bool
	hits     map[string]int
	overlaps int
}

func (o *overlapDetector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := r.Host + r.URL.Path + " " + r.Header.Get("Digest") + r.Header.Get("Content-Digest")
	o.mu.Lock()
	if o.inFlight[key] {
		o.overlaps++
	}
	o.inFlight[key] = true
	o.hits[key]++
	o.mu.Unlock()
	time.Sleep(time.Millisecond) // widen the window an overlap would need
	o.mu.Lock()
	delete(o.inFlight, key)
	o.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}

// TestScaleOutPostgres runs two Delivery instances, each with its own
// connection pool, on one PostgreSQL queue: every job runs exactly once
// (the receivers see no overlap and no repeat) and both share the work.
// completeCounter is a store that counts the jobs its process completed,
// so a test can tell how the instances shared the work.
type completeCounter struct {
	*postgres.Store
	n atomic.Int64
}

func (c *completeCounter) Complete(ctx context.Context, j store.Job) error {
	err := c.Store.Complete(ctx, j)
	if err == nil && !strings.Contains(j.ActivityID, "#") {
		c.n.Add(1)
	}
	return err
}

func TestScaleOutPostgres(t *testing.T) {
	stores := openPostgres(t, 2)
	o := &overlapDetector{inFlight: map[string]bool{}, hits: map[string]int{}}
	var inboxes []string
	for range 10 {
		srv := httptest.NewServer(o)
		t.Cleanup(srv.Close)
		for j := range 20 {
			inboxes = append(inboxes, fmt.Sprintf("%s/users/u%d/inbox", srv.URL, j))
		}
	}
	ctx := context.Background()
	key := testKey(t)
	var ds []*delivery.Delivery
	var counters []*completeCounter
	for _, s := range stores {
		c := &completeCounter{Store: s}
		counters = append(counters, c)
		d, err := delivery.New(delivery.Config{
			Store: c, Keys: staticKeys(key), InsecureAllowPrivateAddresses: true,
			Workers: 8, PollInterval: 5 * time.Millisecond, PreferCavage: true,
		})
		require.NoError(t, err)
		require.NoError(t, d.Start(ctx))
		ds = append(ds, d)
	}
	const activities = 3
	var ids []string
	for a := range activities {
		id := fmt.Sprintf("https://local.example/activities/scale-%d", a)
		ids = append(ids, id)
		_, err := ds[a%2].Publish(ctx, delivery.Message{ActivityID: id, Activity: activity(id), Sender: testSender, Inboxes: inboxes})
		require.NoError(t, err)
	}
	waitFor(t, ds[0], "all deliveries", func() bool {
		ds[1].Wake()
		n, err := stores[0].CountJobs(ctx, "")
		require.NoError(t, err)
		return n.Total() == 0
	})
	for _, d := range ds {
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		require.NoError(t, d.Shutdown(sctx))
		cancel()
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	assert.Zero(t, o.overlaps, "a job ran twice at once")
	assert.Len(t, o.hits, activities*len(inboxes))
	for k, n := range o.hits {
		assert.Equal(t, 1, n, "delivered more than once: %s", k)
	}
	for _, id := range ids {
		for i, d := range ds {
			st, err := d.StatusContext(ctx, id)
			require.NoError(t, err)
			assert.Equal(t, delivery.ActivityStatus{ActivityID: id, Known: true, Enqueued: len(inboxes),
				Delivered: len(inboxes)}, st, "instance %d sees every instance's deliveries", i)
		}
	}
	per := make([]int, len(ds))
	for i, c := range counters {
		per[i] = int(c.n.Load())
	}
	assert.Equal(t, activities*len(inboxes), per[0]+per[1])
	assert.NotZero(t, per[0], "first instance idle")
	assert.NotZero(t, per[1], "second instance idle")
	t.Logf("deliveries by instance: %v, overlaps %d", per, o.overlaps)
}
