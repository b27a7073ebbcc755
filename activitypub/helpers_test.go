package activitypub

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/delivery"
	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/memory"
	"github.com/starling-fed/starling/store/sqlite"
)

// node is one Federation serving on loopback over real HTTP, for tests that
// make several talk to each other.
type node struct {
	t      testing.TB
	F      *Federation
	TS     *httptest.Server
	Store  store.Store
	Origin string

	mu     sync.Mutex
	events []event
}

// event is one hook call seen by a node.
type event struct {
	Hook      string // "Follow", "Create", ...
	Type      string // the activity type
	ID        string // the activity id
	Actor     string
	Object    string // the activity's object id
	Recipient string
	Pending   bool
}

// nodeOptions tune newNode.
type nodeOptions struct {
	SQLite          bool // store/sqlite in a temp dir instead of store/memory
	TLS             bool // https origin (WebFinger requires it)
	AuthorizedFetch bool
	CavageOnly      bool
	Users           []Actor // created with CreateActor
	Configure       func(*Config)
	// Wrap, if set, wraps the Federation's handler (to watch requests).
	Wrap func(http.Handler) http.Handler
}

// newNode starts a Federation on a fresh loopback server and stops it when
// the test ends.
func newNode(t testing.TB, o nodeOptions) *node {
	t.Helper()
	n := &node{t: t}
	var h http.Handler = http.NotFoundHandler()
	var hmu sync.RWMutex
	serve := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hmu.RLock()
		hh := h
		hmu.RUnlock()
		hh.ServeHTTP(w, r)
	})
	if o.TLS {
		n.TS = httptest.NewTLSServer(serve)
	} else {
		n.TS = httptest.NewServer(serve)
	}
	t.Cleanup(n.TS.Close)
	n.Origin = n.TS.URL

	ctx := context.Background()
	if o.SQLite {
		st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "starling.db"), sqlite.Config{})
		require.NoError(t, err)
		n.Store = st
	} else {
		n.Store = memory.New()
	}
	t.Cleanup(func() { n.Store.Close() })

	cfg := Config{
		Origin:                        n.Origin,
		Store:                         n.Store,
		InsecureAllowPrivateAddresses: true,
		AuthorizedFetch:               o.AuthorizedFetch,
		CavageOnly:                    o.CavageOnly,
		Delivery: delivery.Config{
			PollInterval: 20 * time.Millisecond,
			Schedule:     []time.Duration{50 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond},
			Jitter:       -1,
		},
		Hooks: n.recordingHooks(),
	}
	if o.TLS {
		pool := x509.NewCertPool()
		pool.AddCert(n.TS.Certificate()) // httptest serves every TLS server with the same certificate
		cfg.TLSConfig = &tls.Config{RootCAs: pool}
	}
	if o.Configure != nil {
		o.Configure(&cfg)
	}
	f, err := New(cfg)
	require.NoError(t, err)
	n.F = f
	for _, u := range o.Users {
		require.NoError(t, f.CreateActor(ctx, u))
	}
	hmu.Lock()
	h = f.Handler(nil)
	if o.Wrap != nil {
		h = o.Wrap(h)
	}
	hmu.Unlock()
	require.NoError(t, f.Start(ctx))
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = f.Shutdown(sctx)
	})
	return n
}

// recordingHooks returns Hooks that record every call as an event.
func (n *node) recordingHooks() Hooks {
	rec := func(name string) InboxFunc {
		return func(ctx context.Context, in *Inbound) error {
			e := event{Hook: name, Recipient: in.Recipient, Pending: in.Pending}
			if in.Activity != nil {
				e.Type, e.ID = in.Activity.Type, in.Activity.ID
				if len(in.Activity.Actor) > 0 {
					e.Actor = in.Activity.Actor[0].ID()
				}
				if len(in.Activity.Object) > 0 {
					e.Object = in.Activity.Object[0].ID()
				}
			}
			n.mu.Lock()
			n.events = append(n.events, e)
			n.mu.Unlock()
			return nil
		}
	}
	return Hooks{
		Follow: rec("Follow"), Accept: rec("Accept"), Reject: rec("Reject"), Undo: rec("Undo"),
		Create: rec("Create"), Update: rec("Update"), Delete: rec("Delete"), Like: rec("Like"),
		Announce: rec("Announce"), Block: rec("Block"), Add: rec("Add"), Remove: rec("Remove"),
		Move: rec("Move"), Flag: rec("Flag"), Other: rec("Other"),
	}
}

// Events returns the events seen so far.
func (n *node) Events() []event {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.events)
}

// waitEvent waits until an event matching match has been seen, and returns it.
func (n *node) waitEvent(match func(event) bool) event {
	n.t.Helper()
	var found event
	require.Eventually(n.t, func() bool {
		for _, e := range n.Events() {
			if match(e) {
				found = e
				return true
			}
		}
		return false
	}, 15*time.Second, 10*time.Millisecond, "no matching event on %s; seen: %+v", n.Origin, n.Events())
	return found
}

// hasEvent reports whether an event matching match has been seen.
func (n *node) hasEvent(match func(event) bool) bool {
	return slices.ContainsFunc(n.Events(), match)
}

// idle waits until every node has processed what it received and delivered
// what it queued.
func idle(t testing.TB, nodes ...*node) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	require.Eventually(t, func() bool {
		for _, n := range nodes {
			if err := n.F.WaitIdle(ctx); err != nil {
				return false
			}
			c, err := n.Store.CountJobs(ctx, "")
			if err != nil || c.Pending+c.Leased > 0 {
				return false
			}
		}
		// a delivery just completed may have been received but not yet
		// recorded by its inbox: check again that inboxes are idle.
		for _, n := range nodes {
			if err := n.F.WaitIdle(ctx); err != nil {
				return false
			}
		}
		return true
	}, 15*time.Second, 20*time.Millisecond)
}

// acct returns "@name@host" of a node's user.
func (n *node) acct(name string) string {
	return "@" + name + "@" + n.TS.Listener.Addr().String()
}

// is matches events by hook and, when not empty, actor.
func is(hook, actor string) func(event) bool {
	return func(e event) bool { return e.Hook == hook && (actor == "" || e.Actor == actor) }
}
