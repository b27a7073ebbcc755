package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub"
	"github.com/starling-fed/starling/activitypub/vocab"
	"github.com/starling-fed/starling/examples/internal/peer"
	"github.com/starling-fed/starling/internal/pgtest"
)

// wait bounds each wait for something to arrive over loopback.
const wait = 15 * time.Second

// TestMicroblog runs the microblog as deployed: plain HTTP behind a reverse
// proxy that terminates TLS and keeps the Host header. A peer follows the
// user through the proxy; a post made with the form reaches the peer and
// shows on the page. It runs on SQLite, and on PostgreSQL when
// STARLING_POSTGRES_URL is set.
func TestMicroblog(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			cfg := config{Data: t.TempDir(), User: "me", Name: "Me, myself", Password: "pw", AllowPrivate: true}
			if backend == "postgres" {
				cfg.DB = pgtest.URL(t)
				cfg.DBSchema = pgtest.Schema(t, cfg.DB, "microblog")
			}
			testMicroblog(t, cfg)
		})
	}
}

func testMicroblog(t *testing.T, cfg config) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	proxy := startProxy(t, ln.Addr().String())
	cfg.Domain = strings.TrimPrefix(proxy.URL, "https://")
	pool := x509.NewCertPool()
	pool.AddCert(proxy.Certificate())
	cfg.TLSConfig = &tls.Config{RootCAs: pool}

	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- serve(ctx, cfg, ln) }()
	t.Cleanup(func() {
		cancel()
		assert.NoError(t, <-served, "graceful shutdown")
	})

	// A peer that trusts the proxy's certificate follows the user.
	pat := peer.Start(t, "pat", cfg.TLSConfig)
	me := proxy.URL + "/users/me"
	_, err = pat.Fed.Follow(ctx, pat.User, me)
	require.NoError(t, err)
	pat.WaitFor(t, wait, "the Accept", func(in *activitypub.Inbound) bool {
		return in.Activity.Type == vocab.TypeAccept && vocab.First(in.Activity.Actor).ID() == me
	})

	client := proxy.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	// Posting needs the password.
	resp, err := client.PostForm(proxy.URL+"/post", url.Values{"password": {"wrong"}, "text": {"hi"}})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)

	resp, err = client.PostForm(proxy.URL+"/post", url.Values{"password": {"pw"}, "text": {"Hello from behind the proxy <3\n\nSecond paragraph."}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)

	in := pat.WaitFor(t, wait, "the post", func(in *activitypub.Inbound) bool {
		return in.Activity.Type == vocab.TypeCreate && in.Object != nil && vocab.First(in.Object.AttributedTo).ID() == me
	})
	assert.Equal(t, "<p>Hello from behind the proxy &lt;3</p><p>Second paragraph.</p>", in.Object.Content)
	assert.True(t, strings.HasPrefix(in.Object.ID, proxy.URL+"/"), "ids use the public origin, not the listen address: %s", in.Object.ID)

	// The page lists it, with the form.
	resp, err = client.Get(proxy.URL + "/")
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	page := string(body)
	assert.Contains(t, page, "Hello from behind the proxy &lt;3")
	assert.Contains(t, page, "@me@"+cfg.Domain)
	assert.Contains(t, page, `action="/post"`)
}

// startProxy starts a TLS-terminating reverse proxy in front of backend,
// configured as the README asks: the Host header passed unchanged, the
// X-Forwarded-* headers set.
func startProxy(t *testing.T, backend string) *httptest.Server {
	target := &url.URL{Scheme: "http", Host: backend}
	proxy := httptest.NewTLSServer(&httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(target)
		pr.Out.Host = pr.In.Host
		pr.SetXForwarded()
	}})
	t.Cleanup(proxy.Close)
	return proxy
}

func TestParseFlags(t *testing.T) {
	env := map[string]string{"STARLING_DOMAIN": "env.example", "STARLING_DATA": "/var/lib/mb", "STARLING_PASSWORD": "pw"}
	cfg, err := parseFlags([]string{"-user", "ann"}, func(k string) string { return env[k] }, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, config{Domain: "env.example", Data: "/var/lib/mb", Listen: "127.0.0.1:8080", User: "ann", Password: "pw"}, cfg)

	cfg, err = parseFlags([]string{"-domain", "flag.example", "-db", "postgres://db/x"}, func(k string) string { return env[k] }, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "flag.example", cfg.Domain, "a flag overrides its variable")
	assert.Equal(t, "postgres://db/x", cfg.DB)

	_, err = parseFlags(nil, func(string) string { return "" }, io.Discard)
	assert.ErrorContains(t, err, "STARLING_DOMAIN")
}
