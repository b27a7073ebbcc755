package webfinger

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/internal/safehttp"
)

// world is a small fake internet: one TLS server answering for several
// host names (its certificate covers example.com and *.example.com), a
// resolver that maps those names to loopback and a few to private
// addresses, and a dialer that reaches the server for loopback and only
// records every other address.
type world struct {
	t      *testing.T
	mux    *http.ServeMux
	srv    *httptest.Server
	mu     sync.Mutex
	dialed []string
}

var errNotDialled = errors.New("recorded, not dialled")

func newWorld(t *testing.T) *world {
	w := &world{t: t, mux: http.NewServeMux()}
	w.srv = httptest.NewUnstartedServer(w.mux)
	w.srv.Config.ErrorLog = log.New(io.Discard, "", 0) // clients hang up on purpose
	w.srv.StartTLS()
	t.Cleanup(w.srv.Close)
	return w
}

func (w *world) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	switch {
	case host == "private.example.com":
		return []netip.Addr{netip.MustParseAddr("10.0.0.5")}, nil
	case host == "rebind.example.com":
		return []netip.Addr{netip.MustParseAddr("93.184.216.34"), netip.MustParseAddr("169.254.169.254")}, nil
	case host == "example.com" || strings.HasSuffix(host, ".example.com"):
		return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

func (w *world) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	w.mu.Lock()
	w.dialed = append(w.dialed, address)
	w.mu.Unlock()
	ap, err := netip.ParseAddrPort(address)
	if err != nil || !ap.Addr().IsLoopback() {
		return nil, errNotDialled
	}
	var d net.Dialer
	return d.DialContext(ctx, network, w.srv.Listener.Addr().String())
}

// client returns a Client whose guarded HTTP client trusts the test
// certificate and admits loopback only.
func (w *world) client() *Client {
	pool := x509.NewCertPool()
	pool.AddCert(w.srv.Certificate())
	tlsConfig := w.srv.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
	tlsConfig.RootCAs = pool
	hc, err := safehttp.New(safehttp.Config{
		AllowedPrefixes: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")},
		Resolver:        w,
		Dialer:          w,
		TLSConfig:       tlsConfig,
		MaxRedirects:    -1,
	})
	require.NoError(w.t, err)
	return &Client{HTTPClient: hc}
}

func (w *world) handle(pattern string, h http.HandlerFunc) { w.mux.HandleFunc(pattern, h) }

// serveJRD answers WebFinger on host with the given JRDs by subject.
func (w *world) serveJRD(host string, jrds map[string]*JRD) {
	w.mux.Handle(host+WellKnownPath, &Handler{Lookup: func(_ context.Context, r Resource) (*JRD, error) {
		if j, ok := jrds[r.URI]; ok {
			return j, nil
		}
		return nil, ErrNotFound
	}})
}

func (w *world) privateDials() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for _, a := range w.dialed {
		if ap, err := netip.ParseAddrPort(a); err != nil || !ap.Addr().IsLoopback() {
			out = append(out, a)
		}
	}
	return out
}

func actor(acct, host, user string) *JRD {
	return NewActorJRD(acct, "https://"+host+"/users/"+user, "https://"+host+"/@"+user, "")
}

func TestResolveMastodonFixture(t *testing.T) {
	w := newWorld(t)
	_, body := readFixture(t, "fixture-activitypub-webfinger.txt")
	w.handle("GET ap.example.com/.well-known/webfinger", func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("resource") != "acct:foo@ap.example.com" {
			http.NotFound(rw, r)
			return
		}
		rw.Header().Set("Content-Type", "application/jrd+json; charset=utf-8")
		_, _ = rw.Write(body)
	})
	c := w.client()
	for _, addr := range []string{"@foo@ap.example.com", "foo@ap.example.com", "acct:foo@ap.example.com", "FOO@AP.example.com"} {
		t.Run(addr, func(t *testing.T) {
			res, err := c.Resolve(t.Context(), addr)
			if addr == "FOO@AP.example.com" {
				// The server only knows the lower-case resource.
				require.ErrorIs(t, err, ErrNotFound)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, "https://ap.example.com/users/foo", res.Actor)
			assert.Equal(t, "acct:foo@ap.example.com", res.Subject)
			assert.Equal(t, "foo@ap.example.com", res.Account())
			assert.Equal(t, "https://ap.example.com/@foo", res.JRD.ProfilePage())
		})
	}
}

func TestResolveSplitDomain(t *testing.T) {
	// Accounts are alice@example.com; the server is social.example.com.
	w := newWorld(t)
	alice := actor("alice@example.com", "social.example.com", "alice")
	w.serveJRD("social.example.com", map[string]*JRD{
		"acct:alice@example.com":                 alice,
		"acct:alice@social.example.com":          alice,
		"https://social.example.com/@alice":      alice,
		"https://social.example.com/users/alice": alice,
	})
	w.handle("GET example.com/.well-known/webfinger", func(rw http.ResponseWriter, r *http.Request) {
		http.Redirect(rw, r, "https://social.example.com"+r.URL.RequestURI(), http.StatusMovedPermanently)
	})
	c := w.client()

	for _, addr := range []string{"alice@example.com", "alice@social.example.com", "https://social.example.com/@alice", "https://social.example.com/users/alice"} {
		t.Run(addr, func(t *testing.T) {
			res, err := c.Resolve(t.Context(), addr)
			require.NoError(t, err)
			assert.Equal(t, "acct:alice@example.com", res.Subject)
			assert.Equal(t, "https://social.example.com/users/alice", res.Actor)
		})
	}

}

func TestResolveHostMetaFallback(t *testing.T) {
	w := newWorld(t)
	w.handle("GET example.com/.well-known/webfinger", func(rw http.ResponseWriter, r *http.Request) { http.NotFound(rw, r) })
	w.mux.Handle("GET example.com"+HostMetaPath, &HostMetaHandler{
		Template: "https://social.example.com/wf?resource={uri}",
	})
	alice := actor("alice@example.com", "social.example.com", "alice")
	w.mux.Handle("GET social.example.com/wf", &Handler{Lookup: func(_ context.Context, r Resource) (*JRD, error) {
		if r.URI == "acct:alice@example.com" {
			return alice, nil
		}
		return nil, ErrNotFound
	}})
	c := w.client()
	res, err := c.Resolve(t.Context(), "@alice@example.com")
	require.NoError(t, err)
	assert.Equal(t, "https://social.example.com/users/alice", res.Actor)

	_, err = c.Resolve(t.Context(), "@bob@example.com")
	require.ErrorIs(t, err, ErrNotFound)
	var wfErr *Error
	require.ErrorAs(t, err, &wfErr)
	assert.Equal(t, http.StatusNotFound, wfErr.Status)
	assert.Contains(t, wfErr.URL, "social.example.com/wf")

	// A host-meta that points back at the standard URL is not tried twice.
	w.handle("GET other.example.com/.well-known/webfinger", func(rw http.ResponseWriter, r *http.Request) { http.NotFound(rw, r) })
	w.mux.Handle("GET other.example.com"+HostMetaPath, &HostMetaHandler{})
	_, err = c.Resolve(t.Context(), "@bob@other.example.com")
	require.ErrorIs(t, err, ErrNotFound)
}

func TestLookupHostMetaPathTemplateWithRel(t *testing.T) {
	// A template may carry the resource in its path; rel parameters then
	// start the query rather than extend one.
	w := newWorld(t)
	w.handle("GET example.com/.well-known/webfinger", func(rw http.ResponseWriter, r *http.Request) { http.NotFound(rw, r) })
	w.mux.Handle("GET example.com"+HostMetaPath, &HostMetaHandler{Template: "https://social.example.com/wf/{uri}"})
	alice := actor("alice@example.com", "social.example.com", "alice")
	w.handle("GET social.example.com/wf/{resource}", func(rw http.ResponseWriter, r *http.Request) {
		if r.PathValue("resource") != "acct:alice@example.com" {
			http.NotFound(rw, r)
			return
		}
		body, _ := json.Marshal(alice.FilterRels(r.URL.Query()["rel"]))
		rw.Header().Set("Content-Type", MediaTypeJRD)
		_, _ = rw.Write(body)
	})
	c := w.client()
	j, err := c.Lookup(t.Context(), "alice@example.com", RelSelf, RelProfilePage)
	require.NoError(t, err)
	assert.Len(t, j.Links, 2)
	assert.Equal(t, "https://social.example.com/users/alice", j.ActorIRI())
}

func TestResolveStatus(t *testing.T) {
	w := newWorld(t)
	statuses := map[string]int{"notfound": 404, "gone": 410, "error": 500, "bad": 400, "teapot": 418, "unavailable": 503}
	for host, status := range statuses {
		w.handle("GET "+host+".example.com/", func(rw http.ResponseWriter, r *http.Request) {
			rw.WriteHeader(status)
		})
	}
	c := w.client()
	for host, status := range statuses {
		t.Run(host, func(t *testing.T) {
			_, err := c.Resolve(t.Context(), "alice@"+host+".example.com")
			require.Error(t, err)
			var wfErr *Error
			require.ErrorAs(t, err, &wfErr)
			switch status {
			case 404:
				assert.ErrorIs(t, err, ErrNotFound)
			case 410:
				assert.ErrorIs(t, err, ErrGone)
			default:
				assert.ErrorIs(t, err, ErrBadResponse)
			}
			assert.Equal(t, status, wfErr.Status)
			assert.Contains(t, err.Error(), fmt.Sprint(status))
		})
	}
}

func TestResolveHostile(t *testing.T) {
	w := newWorld(t)
	jrdWith := func(j string) http.HandlerFunc {
		return func(rw http.ResponseWriter, r *http.Request) {
			rw.Header().Set("Content-Type", MediaTypeJRD)
			_, _ = io.WriteString(rw, j)
		}
	}
	w.handle("GET huge.example.com/", func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", MediaTypeJRD)
		_, _ = io.WriteString(rw, `{"subject":"acct:alice@huge.example.com","aliases":[`)
		chunk := `"https://huge.example.com/` + strings.Repeat("a", 1000) + `",`
		for range 2000 {
			if _, err := io.WriteString(rw, chunk); err != nil {
				return
			}
		}
	})
	w.handle("GET declared.example.com/", func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", MediaTypeJRD)
		rw.Header().Set("Content-Length", "100000000")
	})
	w.handle("GET toprivate.example.com/", func(rw http.ResponseWriter, r *http.Request) {
		http.Redirect(rw, r, "https://private.example.com/.well-known/webfinger?"+r.URL.RawQuery, http.StatusFound)
	})
	w.handle("GET tometadata.example.com/", func(rw http.ResponseWriter, r *http.Request) {
		http.Redirect(rw, r, "https://169.254.169.254/latest/meta-data/", http.StatusTemporaryRedirect)
	})
	w.handle("GET torebind.example.com/", func(rw http.ResponseWriter, r *http.Request) {
		http.Redirect(rw, r, "https://rebind.example.com/", http.StatusFound)
	})
	w.handle("GET tohttp.example.com/", func(rw http.ResponseWriter, r *http.Request) {
		http.Redirect(rw, r, "http://tohttp.example.com/plain", http.StatusFound)
	})
	w.handle("GET loop.example.com/", func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/b" {
			http.Redirect(rw, r, "/.well-known/webfinger?"+r.URL.RawQuery, http.StatusFound)
			return
		}
		http.Redirect(rw, r, "/b?"+r.URL.RawQuery, http.StatusFound)
	})
	w.handle("GET chain.example.com/", func(rw http.ResponseWriter, r *http.Request) {
		http.Redirect(rw, r, r.URL.Path+"x?"+r.URL.RawQuery, http.StatusFound)
	})
	w.handle("GET hmprivate.example.com/.well-known/webfinger", func(rw http.ResponseWriter, r *http.Request) { http.NotFound(rw, r) })
	w.mux.Handle("GET hmprivate.example.com"+HostMetaPath, &HostMetaHandler{Template: "https://private.example.com/wf?resource={uri}"})
	w.handle("GET nolocation.example.com/", func(rw http.ResponseWriter, r *http.Request) { rw.WriteHeader(http.StatusFound) })
	w.handle("GET html.example.com/", func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "text/html")
		_, _ = io.WriteString(rw, `{"subject":"acct:alice@html.example.com","links":[{"rel":"self","type":"application/activity+json","href":"https://html.example.com/users/alice"}]}`)
	})
	w.handle("GET notype.example.com/", func(rw http.ResponseWriter, r *http.Request) {
		rw.Header()["Content-Type"] = nil
		_, _ = io.WriteString(rw, `{"subject":"acct:alice@notype.example.com"}`)
	})
	w.handle("GET notjson.example.com/", jrdWith(`<html>not json</html>`))
	w.handle("GET array.example.com/", jrdWith(`[]`))
	w.handle("GET nosubject.example.com/", jrdWith(`{"links":[{"rel":"self","type":"application/activity+json","href":"https://nosubject.example.com/users/alice"}]}`))
	w.handle("GET badsubject.example.com/", jrdWith(`{"subject":"acct:@@","links":[{"rel":"self","type":"application/activity+json","href":"https://badsubject.example.com/users/alice"}]}`))
	w.handle("GET noself.example.com/", jrdWith(`{"subject":"acct:alice@noself.example.com","links":[{"rel":"http://webfinger.net/rel/profile-page","href":"https://noself.example.com/@alice"}]}`))
	w.handle("GET htmlself.example.com/", jrdWith(`{"subject":"acct:alice@htmlself.example.com","links":[{"rel":"self","type":"text/html","href":"https://htmlself.example.com/users/alice"}]}`))
	w.handle("GET httpself.example.com/", jrdWith(`{"subject":"acct:alice@httpself.example.com","links":[{"rel":"self","type":"application/activity+json","href":"http://httpself.example.com/users/alice"}]}`))
	w.handle("GET jsself.example.com/", jrdWith(`{"subject":"acct:alice@jsself.example.com","links":[{"rel":"self","type":"application/activity+json","href":"javascript:alert(1)"}]}`))
	w.handle("GET relself.example.com/", jrdWith(`{"subject":"acct:alice@relself.example.com","links":[{"rel":"self","type":"application/activity+json","href":"/users/alice"}]}`))
	// other.example.com answers for alice with mallory, who is unknown.
	w.serveJRD("other.example.com", map[string]*JRD{"acct:alice@other.example.com": actor("mallory@other.example.com", "other.example.com", "mallory")})
	w.handle("GET urlsubject.example.com/", jrdWith(`{"subject":"https://urlsubject.example.com/users/alice","links":[{"rel":"self","type":"application/activity+json","href":"https://urlsubject.example.com/users/alice"}]}`))
	// hijack.example.com claims its account lives on victim.example.com,
	// whose own answer names a different actor.
	w.handle("GET hijack.example.com/", jrdWith(`{"subject":"acct:alice@victim.example.com","links":[{"rel":"self","type":"application/activity+json","href":"https://hijack.example.com/users/alice"}]}`))
	w.serveJRD("victim.example.com", map[string]*JRD{"acct:alice@victim.example.com": actor("alice@victim.example.com", "victim.example.com", "alice")})
	w.serveJRD("profile.example.com", map[string]*JRD{
		"https://profile.example.com/@bob": actor("alice@profile.example.com", "profile.example.com", "alice"),
	})

	tests := []struct {
		addr    string
		wantErr error
	}{
		{"alice@huge.example.com", ErrBodyTooLarge},
		{"alice@declared.example.com", ErrBodyTooLarge},
		{"alice@toprivate.example.com", ErrPrivateAddress},
		{"alice@tometadata.example.com", ErrPrivateAddress},
		{"alice@torebind.example.com", ErrPrivateAddress},
		{"alice@private.example.com", ErrPrivateAddress},
		{"alice@hmprivate.example.com", ErrPrivateAddress},
		{"alice@tohttp.example.com", ErrSchemeNotAllowed},
		{"alice@loop.example.com", ErrTooManyRedirects},
		{"alice@chain.example.com", ErrTooManyRedirects},
		{"alice@nolocation.example.com", ErrBadResponse},
		{"alice@html.example.com", ErrBadResponse},
		{"alice@notype.example.com", ErrBadResponse},
		{"alice@notjson.example.com", ErrBadResponse},
		{"alice@array.example.com", ErrBadResponse},
		{"alice@nosubject.example.com", ErrBadResponse},
		{"alice@badsubject.example.com", ErrBadResponse},
		{"alice@noself.example.com", ErrBadResponse},
		{"alice@htmlself.example.com", ErrBadResponse},
		{"alice@httpself.example.com", ErrSchemeNotAllowed},
		{"alice@jsself.example.com", ErrBadResponse},
		{"alice@relself.example.com", ErrBadResponse},
		{"alice@other.example.com", ErrMismatch},
		{"alice@urlsubject.example.com", ErrMismatch},
		{"alice@hijack.example.com", ErrMismatch},
		{"https://profile.example.com/@bob", ErrMismatch},
		{"alice@unknown.invalid", nil}, // DNS failure
		{"alice@127.0.0.2", nil},       // loopback literal admitted; nothing listens on :443 there
		{"alice@10.0.0.1", ErrPrivateAddress},
		{"alice@[fd00::1]", ErrPrivateAddress},
		{"mailto:alice@example.com", ErrInvalidAddress},
		{"alice", ErrInvalidAddress},
		{"acct:alice@@example.com", ErrInvalidAddress},
		{"alice@ex ample.com", ErrInvalidAddress},
		{"ålice@example.com", ErrInvalidAddress},
		{"alice@" + strings.Repeat("a.", 600) + "com", ErrInvalidAddress},
	}
	c := w.client()
	for _, tt := range tests {
		name := tt.addr
		if len(name) > 60 {
			name = name[:60]
		}
		t.Run(name, func(t *testing.T) {
			res, err := c.Resolve(t.Context(), tt.addr)
			require.Error(t, err)
			assert.Nil(t, res)
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
			}
		})
	}
	assert.NotContains(t, strings.Join(w.privateDials(), " "), "10.0.0.", "never dialled a private address")
	assert.NotContains(t, strings.Join(w.privateDials(), " "), "169.254.", "never dialled link-local")
	assert.Empty(t, w.privateDials())
}

func TestResolveSlowServer(t *testing.T) {
	w := newWorld(t)
	arrived := make(chan struct{}, 1)
	release := make(chan struct{})
	defer close(release)
	w.handle("GET slow.example.com/", func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", MediaTypeJRD)
		_, _ = io.WriteString(rw, `{"subject":`)
		rw.(http.Flusher).Flush()
		select {
		case arrived <- struct{}{}:
		default:
		}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	c := w.client()
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		<-arrived
		cancel()
	}()
	_, err := c.Resolve(ctx, "alice@slow.example.com")
	require.ErrorIs(t, err, context.Canceled)
	var wfErr *Error
	require.ErrorAs(t, err, &wfErr)
}

func TestLookupRel(t *testing.T) {
	w := newWorld(t)
	w.serveJRD("example.com", map[string]*JRD{"acct:alice@example.com": actor("alice@example.com", "example.com", "alice")})
	c := w.client()
	j, err := c.Lookup(t.Context(), "acct:alice@example.com", RelSelf)
	require.NoError(t, err)
	require.Len(t, j.Links, 1)
	assert.Equal(t, "https://example.com/users/alice", j.ActorIRI())

	j, err = c.Lookup(t.Context(), "https://example.com/users/alice")
	require.ErrorIs(t, err, ErrNotFound)
	assert.Nil(t, j)

	_, err = c.Lookup(t.Context(), "mailto:alice@example.com")
	require.ErrorIs(t, err, ErrInvalidAddress)
}

func TestClientDefaultRefusesLoopback(t *testing.T) {
	// The zero Client refuses the loopback test server outright.
	srv := httptest.NewTLSServer(&Handler{})
	defer srv.Close()
	var c Client
	host := strings.TrimPrefix(srv.URL, "https://")
	_, err := c.Resolve(t.Context(), "alice@"+host)
	require.ErrorIs(t, err, ErrPrivateAddress)
}

func TestClientMaxRedirects(t *testing.T) {
	w := newWorld(t)
	w.handle("GET hop.example.com/", func(rw http.ResponseWriter, r *http.Request) {
		http.Redirect(rw, r, "https://example.com"+r.URL.RequestURI(), http.StatusFound)
	})
	w.serveJRD("example.com", map[string]*JRD{"acct:alice@hop.example.com": actor("alice@hop.example.com", "example.com", "alice")})
	c := w.client()
	_, err := c.Resolve(t.Context(), "alice@hop.example.com")
	require.NoError(t, err)

	c = w.client()
	c.MaxRedirects = -1
	_, err = c.Resolve(t.Context(), "alice@hop.example.com")
	require.ErrorIs(t, err, ErrTooManyRedirects)
}

func TestClientMaxBodyBytes(t *testing.T) {
	w := newWorld(t)
	w.serveJRD("example.com", map[string]*JRD{"acct:alice@example.com": actor("alice@example.com", "example.com", "alice")})
	c := w.client()
	c.MaxBodyBytes = 50
	_, err := c.Resolve(t.Context(), "alice@example.com")
	require.ErrorIs(t, err, ErrBodyTooLarge)
}

func TestResolveRenamedSubject(t *testing.T) {
	// A server may answer with a canonical account that differs from the
	// one asked about (renamed, case-folded); it is accepted when that
	// account confirms itself and the same actor.
	w := newWorld(t)
	canonical := actor("Alice@example.com", "example.com", "Alice")
	w.serveJRD("example.com", map[string]*JRD{
		"acct:alice@example.com":  canonical,
		"acct:Alice@example.com":  canonical,
		"acct:alias@example.com":  canonical,
		"acct:liar@example.com":   actor("Alice@example.com", "example.com", "liar"),
		"acct:orphan@example.com": actor("ghost@example.com", "example.com", "ghost"),
	})
	c := w.client()
	for _, addr := range []string{"alice@example.com", "alias@example.com"} {
		res, err := c.Resolve(t.Context(), addr)
		require.NoError(t, err, addr)
		assert.Equal(t, "acct:Alice@example.com", res.Subject)
		assert.Equal(t, "https://example.com/users/Alice", res.Actor)
	}
	_, err := c.Resolve(t.Context(), "liar@example.com")
	require.ErrorIs(t, err, ErrMismatch)
	_, err = c.Resolve(t.Context(), "orphan@example.com")
	require.ErrorIs(t, err, ErrMismatch)
	require.ErrorIs(t, err, ErrNotFound)
}

func TestResolveIDN(t *testing.T) {
	// An address typed with a Unicode host is asked of the punycode host,
	// and the JRD's punycode subject matches it.
	w := newWorld(t)
	w.serveJRD("xn--bcher-kva.example.com", map[string]*JRD{
		"acct:alice@xn--bcher-kva.example.com": actor("alice@xn--bcher-kva.example.com", "xn--bcher-kva.example.com", "alice"),
	})
	c := w.client()
	for _, addr := range []string{"@alice@bücher.example.com", "alice@BÜCHER.example.com", "alice@xn--bcher-kva.example.com"} {
		t.Run(addr, func(t *testing.T) {
			res, err := c.Resolve(t.Context(), addr)
			require.NoError(t, err)
			assert.Equal(t, "https://xn--bcher-kva.example.com/users/alice", res.Actor)
			assert.Equal(t, "alice@xn--bcher-kva.example.com", res.Account())
		})
	}
	_, err := c.Resolve(t.Context(), "alice@b\u200dücher.example.com")
	require.ErrorIs(t, err, ErrInvalidAddress)
}

func TestResolveURLMentionedInOtherForm(t *testing.T) {
	// A JRD may write the URL asked about with its host in upper case or
	// in Unicode; it still names that URL.
	w := newWorld(t)
	carol := &JRD{
		Subject: "acct:carol@xn--bcher-kva.example.com",
		Aliases: []string{"https://BÜCHER.example.com/@carol"},
		Links:   []Link{{Rel: RelSelf, Type: MediaTypeActivity, Href: "https://xn--bcher-kva.example.com/users/carol"}},
	}
	w.serveJRD("xn--bcher-kva.example.com", map[string]*JRD{
		"https://xn--bcher-kva.example.com/@carol": carol,
		"acct:carol@xn--bcher-kva.example.com":     carol,
	})
	c := w.client()
	res, err := c.Resolve(t.Context(), "https://bücher.example.com/@carol")
	require.NoError(t, err)
	assert.Equal(t, "https://xn--bcher-kva.example.com/users/carol", res.Actor)
	assert.Equal(t, "carol@xn--bcher-kva.example.com", res.Account())
}
