package activitypub

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/vocab"
	"github.com/starling-fed/starling/httpsig"
	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/memory"
	"github.com/starling-fed/starling/store/sqlite"
)

// overrideRecorder is a Config.Override that records every Inbound it sees.
type overrideRecorder struct {
	mu  sync.Mutex
	ins []*Inbound
}

func (o *overrideRecorder) fn(ctx context.Context, in *Inbound) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.ins = append(o.ins, in)
	return nil
}

func (o *overrideRecorder) seen() []*Inbound {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]*Inbound(nil), o.ins...)
}

// overrideAll makes rec the side effect of the given types.
func overrideAll(rec *overrideRecorder, types ...string) func(*Config) {
	return func(c *Config) {
		c.Override = map[string]InboxFunc{}
		for _, t := range types {
			c.Override[t] = rec.fn
		}
	}
}

func TestInboxAcceptsSignedActivities(t *testing.T) {
	ring := &keyRing{}
	rec := &overrideRecorder{}
	a := newInboxNode(t, inboxNodeOptions{Users: []string{"alice"}, Ring: ring})
	b := newInboxNode(t, inboxNodeOptions{Users: []string{"bob"}, Ring: ring, Configure: overrideAll(rec, "Like", "Create")})
	alice := a.F.ActorIRI("alice")

	for _, tc := range []struct {
		name, user string
		sign       signing
		ct         string
	}{
		{"cavage to the personal inbox", "bob", signCavage, ""},
		{"rfc9421 to the personal inbox", "bob", signRFC9421, ""},
		{"cavage to the shared inbox", "", signCavage, ""},
		{"ld+json with the profile", "", signCavage, `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`},
		{"activity+json with a charset", "bob", signRFC9421, "application/activity+json; charset=utf-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(rec.seen())
			id := a.F.NewID()
			body := doc("id", id, "type", "Like", "actor", alice, "object", b.F.ActorIRI("bob"))
			status := send(t, a, "alice", b, inboxPath(b, tc.user), body, sendOptions{Sign: tc.sign, ContentType: tc.ct})
			require.Equal(t, http.StatusAccepted, status)
			waitIdle(t, b)
			ins := rec.seen()
			require.Len(t, ins, before+1)
			in := ins[before]
			assert.Equal(t, id, in.Activity.ID)
			assert.Equal(t, body, in.Raw, "Raw is the body byte for byte")
			want := ""
			if tc.user != "" {
				want = b.F.ActorIRI(tc.user)
			}
			assert.Equal(t, want, in.Recipient)
			require.NotNil(t, in.Actor)
			assert.Equal(t, alice, in.Actor.ID)
			assert.False(t, in.Received.IsZero())
			// the hook runs after the override succeeded
			b.waitEvent(func(e event) bool { return e.Hook == "Like" && e.ID == id })
			assert.Zero(t, inboundCount(t, b), "the record is forgotten once processed")
		})
	}
}

func TestInboxDuplicateIsProcessedOnce(t *testing.T) {
	ring := &keyRing{}
	rec := &overrideRecorder{}
	a := newInboxNode(t, inboxNodeOptions{Users: []string{"alice"}, Ring: ring})
	b := newInboxNode(t, inboxNodeOptions{Users: []string{"bob", "carol"}, Ring: ring, Configure: overrideAll(rec, "Like")})
	body := doc("id", a.F.NewID(), "type", "Like", "actor", a.F.ActorIRI("alice"), "object", b.F.ActorIRI("bob"))
	for _, user := range []string{"bob", "", "carol", "bob"} {
		require.Equal(t, http.StatusAccepted, send(t, a, "alice", b, inboxPath(b, user), body, sendOptions{}))
	}
	waitIdle(t, b)
	ins := rec.seen()
	require.Len(t, ins, 1)
	assert.Equal(t, b.F.ActorIRI("bob"), ins[0].Recipient, "the inbox that received it first")
	assert.Zero(t, inboundCount(t, b))

	// Concurrent deliveries of one new activity: exactly one is processed.
	body = doc("id", a.F.NewID(), "type", "Like", "actor", a.F.ActorIRI("alice"), "object", b.F.ActorIRI("bob"))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			assert.Equal(t, http.StatusAccepted, send(t, a, "alice", b, inboxPath(b, ""), body, sendOptions{}))
		})
	}
	wg.Wait()
	waitIdle(t, b)
	assert.Len(t, rec.seen(), 2)
	assert.Zero(t, inboundCount(t, b))
}

func TestInboxCavageOnlyRefusesRFC9421(t *testing.T) {
	ring := &keyRing{}
	rec := &overrideRecorder{}
	a := newInboxNode(t, inboxNodeOptions{Users: []string{"alice"}, Ring: ring})
	b := newInboxNode(t, inboxNodeOptions{Users: []string{"bob"}, Ring: ring, Configure: func(c *Config) {
		overrideAll(rec, "Like")(c)
		c.CavageOnly = true
	}})
	body := doc("id", a.F.NewID(), "type", "Like", "actor", a.F.ActorIRI("alice"), "object", b.F.ActorIRI("bob"))
	assert.Equal(t, http.StatusUnauthorized, send(t, a, "alice", b, inboxPath(b, "bob"), body, sendOptions{Sign: signRFC9421}))
	// the double knock: the same activity signed with draft-cavage is taken
	assert.Equal(t, http.StatusAccepted, send(t, a, "alice", b, inboxPath(b, "bob"), body, sendOptions{Sign: signCavage}))
	waitIdle(t, b)
	assert.Len(t, rec.seen(), 1)
}

func TestInboxHandlerRoutes(t *testing.T) {
	ring := &keyRing{}
	rec := &overrideRecorder{}
	a := newInboxNode(t, inboxNodeOptions{Users: []string{"alice"}, Ring: ring})
	b := newInboxNode(t, inboxNodeOptions{Users: []string{"bob"}, Ring: ring, Configure: overrideAll(rec, "Like")})
	like := func() []byte {
		return doc("id", a.F.NewID(), "type", "Like", "actor", a.F.ActorIRI("alice"), "object", b.F.ActorIRI("bob"))
	}
	h := b.F.InboxHandler()
	for _, tc := range []struct {
		path string
		want int
	}{
		{inboxPath(b, "bob"), http.StatusAccepted},
		{inboxPath(b, ""), http.StatusAccepted},
		{b.F.paths.InstanceActor + "/inbox", http.StatusAccepted},
		{inboxPath(b, "nobody"), http.StatusNotFound},
		{"/users/bob/outbox", http.StatusNotFound},
		{"/users/bob/inbox/extra", http.StatusNotFound},
		{"/", http.StatusNotFound},
	} {
		t.Run(tc.path, func(t *testing.T) {
			assert.Equal(t, tc.want, send(t, a, "alice", b, tc.path, like(), sendOptions{}))
		})
	}
	t.Run("other methods", func(t *testing.T) {
		rw := &statusRecorder{header: http.Header{}}
		req, err := http.NewRequest(http.MethodGet, b.Origin+inboxPath(b, "bob"), nil)
		require.NoError(t, err)
		h.ServeHTTP(rw, req)
		assert.Equal(t, http.StatusMethodNotAllowed, rw.status)
		assert.Equal(t, "POST", rw.header.Get("Allow"))
	})
	waitIdle(t, b)
	assert.Len(t, rec.seen(), 3)
}

// statusRecorder is a minimal ResponseWriter.
type statusRecorder struct {
	header http.Header
	status int
}

func (s *statusRecorder) Header() http.Header { return s.header }
func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return len(b), nil
}
func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
}

func TestInboxDropsDeletesOfGoneActors(t *testing.T) {
	ring := &keyRing{}
	rec := &overrideRecorder{}
	a := newInboxNode(t, inboxNodeOptions{Users: []string{"alice", "dave"}, Ring: ring})
	b := newInboxNode(t, inboxNodeOptions{Users: []string{"bob"}, Ring: ring, Configure: overrideAll(rec, "Delete", "Like")})
	ctx := context.Background()
	alice, dave := a.F.ActorIRI("alice"), a.F.ActorIRI("dave")

	// Never seen: dropped without looking at the key.
	ring.setGone(alice)
	assert.Equal(t, http.StatusAccepted, send(t, a, "alice", b, inboxPath(b, ""),
		doc("id", alice+"#delete", "type", "Delete", "actor", alice, "object", alice), sendOptions{}))

	// Known to the store but gone: the key fetch fails with ErrGone and the
	// Delete is dropped, while anything else from it is refused.
	require.NoError(t, b.Store.PutRemoteActor(ctx, remoteActorFor(t, a, "dave")))
	ring.setGone(dave)
	assert.Equal(t, http.StatusAccepted, send(t, a, "dave", b, inboxPath(b, ""),
		doc("id", dave+"#delete", "type", "Delete", "actor", dave, "object", dave), sendOptions{}))
	assert.Equal(t, http.StatusAccepted, send(t, a, "dave", b, inboxPath(b, ""),
		doc("id", a.F.NewID(), "type", "Delete", "actor", dave, "object", a.F.NewID()), sendOptions{}))
	assert.Equal(t, http.StatusUnauthorized, send(t, a, "dave", b, inboxPath(b, ""),
		doc("id", a.F.NewID(), "type", "Like", "actor", dave, "object", b.F.ActorIRI("bob")), sendOptions{}))
	waitIdle(t, b)
	assert.Empty(t, rec.seen())
}

func TestInboxDeleteWithCachedKeyIsProcessed(t *testing.T) {
	ring := &keyRing{}
	rec := &overrideRecorder{}
	a := newInboxNode(t, inboxNodeOptions{Users: []string{"alice"}, Ring: ring})
	b := newInboxNode(t, inboxNodeOptions{Users: []string{"bob"}, Ring: ring, Configure: overrideAll(rec, "Delete", "Like")})
	ctx := context.Background()
	alice := a.F.ActorIRI("alice")
	require.NoError(t, b.Store.PutRemoteActor(ctx, remoteActorFor(t, a, "alice")))
	// a first activity caches the key
	require.Equal(t, http.StatusAccepted, send(t, a, "alice", b, inboxPath(b, ""),
		doc("id", a.F.NewID(), "type", "Like", "actor", alice, "object", b.F.ActorIRI("bob")), sendOptions{}))
	waitIdle(t, b)
	ring.setGone(alice)
	require.Equal(t, http.StatusAccepted, send(t, a, "alice", b, inboxPath(b, ""),
		doc("id", alice+"#delete", "type", "Delete", "actor", alice, "object", alice), sendOptions{}))
	waitIdle(t, b)
	ins := rec.seen()
	require.Len(t, ins, 2)
	assert.Equal(t, vocab.TypeDelete, ins[1].Activity.Type)
}

func TestInboxRecordSurvivesShutdown(t *testing.T) {
	for _, backend := range []string{"memory", "sqlite"} {
		t.Run(backend, func(t *testing.T) { testRecordSurvivesShutdown(t, backend) })
	}
}

func testRecordSurvivesShutdown(t *testing.T, backend string) {
	ctx := context.Background()
	var st store.Store
	reopen := func() store.Store { return st } // memory: the same store lives on
	switch backend {
	case "memory":
		st = memory.New()
	case "sqlite":
		path := filepath.Join(t.TempDir(), "inbox.db")
		var err error
		st, err = sqlite.Open(ctx, path, sqlite.Config{})
		require.NoError(t, err)
		reopen = func() store.Store { // a restarted process: close the file and open it again
			require.NoError(t, st.Close())
			st2, err := sqlite.Open(ctx, path, sqlite.Config{})
			require.NoError(t, err)
			return st2
		}
	}
	ring := &keyRing{}
	started := make(chan struct{}, 10)
	a := newInboxNode(t, inboxNodeOptions{Users: []string{"alice"}, Ring: ring})
	b := newInboxNode(t, inboxNodeOptions{Users: []string{"bob"}, Ring: ring, Store: st, Configure: func(c *Config) {
		c.InboxWorkers = 1
		c.Override = map[string]InboxFunc{"Like": func(ctx context.Context, in *Inbound) error {
			started <- struct{}{}
			<-ctx.Done() // never finishes before the shutdown
			return ctx.Err()
		}}
	}})
	ids := []string{a.F.NewID(), a.F.NewID()}
	for _, id := range ids {
		require.Equal(t, http.StatusAccepted, send(t, a, "alice", b, inboxPath(b, "bob"),
			doc("id", id, "type", "Like", "actor", a.F.ActorIRI("alice"), "object", b.F.ActorIRI("bob")), sendOptions{}))
	}
	<-started
	assert.Equal(t, 2, inboundCount(t, b), "recorded before the answer")
	cctx, cancel := context.WithCancel(ctx)
	cancel() // do not wait for the activity in progress
	assert.ErrorIs(t, b.F.Shutdown(cctx), context.Canceled)
	assert.Equal(t, 2, inboundCount(t, b), "nothing processed is forgotten")
	assert.ErrorIs(t, b.F.WaitIdle(ctx), ErrNotRunning)

	// A new Federation on the same data processes both at Start.
	st = reopen()
	t.Cleanup(func() { st.Close() })
	rec := &overrideRecorder{}
	b2, err := New(Config{Origin: b.Origin, Store: st, InsecureAllowPrivateAddresses: true,
		Override: map[string]InboxFunc{"Like": rec.fn}})
	require.NoError(t, err)
	require.NoError(t, b2.Start(ctx))
	t.Cleanup(func() { _ = b2.Shutdown(context.Background()) })
	wctx, wcancel := context.WithTimeout(ctx, time.Minute)
	defer wcancel()
	require.NoError(t, b2.WaitIdle(wctx))
	var got []string
	for _, in := range rec.seen() {
		got = append(got, in.Activity.ID)
	}
	assert.ElementsMatch(t, ids, got)
	n, err := st.CountCollection(ctx, b2.inboundCollection())
	require.NoError(t, err)
	assert.Zero(t, n)

	// The ids stay seen: a late retry of either is a duplicate.
	for _, id := range ids {
		first, err := st.MarkSeen(ctx, id, time.Now(), time.Now().Add(time.Hour))
		require.NoError(t, err)
		assert.False(t, first)
	}
}

func TestReceiveLocal(t *testing.T) {
	var count atomic.Int64
	release := make(chan struct{})
	b := newInboxNode(t, inboxNodeOptions{Users: []string{"alice", "bob", "carol"}, Configure: func(c *Config) {
		c.InboxWorkers = 2
		c.Override = map[string]InboxFunc{"Like": func(ctx context.Context, in *Inbound) error {
			<-release
			count.Add(1)
			return nil
		}}
	}})
	ctx := context.Background()
	alice := b.F.ActorIRI("alice")

	t.Run("once per activity whatever the recipients", func(t *testing.T) {
		act := &vocab.Object{ID: b.F.NewID(), Type: vocab.TypeLike, Actor: []vocab.Ref{vocab.IRIRef(alice)},
			Object: []vocab.Ref{vocab.IRIRef(b.F.ActorIRI("bob"))}}
		require.NoError(t, b.F.receiveLocal(ctx, nil, act, b.F.ActorIRI("bob")))
		require.NoError(t, b.F.receiveLocal(ctx, nil, act, b.F.ActorIRI("carol")))
		close(release)
		waitIdle(t, b)
		assert.Equal(t, int64(1), count.Load())
		e := b.waitEvent(is("Like", alice))
		assert.Equal(t, b.F.ActorIRI("bob"), e.Recipient)
	})

	t.Run("more than the queue holds", func(t *testing.T) {
		count.Store(0)
		const n = 1100 // beyond the queue's 1024
		for i := range n {
			act := &vocab.Object{ID: fmt.Sprintf("%s/objects/like-%d", b.Origin, i), Type: vocab.TypeLike,
				Actor: []vocab.Ref{vocab.IRIRef(alice)}, Object: []vocab.Ref{vocab.IRIRef(b.F.ActorIRI("bob"))}}
			require.NoError(t, b.F.receiveLocal(ctx, nil, act, ""))
		}
		wctx, cancel := context.WithTimeout(ctx, 2*time.Minute) // a slow machine under the race detector
		defer cancel()
		require.NoError(t, b.F.WaitIdle(wctx))
		assert.Equal(t, int64(n), count.Load())
		assert.Zero(t, inboundCount(t, b))
	})

	t.Run("refused", func(t *testing.T) {
		for name, act := range map[string]*vocab.Object{
			"nil":          nil,
			"no id":        {Type: vocab.TypeLike, Actor: []vocab.Ref{vocab.IRIRef(alice)}},
			"no actor":     {ID: b.F.NewID(), Type: vocab.TypeLike},
			"remote actor": {ID: "https://remote.example/1", Type: vocab.TypeLike, Actor: []vocab.Ref{vocab.IRIRef("https://remote.example/users/x")}},
		} {
			assert.ErrorIs(t, b.F.receiveLocal(ctx, nil, act, ""), ErrInvalidActivity, name)
		}
	})
}

func TestInboxSurvivesPanicsAndErrors(t *testing.T) {
	ring := &keyRing{}
	a := newInboxNode(t, inboxNodeOptions{Users: []string{"alice"}, Ring: ring})
	var hookRan atomic.Bool
	b := newInboxNode(t, inboxNodeOptions{Users: []string{"bob"}, Ring: ring, Configure: func(c *Config) {
		c.Override = map[string]InboxFunc{
			"Like":  func(context.Context, *Inbound) error { panic("boom") },
			"Block": func(context.Context, *Inbound) error { return errors.New("refused") },
			"Add":   func(context.Context, *Inbound) error { return nil },
		}
		c.Hooks.Block = func(context.Context, *Inbound) error { hookRan.Store(true); return nil }
		c.Hooks.Add = func(context.Context, *Inbound) error { panic("hook boom") }
	}})
	alice := a.F.ActorIRI("alice")
	for _, typ := range []string{"Like", "Block", "Add"} {
		require.Equal(t, http.StatusAccepted, send(t, a, "alice", b, inboxPath(b, ""),
			doc("id", a.F.NewID(), "type", typ, "actor", alice, "object", alice, "target", b.F.FeaturedIRI("bob")), sendOptions{}))
	}
	waitIdle(t, b)
	assert.False(t, hookRan.Load(), "no hook after a failed side effect")
	assert.Zero(t, inboundCount(t, b))
}

func TestInboxNotRunning(t *testing.T) {
	ring := &keyRing{}
	a := newInboxNode(t, inboxNodeOptions{Users: []string{"alice"}, Ring: ring})
	b := newInboxNode(t, inboxNodeOptions{Users: []string{"bob"}, Ring: ring, NoStart: true})
	assert.Equal(t, http.StatusServiceUnavailable, send(t, a, "alice", b, inboxPath(b, "bob"),
		doc("id", a.F.NewID(), "type", "Like", "actor", a.F.ActorIRI("alice"), "object", b.F.ActorIRI("bob")), sendOptions{}))
	assert.NoError(t, b.F.WaitIdle(context.Background()), "nothing waits")

	// Recorded while stopped: kept for the next Start, and WaitIdle says
	// why it cannot wait, whether the record is queued in this process or
	// only in the store.
	ctx := context.Background()
	like := &vocab.Object{ID: b.F.NewID(), Type: vocab.TypeLike, Actor: []vocab.Ref{vocab.IRIRef(b.F.ActorIRI("bob"))},
		Object: []vocab.Ref{vocab.IRIRef(a.F.ActorIRI("alice"))}}
	require.NoError(t, b.F.receiveLocal(ctx, nil, like, ""))
	assert.Equal(t, 1, inboundCount(t, b))
	assert.ErrorIs(t, b.F.WaitIdle(ctx), ErrNotRunning)
	other, err := New(Config{Origin: b.Origin, Store: b.Store, InsecureAllowPrivateAddresses: true})
	require.NoError(t, err)
	assert.ErrorIs(t, other.WaitIdle(ctx), ErrNotRunning)
	require.NoError(t, other.Start(ctx))
	t.Cleanup(func() { _ = other.Shutdown(context.Background()) })
	waitIdleF(t, other)
	assert.Zero(t, inboundCount(t, b))
}

// waitIdleF waits until f has processed everything recorded.
func waitIdleF(t *testing.T, f *Federation) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	require.NoError(t, f.WaitIdle(ctx))
}

// panicCatcher is a slog.Handler that remembers whether a panic was logged.
type panicCatcher struct {
	mu     sync.Mutex
	panics []string
}

func (p *panicCatcher) Enabled(context.Context, slog.Level) bool { return true }
func (p *panicCatcher) Handle(_ context.Context, r slog.Record) error {
	if strings.Contains(r.Message, "panic") {
		var detail string
		r.Attrs(func(a slog.Attr) bool { detail += " " + a.String(); return true })
		p.mu.Lock()
		p.panics = append(p.panics, r.Message+detail)
		p.mu.Unlock()
	}
	return nil
}
func (p *panicCatcher) WithAttrs([]slog.Attr) slog.Handler { return p }
func (p *panicCatcher) WithGroup(string) slog.Handler      { return p }

func (p *panicCatcher) seen() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.panics...)
}

// FuzzInbox posts arbitrary bodies, validly signed, to an inbox: the answer
// is never a 5xx and nothing panics, in the handler or while processing.
func FuzzInbox(f *testing.F) {
	ring := &keyRing{}
	catcher := &panicCatcher{}
	a := newInboxNode(f, inboxNodeOptions{Users: []string{"alice"}, Ring: ring})
	b := newInboxNode(f, inboxNodeOptions{Users: []string{"bob"}, Ring: ring, Configure: func(c *Config) {
		c.Logger = slog.New(catcher)
		c.MaxInboxBytes = 64 << 10
	}})
	alice, bob := a.F.ActorIRI("alice"), b.F.ActorIRI("bob")
	key, err := a.F.SigningKey(context.Background(), "alice")
	require.NoError(f, err)
	note := map[string]any{"id": a.Origin + "/objects/n", "type": "Note", "attributedTo": alice, "content": "hi", "to": []string{bob}}
	for _, seed := range [][]byte{
		doc("id", a.F.NewID(), "type", "Like", "actor", alice, "object", bob),
		doc("id", a.F.NewID(), "type", "Create", "actor", alice, "object", note),
		doc("id", a.F.NewID(), "type", "Follow", "actor", alice, "object", bob),
		doc("id", a.F.NewID(), "type", "Undo", "actor", alice, "object", map[string]any{"id": a.Origin + "/f", "type": "Follow", "actor": alice, "object": bob}),
		doc("id", a.F.NewID(), "type", "Delete", "actor", alice, "object", alice),
		doc("id", a.F.NewID(), "type", "Update", "actor", alice, "object", map[string]any{"id": alice, "type": "Person", "inbox": alice + "/inbox"}),
		doc("id", a.F.NewID(), "type", "Move", "actor", alice, "object", alice, "target", bob),
		doc("id", a.F.NewID(), "type", "Flag", "actor", alice),
		doc("id", a.F.NewID(), "type", "Announce", "actor", alice, "object", "http://10.0.0.1/x"),
		doc("id", a.F.NewID(), "type", "Add", "actor", alice, "object", bob, "target", b.F.FeaturedIRI("bob")),
		doc("type", "Like", "actor", alice),
		doc("id", a.F.NewID(), "type", "Like", "actor", []string{alice, bob}),
		[]byte(`{"@context":["https://www.w3.org/ns/activitystreams",{"x":"http://example.com/"}],"id":"` + a.F.NewID() + `","type":"Like","actor":"` + alice + `"}`),
		[]byte(`[]`), []byte(`null`), []byte(``), []byte(`{"id":`), []byte("{\"a\":\"\xff\"}"),
		[]byte(strings.Repeat("[", 100) + strings.Repeat("]", 100)),
	} {
		f.Add(seed)
	}
	h := b.F.InboxHandler()
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, b.TS.URL+inboxPath(b, "bob"), bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/activity+json")
		require.NoError(t, httpsig.SignCavage(req, body, key, httpsig.CavageOptions{}))
		rw := httptest.NewRecorder()
		h.ServeHTTP(rw, req)
		assert.Contains(t, []int{http.StatusAccepted, http.StatusBadRequest, http.StatusUnauthorized,
			http.StatusForbidden, http.StatusRequestEntityTooLarge}, rw.Code, "body %q: %s", body, rw.Body.String())
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		require.NoError(t, b.F.WaitIdle(ctx))
		require.Empty(t, catcher.seen())
	})
}

func TestInboxNormalizesJSONLDAfterVerifying(t *testing.T) {
	ring := &keyRing{}
	rec := &overrideRecorder{}
	a := newInboxNode(t, inboxNodeOptions{Users: []string{"alice"}, Ring: ring})
	b := newInboxNode(t, inboxNodeOptions{Users: []string{"bob"}, Ring: ring, Configure: overrideAll(rec, "Like")})
	alice, id := a.F.ActorIRI("alice"), a.F.NewID()
	body := []byte(`{"@context":["https://www.w3.org/ns/activitystreams",{"who":{"@id":"as:actor","@type":"@id"}}],` +
		`"id":"` + id + `","type":"Like","who":"` + alice + `","object":"` + b.F.ActorIRI("bob") + `"}`)
	assert.Equal(t, http.StatusUnauthorized, send(t, a, "alice", b, inboxPath(b, "bob"), body, sendOptions{Sign: signNone}))
	require.Equal(t, http.StatusAccepted, send(t, a, "alice", b, inboxPath(b, "bob"), body, sendOptions{}))
	waitIdle(t, b)
	ins := rec.seen()
	require.Len(t, ins, 1)
	assert.Equal(t, alice, firstActor(ins[0].Activity), "the aliased actor term was normalized")
	assert.Equal(t, body, ins[0].Raw)
}

// BenchmarkInbox measures verified inbox POSTs per second: Create(Note)
// from a known actor whose key is cached, addressed to a local actor,
// through the handler and processed (stored) on a SQLite store, with every
// core busy. Beside it, on the same machine and in the same run, the bound
// the signature check alone sets: RSA-2048 PKCS#1 v1.5 verifications per
// second on as many cores. The ratio is reported as verify-bound-%.
func BenchmarkInbox(b *testing.B) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "inbox.db"), sqlite.Config{})
	require.NoError(b, err)
	b.Cleanup(func() { st.Close() })
	a := newInboxNode(b, inboxNodeOptions{Users: []string{"alice"}})
	r := newInboxNode(b, inboxNodeOptions{Users: []string{"bob"}, Store: st, Configure: func(c *Config) {
		c.InboxWorkers = 16
	}})
	alice, bob := a.F.ActorIRI("alice"), r.F.ActorIRI("bob")
	key, err := a.F.SigningKey(ctx, "alice")
	require.NoError(b, err)
	h := r.F.InboxHandler()
	path := inboxPath(r, "bob")
	request := func() *http.Request {
		id := a.F.NewID()
		body := doc("id", id+"/activity", "type", "Create", "actor", alice, "to", []string{bob},
			"object", map[string]any{"id": id, "type": "Note", "attributedTo": alice, "to": []string{bob},
				"content": "<p>Hello, bob! This is a benchmark post of ordinary length.</p>"})
		req := httptest.NewRequest(http.MethodPost, r.TS.URL+path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/activity+json")
		require.NoError(b, httpsig.SignCavage(req, body, key, httpsig.CavageOptions{}))
		return req
	}
	serve := func(req *http.Request) {
		rw := httptest.NewRecorder()
		h.ServeHTTP(rw, req)
		if rw.Code != http.StatusAccepted {
			b.Fatalf("status %d: %s", rw.Code, rw.Body.String())
		}
	}
	serve(request()) // fetches and caches alice's key
	require.NoError(b, r.F.WaitIdle(ctx))

	reqs := make([]*http.Request, b.N)
	for i := range reqs {
		reqs[i] = request()
	}
	var next atomic.Int64
	b.SetParallelism(16) // many peers deliver at once; the store commits their writes in groups
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			serve(reqs[next.Add(1)-1])
		}
	})
	accepted := time.Since(start)
	require.NoError(b, r.F.WaitIdle(ctx))
	elapsed := time.Since(start)
	b.ReportMetric(float64(b.N)/accepted.Seconds(), "accepted/s")
	b.StopTimer()
	posts := float64(b.N) / elapsed.Seconds()

	// The verification bound, measured the same way.
	pub := key.Key.(*rsa.PrivateKey).Public().(*rsa.PublicKey)
	digest := sha256.Sum256([]byte("(request-target): post /users/bob/inbox"))
	sig, err := rsa.SignPKCS1v15(nil, key.Key.(*rsa.PrivateKey), crypto.SHA256, digest[:])
	require.NoError(b, err)
	const verifies = 4000
	var left atomic.Int64
	left.Store(verifies)
	var wg sync.WaitGroup
	vstart := time.Now()
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for left.Add(-1) >= 0 {
				if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig); err != nil {
					panic(err)
				}
			}
		})
	}
	wg.Wait()
	bound := verifies / time.Since(vstart).Seconds()
	b.ReportMetric(posts, "posts/s")
	b.ReportMetric(bound, "rsa-verifies/s")
	b.ReportMetric(100*posts/bound, "verify-bound-%")
}
