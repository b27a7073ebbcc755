package safehttp

import (
	"context"
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
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeResolver answers from a table and counts lookups.
type fakeResolver struct {
	mu      sync.Mutex
	answers map[string][]string
	lookups []string
}

func (r *fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lookups = append(r.lookups, host)
	ans, ok := r.answers[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	var out []netip.Addr
	for _, a := range ans {
		out = append(out, netip.MustParseAddr(a))
	}
	return out, nil
}

var errRecorded = errors.New("recorded, not dialled")

// recordingDialer records every address it is asked to dial. It connects
// for real only to loopback addresses, so tests never send a packet
// anywhere else; every other dial fails with errRecorded.
type recordingDialer struct {
	mu     sync.Mutex
	dialed []string
}

func (d *recordingDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	d.mu.Lock()
	d.dialed = append(d.dialed, address)
	d.mu.Unlock()
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return nil, fmt.Errorf("dialer got a name, not an address: %q", address)
	}
	if !ap.Addr().IsLoopback() {
		return nil, errRecorded
	}
	var nd net.Dialer
	return nd.DialContext(ctx, network, address)
}

func (d *recordingDialer) addrs() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.dialed...)
}

func loopbackOnly() []netip.Prefix {
	return []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
}

func get(t *testing.T, c *http.Client, url string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	require.NoError(t, err)
	resp, err := c.Do(req)
	if resp != nil {
		t.Cleanup(func() { _ = resp.Body.Close() })
	}
	return resp, err
}

func TestDialRefusesPrivateAfterResolution(t *testing.T) {
	resolver := &fakeResolver{answers: map[string][]string{
		"internal.example":  {"10.0.0.7"},
		"metadata.example":  {"169.254.169.254"},
		"mixed.example":     {"93.184.216.34", "127.0.0.1"},
		"v6local.example":   {"fd00::1"},
		"mapped.example":    {"::ffff:192.168.0.1"},
		"nat64.example":     {"64:ff9b::a9fe:a9fe"},
		"public.example":    {"93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"},
		"public-v6.example": {"2606:2800:220:1:248:1893:25c8:1946"},
	}}
	tests := []struct {
		url     string
		wantErr error
		dialed  []string
	}{
		{"https://internal.example/", ErrPrivateAddress, nil},
		{"https://metadata.example/latest/meta-data/", ErrPrivateAddress, nil},
		{"https://mixed.example/", ErrPrivateAddress, nil},
		{"https://v6local.example/", ErrPrivateAddress, nil},
		{"https://mapped.example/", ErrPrivateAddress, nil},
		{"https://nat64.example/", ErrPrivateAddress, nil},
		{"https://127.0.0.1/", ErrPrivateAddress, nil},
		{"https://[::1]:8443/", ErrPrivateAddress, nil},
		{"https://169.254.169.254/", ErrPrivateAddress, nil},
		{"https://0.0.0.0/", ErrPrivateAddress, nil},
		{"https://[::]/", ErrPrivateAddress, nil},
		{"https://[::ffff:127.0.0.1]/", ErrPrivateAddress, nil},
		{"https://[::ffff:a9fe:a9fe]/", ErrPrivateAddress, nil},
		{"https://[64:ff9b::7f00:1]/", ErrPrivateAddress, nil},
		{"https://[2002:7f00:1::1]/", ErrPrivateAddress, nil},
		{"https://[fe80::1%25eth0]/", ErrPrivateAddress, nil},
		{"https://[fd00::1%25eth0]:8443/", ErrPrivateAddress, nil},
		{"http://public.example/", ErrSchemeNotAllowed, nil},
		{"ftp://public.example/", ErrSchemeNotAllowed, nil},
		{"https://public.example/", errRecorded, []string{"93.184.216.34:443", "[2606:2800:220:1:248:1893:25c8:1946]:443"}},
		{"https://public-v6.example:8443/x", errRecorded, []string{"[2606:2800:220:1:248:1893:25c8:1946]:8443"}},
		{"https://93.184.216.34/", errRecorded, []string{"93.184.216.34:443"}},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			dialer := &recordingDialer{}
			c, err := New(Config{Resolver: resolver, Dialer: dialer})
			require.NoError(t, err)
			resp, err := get(t, c, tt.url)
			require.Error(t, err)
			assert.Nil(t, resp)
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
			}
			assert.Equal(t, tt.dialed, dialer.addrs(), "dialled addresses")
		})
	}
}

func TestDialRefusesNumericHosts(t *testing.T) {
	// inet_aton and browsers read these as IPv4 addresses; Go does not
	// parse them as literals, so without a check they would reach the
	// resolver, and a C resolver answers 127.0.0.1 for "0x7f.1".
	tests := []struct {
		url  string
		addr string // the address the host stands for, "" if none
	}{
		{"https://0x7f.1/", "127.0.0.1"},
		{"https://2130706433/", "127.0.0.1"},
		{"https://0177.0.0.1/", "127.0.0.1"},
		{"https://127.1/", "127.0.0.1"},
		{"https://0x7f000001/", "127.0.0.1"},
		{"https://0xA9.0xFE.0xA9.0xFE/", "169.254.169.254"},
		{"https://012.0.0.1:8443/", "10.0.0.1"},
		{"https://1572395042/", "93.184.216.34"},
		{"https://evil.example.0x10/", ""},
		{"https://99999999999/", ""},
		{"https://1.2.3.4.5/", ""},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			resolver := &fakeResolver{answers: map[string][]string{}}
			dialer := &recordingDialer{}
			c, err := New(Config{Resolver: resolver, Dialer: dialer})
			require.NoError(t, err)
			_, err = get(t, c, tt.url)
			require.ErrorIs(t, err, ErrPrivateAddress)
			var ae *AddressError
			if tt.addr != "" {
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, tt.addr, ae.Addr.String())
			} else {
				assert.False(t, errors.As(err, &ae))
			}
			assert.Empty(t, resolver.lookups, "never asked the resolver")
			assert.Empty(t, dialer.addrs(), "never dialled")
		})
	}
}

func TestEnvironmentProxyIgnored(t *testing.T) {
	// A proxy would dial addresses the guard never saw; the environment's
	// proxy settings must not reach the transport.
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("proxy reached for %s", r.URL)
	}))
	defer proxy.Close()
	for _, name := range []string{"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"} {
		t.Setenv(name, proxy.URL)
	}
	t.Setenv("NO_PROXY", "")
	resolver := &fakeResolver{answers: map[string][]string{"public.example": {"93.184.216.34"}}}
	dialer := &recordingDialer{}
	c, err := New(Config{Resolver: resolver, Dialer: dialer, InsecureAllowHTTP: true})
	require.NoError(t, err)
	for _, u := range []string{"https://public.example/", "http://public.example/"} {
		_, err = get(t, c, u)
		require.ErrorIs(t, err, errRecorded)
	}
	assert.Equal(t, []string{"93.184.216.34:443", "93.184.216.34:80"}, dialer.addrs(), "dialled the host, not the proxy")
}

func TestDialResolvesOnce(t *testing.T) {
	// A rebinding resolver would answer differently the second time; the
	// transport must dial the address it checked and never resolve again.
	resolver := &fakeResolver{answers: map[string][]string{"rebind.example": {"93.184.216.34"}}}
	dialer := &recordingDialer{}
	c, err := New(Config{Resolver: resolver, Dialer: dialer})
	require.NoError(t, err)
	_, err = get(t, c, "https://rebind.example/")
	require.ErrorIs(t, err, errRecorded)
	assert.Equal(t, []string{"rebind.example"}, resolver.lookups)
	assert.Equal(t, []string{"93.184.216.34:443"}, dialer.addrs())
}

func TestInsecureAllowPrivateAddresses(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "ok "+r.Header.Get("User-Agent"))
	}))
	defer srv.Close()

	tlsConfig := srv.Client().Transport.(*http.Transport).TLSClientConfig

	refused, err := New(Config{TLSConfig: tlsConfig, Dialer: &recordingDialer{}})
	require.NoError(t, err)
	_, err = get(t, refused, srv.URL)
	require.ErrorIs(t, err, ErrPrivateAddress)

	for name, cfg := range map[string]Config{
		"insecure": {InsecureAllowPrivateAddresses: true, TLSConfig: tlsConfig, Dialer: &recordingDialer{}},
		"prefixes": {AllowedPrefixes: loopbackOnly(), TLSConfig: tlsConfig, Dialer: &recordingDialer{}},
	} {
		t.Run(name, func(t *testing.T) {
			c, err := New(cfg)
			require.NoError(t, err)
			resp, err := get(t, c, srv.URL)
			require.NoError(t, err)
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			assert.Equal(t, "ok Starling", string(body))
		})
	}
}

func TestRedirects(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/to-private", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://internal.example/admin", http.StatusFound)
	})
	mux.HandleFunc("/to-metadata", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/latest/", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/loop-a", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop-b", http.StatusFound)
	})
	mux.HandleFunc("/loop-b", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop-a", http.StatusFound)
	})
	mux.HandleFunc("/chain/{n}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/chain/"+r.PathValue("n")+"x", http.StatusTemporaryRedirect)
	})
	mux.HandleFunc("/to-ftp", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "ftp://example.com/", http.StatusFound)
	})
	mux.HandleFunc("/hop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/final", http.StatusFound)
	})
	mux.HandleFunc("/final", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "final")
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	resolver := &fakeResolver{answers: map[string][]string{"internal.example": {"10.9.8.7"}}}
	tests := []struct {
		path    string
		max     int
		wantErr error
	}{
		{"/to-private", 0, ErrPrivateAddress},
		{"/to-metadata", 0, ErrPrivateAddress},
		{"/loop-a", 0, ErrTooManyRedirects},
		{"/chain/0", 0, ErrTooManyRedirects},
		{"/chain/0", 2, ErrTooManyRedirects},
		{"/to-ftp", 0, ErrSchemeNotAllowed},
		{"/hop", 0, nil},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s max %d", tt.path, tt.max), func(t *testing.T) {
			dialer := &recordingDialer{}
			c, err := New(Config{InsecureAllowHTTP: true, AllowedPrefixes: loopbackOnly(),
				Resolver: resolver, Dialer: dialer, MaxRedirects: tt.max})
			require.NoError(t, err)
			resp, err := get(t, c, srv.URL+tt.path)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				for _, a := range dialer.addrs() {
					assert.True(t, netip.MustParseAddrPort(a).Addr().IsLoopback(), "dialled %s", a)
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
		})
	}

	t.Run("no redirects followed", func(t *testing.T) {
		c, err := New(Config{InsecureAllowHTTP: true, AllowedPrefixes: loopbackOnly(), MaxRedirects: -1})
		require.NoError(t, err)
		resp, err := get(t, c, srv.URL+"/hop")
		require.NoError(t, err)
		assert.Equal(t, http.StatusFound, resp.StatusCode)
	})

	t.Run("https downgraded to http", func(t *testing.T) {
		tls := httptest.NewTLSServer(http.RedirectHandler(srv.URL+"/final", http.StatusFound))
		defer tls.Close()
		c, err := New(Config{AllowedPrefixes: loopbackOnly(),
			TLSConfig: tls.Client().Transport.(*http.Transport).TLSClientConfig})
		require.NoError(t, err)
		_, err = get(t, c, tls.URL)
		require.ErrorIs(t, err, ErrSchemeNotAllowed)

		// Allowing plain http for test servers does not allow a downgrade.
		c, err = New(Config{AllowedPrefixes: loopbackOnly(), InsecureAllowHTTP: true,
			TLSConfig: tls.Client().Transport.(*http.Transport).TLSClientConfig})
		require.NoError(t, err)
		_, err = get(t, c, tls.URL)
		require.ErrorIs(t, err, ErrSchemeNotAllowed)
	})

	t.Run("user information in Location", func(t *testing.T) {
		srv := httptest.NewServer(http.RedirectHandler("http://trusted.example@127.0.0.1/", http.StatusFound))
		defer srv.Close()
		dialer := &recordingDialer{}
		c, err := New(Config{InsecureAllowHTTP: true, AllowedPrefixes: loopbackOnly(), Dialer: dialer})
		require.NoError(t, err)
		_, err = get(t, c, srv.URL)
		require.ErrorIs(t, err, ErrSchemeNotAllowed)
		assert.Len(t, dialer.addrs(), 1, "only the first server was dialled")
	})
}

func TestBodyCap(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/declared", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "5000")
		_, _ = w.Write(make([]byte, 5000))
	})
	mux.HandleFunc("/streamed", func(w http.ResponseWriter, r *http.Request) {
		for range 10 {
			_, _ = w.Write(make([]byte, 500))
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/exact", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write(make([]byte, 1000))
		w.(http.Flusher).Flush()
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c, err := New(Config{InsecureAllowHTTP: true, InsecureAllowPrivateAddresses: true, MaxBodyBytes: 1000})
	require.NoError(t, err)

	_, err = get(t, c, srv.URL+"/declared")
	require.ErrorIs(t, err, ErrBodyTooLarge)

	resp, err := get(t, c, srv.URL+"/streamed")
	require.NoError(t, err)
	_, err = io.ReadAll(resp.Body)
	require.ErrorIs(t, err, ErrBodyTooLarge)

	resp, err = get(t, c, srv.URL+"/exact")
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Len(t, body, 1000)
}

func TestHeaderCap(t *testing.T) {
	// The body cap means little if a server may send megabytes of
	// headers instead.
	mux := http.NewServeMux()
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		for i := range 40 {
			w.Header().Set(fmt.Sprintf("X-Filler-%d", i), strings.Repeat("a", 4000))
		}
	})
	mux.HandleFunc("/normal", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", strings.Repeat("a", 8000))
	})
	srv := httptest.NewUnstartedServer(mux)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the client hangs up on purpose
	srv.Start()
	defer srv.Close()
	c, err := New(Config{InsecureAllowHTTP: true, InsecureAllowPrivateAddresses: true})
	require.NoError(t, err)
	_, err = get(t, c, srv.URL+"/big")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "header")
	resp, err := get(t, c, srv.URL+"/normal")
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}

func TestSlowServerHonoursContext(t *testing.T) {
	arrived := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(arrived) })
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)

	c, err := New(Config{InsecureAllowHTTP: true, InsecureAllowPrivateAddresses: true})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		<-arrived
		cancel()
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	require.NoError(t, err)
	_, err = c.Do(req)
	require.ErrorIs(t, err, context.Canceled)
}

func TestNewRejectsInvalidPrefix(t *testing.T) {
	_, err := New(Config{AllowedPrefixes: []netip.Prefix{{}}})
	require.Error(t, err)
}

func TestCheckURL(t *testing.T) {
	tests := []struct {
		url       string
		allowHTTP bool
		ok        bool
	}{
		{"https://example.com/", false, true},
		{"HTTPS://example.com/", false, true},
		{"http://example.com/", false, false},
		{"http://example.com/", true, true},
		{"https:///path", false, false},
		{"javascript:alert(1)", true, false},
		{"file:///etc/passwd", true, false},
		{"https://trusted.example@evil.example/", false, false},
		{"https://user:secret@example.com/", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			u, err := parseURL(tt.url)
			require.NoError(t, err)
			err = CheckURL(u, tt.allowHTTP)
			if tt.ok {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, ErrSchemeNotAllowed)
			}
		})
	}
}

func TestUserAgentKept(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, r.Header.Get("User-Agent"))
	}))
	defer srv.Close()
	c, err := New(Config{InsecureAllowHTTP: true, InsecureAllowPrivateAddresses: true, UserAgent: "host/1.0"})
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL, nil)
	require.NoError(t, err)
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	assert.Equal(t, "host/1.0", string(b))

	req.Header.Set("User-Agent", "mine")
	resp2, err := c.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp2.Body.Close() }()
	b, _ = io.ReadAll(resp2.Body)
	assert.True(t, strings.HasPrefix(string(b), "mine"))
}

func TestTimeoutBoundsSilentServer(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)

	// The server never answers; the client's own deadline ends the wait
	// without the caller's context having one.
	c, err := New(Config{InsecureAllowHTTP: true, InsecureAllowPrivateAddresses: true, Timeout: 50 * time.Millisecond})
	require.NoError(t, err)
	_, err = get(t, c, srv.URL)
	require.Error(t, err)
	var netErr net.Error
	require.ErrorAs(t, err, &netErr)
	assert.True(t, netErr.Timeout())
}
