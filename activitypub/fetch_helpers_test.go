package activitypub

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/vocab"
	"github.com/starling-fed/starling/httpsig"
	"github.com/starling-fed/starling/store/memory"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// newFetchFed returns a Federation on a memory store that reaches loopback
// peers over plain http. Its origin is never contacted.
func newFetchFed(t testing.TB, mod func(*Config)) *Federation {
	t.Helper()
	cfg := Config{
		Origin:                        "http://starling.test",
		Store:                         memory.New(),
		InsecureAllowPrivateAddresses: true,
	}
	if mod != nil {
		mod(&cfg)
	}
	f, err := New(cfg)
	require.NoError(t, err)
	return f
}

// fakePeer is a remote server on loopback serving documents by path. It
// counts the requests it gets and, when verify is set, checks each
// request's signature.
type fakePeer struct {
	t   testing.TB
	srv *httptest.Server
	URL string

	mu       sync.Mutex
	routes   map[string]http.HandlerFunc
	hits     map[string]int
	total    int
	headers  []http.Header
	verifier *httpsig.Verifier
	verified []*httpsig.Verified
	refused  []error
}

func newFakePeer(t testing.TB) *fakePeer {
	p := &fakePeer{t: t, routes: map[string]http.HandlerFunc{}, hits: map[string]int{}}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.srv.Close)
	p.URL = p.srv.URL
	return p
}

func (p *fakePeer) serve(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.total++
	p.hits[r.URL.Path]++
	p.headers = append(p.headers, r.Header.Clone())
	h := p.routes[r.URL.Path]
	v := p.verifier
	p.mu.Unlock()
	if v != nil {
		got, err := v.Verify(r.Context(), r)
		p.mu.Lock()
		if err != nil {
			p.refused = append(p.refused, err)
		} else {
			p.verified = append(p.verified, got)
		}
		p.mu.Unlock()
		if err != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
	}
	if h == nil {
		http.NotFound(w, r)
		return
	}
	h(w, r)
}

// handle routes path to h, replacing any earlier route.
func (p *fakePeer) handle(path string, h http.HandlerFunc) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.routes[path] = h
}

// serveDoc serves body at path with the given content type.
func (p *fakePeer) serveDoc(path, contentType string, body []byte) {
	p.handle(path, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		_, _ = w.Write(body)
	})
}

// serveObject serves o as application/activity+json at path.
func (p *fakePeer) serveObject(path string, o *vocab.Object) {
	raw, err := vocab.Marshal(o)
	require.NoError(p.t, err)
	p.serveDoc(path, "application/activity+json", raw)
}

// serveStatus answers path with status.
func (p *fakePeer) serveStatus(path string, status int) {
	p.handle(path, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(status) })
}

// requests returns how many requests the peer got, on path if given.
func (p *fakePeer) requests(path ...string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(path) == 0 {
		return p.total
	}
	n := 0
	for _, s := range path {
		n += p.hits[s]
	}
	return n
}

// host returns the peer's "127.0.0.1:port".
func (p *fakePeer) host() string { return strings.TrimPrefix(p.URL, "http://") }

// peerActor is an actor served by a fakePeer, with an Ed25519 key.
type peerActor struct {
	ID    string
	KeyID string
	Priv  ed25519.PrivateKey
	PEM   string
	Doc   *vocab.Object
}

// addActor serves an actor /users/name with key id "<actor>#main-key".
func (p *fakePeer) addActor(name string) *peerActor {
	p.t.Helper()
	id := p.URL + "/users/" + name
	a := &peerActor{ID: id, KeyID: id + "#main-key"}
	a.setKey(p.t)
	a.Doc = &vocab.Object{
		ID:                id,
		Type:              vocab.TypePerson,
		PreferredUsername: name,
		Inbox:             id + "/inbox",
		Outbox:            id + "/outbox",
		Endpoints:         &vocab.Object{SharedInbox: p.URL + "/inbox"},
		PublicKey:         []vocab.Ref{vocab.ObjectRef(&vocab.Object{ID: a.KeyID, Owner: id, PublicKeyPem: a.PEM})},
	}
	p.serveObject("/users/"+name, a.Doc)
	return a
}

// setKey gives the actor a fresh key (not yet published).
func (a *peerActor) setKey(t testing.TB) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	pem, err := httpsig.MarshalPublicKeyPEM(pub)
	require.NoError(t, err)
	a.Priv, a.PEM = priv, string(pem)
}

// signer returns a client signing every request as a, with its current key.
func (a *peerActor) signer(now func() time.Time) *http.Client {
	return &http.Client{Transport: &httpsig.Transport{
		Base: http.DefaultTransport,
		Now:  now,
		KeyFunc: func(*http.Request) (httpsig.SigningKey, error) {
			return httpsig.SigningKey{KeyID: a.KeyID, Key: a.Priv}, nil
		},
	}}
}

// instanceKeyResolver resolves the instance actor's key of f from its
// InstanceActorDocument, as a peer would after fetching it.
func instanceKeyResolver(f *Federation) httpsig.KeyResolver {
	return httpsig.KeyResolverFunc(func(ctx context.Context, keyID string) (*httpsig.VerificationKey, error) {
		doc, err := f.InstanceActorDocument(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range doc.PublicKey {
			if r.Object != nil && r.Object.ID == keyID {
				pub, err := httpsig.ParsePublicKeyPEM([]byte(r.Object.PublicKeyPem))
				if err != nil {
					return nil, err
				}
				return &httpsig.VerificationKey{KeyID: keyID, Owner: r.Object.Owner, Key: pub}, nil
			}
		}
		for _, r := range doc.AssertionMethod {
			if r.Object != nil && r.Object.ID == keyID {
				pub, err := httpsig.DecodeMultikey(r.Object.PublicKeyMultibase)
				if err != nil {
					return nil, err
				}
				return &httpsig.VerificationKey{KeyID: keyID, Owner: r.Object.Controller, Key: pub}, nil
			}
		}
		return nil, httpsig.ErrUnknownKey
	})
}

// remoteNote returns a public Note by attributedTo, replying to inReplyTo if set.
func remoteNote(id, attributedTo, inReplyTo string) *vocab.Object {
	o := &vocab.Object{
		ID:           id,
		Type:         vocab.TypeNote,
		AttributedTo: []vocab.Ref{vocab.IRIRef(attributedTo)},
		Content:      "hello",
		To:           []vocab.Ref{vocab.IRIRef(vocab.PublicIRI)},
	}
	if inReplyTo != "" {
		o.InReplyTo = []vocab.Ref{vocab.IRIRef(inReplyTo)}
	}
	return o
}

// fakeResolver answers host names from a table, for the private-address
// guard: nothing is ever looked up for real.
type fakeResolver map[string][]netip.Addr

func (r fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if a, ok := r[host]; ok {
		return a, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// recordingDialer records every address it is asked to dial and connects
// to loopback addresses only, refusing everything else.
type recordingDialer struct {
	mu    sync.Mutex
	asked []string
}

func (d *recordingDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	d.mu.Lock()
	d.asked = append(d.asked, address)
	d.mu.Unlock()
	ap, err := netip.ParseAddrPort(address)
	if err != nil || !ap.Addr().IsLoopback() {
		return nil, &net.OpError{Op: "dial", Net: network, Err: errRefusedDial}
	}
	var nd net.Dialer
	return nd.DialContext(ctx, network, address)
}

func (d *recordingDialer) dialled() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.asked...)
}

var errRefusedDial = &net.AddrError{Err: "test dialer refuses non-loopback addresses"}

// publicOf returns the public half of a signing key.
func publicOf(t *testing.T, k httpsig.SigningKey) crypto.PublicKey {
	t.Helper()
	s, ok := k.Key.(crypto.Signer)
	require.True(t, ok)
	return s.Public()
}
