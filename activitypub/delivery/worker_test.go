package delivery_test

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/delivery"
	"github.com/starling-fed/starling/httpsig"
	"github.com/starling-fed/starling/store"
)

// verifier checks signatures made by key at the fake clock's time.
func verifier(key ed25519.PrivateKey, clock *fakeClock) *httpsig.Verifier {
	pub := key.Public()
	return &httpsig.Verifier{
		Resolver: httpsig.KeyResolverFunc(func(_ context.Context, keyID string) (*httpsig.VerificationKey, error) {
			return &httpsig.VerificationKey{KeyID: keyID, Owner: testSender, Key: pub}, nil
		}),
		Now: clock.Now,
	}
}

func TestDeliverSignedActivity(t *testing.T) {
	var e *env
	var got atomic.Value
	p := newPeer(t, func(_ int, _ http.ResponseWriter, r *http.Request) int {
		v, err := verifier(e.key, e.clock).Verify(r.Context(), r)
		if err != nil {
			t.Errorf("verify: %v", err)
			return http.StatusUnauthorized
		}
		got.Store(v.Family.String() + " " + r.Header.Get("Content-Type"))
		return http.StatusAccepted
	})
	e = newEnv(t, nil)
	e.publish("https://local.example/a/1", p.inbox("/inbox"))
	waitFor(t, e.d, "delivery", func() bool { return e.d.Status("https://local.example/a/1").Done() })
	st := e.d.Status("https://local.example/a/1")
	assert.Equal(t, delivery.ActivityStatus{ActivityID: "https://local.example/a/1", Known: true, Enqueued: 1, Delivered: 1}, st)
	assert.Equal(t, "rfc9421 application/activity+json", got.Load())
	assert.Equal(t, 1, p.count())
}

func TestRetryThenSuccess(t *testing.T) {
	p := newPeer(t, func(n int, _ http.ResponseWriter, _ *http.Request) int {
		if n == 1 {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	})
	e := newEnv(t, func(c *delivery.Config) { c.Schedule = []time.Duration{time.Minute, time.Hour} })
	id := "https://local.example/a/2"
	e.publish(id, p.inbox("/inbox"))
	e.settle()
	jobs := e.jobs()
	require.Len(t, jobs, 1)
	assert.Equal(t, store.JobPending, jobs[0].State)
	assert.Equal(t, e.clock.Now().Add(time.Minute), jobs[0].NextAttempt, "first delay of the schedule, no jitter")
	assert.Contains(t, jobs[0].LastError, "HTTP 500")
	st := e.d.Status(id)
	assert.Equal(t, 1, st.Failing)
	assert.Equal(t, 1, st.Pending)

	e.clock.Advance(59 * time.Second)
	e.settle()
	assert.Equal(t, 1, p.count(), "not retried before its time")
	e.clock.Advance(time.Second)
	waitFor(t, e.d, "retry", func() bool { return e.d.Status(id).Done() })
	assert.Equal(t, 2, p.count())
	st = e.d.Status(id)
	assert.Equal(t, 1, st.Delivered)
	assert.Equal(t, 0, st.Failing)
}

func TestRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		header func(now time.Time) string
		wait   time.Duration
	}{
		{"429 seconds", http.StatusTooManyRequests, func(time.Time) string { return "120" }, 120 * time.Second},
		{"503 date", http.StatusServiceUnavailable, func(now time.Time) string {
			return now.Add(time.Hour).Format(http.TimeFormat)
		}, time.Hour},
		{"429 capped", http.StatusTooManyRequests, func(time.Time) string { return "999999" }, 2 * time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var e *env
			p := newPeer(t, func(n int, w http.ResponseWriter, _ *http.Request) int {
				if n == 1 {
					w.Header().Set("Retry-After", tc.header(e.clock.Now()))
					return tc.status
				}
				return http.StatusAccepted
			})
			e = newEnv(t, func(c *delivery.Config) {
				c.Schedule = []time.Duration{time.Minute}
				c.MaxRetryAfter = 2 * time.Hour
				c.BreakerThreshold = 100
			})
			e.publish("https://local.example/a/ra", p.inbox("/inbox"))
			e.settle()
			jobs := e.jobs()
			require.Len(t, jobs, 1)
			assert.Equal(t, e.clock.Now().Add(tc.wait), jobs[0].NextAttempt)
			e.clock.Advance(tc.wait)
			waitFor(t, e.d, "retry", func() bool { return e.d.Status("https://local.example/a/ra").Delivered == 1 })
		})
	}
}

func TestPermanentAndTransientStatuses(t *testing.T) {
	for _, tc := range []struct {
		status    int
		permanent bool
	}{
		{400, true}, {403, true}, {404, true}, {405, true}, {422, true}, {501, true},
		{401, false}, {408, false}, {429, false}, {500, false}, {502, false}, {503, false}, {504, false},
	} {
		t.Run(http.StatusText(tc.status), func(t *testing.T) {
			p := newPeer(t, func(int, http.ResponseWriter, *http.Request) int { return tc.status })
			e := newEnv(t, func(c *delivery.Config) { c.PreferCavage = true })
			e.publish("https://local.example/a/p", p.inbox("/inbox"))
			e.settle()
			jobs := e.jobs()
			require.Len(t, jobs, 1)
			if tc.permanent {
				assert.Equal(t, store.JobDead, jobs[0].State)
				assert.Equal(t, 1, e.d.Status("https://local.example/a/p").Dead)
			} else {
				assert.Equal(t, store.JobPending, jobs[0].State)
				assert.True(t, jobs[0].NextAttempt.After(e.clock.Now()))
			}
			assert.Contains(t, jobs[0].LastError, fmt.Sprintf("HTTP %d", tc.status))
		})
	}
}

func TestGone(t *testing.T) {
	p := newPeer(t, func(int, http.ResponseWriter, *http.Request) int { return http.StatusGone })
	e := newEnv(t, nil)
	e.publish("https://local.example/a/g", p.inbox("/users/bob/inbox"))
	select {
	case inbox := <-e.gone:
		assert.Equal(t, p.inbox("/users/bob/inbox"), inbox)
	case <-time.After(30 * time.Second):
		t.Fatal("OnGone not called")
	}
	e.settle()
	st := e.d.Status("https://local.example/a/g")
	assert.Equal(t, 1, st.Gone)
	assert.Equal(t, 1, st.Dead)
	dead, _, err := e.d.DeadJobs(context.Background(), "", 10)
	require.NoError(t, err)
	require.Len(t, dead, 1)
	assert.Contains(t, dead[0].LastError, "HTTP 410")
	assert.Equal(t, 1, p.count())
}

func TestTimeout(t *testing.T) {
	release := make(chan struct{})
	p := newPeer(t, func(n int, _ http.ResponseWriter, r *http.Request) int {
		if n == 1 {
			select {
			case <-r.Context().Done():
			case <-release:
			}
		}
		return http.StatusAccepted
	})
	defer close(release)
	e := newEnv(t, func(c *delivery.Config) {
		c.Timeout = 100 * time.Millisecond
		c.Schedule = []time.Duration{time.Minute}
	})
	id := "https://local.example/a/t"
	e.publish(id, p.inbox("/inbox"))
	waitFor(t, e.d, "failure", func() bool { return e.d.Status(id).Failing == 1 })
	jobs := e.jobs()
	require.Len(t, jobs, 1)
	assert.Contains(t, jobs[0].LastError, "deadline exceeded")
	// Later attempts have the same short Timeout and may miss it too on
	// a loaded machine: move the clock on after each of them until one
	// gets through.
	waitFor(t, e.d, "retry", func() bool {
		if e.d.Status(id).Delivered == 1 {
			return true
		}
		if js := e.jobs(); len(js) == 1 && js[0].State == store.JobPending && js[0].NextAttempt.After(e.clock.Now()) {
			e.clock.Advance(time.Minute)
		}
		return false
	})
}

func TestCavageOnlyPeer(t *testing.T) {
	var e *env
	var families []string
	var mu = make(chan struct{}, 1)
	p := newPeer(t, func(_ int, _ http.ResponseWriter, r *http.Request) int {
		mu <- struct{}{}
		defer func() { <-mu }()
		if r.Header.Get("Signature-Input") != "" {
			families = append(families, "rfc9421-refused")
			return http.StatusUnauthorized
		}
		v, err := verifier(e.key, e.clock).Verify(r.Context(), r)
		if err != nil {
			t.Errorf("verify: %v", err)
			return http.StatusUnauthorized
		}
		families = append(families, v.Family.String())
		return http.StatusAccepted
	})
	e = newEnv(t, nil)
	e.publish("https://local.example/a/c1", p.inbox("/inbox"))
	waitFor(t, e.d, "first", func() bool { return e.d.Status("https://local.example/a/c1").Delivered == 1 })
	e.publish("https://local.example/a/c2", p.inbox("/inbox"))
	waitFor(t, e.d, "second", func() bool { return e.d.Status("https://local.example/a/c2").Delivered == 1 })
	mu <- struct{}{}
	defer func() { <-mu }()
	assert.Equal(t, []string{"rfc9421-refused", "draft-cavage-12", "draft-cavage-12"}, families,
		"double-knock once, then remember the host")
}

func TestOrderingKey(t *testing.T) {
	var mu = make(chan struct{}, 1)
	var order []string
	p := newPeer(t, func(n int, _ http.ResponseWriter, r *http.Request) int {
		if n == 1 {
			return http.StatusInternalServerError
		}
		body, _ := io.ReadAll(r.Body)
		mu <- struct{}{}
		order = append(order, string(body[7:40]))
		<-mu
		return http.StatusAccepted
	})
	e := newEnv(t, func(c *delivery.Config) { c.Schedule = []time.Duration{time.Minute} })
	ctx := context.Background()
	create := []byte(`{"id":"https://local.example/a/create","type":"Create","object":"https://local.example/n/1"}`)
	del := []byte(`{"id":"https://local.example/a/delete","type":"Delete","object":"https://local.example/n/1","x":1}`)
	for _, m := range []delivery.Message{
		{ActivityID: "https://local.example/a/create", Activity: create},
		{ActivityID: "https://local.example/a/delete", Activity: del},
	} {
		m.Sender, m.Inboxes, m.OrderingKey = testSender, []string{p.inbox("/inbox")}, "https://local.example/n/1"
		_, err := e.d.Publish(ctx, m)
		require.NoError(t, err)
	}
	e.settle()
	assert.Equal(t, 1, p.count(), "the Delete waits behind the failed Create")
	e.clock.Advance(time.Minute)
	waitFor(t, e.d, "both", func() bool { return e.d.Status("https://local.example/a/delete").Delivered == 1 })
	mu <- struct{}{}
	defer func() { <-mu }()
	assert.Equal(t, []string{"https://local.example/a/create\",\"", "https://local.example/a/delete\",\""}, order)
}

func TestRetriesExhausted(t *testing.T) {
	p := newPeer(t, func(int, http.ResponseWriter, *http.Request) int { return http.StatusBadGateway })
	e := newEnv(t, func(c *delivery.Config) {
		c.Schedule = []time.Duration{time.Minute, 2 * time.Minute}
		c.BreakerThreshold = 100
	})
	id := "https://local.example/a/x"
	e.publish(id, p.inbox("/inbox"))
	for range 3 {
		e.settle()
		e.clock.Advance(2 * time.Minute)
	}
	e.settle()
	jobs := e.jobs()
	require.Len(t, jobs, 1)
	assert.Equal(t, store.JobDead, jobs[0].State)
	assert.Contains(t, jobs[0].LastError, delivery.ErrExpired.Error())
	assert.Equal(t, 3, p.count())

	require.NoError(t, e.d.Requeue(context.Background(), jobs[0].ID))
	waitFor(t, e.d, "requeued attempt", func() bool { return p.count() == 4 })
	err := e.d.Requeue(context.Background(), 12345)
	assert.ErrorIs(t, err, store.ErrNotFound)
}

// TestLeaseTooShortToStart holds a job in its host's line until less of
// its lease is left than an attempt may take: it must be claimed afresh
// rather than sent under a lease that could end mid-attempt.
func TestLeaseTooShortToStart(t *testing.T) {
	const lease = 10 * time.Minute
	var e *env
	entered := make(chan struct{}, 1)
	release := make(chan struct{})
	var mu = make(chan struct{}, 1)
	var left []time.Duration
	p := newPeer(t, func(n int, _ http.ResponseWriter, r *http.Request) int {
		if n == 1 {
			entered <- struct{}{}
			<-release
			return http.StatusAccepted
		}
		for _, j := range e.jobs() {
			if j.State == store.JobLeased && j.Inbox == "http://"+r.Host+r.URL.Path {
				mu <- struct{}{}
				left = append(left, j.LeaseUntil.Sub(e.clock.Now()))
				<-mu
			}
		}
		return http.StatusAccepted
	})
	e = newEnv(t, func(c *delivery.Config) {
		c.Workers, c.PerHostLimit, c.Lease = 1, 1, lease
	})
	id := "https://local.example/a/lease"
	e.publish(id, p.inbox("/a"), p.inbox("/b"))
	<-entered
	e.clock.Advance(lease - testTimeout/2)
	close(release)
	waitFor(t, e.d, "both deliveries", func() bool { return e.d.Status(id).Delivered == 2 })
	mu <- struct{}{}
	defer func() { <-mu }()
	require.Len(t, left, 1)
	assert.GreaterOrEqual(t, left[0], testTimeout, "sent with enough lease left for a whole attempt")
}

// TestTimeoutBoundsKeyLookup: a key lookup that hangs is cut short by
// Timeout like the request itself, so it cannot hold a job past its lease.
func TestTimeoutBoundsKeyLookup(t *testing.T) {
	p := newPeer(t, nil)
	e := newEnv(t, func(c *delivery.Config) {
		c.Timeout = 50 * time.Millisecond
		c.Schedule = []time.Duration{time.Minute}
		c.Keys = func(ctx context.Context, _ string) (httpsig.SigningKey, error) {
			<-ctx.Done()
			return httpsig.SigningKey{}, ctx.Err()
		}
	})
	id := "https://local.example/a/keys"
	e.publish(id, p.inbox("/inbox"))
	waitFor(t, e.d, "the attempt to fail", func() bool { return e.d.Status(id).Failing == 1 })
	jobs := e.jobs()
	require.Len(t, jobs, 1)
	assert.Contains(t, jobs[0].LastError, "deadline exceeded")
	assert.Zero(t, p.count())
}

// TestPoolLimits: no more than Workers deliveries are in flight, and no
// more than PerHostLimit to one host, however many jobs are due.
func TestPoolLimits(t *testing.T) {
	const workers, perHost, perPeer = 3, 2, 8
	tokens := make(chan struct{})
	var mu = make(chan struct{}, 1)
	inFlight := map[string]int{}
	maxHost := map[string]int{}
	total, maxTotal := 0, 0
	handler := func(_ int, _ http.ResponseWriter, r *http.Request) int {
		mu <- struct{}{}
		inFlight[r.Host]++
		total++
		maxHost[r.Host] = max(maxHost[r.Host], inFlight[r.Host])
		maxTotal = max(maxTotal, total)
		<-mu
		<-tokens // held until the test lets one through
		mu <- struct{}{}
		inFlight[r.Host]--
		total--
		<-mu
		return http.StatusAccepted
	}
	peers := []*peer{newPeer(t, handler), newPeer(t, handler)}
	e := newEnv(t, func(c *delivery.Config) { c.Workers, c.PerHostLimit, c.PreferCavage = workers, perHost, true })
	var inboxes []string
	for _, p := range peers {
		for i := range perPeer {
			inboxes = append(inboxes, p.inbox(fmt.Sprintf("/u%d/inbox", i)))
		}
	}
	id := "https://local.example/a/limits"
	e.publish(id, inboxes...)
	// All sixteen jobs are due at once, so the pool fills up before any
	// request is let through: then the limits are what holds it back.
	waitFor(t, e.d, "a full pool", func() bool {
		mu <- struct{}{}
		defer func() { <-mu }()
		return total == workers
	})
	for range len(inboxes) {
		tokens <- struct{}{}
	}
	waitFor(t, e.d, "every delivery", func() bool { return e.d.Status(id).Delivered == len(inboxes) })
	mu <- struct{}{}
	defer func() { <-mu }()
	assert.LessOrEqual(t, maxTotal, workers)
	for h, n := range maxHost {
		assert.LessOrEqual(t, n, perHost, "host %s", h)
	}
}
