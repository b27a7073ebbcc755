package activitypub

import (
	"bytes"
	"context"
	"crypto"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/delivery"
	"github.com/starling-fed/starling/activitypub/vocab"
	"github.com/starling-fed/starling/httpsig"
	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/memory"
)

// keyRing resolves the keys of local actors of the nodes it knows, without
// HTTP, for tests of the inbox that must not depend on fetching.
type keyRing struct {
	mu    sync.Mutex
	nodes []*node
	gone  map[string]bool // actor IRIs whose key lookup fails with ErrGone
}

func (k *keyRing) add(n *node) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.nodes = append(k.nodes, n)
}

func (k *keyRing) setGone(actor string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.gone == nil {
		k.gone = map[string]bool{}
	}
	k.gone[actor] = true
}

func (k *keyRing) ResolveKey(ctx context.Context, keyID string) (*httpsig.VerificationKey, error) {
	actor, _, _ := strings.Cut(keyID, "#")
	k.mu.Lock()
	nodes := append([]*node(nil), k.nodes...)
	gone := k.gone[actor]
	k.mu.Unlock()
	if gone {
		return nil, fmt.Errorf("%w: %w: %s", httpsig.ErrUnknownKey, ErrGone, actor)
	}
	for _, n := range nodes {
		if !n.F.IsLocal(actor) {
			continue
		}
		if actor != n.F.InstanceActorIRI() {
			if _, ok := n.F.Username(actor); !ok {
				break
			}
		}
		keys, err := n.F.keysOf(ctx, actor)
		if err != nil {
			return nil, err
		}
		for _, sk := range []httpsig.SigningKey{keys.rsa, keys.ed} {
			if sk.KeyID == keyID {
				return &httpsig.VerificationKey{KeyID: keyID, Owner: actor, Key: sk.Key.(crypto.Signer).Public()}, nil
			}
		}
	}
	return nil, fmt.Errorf("%w: %s", httpsig.ErrUnknownKey, keyID)
}

// inboxNodeOptions tune newInboxNode.
type inboxNodeOptions struct {
	Users     []string
	Ring      *keyRing // resolve keys from the ring instead of fetching them
	Store     store.Store
	Configure func(*Config)
	NoStart   bool
	// OriginHost, if set, replaces the loopback address in the Origin
	// (the server still listens on loopback).
	OriginHost string
}

// newInboxNode starts a Federation on loopback whose inboxes are served by
// InboxHandler and whose actors are served as documents (what a peer needs
// to verify them); everything else goes to Handler.
func newInboxNode(t testing.TB, o inboxNodeOptions) *node {
	t.Helper()
	n := &node{}
	if tt, ok := t.(*testing.T); ok {
		n.t = tt
	}
	var h http.Handler = http.NotFoundHandler()
	var hmu sync.RWMutex
	n.TS = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hmu.RLock()
		hh := h
		hmu.RUnlock()
		hh.ServeHTTP(w, r)
	}))
	t.Cleanup(n.TS.Close)
	n.Origin = n.TS.URL
	if o.OriginHost != "" {
		n.Origin = "http://" + o.OriginHost + ":" + n.TS.URL[strings.LastIndex(n.TS.URL, ":")+1:]
	}
	n.Store = o.Store
	if n.Store == nil {
		n.Store = memory.New()
		t.Cleanup(func() { n.Store.Close() })
	}
	cfg := Config{
		Origin:                        n.Origin,
		Store:                         n.Store,
		InsecureAllowPrivateAddresses: true,
		Delivery: delivery.Config{
			PollInterval: 20 * time.Millisecond,
			Schedule:     []time.Duration{50 * time.Millisecond, 100 * time.Millisecond},
			Jitter:       -1,
		},
		Hooks: n.recordingHooks(),
	}
	if o.Configure != nil {
		o.Configure(&cfg)
	}
	f, err := New(cfg)
	require.NoError(t, err)
	n.F = f
	ctx := context.Background()
	for _, u := range o.Users {
		require.NoError(t, f.CreateActor(ctx, Actor{Username: u}))
	}
	if o.Ring != nil {
		f.resolver.Resolver = o.Ring
		o.Ring.add(n)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /", f.InboxHandler())
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		var doc *vocab.Object
		var err error
		if _, isInbox := match("", f.paths.Inbox, "{name}", r.URL.EscapedPath()); isInbox || r.URL.Path == f.paths.SharedInbox {
			f.InboxHandler().ServeHTTP(w, r) // answers 405
			return
		}
		if r.URL.Path == f.paths.InstanceActor {
			doc, err = f.InstanceActorDocument(r.Context())
		} else if name, ok := match("", f.paths.Actor, "{name}", r.URL.EscapedPath()); ok {
			doc, err = f.ActorDocument(r.Context(), name)
		} else {
			f.Handler(nil).ServeHTTP(w, r)
			return
		}
		if err != nil {
			http.NotFound(w, r)
			return
		}
		b, err := vocab.Marshal(doc)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Header().Set("Content-Type", "application/activity+json")
		_, _ = w.Write(b)
	})
	mux.Handle("/", f.InboxHandler()) // other methods on inboxes: 405
	hmu.Lock()
	h = mux
	hmu.Unlock()
	if !o.NoStart {
		require.NoError(t, f.Start(ctx))
		t.Cleanup(func() {
			sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = f.Shutdown(sctx)
		})
	}
	return n
}

// signing says how a test request is signed.
type signing int

const (
	signCavage signing = iota
	signRFC9421
	signNone
)

// sendOptions tune send.
type sendOptions struct {
	Sign        signing
	Key         *httpsig.SigningKey // sign with this key instead of the sender's
	ContentType string              // default application/activity+json
	Method      string              // default POST
	Now         func() time.Time    // signature time
	Before      func(*http.Request) // change the request before it is signed
	// CavageHeaders and RFC9421Components override what is signed.
	CavageHeaders     []string
	RFC9421Components []string
	After             func(*http.Request) // change the request after it is signed
}

// send posts body to path on to, signed as from's user (unless told
// otherwise), and returns the status.
func send(t *testing.T, from *node, user string, to *node, path string, body []byte, o sendOptions) int {
	t.Helper()
	method := o.Method
	if method == "" {
		method = http.MethodPost
	}
	req, err := http.NewRequest(method, to.TS.URL+path, bytes.NewReader(body))
	require.NoError(t, err)
	ct := o.ContentType
	if ct == "" {
		ct = "application/activity+json"
	}
	req.Header.Set("Content-Type", ct)
	if o.Before != nil {
		o.Before(req)
	}
	var key httpsig.SigningKey
	switch {
	case o.Key != nil:
		key = *o.Key
	case o.Sign != signNone:
		key, err = from.F.SigningKey(context.Background(), user)
		require.NoError(t, err)
	}
	switch o.Sign {
	case signCavage:
		require.NoError(t, httpsig.SignCavage(req, body, key, httpsig.CavageOptions{Now: o.Now, Headers: o.CavageHeaders}))
	case signRFC9421:
		require.NoError(t, httpsig.SignRFC9421(req, body, key, httpsig.RFC9421Options{Now: o.Now, Components: o.RFC9421Components}))
	}
	if o.After != nil {
		o.After(req)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

// inboxPath returns the path of username's inbox on n ("" for the shared
// inbox).
func inboxPath(n *node, username string) string {
	if username == "" {
		return n.F.paths.SharedInbox
	}
	return strings.TrimPrefix(n.F.InboxIRI(username), n.Origin)
}

// doc builds a JSON-LD document from alternating keys and values.
func doc(kv ...any) []byte {
	m := map[string]any{"@context": "https://www.w3.org/ns/activitystreams"}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return b
}

// waitIdle waits until n has processed everything it recorded.
func waitIdle(t *testing.T, n *node) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	require.NoError(t, n.F.WaitIdle(ctx))
}

// inboundCount returns how many inbound records wait in n's store.
func inboundCount(t *testing.T, n *node) int {
	t.Helper()
	c, err := n.Store.CountCollection(context.Background(), n.F.inboundCollection())
	require.NoError(t, err)
	return c
}

// remoteActorFor returns n's user as another server caches it.
func remoteActorFor(t *testing.T, n *node, user string) store.RemoteActor {
	t.Helper()
	ctx := context.Background()
	d, err := n.F.ActorDocument(ctx, user)
	require.NoError(t, err)
	b, err := vocab.Marshal(d)
	require.NoError(t, err)
	keys, err := n.F.keysOf(ctx, d.ID)
	require.NoError(t, err)
	return store.RemoteActor{
		IRI: d.ID, Document: b, Inbox: d.Inbox, SharedInbox: n.F.SharedInboxIRI(),
		Keys:    []store.PublicKey{{KeyID: keys.rsa.KeyID, PEM: []byte(keys.rsaPEM)}},
		Fetched: time.Now(),
	}
}
