package delivery_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/delivery"
	"github.com/starling-fed/starling/httpsig"
	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/memory"
)

// testTimeout is the attempt timeout of newEnv: generous, since a
// loopback attempt cut short on a loaded machine would wait for a
// fake-clock retry that never comes, yet short enough that twice it (a
// probe's hold) stays under a minute.
const testTimeout = 20 * time.Second

const (
	testSender = "https://local.example/users/alice"
	testKeyID  = testSender + "#main-key"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// testKey returns an Ed25519 key: fast to sign, even under -race.
func testKey(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	k, err := httpsig.GenerateKey(httpsig.Ed25519)
	require.NoError(t, err)
	return k.(ed25519.PrivateKey)
}

func staticKeys(k crypto.Signer) delivery.KeyFunc {
	return func(_ context.Context, sender string) (httpsig.SigningKey, error) {
		return httpsig.SigningKey{KeyID: sender + "#main-key", Key: k}, nil
	}
}

// env is a Delivery on a memory store with a fake clock.
type env struct {
	t     *testing.T
	clock *fakeClock
	store *memory.Store
	d     *delivery.Delivery
	key   ed25519.PrivateKey
	gone  chan string
}

func newEnv(t *testing.T, mod func(*delivery.Config)) *env {
	t.Helper()
	e := &env{t: t, clock: newClock(), store: memory.New(), key: testKey(t), gone: make(chan string, 100)}
	cfg := delivery.Config{
		Store:                         e.store,
		Keys:                          staticKeys(e.key),
		InsecureAllowPrivateAddresses: true,
		Clock:                         e.clock.Now,
		PollInterval:                  5 * time.Millisecond,
		Timeout:                       testTimeout,
		Jitter:                        -1,
		OnGone: func(_ context.Context, inbox, _ string) {
			e.gone <- inbox
		},
	}
	logs := &syncBuffer{}
	cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("delivery log:\n%s", logs.String())
		}
	})
	if mod != nil {
		mod(&cfg)
	}
	d, err := delivery.New(cfg)
	require.NoError(t, err)
	require.NoError(t, d.Start(context.Background()))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, d.Shutdown(ctx))
	})
	e.d = d
	return e
}

// publish enqueues a small Note to inboxes.
func (e *env) publish(id string, inboxes ...string) {
	e.t.Helper()
	_, err := e.d.Publish(context.Background(), delivery.Message{
		ActivityID: id, Activity: activity(id), Sender: testSender, Inboxes: inboxes,
	})
	require.NoError(e.t, err)
}

func activity(id string) []byte {
	return fmt.Appendf(nil, `{"@context":"https://www.w3.org/ns/activitystreams","id":%q,"type":"Create","actor":%q}`, id, testSender)
}

// waitFor waits until cond holds, waking the workers meanwhile.
func waitFor(t testing.TB, d *delivery.Delivery, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		d.Wake()
		time.Sleep(2 * time.Millisecond)
	}
}

// settle waits until no job is leased, no pending job is due at the
// clock's time and the Delivery holds no job, three times in a row: the
// workers have done all they can for now, including what they record
// after a job's lease ended (breaker state, counts, OnGone).
func (e *env) settle() {
	e.t.Helper()
	calm := 0
	waitFor(e.t, e.d, "queue to settle", func() bool {
		if e.anyDue() || e.d.Held() > 0 {
			calm = 0
			return false
		}
		calm++
		return calm >= 3
	})
}

// anyDue reports whether a job is leased, or pending and due now and not
// held back by an earlier job with its ordering key.
func (e *env) anyDue() bool {
	type slot struct{ key, inbox string }
	blocked := map[slot]bool{}
	for _, j := range e.jobs() {
		if j.State == store.JobLeased {
			return true
		}
		s := slot{j.OrderingKey, j.Inbox}
		if j.State == store.JobPending && !j.NextAttempt.After(e.clock.Now()) && !(j.OrderingKey != "" && blocked[s]) {
			return true
		}
		if j.OrderingKey != "" && j.State != store.JobDead {
			blocked[s] = true
		}
	}
	return false
}

// jobs returns every job left in the store (ids below 1000).
func (e *env) jobs() []store.Job {
	var out []store.Job
	for id := int64(1); id < 1000; id++ {
		if j, err := e.store.Job(context.Background(), id); err == nil {
			out = append(out, j)
		}
	}
	return out
}

// peer is an httptest inbox whose answers a test scripts.
type peer struct {
	srv *httptest.Server
	mu  sync.Mutex
	n   int
	// answer returns the status for the n-th request (from 1) and may
	// set headers.
	answer func(n int, w http.ResponseWriter, r *http.Request) int
}

func newPeer(t testing.TB, answer func(n int, w http.ResponseWriter, r *http.Request) int) *peer {
	p := &peer{answer: answer}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.n++
		n := p.n
		p.mu.Unlock()
		status := http.StatusAccepted
		if p.answer != nil {
			status = p.answer(n, w, r)
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *peer) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n
}

func (p *peer) inbox(path string) string { return p.srv.URL + path }

func (p *peer) host() string { return p.srv.Listener.Addr().String() }

func newEnvStore() *memory.Store { return memory.New() }

// syncBuffer is a bytes.Buffer safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
