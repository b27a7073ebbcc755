package nodeinfo

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
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

var errNotDialled = errors.New("recorded, not dialled")

// peers is one TLS server answering for many *.example.com names, reached
// through a resolver that maps those names to loopback (and
// private.example.com to 10.0.0.9) and a dialer that records every
// address but connects only to loopback.
type peers struct {
	mux    *http.ServeMux
	srv    *httptest.Server
	mu     sync.Mutex
	dialed []string
}

func newPeers(t *testing.T) *peers {
	p := &peers{mux: http.NewServeMux()}
	p.srv = httptest.NewTLSServer(p.mux)
	t.Cleanup(p.srv.Close)
	return p
}

func (p *peers) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	switch {
	case host == "private.example.com":
		return []netip.Addr{netip.MustParseAddr("10.0.0.9")}, nil
	case host == "example.com" || strings.HasSuffix(host, ".example.com"):
		return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

func (p *peers) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	p.mu.Lock()
	p.dialed = append(p.dialed, address)
	p.mu.Unlock()
	if ap, err := netip.ParseAddrPort(address); err != nil || !ap.Addr().IsLoopback() {
		return nil, errNotDialled
	}
	var d net.Dialer
	return d.DialContext(ctx, network, p.srv.Listener.Addr().String())
}

func (p *peers) client(t *testing.T) *Client {
	roots := x509.NewCertPool()
	roots.AddCert(p.srv.Certificate())
	tlsConfig := p.srv.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
	tlsConfig.RootCAs = roots
	hc, err := safehttp.New(safehttp.Config{
		AllowedPrefixes: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")},
		Resolver:        p, Dialer: p, TLSConfig: tlsConfig,
	})
	require.NoError(t, err)
	return &Client{HTTPClient: hc}
}

func (p *peers) serve(host string, h http.Handler) {
	p.mux.Handle(host+"/", h)
}

func body(contentType, s string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		_, _ = io.WriteString(w, s)
	}
}

func discovery(links string) http.HandlerFunc {
	return body("application/json", `{"links":[`+links+`]}`)
}

func TestClientFetch(t *testing.T) {
	p := newPeers(t)
	doc := validDoc("")
	p.serve("both.example.com", &Handler{Document: figures(doc, nil)})

	// Only 2.0 offered, in Mastodon's fashion.
	only20 := http.NewServeMux()
	only20.Handle("GET /.well-known/nodeinfo", discovery(`{"rel":"http://nodeinfo.diaspora.software/ns/schema/2.0","href":"https://only20.example.com/nodeinfo/2.0"}`))
	only20.Handle("GET /nodeinfo/", &Handler{Document: figures(doc, nil)})
	p.serve("only20.example.com", only20)

	// Documents on another host, reached through a redirect.
	p.serve("split.example.com", http.RedirectHandler("https://both.example.com/.well-known/nodeinfo", http.StatusMovedPermanently))

	// The same with a relative link, which is relative to the host that
	// answered discovery, not to the one asked.
	relative := http.NewServeMux()
	relative.Handle("GET /.well-known/nodeinfo", discovery(`{"rel":"http://nodeinfo.diaspora.software/ns/schema/2.1","href":"/ni/2.1"}`))
	relative.Handle("GET /ni/", &Handler{Document: figures(doc, nil), Path: "/ni/"})
	p.serve("relative.example.com", relative)
	p.serve("delegating.example.com", http.RedirectHandler("https://relative.example.com/.well-known/nodeinfo", http.StatusFound))

	tests := []struct {
		host    string
		version string
	}{
		{"both.example.com", Version21},
		{"only20.example.com", Version20},
		{"split.example.com", Version21},
		{"delegating.example.com", Version21},
	}
	c := p.client(t)
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			got, err := c.Fetch(t.Context(), tt.host)
			require.NoError(t, err)
			assert.Equal(t, tt.version, got.Version)
			assert.Equal(t, "starling", got.Software.Name)
			assert.Equal(t, int64(12), got.Usage.Users.Total)
			assert.Equal(t, "Starling test", got.Metadata["nodeName"])
			if tt.version == Version20 {
				assert.Empty(t, got.Software.Repository)
			} else {
				assert.Equal(t, "https://example.com/", got.Software.Homepage)
			}
		})
	}
}

func TestClientFetchVersionLabels(t *testing.T) {
	// Peers read a document whatever 2.x version it states; a missing
	// version is the one it was linked as.
	p := newPeers(t)
	for host, doc := range map[string]string{
		"says20.example.com":   `{"version":"2.0","software":{"name":"x","version":"1"}}`,
		"saysnone.example.com": `{"software":{"name":"x","version":"1"}}`,
		"says21.example.com":   `{"version":"2.1","software":{"name":"x","version":"1"}}`,
	} {
		mux := http.NewServeMux()
		mux.Handle("GET /.well-known/nodeinfo", discovery(`{"rel":"http://nodeinfo.diaspora.software/ns/schema/2.1","href":"/doc"}`))
		mux.Handle("GET /doc", body("application/json", doc))
		p.serve(host, mux)
	}
	c := p.client(t)
	for host, want := range map[string]string{"says20.example.com": Version20, "saysnone.example.com": Version21, "says21.example.com": Version21} {
		got, err := c.Fetch(t.Context(), host)
		require.NoError(t, err, host)
		assert.Equal(t, want, got.Version, host)
		assert.Equal(t, "x", got.Software.Name)
	}
}

func TestClientFetchHostile(t *testing.T) {
	p := newPeers(t)
	p.serve("missing.example.com", http.NotFoundHandler())
	p.serve("badreq.example.com", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(400) }))
	p.serve("down.example.com", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }))
	p.serve("old.example.com", discovery(`{"rel":"http://nodeinfo.diaspora.software/ns/schema/1.0","href":"https://old.example.com/1.0"}`))
	p.serve("nolinks.example.com", discovery(``))
	p.serve("html.example.com", body("text/html", `<html></html>`))
	p.serve("notjrd.example.com", body("application/json", `[1,2]`))
	p.serve("tohttp.example.com", discovery(`{"rel":"http://nodeinfo.diaspora.software/ns/schema/2.1","href":"http://tohttp.example.com/ni"}`))
	p.serve("toprivate.example.com", discovery(`{"rel":"http://nodeinfo.diaspora.software/ns/schema/2.1","href":"https://private.example.com/ni"}`))
	p.serve("tometadata.example.com", discovery(`{"rel":"http://nodeinfo.diaspora.software/ns/schema/2.1","href":"https://169.254.169.254/latest"}`))
	p.serve("redirprivate.example.com", http.RedirectHandler("https://10.1.1.1/.well-known/nodeinfo", http.StatusFound))
	p.serve("loop.example.com", http.RedirectHandler("https://loop.example.com/.well-known/nodeinfo", http.StatusFound))
	p.serve("js.example.com", discovery(`{"rel":"http://nodeinfo.diaspora.software/ns/schema/2.1","href":"javascript:alert(1)"}`))

	wrong := http.NewServeMux()
	wrong.Handle("GET /.well-known/nodeinfo", discovery(`{"rel":"http://nodeinfo.diaspora.software/ns/schema/2.1","href":"https://wrong.example.com/doc"}`))
	wrong.Handle("GET /doc", body("application/json", `{"version":"3.0","software":{"name":"x","version":"1"}}`))
	p.serve("wrong.example.com", wrong)

	textdoc := http.NewServeMux()
	textdoc.Handle("GET /.well-known/nodeinfo", discovery(`{"rel":"http://nodeinfo.diaspora.software/ns/schema/2.1","href":"/doc"}`))
	textdoc.Handle("GET /doc", body("text/plain", `{"version":"2.1","software":{"name":"x","version":"1"}}`))
	p.serve("textdoc.example.com", textdoc)

	noname := http.NewServeMux()
	noname.Handle("GET /.well-known/nodeinfo", discovery(`{"rel":"http://nodeinfo.diaspora.software/ns/schema/2.1","href":"/doc"}`))
	noname.Handle("GET /doc", body("application/json", `{"version":"2.1","software":{}}`))
	p.serve("noname.example.com", noname)

	huge := http.NewServeMux()
	huge.Handle("GET /.well-known/nodeinfo", discovery(`{"rel":"http://nodeinfo.diaspora.software/ns/schema/2.1","href":"/doc"}`))
	huge.Handle("GET /doc", body("application/json", `{"version":"2.1","metadata":{"x":"`+strings.Repeat("a", DefaultMaxBodyBytes)+`"}}`))
	p.serve("huge.example.com", huge)

	mistyped := http.NewServeMux()
	mistyped.Handle("GET /.well-known/nodeinfo", discovery(`{"rel":"http://nodeinfo.diaspora.software/ns/schema/2.1","href":"/doc"}`))
	mistyped.Handle("GET /doc", body("application/json", `{"version":"2.1","software":{"name":"x"},"usage":{"users":{"total":"12"}}}`))
	p.serve("mistyped.example.com", mistyped)

	tests := []struct {
		host    string
		wantErr error
		message string // part of the error text, if set
	}{
		{"mistyped.example.com", ErrBadResponse, "users.total"},
		{"missing.example.com", ErrNotFound, ""},
		{"badreq.example.com", ErrNotFound, ""},
		{"down.example.com", ErrBadResponse, ""},
		{"old.example.com", ErrUnsupported, ""},
		{"nolinks.example.com", ErrUnsupported, ""},
		{"html.example.com", ErrBadResponse, ""},
		{"notjrd.example.com", ErrBadResponse, ""},
		{"tohttp.example.com", ErrSchemeNotAllowed, ""},
		{"toprivate.example.com", ErrPrivateAddress, ""},
		{"tometadata.example.com", ErrPrivateAddress, ""},
		{"redirprivate.example.com", ErrPrivateAddress, ""},
		{"loop.example.com", ErrTooManyRedirects, ""},
		{"js.example.com", ErrSchemeNotAllowed, ""},
		{"wrong.example.com", ErrBadResponse, ""},
		{"textdoc.example.com", ErrBadResponse, ""},
		{"noname.example.com", ErrBadResponse, ""},
		{"huge.example.com", ErrBodyTooLarge, ""},
		{"private.example.com", ErrPrivateAddress, ""},
		{"", ErrInvalidHost, ""},
		{"example.com/path", ErrInvalidHost, ""},
		{"user@example.com", ErrInvalidHost, ""},
		{"example.com?x", ErrInvalidHost, ""},
		{"exa mple.com", ErrInvalidHost, ""},
	}
	c := p.client(t)
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			doc, err := c.Fetch(t.Context(), tt.host)
			require.Error(t, err)
			assert.Nil(t, doc)
			assert.ErrorIs(t, err, tt.wantErr)
			assert.Contains(t, err.Error(), tt.message)
		})
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, a := range p.dialed {
		assert.True(t, netip.MustParseAddrPort(a).Addr().IsLoopback(), "dialled %s", a)
	}
}

func TestClientDefaultRefusesLoopback(t *testing.T) {
	srv := httptest.NewTLSServer(&Handler{Document: figures(validDoc(""), nil)})
	defer srv.Close()
	var c Client
	_, err := c.Fetch(t.Context(), strings.TrimPrefix(srv.URL, "https://"))
	require.ErrorIs(t, err, ErrPrivateAddress)
	var e *Error
	require.ErrorAs(t, err, &e)
}

func TestClientChecksRedirectsOfCallersHTTPClient(t *testing.T) {
	// A caller's own client follows redirects by net/http's rules (ten of
	// them, to any scheme); the Client must still check every hop.
	p := newPeers(t)
	p.serve("down.example.com", http.RedirectHandler("http://down.example.com/.well-known/nodeinfo", http.StatusFound))
	p.serve("chain.example.com", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Path+"x", http.StatusFound)
	}))
	roots := x509.NewCertPool()
	roots.AddCert(p.srv.Certificate())
	var mu sync.Mutex
	var dialed []string
	hc := &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: roots},
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			mu.Lock()
			dialed = append(dialed, addr)
			mu.Unlock()
			var d net.Dialer
			return d.DialContext(ctx, network, p.srv.Listener.Addr().String())
		},
	}}
	c := &Client{HTTPClient: hc}
	_, err := c.Fetch(t.Context(), "down.example.com")
	require.ErrorIs(t, err, ErrSchemeNotAllowed)
	_, err = c.Fetch(t.Context(), "chain.example.com")
	require.ErrorIs(t, err, ErrTooManyRedirects)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, http.StatusFound, e.Status)
	mu.Lock()
	defer mu.Unlock()
	assert.NotContains(t, dialed, "down.example.com:80", "never followed the downgrade")
}
