package activitypub

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/vocab"
	"github.com/starling-fed/starling/httpsig"
	"github.com/starling-fed/starling/internal/safehttp"
	"github.com/starling-fed/starling/store"
)

func TestFetchIsSignedAsInstanceActor(t *testing.T) {
	f := newFetchFed(t, nil)
	peer := newFakePeer(t)
	peer.verifier = &httpsig.Verifier{Resolver: instanceKeyResolver(f)}
	bob := peer.addActor("bob")
	peer.serveObject("/notes/1", remoteNote(peer.URL+"/notes/1", bob.ID, ""))

	o, err := f.Fetch(t.Context(), peer.URL+"/notes/1")
	require.NoError(t, err)
	assert.Equal(t, peer.URL+"/notes/1", o.ID)
	assert.Equal(t, "hello", o.Content)

	require.Empty(t, peer.refused, "the peer verified every request")
	require.Len(t, peer.verified, 1)
	assert.Equal(t, f.InstanceActorIRI()+"#main-key", peer.verified[0].KeyID)
	assert.Equal(t, f.InstanceActorIRI(), peer.verified[0].Owner)
	assert.Equal(t, acceptAS, peer.headers[0].Get("Accept"))
	assert.Equal(t, "Starling", peer.headers[0].Get("User-Agent"))
}

func TestFetchCavageOnlyPeer(t *testing.T) {
	// A peer that only speaks draft-cavage refuses RFC 9421 with 401; the
	// signed GET knocks again.
	f := newFetchFed(t, nil)
	peer := newFakePeer(t)
	v := &httpsig.Verifier{Resolver: instanceKeyResolver(f)}
	peer.handle("/notes/1", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Signature-Input") != "" {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		if _, err := v.Verify(r.Context(), r); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		raw, _ := vocab.Marshal(remoteNote(peer.URL+"/notes/1", peer.URL+"/users/bob", ""))
		w.Header().Set("Content-Type", "application/activity+json")
		_, _ = w.Write(raw)
	})
	_, err := f.Fetch(t.Context(), peer.URL+"/notes/1")
	require.NoError(t, err)
}

func TestFetchChecks(t *testing.T) {
	peer := newFakePeer(t)
	other := newFakePeer(t)
	noteAt := func(p *fakePeer, path string) []byte {
		raw, err := vocab.Marshal(remoteNote(p.URL+path, p.URL+"/users/bob", ""))
		require.NoError(t, err)
		return raw
	}
	peer.serveDoc("/as", "application/activity+json", noteAt(peer, "/as"))
	peer.serveDoc("/as-charset", "application/activity+json; charset=utf-8", noteAt(peer, "/as-charset"))
	peer.serveDoc("/ld", `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`, noteAt(peer, "/ld"))
	peer.serveDoc("/ld-profiles", `application/ld+json; profile="https://example.com/x https://www.w3.org/ns/activitystreams"`, noteAt(peer, "/ld-profiles"))
	peer.serveDoc("/ld-bare", "application/ld+json", noteAt(peer, "/ld-bare"))
	peer.serveDoc("/ld-other", `application/ld+json; profile="https://example.com/x"`, noteAt(peer, "/ld-other"))
	peer.serveDoc("/html", "text/html; charset=utf-8", noteAt(peer, "/html"))
	peer.serveDoc("/json", "application/json", noteAt(peer, "/json"))
	peer.serveDoc("/no-type", "", noteAt(peer, "/no-type"))
	peer.serveDoc("/big", "application/activity+json", []byte(`{"id":"`+peer.URL+`/big","type":"Note","content":"`+strings.Repeat("a", 8192)+`"}`))
	peer.serveDoc("/other-id", "application/activity+json", noteAt(peer, "/elsewhere"))
	peer.serveDoc("/foreign-id", "application/activity+json", noteAt(other, "/foreign-id"))
	peer.serveDoc("/no-id", "application/activity+json", []byte(`{"type":"Note","content":"x"}`))
	peer.serveDoc("/garbage", "application/activity+json", []byte(`{"id": nope`))
	peer.serveDoc("/array", "application/activity+json", []byte(`[1,2]`))
	peer.serveStatus("/missing", http.StatusNotFound)
	peer.serveStatus("/gone", http.StatusGone)
	peer.serveStatus("/broken", http.StatusInternalServerError)
	redirect := func(to string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, to, http.StatusFound) }
	}
	peer.handle("/moved", redirect("/as"))
	peer.handle("/moved-wrong-id", redirect("/other-id"))
	peer.handle("/to-other-host", redirect(other.URL+"/x"))
	other.serveDoc("/x", "application/activity+json", noteAt(other, "/x"))
	peer.handle("/r1", redirect("/r2"))
	peer.handle("/r2", redirect("/r3"))
	peer.handle("/r3", redirect("/r4"))
	peer.handle("/r4", redirect("/as"))
	peer.handle("/r2b", redirect("/r3b"))
	peer.handle("/r3b", redirect("/r4b"))
	peer.handle("/r4b", redirect("/as"))

	f := newFetchFed(t, func(c *Config) { c.MaxFetchBytes = 4096 })
	tests := []struct {
		name   string
		url    string
		wantID string // on success
		is     []error
		status int
	}{
		{name: "activity+json", url: peer.URL + "/as", wantID: peer.URL + "/as"},
		{name: "activity+json with charset", url: peer.URL + "/as-charset", wantID: peer.URL + "/as-charset"},
		{name: "ld+json with profile", url: peer.URL + "/ld", wantID: peer.URL + "/ld"},
		{name: "ld+json with several profiles", url: peer.URL + "/ld-profiles", wantID: peer.URL + "/ld-profiles"},
		{name: "fragment dropped", url: peer.URL + "/as#frag", wantID: peer.URL + "/as"},
		{name: "redirect on the same host", url: peer.URL + "/moved", wantID: peer.URL + "/as"},
		{name: "three redirects", url: peer.URL + "/r2b", wantID: peer.URL + "/as"},
		{name: "ld+json without profile", url: peer.URL + "/ld-bare", is: []error{ErrUnsupportedMediaType, safehttp.ErrContentType}, status: 200},
		{name: "ld+json with another profile", url: peer.URL + "/ld-other", is: []error{ErrUnsupportedMediaType}, status: 200},
		{name: "text/html", url: peer.URL + "/html", is: []error{ErrUnsupportedMediaType}, status: 200},
		{name: "plain json", url: peer.URL + "/json", is: []error{ErrUnsupportedMediaType}, status: 200},
		{name: "no content type", url: peer.URL + "/no-type", is: []error{ErrUnsupportedMediaType}, status: 200},
		{name: "body over MaxFetchBytes", url: peer.URL + "/big", is: []error{safehttp.ErrBodyTooLarge}, status: 200},
		{name: "id of another URL", url: peer.URL + "/other-id", is: []error{ErrOriginMismatch}, status: 200},
		{name: "id on another host", url: peer.URL + "/foreign-id", is: []error{ErrOriginMismatch}, status: 200},
		{name: "no id", url: peer.URL + "/no-id", is: []error{ErrOriginMismatch}, status: 200},
		{name: "redirect to a document with another id", url: peer.URL + "/moved-wrong-id", is: []error{ErrOriginMismatch}, status: 200},
		{name: "redirect to another host", url: peer.URL + "/to-other-host", is: []error{ErrOriginMismatch}, status: 200},
		{name: "four redirects", url: peer.URL + "/r1", is: []error{safehttp.ErrTooManyRedirects}, status: 302},
		{name: "not JSON", url: peer.URL + "/garbage", is: []error{ErrInvalidActivity}, status: 200},
		{name: "not an object", url: peer.URL + "/array", is: []error{ErrInvalidActivity}, status: 200},
		{name: "404", url: peer.URL + "/missing", is: []error{ErrNotFound, store.ErrNotFound, safehttp.ErrStatus}, status: 404},
		{name: "410", url: peer.URL + "/gone", is: []error{ErrGone, store.ErrGone}, status: 410},
		{name: "500", url: peer.URL + "/broken", is: []error{safehttp.ErrStatus}, status: 500},
		{name: "not http", url: "ftp://" + peer.host() + "/as", is: []error{ErrInvalidActivity}},
		{name: "relative", url: "/as", is: []error{ErrInvalidActivity}},
		{name: "empty", url: "", is: []error{ErrInvalidActivity}},
		{name: "user information", url: "http://user@" + peer.host() + "/as", is: []error{ErrInvalidActivity}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, raw, err := f.fetch(t.Context(), tt.url)
			if tt.is == nil {
				require.NoError(t, err)
				assert.Equal(t, tt.wantID, o.ID)
				assert.NotEmpty(t, raw)
				return
			}
			require.Error(t, err)
			assert.True(t, o == nil, "no document with an error")
			for _, want := range tt.is {
				assert.ErrorIs(t, err, want)
			}
			var fe *FetchError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tt.status, fe.Status)
		})
	}
	assert.Zero(t, other.requests("/foreign-id"), "an id on another host is not fetched")
}

func TestFetchLocalIRIsNeverGoOverHTTP(t *testing.T) {
	var asked []string
	f := newFetchFed(t, func(c *Config) {
		c.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
			asked = append(asked, r.URL.String())
			return nil, errors.New("no network in this test")
		})
	})
	require.NoError(t, f.CreateActor(t.Context(), Actor{Username: "alice"}))

	inst, err := f.Fetch(t.Context(), f.InstanceActorIRI())
	require.NoError(t, err)
	assert.Equal(t, vocab.TypeApplication, inst.Type)

	alice, err := f.Fetch(t.Context(), f.ActorIRI("alice")+"#main-key")
	require.NoError(t, err)
	assert.Equal(t, f.ActorIRI("alice"), alice.ID)

	_, err = f.Fetch(t.Context(), f.ActorIRI("nobody"))
	require.ErrorIs(t, err, ErrNotFound)

	a, err := f.FetchActor(t.Context(), f.ActorIRI("alice"))
	require.NoError(t, err)
	assert.Equal(t, f.InboxIRI("alice"), a.Inbox)
	assert.Empty(t, asked)
}

// roundTripFunc is an http.RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (fn roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return fn(r) }

func TestFetchPrivateAddressGuard(t *testing.T) {
	// The default secure setting, with DNS and dialling faked: evil names
	// resolve to private addresses, and the dialler connects to loopback
	// only (the test servers) and records every address asked for.
	srv := httptest.NewTLSServer(nil)
	defer srv.Close()
	port := srv.Listener.Addr().(interface{ AddrPort() netip.AddrPort }).AddrPort().Port()
	evil := func(host, path string) string {
		return "https://" + host + ":" + strconv.Itoa(int(port)) + path
	}
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/to-private":
			http.Redirect(w, r, evil("evil.example", "/x"), http.StatusFound)
		case "/to-metadata":
			http.Redirect(w, r, evil("metadata.example", "/latest"), http.StatusMovedPermanently)
		case "/to-literal":
			http.Redirect(w, r, "https://10.1.2.3:"+strconv.Itoa(int(port))+"/x", http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	})
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	dialer := &recordingDialer{}
	hc, err := safehttp.New(safehttp.Config{
		AllowedPrefixes: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")},
		Resolver: fakeResolver{
			"evil.example":     {netip.MustParseAddr("10.0.0.1")},
			"metadata.example": {netip.MustParseAddr("169.254.169.254")},
			"mixed.example":    {netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("192.168.1.1")},
		},
		Dialer:       dialer,
		TLSConfig:    &tls.Config{RootCAs: pool},
		MaxRedirects: -1,
	})
	require.NoError(t, err)
	f := newFetchFed(t, func(c *Config) {
		c.Origin = "https://starling.test"
		c.InsecureAllowPrivateAddresses = false
		c.Transport = hc.Transport
	})

	tests := []struct{ name, url string }{
		{"name resolving to a private address", "https://evil.example/x"},
		{"name resolving to the metadata address", "https://metadata.example/latest"},
		{"name resolving to public and private", "https://mixed.example/x"},
		{"private literal", "https://10.0.0.1/x"},
		{"loopback not allowed beyond the prefix", "https://127.0.0.2:" + strconv.Itoa(int(port)) + "/x"},
		{"redirect to a private name", "https://127.0.0.1:" + strconv.Itoa(int(port)) + "/to-private"},
		{"redirect to the metadata address", "https://127.0.0.1:" + strconv.Itoa(int(port)) + "/to-metadata"},
		{"redirect to a private literal", "https://127.0.0.1:" + strconv.Itoa(int(port)) + "/to-literal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.Fetch(t.Context(), tt.url)
			require.ErrorIs(t, err, safehttp.ErrPrivateAddress)
			var fe *FetchError
			require.ErrorAs(t, err, &fe)
		})
	}
	// http is refused outright without the insecure switch.
	_, err = f.Fetch(t.Context(), "http://127.0.0.1:"+strconv.Itoa(int(port))+"/x")
	require.ErrorIs(t, err, safehttp.ErrSchemeNotAllowed)

	for _, a := range dialer.dialled() {
		ap, err := netip.ParseAddrPort(a)
		require.NoError(t, err)
		assert.Equal(t, netip.MustParseAddr("127.0.0.1"), ap.Addr(), "only the allowed loopback server was dialled, not %s", a)
	}
	assert.NotEmpty(t, dialer.dialled(), "the redirecting server itself was reached")
}

func TestCheckContentType(t *testing.T) {
	tests := []struct {
		ct string
		ok bool
	}{
		{"application/activity+json", true},
		{"Application/Activity+JSON; charset=utf-8", true},
		{`application/ld+json; profile="https://www.w3.org/ns/activitystreams"`, true},
		{`application/ld+json;profile="https://www.w3.org/ns/activitystreams"`, true},
		{`application/ld+json; profile="https://www.w3.org/ns/activitystreams http://example.com/p"`, true},
		{`application/ld+json; profile=https://www.w3.org/ns/activitystreams`, false}, // unquoted URL is no token
		{"application/ld+json", false},
		{`application/ld+json; profile="https://www.w3.org/ns/activitystreams/"`, false},
		{"application/json", false},
		{"text/html", false},
		{"", false},
		{"application/activity+json; =broken", false},
	}
	for _, tt := range tests {
		t.Run(tt.ct, func(t *testing.T) {
			err := checkContentType(tt.ct)
			if tt.ok {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, ErrUnsupportedMediaType)
			}
		})
	}
}

func FuzzCheckContentType(f *testing.F) {
	for _, s := range []string{"application/activity+json", `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`, "application/ld+json", "text/html", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ct string) {
		if checkContentType(ct) == nil {
			mt := strings.ToLower(strings.TrimSpace(strings.SplitN(ct, ";", 2)[0]))
			if mt != "application/activity+json" && mt != "application/ld+json" {
				t.Fatalf("accepted %q", ct)
			}
		}
	})
}

func TestSameURL(t *testing.T) {
	tests := []struct {
		a, b string
		same bool
	}{
		{"https://a.example/x", "https://a.example/x", true},
		{"https://A.example/x", "https://a.example/x", true},
		{"https://a.example:443/x", "https://a.example/x", true},
		{"https://a.example/x", "https://a.example/x/", false},
		{"https://a.example/x?q=1", "https://a.example/x", false},
		{"http://a.example/x", "https://a.example/x", false},
		{"https://a.example:8443/x", "https://a.example/x", false},
		{"", "", false},
		{"https://a.example/x#k", "https://a.example/x", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.same, sameURL(tt.a, tt.b), "%s vs %s", tt.a, tt.b)
	}
}

func TestRemoteActorCache(t *testing.T) {
	clock := newFakeClock()
	f := newFetchFed(t, func(c *Config) { c.Clock = clock.Now; c.ActorTTL = time.Hour })
	peer := newFakePeer(t)
	bob := peer.addActor("bob")
	path := "/users/bob"
	ctx := t.Context()

	o, err := f.FetchActor(ctx, bob.ID)
	require.NoError(t, err)
	assert.Equal(t, bob.ID, o.ID)
	assert.Equal(t, 1, peer.requests(path))

	rec, err := f.st.GetRemoteActor(ctx, bob.ID)
	require.NoError(t, err)
	assert.Equal(t, bob.ID+"/inbox", rec.Inbox)
	assert.Equal(t, peer.URL+"/inbox", rec.SharedInbox)
	assert.Equal(t, clock.Now(), rec.Fetched.UTC())
	require.Len(t, rec.Keys, 1)
	assert.Equal(t, bob.KeyID, rec.Keys[0].KeyID)
	assert.Equal(t, bob.PEM, string(rec.Keys[0].PEM))

	clock.Advance(59 * time.Minute)
	_, err = f.FetchActor(ctx, bob.ID)
	require.NoError(t, err)
	assert.Equal(t, 1, peer.requests(path), "fresh copy served from the cache")

	clock.Advance(2 * time.Minute)
	bob.Doc.Name = "Bob, renamed"
	peer.serveObject(path, bob.Doc)
	o, err = f.FetchActor(ctx, bob.ID)
	require.NoError(t, err)
	assert.Equal(t, 2, peer.requests(path), "stale copy fetched again")
	assert.Equal(t, "Bob, renamed", o.Name)

	_, err = f.remoteActor(ctx, bob.ID, true)
	require.NoError(t, err)
	assert.Equal(t, 3, peer.requests(path), "refresh fetches even a fresh copy")

	// A refetch that fails for a passing reason falls back on the cache.
	peer.serveStatus(path, http.StatusServiceUnavailable)
	clock.Advance(2 * time.Hour)
	o, err = f.FetchActor(ctx, bob.ID)
	require.NoError(t, err)
	assert.Equal(t, "Bob, renamed", o.Name)
	assert.Equal(t, 4, peer.requests(path))

	// Gone: forgotten.
	peer.serveStatus(path, http.StatusGone)
	_, err = f.remoteActor(ctx, bob.ID, true)
	require.ErrorIs(t, err, ErrGone)
	_, err = f.st.GetRemoteActor(ctx, bob.ID)
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = f.st.RemotePublicKey(ctx, bob.KeyID)
	require.ErrorIs(t, err, store.ErrNotFound)

	// Without a cached copy a failure is an error.
	_, err = f.FetchActor(ctx, peer.URL+"/users/nobody")
	require.ErrorIs(t, err, ErrNotFound)
}

func TestRemoteActorChecks(t *testing.T) {
	peer := newFakePeer(t)
	other := newFakePeer(t)
	f := newFetchFed(t, nil)
	ctx := t.Context()
	_, otherPEM := func() (*peerActor, string) { a := other.addActor("x"); return a, a.PEM }()

	carol := peer.addActor("carol")
	carol.Doc.PublicKey = append(carol.Doc.PublicKey,
		// Keys the actor does not own, on another host, without PEM or
		// with a broken one are left out.
		vocab.ObjectRef(&vocab.Object{ID: carol.ID + "#stolen", Owner: other.URL + "/users/x", PublicKeyPem: otherPEM}),
		vocab.ObjectRef(&vocab.Object{ID: other.URL + "/users/x#main-key", Owner: carol.ID, PublicKeyPem: otherPEM}),
		vocab.ObjectRef(&vocab.Object{ID: carol.ID + "#empty", Owner: carol.ID}),
		vocab.ObjectRef(&vocab.Object{ID: carol.ID + "#broken", Owner: carol.ID, PublicKeyPem: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"}),
		vocab.ObjectRef(&vocab.Object{ID: carol.ID + "#controller", Controller: carol.ID, PublicKeyPem: otherPEM}),
		vocab.IRIRef(carol.ID+"#bare"),
	)
	peer.serveObject("/users/carol", carol.Doc)
	_, err := f.FetchActor(ctx, carol.ID)
	require.NoError(t, err)
	rec, err := f.st.GetRemoteActor(ctx, carol.ID)
	require.NoError(t, err)
	var ids []string
	for _, k := range rec.Keys {
		ids = append(ids, k.KeyID)
	}
	assert.Equal(t, []string{carol.KeyID, carol.ID + "#controller"}, ids)

	peer.serveObject("/notes/1", remoteNote(peer.URL+"/notes/1", carol.ID, ""))
	_, err = f.FetchActor(ctx, peer.URL+"/notes/1")
	require.ErrorIs(t, err, ErrInvalidActivity, "a Note is no actor")

	noInbox := peer.addActor("noinbox")
	noInbox.Doc.Inbox = ""
	peer.serveObject("/users/noinbox", noInbox.Doc)
	_, err = f.FetchActor(ctx, noInbox.ID)
	require.ErrorIs(t, err, ErrInvalidActivity, "an actor without inbox")

	_, err = f.FetchActor(ctx, "mailto:bob@example.com")
	require.ErrorIs(t, err, ErrInvalidActivity)
	_, err = f.st.GetRemoteActor(ctx, noInbox.ID)
	require.ErrorIs(t, err, store.ErrNotFound)
}

func TestBlocked(t *testing.T) {
	peer := newFakePeer(t)
	bob := peer.addActor("bob")
	f := newFetchFed(t, func(c *Config) {
		c.Moderation.BlockedDomains = []string{"Bad.Example.", "127.0.0.1", "bücher.example"}
		c.Moderation.Blocked = func(_ context.Context, actor string) (bool, error) {
			switch actor {
			case "https://fine.example/users/troll":
				return true, nil
			case "https://fine.example/users/error":
				return false, errors.New("moderation database down")
			}
			return false, nil
		}
	})
	ctx := t.Context()
	domains := []struct {
		host    string
		blocked bool
	}{
		{"bad.example", true},
		{"BAD.EXAMPLE", true},
		{"sub.bad.example", true},
		{"a.b.bad.example:8443", true},
		{"bad.example.", true},
		{"notbad.example", false},
		{"bad.example.com", false},
		{"example", false},
		{"127.0.0.1:1234", true},
		{"xn--bcher-kva.example", true},
		{"", false},
	}
	for _, d := range domains {
		assert.Equal(t, d.blocked, f.blockedDomain(d.host), d.host)
	}

	assert.ErrorIs(t, f.blocked(ctx, "https://sub.bad.example/users/x"), ErrBlocked)
	assert.ErrorIs(t, f.blocked(ctx, "https://fine.example/users/troll"), ErrBlocked)
	err := f.blocked(ctx, "https://fine.example/users/error")
	require.Error(t, err)
	assert.NotErrorIs(t, err, ErrBlocked)
	assert.NoError(t, f.blocked(ctx, "https://fine.example/users/alice"))
	assert.ErrorIs(t, f.blocked(ctx, "not an iri"), ErrInvalidActivity)

	// Nothing on a blocked domain is ever asked for.
	_, err = f.FetchActor(ctx, bob.ID)
	require.ErrorIs(t, err, ErrBlocked)
	_, err = f.Fetch(ctx, peer.URL+"/notes/1")
	require.ErrorIs(t, err, ErrBlocked)
	_, err = f.resolveKey(ctx, bob.KeyID)
	require.ErrorIs(t, err, ErrBlocked)
	_, err = f.LookupActor(ctx, "bob@"+peer.host())
	require.ErrorIs(t, err, ErrBlocked)
	_, err = f.LookupActor(ctx, bob.ID)
	require.ErrorIs(t, err, ErrBlocked)
	assert.Zero(t, peer.requests())
}

func TestResolveKey(t *testing.T) {
	clock := newFakeClock()
	f := newFetchFed(t, func(c *Config) { c.Clock = clock.Now; c.ActorTTL = time.Hour })
	peer := newFakePeer(t)
	ctx := t.Context()

	t.Run("key in the actor document", func(t *testing.T) {
		bob := peer.addActor("bob")
		k, err := f.resolveKey(ctx, bob.KeyID)
		require.NoError(t, err)
		assert.Equal(t, bob.KeyID, k.KeyID)
		assert.Equal(t, bob.ID, k.Owner)
		assert.True(t, bob.Priv.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(k.Key))
		n := peer.requests()
		_, err = f.resolveKey(ctx, bob.KeyID)
		require.NoError(t, err)
		assert.Equal(t, n, peer.requests(), "cached in the store")
		_, err = f.st.RemotePublicKey(ctx, bob.KeyID)
		require.NoError(t, err)
	})

	t.Run("GoToSocial key URL answering with the actor stub", func(t *testing.T) {
		// The key id has no fragment; its URL serves a minimal actor
		// whose id is the actor's, and the actor lists the key.
		gts := peer.addActor("gts")
		gts.KeyID = gts.ID + "/main-key"
		gts.Doc.PublicKey = []vocab.Ref{vocab.ObjectRef(&vocab.Object{ID: gts.KeyID, Owner: gts.ID, PublicKeyPem: gts.PEM})}
		peer.serveObject("/users/gts", gts.Doc)
		peer.serveObject("/users/gts/main-key", &vocab.Object{ID: gts.ID, Type: vocab.TypePerson, PreferredUsername: "gts",
			PublicKey: gts.Doc.PublicKey})
		k, err := f.resolveKey(ctx, gts.KeyID)
		require.NoError(t, err)
		assert.Equal(t, gts.ID, k.Owner)
		assert.Equal(t, 1, peer.requests("/users/gts/main-key"))
		assert.Equal(t, 1, peer.requests("/users/gts"))
		rec, err := f.st.GetRemoteActor(ctx, gts.ID)
		require.NoError(t, err)
		assert.Equal(t, gts.ID+"/inbox", rec.Inbox, "the full actor is cached, not the stub")
	})

	t.Run("key document naming its owner", func(t *testing.T) {
		kd := peer.addActor("keydoc")
		kd.KeyID = peer.URL + "/keys/keydoc"
		kd.Doc.PublicKey = []vocab.Ref{vocab.ObjectRef(&vocab.Object{ID: kd.KeyID, Owner: kd.ID, PublicKeyPem: kd.PEM})}
		peer.serveObject("/users/keydoc", kd.Doc)
		peer.serveObject("/keys/keydoc", &vocab.Object{ID: kd.KeyID, Type: "Key", Owner: kd.ID, PublicKeyPem: kd.PEM})
		k, err := f.resolveKey(ctx, kd.KeyID)
		require.NoError(t, err)
		assert.Equal(t, kd.ID, k.Owner)
	})

	t.Run("key document whose owner does not list it", func(t *testing.T) {
		victim := peer.addActor("victim")
		_, attackerPEM := func() (*peerActor, string) { a := &peerActor{}; a.setKey(t); return a, a.PEM }()
		peer.serveObject("/keys/forged", &vocab.Object{ID: peer.URL + "/keys/forged", Type: "CryptographicKey",
			Owner: victim.ID, PublicKeyPem: attackerPEM})
		_, err := f.resolveKey(ctx, peer.URL+"/keys/forged")
		require.ErrorIs(t, err, httpsig.ErrUnknownKey)
		_, err = f.st.RemotePublicKey(ctx, peer.URL+"/keys/forged")
		require.ErrorIs(t, err, store.ErrNotFound)
	})

	t.Run("key document whose owner is on another host", func(t *testing.T) {
		other := newFakePeer(t)
		victim := other.addActor("victim")
		peer.serveObject("/keys/cross", &vocab.Object{ID: peer.URL + "/keys/cross", Type: "Key",
			Owner: victim.ID, PublicKeyPem: victim.PEM})
		victim.Doc.PublicKey = append(victim.Doc.PublicKey, vocab.ObjectRef(&vocab.Object{
			ID: peer.URL + "/keys/cross", Owner: victim.ID, PublicKeyPem: victim.PEM}))
		other.serveObject("/users/victim", victim.Doc)
		_, err := f.resolveKey(ctx, peer.URL+"/keys/cross")
		require.ErrorIs(t, err, httpsig.ErrUnknownKey, "an actor vouches only for keys on its own host")
		assert.Zero(t, other.requests(), "the claimed owner is not even asked")
	})

	t.Run("fragment the actor does not list", func(t *testing.T) {
		dan := peer.addActor("dan")
		_, err := f.resolveKey(ctx, dan.ID+"#other-key")
		require.ErrorIs(t, err, httpsig.ErrUnknownKey)
	})

	t.Run("missing", func(t *testing.T) {
		_, err := f.resolveKey(ctx, peer.URL+"/users/nobody#main-key")
		require.ErrorIs(t, err, httpsig.ErrUnknownKey)
		require.ErrorIs(t, err, ErrNotFound)
	})

	t.Run("not a usable key id", func(t *testing.T) {
		for _, id := range []string{"", "main-key", "urn:uuid:1", "ftp://x.example/k"} {
			_, err := f.resolveKey(ctx, id)
			require.ErrorIs(t, err, httpsig.ErrUnknownKey, id)
		}
	})

	t.Run("gone actor never seen", func(t *testing.T) {
		peer.serveStatus("/users/ghost", http.StatusGone)
		_, err := f.resolveKey(ctx, peer.URL+"/users/ghost#main-key")
		require.ErrorIs(t, err, ErrGone)
		require.ErrorIs(t, err, httpsig.ErrUnknownKey)
		var ge *goneKeyError
		require.ErrorAs(t, err, &ge)
		assert.Nil(t, ge.Cached)
	})

	t.Run("gone actor with a stale cached key", func(t *testing.T) {
		eve := peer.addActor("eve")
		_, err := f.resolveKey(ctx, eve.KeyID)
		require.NoError(t, err)
		peer.serveStatus("/users/eve", http.StatusGone)
		k, err := f.resolveKey(ctx, eve.KeyID)
		require.NoError(t, err, "a fresh cached key is used without asking")
		assert.Equal(t, eve.ID, k.Owner)

		clock.Advance(2 * time.Hour)
		_, err = f.resolveKey(ctx, eve.KeyID)
		require.ErrorIs(t, err, ErrGone)
		require.ErrorIs(t, err, httpsig.ErrUnknownKey)
		var ge *goneKeyError
		require.ErrorAs(t, err, &ge)
		require.NotNil(t, ge.Cached, "the key cached before is handed over to check a last Delete")
		assert.Equal(t, eve.ID, ge.Cached.Owner)
		_, err = f.st.RemotePublicKey(ctx, eve.KeyID)
		require.ErrorIs(t, err, store.ErrNotFound, "and forgotten")
	})

	t.Run("stale key refetched, rotated away", func(t *testing.T) {
		fay := peer.addActor("fay")
		_, err := f.resolveKey(ctx, fay.KeyID)
		require.NoError(t, err)
		oldKeyID := fay.KeyID
		fay.KeyID = fay.ID + "#key-2"
		fay.Doc.PublicKey = []vocab.Ref{vocab.ObjectRef(&vocab.Object{ID: fay.KeyID, Owner: fay.ID, PublicKeyPem: fay.PEM})}
		peer.serveObject("/users/fay", fay.Doc)
		clock.Advance(2 * time.Hour)
		_, err = f.resolveKey(ctx, oldKeyID)
		require.ErrorIs(t, err, httpsig.ErrUnknownKey)
		k, err := f.resolveKey(ctx, fay.KeyID)
		require.NoError(t, err)
		assert.Equal(t, fay.ID, k.Owner)
	})
}

func TestResolveLocalKeys(t *testing.T) {
	f := newFetchFed(t, func(c *Config) {
		c.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
			t.Errorf("local key fetched over HTTP: %s", r.URL)
			return nil, errors.New("no network")
		})
	})
	ctx := t.Context()
	require.NoError(t, f.CreateActor(ctx, Actor{Username: "alice"}))

	sk, err := f.SigningKey(ctx, "alice")
	require.NoError(t, err)
	k, err := f.resolveKey(ctx, f.KeyID("alice"))
	require.NoError(t, err)
	assert.Equal(t, f.ActorIRI("alice"), k.Owner)
	assert.True(t, publicOf(t, sk).(interface{ Equal(crypto.PublicKey) bool }).Equal(k.Key))

	keys, err := f.keysOf(ctx, f.ActorIRI("alice"))
	require.NoError(t, err)
	k, err = f.resolveKey(ctx, keys.ed.KeyID)
	require.NoError(t, err)
	assert.True(t, publicOf(t, keys.ed).(interface{ Equal(crypto.PublicKey) bool }).Equal(k.Key))

	ik, err := f.instanceKey(ctx)
	require.NoError(t, err)
	k, err = f.resolveKey(ctx, ik.KeyID)
	require.NoError(t, err)
	assert.Equal(t, f.InstanceActorIRI(), k.Owner)

	for _, id := range []string{f.KeyID("nobody"), f.ActorIRI("alice") + "#nope", f.Origin() + "/objects/x#main-key"} {
		_, err = f.resolveKey(ctx, id)
		require.ErrorIs(t, err, httpsig.ErrUnknownKey, id)
	}
}

func TestVerifierRefetchesRotatedKey(t *testing.T) {
	// A signature that fails with the cached key makes the Verifier ask
	// again: the actor is fetched afresh, and the new key verifies. A
	// second failure within keyRefreshInterval fetches nothing.
	clock := newFakeClock()
	f := newFetchFed(t, func(c *Config) { c.Clock = clock.Now; c.ActorTTL = 24 * time.Hour })
	peer := newFakePeer(t)
	bob := peer.addActor("bob")

	results := make(chan error, 1)
	inbox := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := f.verifier.Verify(r.Context(), r)
		results <- err
		w.WriteHeader(http.StatusAccepted)
	}))
	defer inbox.Close()
	post := func() error {
		t.Helper()
		resp, err := bob.signer(clock.Now).Post(inbox.URL+"/inbox", "application/activity+json", strings.NewReader(`{}`))
		require.NoError(t, err)
		_ = resp.Body.Close()
		return <-results
	}

	require.NoError(t, post())
	assert.Equal(t, 1, peer.requests("/users/bob"))

	// Bob rotates his key (same key id) and publishes it.
	clock.Advance(10 * time.Minute)
	bob.setKey(t)
	bob.Doc.PublicKey = []vocab.Ref{vocab.ObjectRef(&vocab.Object{ID: bob.KeyID, Owner: bob.ID, PublicKeyPem: bob.PEM})}
	peer.serveObject("/users/bob", bob.Doc)
	require.NoError(t, post(), "the new key was fetched after the cached one failed")
	assert.Equal(t, 2, peer.requests("/users/bob"))

	// A signature by a key nobody published fails, and a burst of them
	// costs no fetch within the refresh interval.
	bob.setKey(t)
	for range 5 {
		require.ErrorIs(t, post(), httpsig.ErrBadSignature)
	}
	assert.Equal(t, 2, peer.requests("/users/bob"))
	clock.Advance(2 * time.Minute)
	require.ErrorIs(t, post(), httpsig.ErrBadSignature)
	assert.Equal(t, 3, peer.requests("/users/bob"), "asked again once the interval passed")
}

func TestFetchBetweenNodes(t *testing.T) {
	// Real Federations on loopback: the fetching side signs as its
	// instance actor; the serving side, with authorized fetch on, verifies
	// by resolving that key over HTTP through its own resolveKey.
	for _, tt := range []struct {
		name string
		a, b nodeOptions
	}{
		{name: "RFC 9421 first", a: nodeOptions{}, b: nodeOptions{AuthorizedFetch: true}},
		{name: "server speaks draft-cavage only", a: nodeOptions{SQLite: true}, b: nodeOptions{AuthorizedFetch: true, CavageOnly: true}},
		{name: "client signs draft-cavage only", a: nodeOptions{CavageOnly: true}, b: nodeOptions{AuthorizedFetch: true, SQLite: true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.a.Users = []Actor{{Username: "alice"}}
			tt.b.Users = []Actor{{Username: "bob", Name: "Bob"}}
			a, b := newNode(t, tt.a), newNode(t, tt.b)
			ctx := t.Context()
			bob := b.F.ActorIRI("bob")
			pub := remoteNote(b.F.ObjectIRI("n1"), bob, "")
			putLocal(t, b, pub)
			private := remoteNote(b.F.ObjectIRI("n2"), bob, "")
			private.To = []vocab.Ref{vocab.IRIRef(b.F.FollowersIRI("bob"))}
			putLocal(t, b, private)

			actor, err := a.F.FetchActor(ctx, bob)
			require.NoError(t, err)
			assert.Equal(t, "Bob", actor.Name)
			rec, err := a.Store.GetRemoteActor(ctx, bob)
			require.NoError(t, err)
			assert.Equal(t, b.F.InboxIRI("bob"), rec.Inbox)
			assert.Equal(t, b.F.SharedInboxIRI(), rec.SharedInbox)
			require.NotEmpty(t, rec.Keys)
			assert.Equal(t, b.F.KeyID("bob"), rec.Keys[0].KeyID)

			o, err := a.F.Fetch(ctx, pub.ID)
			require.NoError(t, err)
			assert.Equal(t, pub.ID, o.ID)

			_, err = a.F.Fetch(ctx, private.ID)
			require.Error(t, err, "the instance actor follows nobody")
			var fe *FetchError
			require.ErrorAs(t, err, &fe)
			assert.Contains(t, []int{http.StatusNotFound, http.StatusForbidden, http.StatusUnauthorized}, fe.Status)

			// B resolved A's instance key through resolveKey and cached A.
			_, err = b.Store.GetRemoteActor(ctx, a.F.InstanceActorIRI())
			require.NoError(t, err)

			// And B's keys resolve on A's side as the inbox will need.
			k, err := a.F.resolveKey(ctx, b.F.KeyID("bob"))
			require.NoError(t, err)
			assert.Equal(t, bob, k.Owner)

			got, err := a.F.LookupActor(ctx, b.acct("bob"))
			require.NoError(t, err)
			assert.Equal(t, bob, got.ID)
		})
	}
}

func TestLookupActor(t *testing.T) {
	peer := newFakePeer(t)
	bob := peer.addActor("bob")
	peer.serveObject("/@bob", bob.Doc) // a profile URL answering with the actor
	peer.serveObject("/@liar", remoteNote(peer.URL+"/notes/1", bob.ID, ""))
	peer.serveObject("/notes/1", remoteNote(peer.URL+"/notes/1", bob.ID, ""))
	host := peer.host()
	other := newFakePeer(t)
	carol := other.addActor("carol")
	dave := other.addActor("dave")
	jrd := func(w http.ResponseWriter, subject, actor string) {
		w.Header().Set("Content-Type", "application/jrd+json")
		_, _ = w.Write([]byte(`{"subject":"` + subject + `","links":[{"rel":"self","type":"application/activity+json","href":"` + actor + `"}]}`))
	}
	other.handle("/.well-known/webfinger", func(w http.ResponseWriter, r *http.Request) {
		switch res := r.URL.Query().Get("resource"); res {
		case "acct:carol@" + other.host():
			jrd(w, res, carol.ID)
		case "acct:dave@" + other.host():
			jrd(w, res, carol.ID) // dave's own host does not confirm him
		default:
			http.NotFound(w, r)
		}
	})
	peer.handle("/.well-known/webfinger", func(w http.ResponseWriter, r *http.Request) {
		res := r.URL.Query().Get("resource")
		var actor string
		switch res {
		case "acct:bob@" + host:
			actor = bob.ID
		case "acct:elsewhere@" + host:
			actor = carol.ID
		case "acct:fake@" + host:
			actor = dave.ID
		case "acct:local@" + host:
			actor = "http://starling.test/users/alice"
		case "acct:gone@" + host:
			w.WriteHeader(http.StatusGone)
			return
		default:
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/jrd+json")
		_, _ = w.Write([]byte(`{"subject":"` + res + `","links":[{"rel":"self","type":"application/activity+json","href":"` + actor + `"}]}`))
	})
	f := newFetchFed(t, nil)
	ctx := t.Context()
	require.NoError(t, f.CreateActor(ctx, Actor{Username: "alice"}))

	tests := []struct {
		address string
		want    string
		is      error
	}{
		{address: "@bob@" + host, want: bob.ID},
		{address: "bob@" + host, want: bob.ID},
		{address: "acct:bob@" + host, want: bob.ID},
		{address: "  @bob@" + host + " ", want: bob.ID},
		{address: bob.ID, want: bob.ID},
		{address: peer.URL + "/@bob", want: bob.ID},
		{address: "@elsewhere@" + host, want: carol.ID},
		{address: "@fake@" + host, is: ErrOriginMismatch},
		{address: "@local@" + host, is: ErrOriginMismatch},
		{address: "@alice@starling.test", want: f.ActorIRI("alice")},
		{address: "alice@STARLING.test", want: f.ActorIRI("alice")},
		{address: f.ActorIRI("alice"), want: f.ActorIRI("alice")},
		{address: "@nobody@starling.test", is: ErrNotFound},
		{address: "@nobody@" + host, is: ErrNotFound},
		{address: "@gone@" + host, is: ErrGone},
		{address: peer.URL + "/@liar", is: ErrInvalidActivity},
		{address: peer.URL + "/nothing", is: ErrNotFound},
		{address: "nobody"},
		{address: ""},
		{address: "mailto:bob@" + host},
	}
	for _, tt := range tests {
		t.Run(tt.address, func(t *testing.T) {
			o, err := f.LookupActor(ctx, tt.address)
			if tt.want != "" {
				require.NoError(t, err)
				assert.Equal(t, tt.want, o.ID)
				assert.True(t, o.IsActor())
				return
			}
			require.Error(t, err)
			if tt.is != nil {
				assert.ErrorIs(t, err, tt.is)
			}
		})
	}
	_, err := f.st.GetRemoteActor(ctx, bob.ID)
	require.NoError(t, err, "a looked-up actor is cached")
}

func TestDereference(t *testing.T) {
	peer := newFakePeer(t)
	other := newFakePeer(t)
	bob := peer.addActor("bob")
	carol := other.addActor("carol")
	n1 := remoteNote(peer.URL+"/notes/1", bob.ID, "")
	peer.serveObject("/notes/1", n1)
	n2 := remoteNote(other.URL+"/notes/2", carol.ID, "")
	n2.Content = "the real one"
	other.serveObject("/notes/2", n2)
	f := newFetchFed(t, nil)
	ctx := t.Context()
	require.NoError(t, f.CreateActor(ctx, Actor{Username: "alice"}))
	forged := *n2
	forged.Content = "forged"

	t.Run("embedded from the sender's host is used as is", func(t *testing.T) {
		emb := *n1
		emb.Content = "as sent"
		o, err := f.dereference(ctx, vocab.ObjectRef(&emb), peer.host())
		require.NoError(t, err)
		assert.Equal(t, "as sent", o.Content)
		assert.Zero(t, peer.requests("/notes/1"))
	})
	t.Run("embedded for another host is fetched from its origin", func(t *testing.T) {
		o, err := f.dereference(ctx, vocab.ObjectRef(&forged), peer.host())
		require.NoError(t, err)
		assert.Equal(t, "the real one", o.Content)
		assert.Equal(t, 1, other.requests("/notes/2"))
		so, err := f.st.GetObject(ctx, n2.ID)
		require.NoError(t, err)
		assert.False(t, so.Local)
		assert.False(t, so.Fetched.IsZero())
		assert.Equal(t, vocab.TypeNote, so.Type)
	})
	t.Run("embedded without a trusted host is fetched", func(t *testing.T) {
		emb := *n1
		_, err := f.dereference(ctx, vocab.ObjectRef(&emb), "")
		require.NoError(t, err)
		assert.Equal(t, 1, peer.requests("/notes/1"))
	})
	t.Run("bare IRI", func(t *testing.T) {
		o, err := f.dereference(ctx, vocab.IRIRef(n1.ID), peer.host())
		require.NoError(t, err)
		assert.Equal(t, n1.ID, o.ID)
	})
	t.Run("actor IRI is cached as an actor", func(t *testing.T) {
		o, err := f.dereference(ctx, vocab.IRIRef(carol.ID), peer.host())
		require.NoError(t, err)
		assert.True(t, o.IsActor())
		_, err = f.st.GetRemoteActor(ctx, carol.ID)
		require.NoError(t, err)
	})
	t.Run("local IRI read without HTTP", func(t *testing.T) {
		o, err := f.dereference(ctx, vocab.IRIRef(f.ActorIRI("alice")), peer.host())
		require.NoError(t, err)
		assert.Equal(t, f.ActorIRI("alice"), o.ID)
	})
	t.Run("anonymous embedded value from a sender", func(t *testing.T) {
		ts := &vocab.Object{Type: vocab.TypeTombstone}
		o, err := f.dereference(ctx, vocab.ObjectRef(ts), peer.host())
		require.NoError(t, err)
		assert.Same(t, ts, o)
		_, err = f.dereference(ctx, vocab.ObjectRef(ts), "")
		require.ErrorIs(t, err, ErrInvalidActivity)
	})
	t.Run("nothing", func(t *testing.T) {
		_, err := f.dereference(ctx, vocab.Ref{}, peer.host())
		require.ErrorIs(t, err, ErrInvalidActivity)
	})
	t.Run("gone", func(t *testing.T) {
		peer.serveStatus("/notes/deleted", http.StatusGone)
		_, err := f.dereference(ctx, vocab.IRIRef(peer.URL+"/notes/deleted"), "")
		require.ErrorIs(t, err, ErrGone)
	})
}

func TestFetchAncestors(t *testing.T) {
	peer := newFakePeer(t)
	author := peer.URL + "/users/bob"
	// A chain /notes/1 <- /notes/2 <- ... <- /notes/10.
	path := func(i int) string { return "/notes/" + strconv.Itoa(i) }
	for i := 1; i <= 10; i++ {
		parent := ""
		if i > 1 {
			parent = peer.URL + path(i-1)
		}
		peer.serveObject(path(i), remoteNote(peer.URL+path(i), author, parent))
	}
	leaf := remoteNote(peer.URL+"/notes/11", author, peer.URL+path(10))
	ctx := t.Context()

	t.Run("whole chain within the limit", func(t *testing.T) {
		f := newFetchFed(t, func(c *Config) { c.MaxFetchDepth = 10 })
		require.NoError(t, f.fetchAncestors(ctx, leaf))
		for i := 1; i <= 10; i++ {
			so, err := f.st.GetObject(ctx, peer.URL+path(i))
			require.NoError(t, err, i)
			assert.False(t, so.Local)
		}
		before := peer.requests()
		require.NoError(t, f.fetchAncestors(ctx, leaf))
		assert.Equal(t, before, peer.requests(), "stored ancestors are not fetched again")
	})
	t.Run("too deep", func(t *testing.T) {
		f := newFetchFed(t, func(c *Config) { c.MaxFetchDepth = 3 })
		before := peer.requests()
		require.ErrorIs(t, f.fetchAncestors(ctx, leaf), ErrTooDeep)
		assert.Equal(t, 3, peer.requests()-before)
		for i := 8; i <= 10; i++ {
			_, err := f.st.GetObject(ctx, peer.URL+path(i))
			require.NoError(t, err, i)
		}
		_, err := f.st.GetObject(ctx, peer.URL+path(7))
		require.ErrorIs(t, err, store.ErrNotFound)
	})
	t.Run("off", func(t *testing.T) {
		f := newFetchFed(t, func(c *Config) { c.MaxFetchDepth = -1 })
		before := peer.requests()
		require.NoError(t, f.fetchAncestors(ctx, leaf))
		assert.Equal(t, before, peer.requests())
	})
	t.Run("cycle", func(t *testing.T) {
		peer.serveObject("/loop/a", remoteNote(peer.URL+"/loop/a", author, peer.URL+"/loop/b"))
		peer.serveObject("/loop/b", remoteNote(peer.URL+"/loop/b", author, peer.URL+"/loop/a"))
		f := newFetchFed(t, nil)
		start := remoteNote(peer.URL+"/loop/c", author, peer.URL+"/loop/a")
		require.NoError(t, f.fetchAncestors(ctx, start))
		assert.Equal(t, 1, peer.requests("/loop/a"))
		assert.Equal(t, 1, peer.requests("/loop/b"))
	})
	t.Run("stops at a local ancestor", func(t *testing.T) {
		f := newFetchFed(t, nil)
		before := peer.requests()
		require.NoError(t, f.fetchAncestors(ctx, remoteNote(peer.URL+"/x", author, f.ObjectIRI("mine"))))
		assert.Equal(t, before, peer.requests())
	})
	t.Run("failed fetch", func(t *testing.T) {
		f := newFetchFed(t, nil)
		err := f.fetchAncestors(ctx, remoteNote(peer.URL+"/x", author, peer.URL+"/missing"))
		require.ErrorIs(t, err, ErrNotFound)
	})
}

func FuzzActorRecord(f *testing.F) {
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(f, err)
	pem, err := httpsig.MarshalPublicKeyPEM(pub)
	require.NoError(f, err)
	actor := &vocab.Object{ID: "https://a.example/users/bob", Type: vocab.TypePerson, Inbox: "https://a.example/users/bob/inbox",
		Endpoints: &vocab.Object{SharedInbox: "https://a.example/inbox"},
		PublicKey: []vocab.Ref{
			vocab.ObjectRef(&vocab.Object{ID: "https://a.example/users/bob#main-key", Owner: "https://a.example/users/bob", PublicKeyPem: string(pem)}),
			vocab.ObjectRef(&vocab.Object{ID: "https://b.example/k", Owner: "https://a.example/users/bob", PublicKeyPem: string(pem)}),
		}}
	seed, err := vocab.Marshal(actor)
	require.NoError(f, err)
	f.Add(seed)
	f.Add([]byte(`{"id":"https://a.example/k","type":"Key","owner":"https://a.example/u","publicKeyPem":"x"}`))
	f.Add([]byte(`{"id":"https://a.example/u","type":"Service","inbox":"https://a.example/i","publicKey":"https://a.example/u#k"}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		o, err := vocab.Unmarshal(doc)
		if err != nil {
			return
		}
		_ = keyOwner(o, "https://a.example/users/bob#main-key")
		rec, err := actorRecord(o, doc)
		if err != nil {
			require.ErrorIs(t, err, ErrInvalidActivity)
			return
		}
		require.True(t, vocab.IsActorType(o.Type))
		require.NoError(t, store.ValidateIRI(rec.Inbox))
		seen := map[string]bool{}
		for _, k := range rec.Keys {
			require.False(t, seen[k.KeyID], "key listed twice")
			seen[k.KeyID] = true
			require.True(t, sameHost(k.KeyID, o.ID), "key %s on another host than %s", k.KeyID, o.ID)
			_, err := httpsig.ParsePublicKeyPEM(k.PEM)
			require.NoError(t, err)
			got, ok := actorKey(o, k.KeyID)
			require.True(t, ok)
			require.Equal(t, string(k.PEM), got)
		}
	})
}

func TestRemoteActorKeyMovesToAnotherActor(t *testing.T) {
	// A host that hands a key id from one actor to another: the document
	// fetched last wins, and the earlier actor leaves the cache.
	peer := newFakePeer(t)
	f := newFetchFed(t, nil)
	ctx := t.Context()
	shared := peer.URL + "/keys/shared"
	old := peer.addActor("old")
	old.Doc.PublicKey = []vocab.Ref{vocab.ObjectRef(&vocab.Object{ID: shared, Owner: old.ID, PublicKeyPem: old.PEM})}
	peer.serveObject("/users/old", old.Doc)
	_, err := f.FetchActor(ctx, old.ID)
	require.NoError(t, err)

	renamed := peer.addActor("renamed")
	renamed.Doc.PublicKey = []vocab.Ref{vocab.ObjectRef(&vocab.Object{ID: shared, Owner: renamed.ID, PublicKeyPem: renamed.PEM})}
	peer.serveObject("/users/renamed", renamed.Doc)
	_, err = f.FetchActor(ctx, renamed.ID)
	require.NoError(t, err)

	k, err := f.st.RemotePublicKey(ctx, shared)
	require.NoError(t, err)
	assert.Equal(t, renamed.ID, k.Owner)
	assert.Equal(t, renamed.PEM, string(k.PEM))
	_, err = f.st.GetRemoteActor(ctx, old.ID)
	require.ErrorIs(t, err, store.ErrNotFound)
}

func TestRemoteActorConcurrentFetchesShareOne(t *testing.T) {
	peer := newFakePeer(t)
	bob := peer.addActor("bob")
	raw, err := vocab.Marshal(bob.Doc)
	require.NoError(t, err)
	release := make(chan struct{})
	peer.handle("/users/bob", func(w http.ResponseWriter, r *http.Request) {
		<-release
		w.Header().Set("Content-Type", "application/activity+json")
		_, _ = w.Write(raw)
	})
	f := newFetchFed(t, nil)
	ctx := t.Context()

	const callers = 8
	results := make(chan *vocab.Object, callers)
	errs := make(chan error, callers)
	for range callers {
		go func() {
			o, err := f.remoteActor(ctx, bob.ID, true) // refresh: the cache cannot answer
			results <- o
			errs <- err
		}()
	}
	require.Eventually(t, func() bool { return f.actorFetches.waiting(bob.ID) == callers-1 }, 10*time.Second, time.Millisecond)
	close(release)
	seen := map[*vocab.Object]bool{}
	for range callers {
		require.NoError(t, <-errs)
		o := <-results
		require.Equal(t, bob.ID, o.ID)
		assert.False(t, seen[o], "every caller has its own copy")
		seen[o] = true
	}
	assert.Equal(t, 1, peer.requests("/users/bob"))
}

func TestFlightsWaiterCancelled(t *testing.T) {
	var g flights
	started, release := make(chan struct{}), make(chan struct{})
	go func() {
		_, _ = g.do(context.Background(), "k", func() (*vocab.Object, []byte, error) {
			close(started)
			<-release
			return &vocab.Object{ID: "x"}, []byte(`{"id":"x"}`), nil
		}, nil)
	}()
	<-started
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, err := g.do(ctx, "k", nil, nil)
		done <- err
	}()
	require.Eventually(t, func() bool { return g.waiting("k") == 1 }, 10*time.Second, time.Millisecond)
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
	assert.Zero(t, g.waiting("k"))
	close(release)
}

func TestFlightsLeaderCancelled(t *testing.T) {
	// The fetch a caller waited for ended with its leader's context: a
	// waiter whose own context is live fetches again itself.
	var g flights
	started, release := make(chan struct{}), make(chan struct{})
	go func() {
		_, _ = g.do(context.Background(), "k", func() (*vocab.Object, []byte, error) {
			close(started)
			<-release
			return nil, nil, context.Canceled
		}, nil)
	}()
	<-started
	done := make(chan error, 1)
	var got *vocab.Object
	go func() {
		var err error
		got, err = g.do(t.Context(), "k", func() (*vocab.Object, []byte, error) {
			return &vocab.Object{ID: "mine"}, []byte(`{"id":"mine"}`), nil
		}, nil)
		done <- err
	}()
	require.Eventually(t, func() bool { return g.waiting("k") == 1 }, 10*time.Second, time.Millisecond)
	close(release)
	require.NoError(t, <-done)
	assert.Equal(t, "mine", got.ID)
}

// BenchmarkKeyResolution compares the three ways a remote key is found:
// the Verifier's in-memory cache, the store's cached actor (after a
// restart), and fetching the actor over loopback HTTP (a signed GET, a
// decode and a store write). It reports how many store lookups one fetch
// costs and how many cache hits one store lookup costs.
func BenchmarkKeyResolution(b *testing.B) {
	peer := newFakePeer(b)
	bob := peer.addActor("bob")
	f := newFetchFed(b, nil)
	ctx := b.Context()
	r := keyResolver{f}
	_, err := r.ResolveKey(ctx, bob.KeyID)
	require.NoError(b, err)

	per := func(n int, fn func()) time.Duration {
		start := time.Now()
		for range n {
			fn()
		}
		return time.Since(start) / time.Duration(n)
	}
	var cache, stored, fetched time.Duration
	for b.Loop() {
		cache += per(1000, func() { _, _ = r.ResolveKey(ctx, bob.KeyID) })
		stored += per(100, func() { _, _ = f.resolveKey(ctx, bob.KeyID) })
		fetched += per(10, func() {
			_, _ = f.resolveKey(context.WithValue(ctx, refreshCtxKey{}, true), bob.KeyID)
		})
	}
	b.ReportMetric(float64(cache.Nanoseconds())/float64(b.N), "cache-ns/key")
	b.ReportMetric(float64(stored.Nanoseconds())/float64(b.N), "store-ns/key")
	b.ReportMetric(float64(fetched.Nanoseconds())/float64(b.N), "fetch-ns/key")
	b.ReportMetric(float64(fetched)/float64(stored), "fetch/store")
	b.ReportMetric(float64(stored)/float64(cache), "store/cache")
}
