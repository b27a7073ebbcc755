// Package peer runs the other side of the examples' tests: a second
// fediverse server, a Federation with an in-memory store on a loopback
// httptest server, that follows, mentions and replies to the example under
// test over real HTTP with real signatures, and records what reaches it.
package peer

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/starling-fed/starling/activitypub"
	"github.com/starling-fed/starling/activitypub/delivery"
	"github.com/starling-fed/starling/store/memory"
)

// Peer is a running server with one local actor.
type Peer struct {
	// Fed is the peer's Federation; User its actor's username.
	Fed  *activitypub.Federation
	User string

	mu      sync.Mutex
	got     []*activitypub.Inbound
	changed chan struct{}
}

// Start starts a peer on a plain-http loopback server with the actor user,
// trusting tlsConfig (if not nil) for its outgoing https requests, and stops
// it when the test ends.
func Start(t testing.TB, user string, tlsConfig *tls.Config) *Peer {
	t.Helper()
	p := &Peer{User: user, changed: make(chan struct{})}
	var (
		hmu sync.RWMutex
		h   http.Handler = http.NotFoundHandler()
	)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hmu.RLock()
		defer hmu.RUnlock()
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	st := memory.New()
	t.Cleanup(func() { st.Close() })
	rec := p.record
	fed, err := activitypub.New(activitypub.Config{
		Origin: ts.URL,
		Store:  st,
		Hooks: activitypub.Hooks{
			Follow: rec, Accept: rec, Reject: rec, Undo: rec, Create: rec, Update: rec, Delete: rec,
			Like: rec, Announce: rec, Block: rec, Add: rec, Remove: rec, Move: rec, Flag: rec, Other: rec,
		},
		TLSConfig:                     tlsConfig,
		InsecureAllowPrivateAddresses: true,
		Delivery: delivery.Config{
			PollInterval: 20 * time.Millisecond,
			Schedule:     []time.Duration{50 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond},
			Jitter:       -1,
		},
	})
	if err != nil {
		t.Fatalf("peer: %v", err)
	}
	ctx := context.Background()
	if err := fed.CreateActor(ctx, activitypub.Actor{Username: user, Name: user}); err != nil {
		t.Fatalf("peer: %v", err)
	}
	hmu.Lock()
	h = fed.Handler(nil)
	hmu.Unlock()
	if err := fed.Start(ctx); err != nil {
		t.Fatalf("peer: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		fed.Shutdown(ctx)
	})
	p.Fed = fed
	return p
}

// ActorIRI is the peer's actor.
func (p *Peer) ActorIRI() string { return p.Fed.ActorIRI(p.User) }

func (p *Peer) record(_ context.Context, in *activitypub.Inbound) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.got = append(p.got, in)
	close(p.changed)
	p.changed = make(chan struct{})
	return nil
}

// WaitFor waits until the peer's hooks were given an activity matching
// match and returns it; it fails the test if none came within timeout.
func (p *Peer) WaitFor(t testing.TB, timeout time.Duration, what string, match func(*activitypub.Inbound) bool) *activitypub.Inbound {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		p.mu.Lock()
		for _, in := range p.got {
			if match(in) {
				p.mu.Unlock()
				return in
			}
		}
		changed := p.changed
		p.mu.Unlock()
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("peer %s: never received %s within %s", p.User, what, timeout)
			return nil
		}
	}
}
