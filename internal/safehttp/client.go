package safehttp

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Defaults used when the matching [Config] field is zero.
const (
	DefaultMaxRedirects = 5
	DefaultMaxBodyBytes = 1 << 20 // 1 MiB
	DefaultTimeout      = 30 * time.Second
	DefaultDialTimeout  = 10 * time.Second

	// MaxHeaderBytes caps a response's header block. net/http's own
	// default is 10 MiB; real servers and their proxies send a few KiB.
	MaxHeaderBytes = 64 << 10
)

// Resolver looks up the addresses of a host name. *net.Resolver satisfies
// it. Implementations must honour ctx.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Dialer opens a connection. *net.Dialer satisfies it. The guarded
// transport only ever passes it an address of the form "ip:port" that has
// passed [CheckAddr] (or an allowed prefix).
type Dialer interface {
	DialContext(ctx context.Context, network, address string) (net.Conn, error)
}

// Config configures the client [New] builds. The zero value is the secure
// production setting.
type Config struct {
	// InsecureAllowPrivateAddresses turns the address check off: loopback,
	// private and reserved addresses are dialled. Only for tests and
	// single-machine demos.
	InsecureAllowPrivateAddresses bool

	// InsecureAllowHTTP permits plain http:// URLs and redirects to them.
	// If false, only https:// is fetched.
	InsecureAllowHTTP bool

	// AllowedPrefixes lists networks that are dialled even though
	// [CheckAddr] refuses them, such as a trusted relay on a private
	// network. Empty means none.
	AllowedPrefixes []netip.Prefix

	// Resolver resolves host names. If nil, net.DefaultResolver is used.
	Resolver Resolver

	// Dialer opens connections to checked addresses. If nil, a net.Dialer
	// with DefaultDialTimeout is used.
	Dialer Dialer

	// TLSConfig is used for https connections. If nil, the system roots
	// and Go's defaults are used.
	TLSConfig *tls.Config

	// MaxRedirects caps the redirects followed per request. If zero,
	// DefaultMaxRedirects; if negative, no redirect is followed (the 3xx
	// response is returned to the caller).
	MaxRedirects int

	// MaxBodyBytes caps every response body: reading past it fails with
	// ErrBodyTooLarge, and a larger Content-Length fails at once. If zero,
	// DefaultMaxBodyBytes; if negative, bodies are not capped.
	MaxBodyBytes int64

	// Timeout bounds each request including redirects and reading the
	// body, as http.Client.Timeout does. If zero, DefaultTimeout; if
	// negative, no timeout beyond the request's context.
	Timeout time.Duration

	// UserAgent is sent when a request has no User-Agent of its own. If
	// empty, "Starling".
	UserAgent string

	// Logger receives a debug record for every refused address. If nil,
	// nothing is logged.
	Logger *slog.Logger
}

// New returns an *http.Client that enforces cfg on every request and
// every redirect. It fails only if cfg is inconsistent.
func New(cfg Config) (*http.Client, error) {
	for _, p := range cfg.AllowedPrefixes {
		if !p.IsValid() {
			return nil, fmt.Errorf("safehttp: invalid allowed prefix %v", p)
		}
	}
	g := &guard{cfg: cfg}
	if g.cfg.Resolver == nil {
		g.cfg.Resolver = net.DefaultResolver
	}
	if g.cfg.Dialer == nil {
		g.cfg.Dialer = &net.Dialer{Timeout: DefaultDialTimeout, KeepAlive: 30 * time.Second}
	}
	if g.cfg.MaxBodyBytes == 0 {
		g.cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if g.cfg.UserAgent == "" {
		g.cfg.UserAgent = "Starling"
	}
	if g.cfg.Logger == nil {
		g.cfg.Logger = slog.New(slog.DiscardHandler)
	}
	var tlsConfig *tls.Config
	if cfg.TLSConfig != nil {
		tlsConfig = cfg.TLSConfig.Clone()
	}
	base := &http.Transport{
		Proxy:                  nil, // a proxy would dial addresses we never checked
		DialContext:            g.dial,
		TLSClientConfig:        tlsConfig,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           100,
		MaxIdleConnsPerHost:    4,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    10 * time.Second,
		ResponseHeaderTimeout:  20 * time.Second,
		MaxResponseHeaderBytes: MaxHeaderBytes,
		ExpectContinueTimeout:  time.Second,
	}
	timeout := cfg.Timeout
	switch {
	case timeout == 0:
		timeout = DefaultTimeout
	case timeout < 0:
		timeout = 0
	}
	maxRedirects := cfg.MaxRedirects
	if maxRedirects == 0 {
		maxRedirects = DefaultMaxRedirects
	}
	return &http.Client{
		Transport: &transport{guard: g, base: base},
		Timeout:   timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if maxRedirects < 0 {
				return http.ErrUseLastResponse
			}
			if len(via) > maxRedirects {
				return fmt.Errorf("%w (limit %d)", ErrTooManyRedirects, maxRedirects)
			}
			for _, prev := range via {
				if prev.URL.String() == req.URL.String() {
					return fmt.Errorf("%w: redirect loop back to %s", ErrTooManyRedirects, req.URL.Redacted())
				}
			}
			if via[len(via)-1].URL.Scheme == "https" && req.URL.Scheme != "https" {
				return fmt.Errorf("%w: redirect from https to %s", ErrSchemeNotAllowed, req.URL.Redacted())
			}
			return g.checkScheme(req.URL)
		},
	}, nil
}

// guard holds the effective configuration.
type guard struct {
	cfg Config
}

// CheckURL reports whether u may be fetched: an absolute https URL (or
// http if allowHTTP) with a host and without user information, which
// would only be sent to the server as credentials and lets
// "https://trusted.example@evil.example/" pass a glance. It does not
// resolve the host. Errors wrap [ErrSchemeNotAllowed].
func CheckURL(u *url.URL, allowHTTP bool) error {
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !allowHTTP {
			return fmt.Errorf("%w: %s (only https)", ErrSchemeNotAllowed, u.Redacted())
		}
	default:
		return fmt.Errorf("%w: %q", ErrSchemeNotAllowed, u.Scheme)
	}
	if u.Host == "" {
		return fmt.Errorf("%w: %s has no host", ErrSchemeNotAllowed, u.Redacted())
	}
	if u.User != nil {
		return fmt.Errorf("%w: %s has user information", ErrSchemeNotAllowed, u.Redacted())
	}
	return nil
}

func (g *guard) checkScheme(u *url.URL) error { return CheckURL(u, g.cfg.InsecureAllowHTTP) }

// allowed reports whether ip may be dialled, with the refusal if not.
func (g *guard) allowed(host string, ip netip.Addr) error {
	if g.cfg.InsecureAllowPrivateAddresses {
		return nil
	}
	ip = ip.WithZone("")
	for _, p := range g.cfg.AllowedPrefixes {
		if p.Contains(ip) || (ip.Is4In6() && p.Contains(ip.Unmap())) {
			return nil
		}
	}
	if err := CheckAddr(ip); err != nil {
		var ae *AddressError
		if errors.As(err, &ae) {
			ae.Host = host
		}
		g.cfg.Logger.Debug("safehttp: refused address", "host", host, "addr", ip.String(), "error", err)
		return err
	}
	return nil
}

// dial resolves host once, checks every address, and dials the checked
// addresses in turn, never the name.
func (g *guard) dial(ctx context.Context, network, address string) (net.Conn, error) {
	host, portStr, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	port, err := strconv.ParseUint(portStr, 10, 16)
	if err != nil {
		return nil, fmt.Errorf("safehttp: bad port in %q", address)
	}
	var addrs []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		if err := g.allowed("", ip); err != nil {
			return nil, err
		}
		addrs = []netip.Addr{ip}
	} else if IsNumericHost(host) && !g.cfg.InsecureAllowPrivateAddresses {
		// "0x7f.1" or "2130706433" is loopback to inet_aton and to
		// browsers; never let a resolver decide what it means.
		err := fmt.Errorf("%w: numeric host %q is not a valid IPv4 address", ErrPrivateAddress, host)
		if ip, ok := parseNumericIPv4(host); ok {
			err = &AddressError{Host: host, Addr: ip, Reason: "written in non-standard IPv4 notation"}
		}
		g.cfg.Logger.Debug("safehttp: refused address", "host", host, "error", err)
		return nil, err
	} else {
		lookupNet := "ip"
		switch network {
		case "tcp4":
			lookupNet = "ip4"
		case "tcp6":
			lookupNet = "ip6"
		}
		addrs, err = g.cfg.Resolver.LookupNetIP(ctx, lookupNet, host)
		if err != nil {
			return nil, err
		}
		if len(addrs) == 0 {
			return nil, &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}
		}
		// Refuse the host as a whole if any answer is refused: a name that
		// mixes public and private answers is an attack, not a mistake.
		for _, ip := range addrs {
			if err := g.allowed(host, ip); err != nil {
				return nil, err
			}
		}
	}
	var firstErr error
	for _, ip := range addrs {
		conn, err := g.cfg.Dialer.DialContext(ctx, network, netip.AddrPortFrom(ip.Unmap(), uint16(port)).String())
		if err == nil {
			return conn, nil
		}
		if firstErr == nil {
			firstErr = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, firstErr
}

// transport checks the scheme, sets a User-Agent and caps the body.
type transport struct {
	guard *guard
	base  http.RoundTripper
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.guard.checkScheme(req.URL); err != nil {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, err
	}
	if req.Header.Get("User-Agent") == "" {
		req = req.Clone(req.Context())
		req.Header.Set("User-Agent", t.guard.cfg.UserAgent)
	}
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if limit := t.guard.cfg.MaxBodyBytes; limit > 0 {
		if resp.ContentLength > limit {
			_ = resp.Body.Close()
			return nil, fmt.Errorf("%w: Content-Length %d exceeds %d", ErrBodyTooLarge, resp.ContentLength, limit)
		}
		resp.Body = LimitBody(resp.Body, limit)
	}
	return resp, nil
}
