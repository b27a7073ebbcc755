package httpsig

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Transport is an http.RoundTripper that signs every request it sends,
// GETs included, and "double-knocks": it signs with RFC 9421 first and,
// when the peer refuses the signature, tries again with draft-cavage,
// remembering per host which family worked, as Fedify does.
//
// A refusal is 400 or 401, or 404 (how Threads refuses) from a host not yet
// known. Each attempt is a clone of the request, signed afresh with a new
// Date; the request passed in is never modified. The body is read once into
// memory (at most MaxBodyBytes) so it can be digested and sent again.
//
// A Transport is safe for concurrent use; do not change its fields while it
// is in use. Use it as an http.Client's Transport.
type Transport struct {
	// Base sends the signed requests. If nil, http.DefaultTransport is
	// used, which connects to any address, private and loopback ones
	// included: a server that delivers to or fetches from addresses its
	// peers choose must set Base to a transport that refuses those (the
	// federation engine passes its guarded one).
	Base http.RoundTripper

	// Key signs every request, unless KeyFunc is set.
	Key SigningKey

	// KeyFunc, if set, chooses the key for each request, for instance an
	// instance actor's key for GETs and the author's for deliveries.
	KeyFunc func(*http.Request) (SigningKey, error)

	// Cavage configures draft-cavage signatures; the zero value signs what
	// Mastodon requires. Its Now is replaced by the Transport's, if set.
	Cavage CavageOptions

	// RFC9421 configures RFC 9421 signatures; the zero value signs what
	// Mastodon requires.
	RFC9421 RFC9421Options

	// PreferCavage makes draft-cavage the first try for hosts not yet
	// known, saving a round trip with peers that only speak it (most of
	// today's fediverse).
	PreferCavage bool

	// MaxBodyBytes caps the request body read into memory. If zero,
	// DefaultMaxBodyBytes (1 MiB). A larger body fails with ErrBodyTooLarge.
	MaxBodyBytes int64

	// MaxHosts bounds the number of hosts remembered. If zero, 10000; when
	// full, an arbitrary host is forgotten to make room.
	MaxHosts int

	// Now returns the current time, for Date and the signatures. If nil,
	// time.Now is used.
	Now func() time.Time

	// Logger receives a debug record when a peer refuses a signature and
	// the other family is tried. If nil, nothing is logged.
	Logger *slog.Logger

	mu    sync.Mutex
	hosts map[string]Family
}

var _ http.RoundTripper = (*Transport)(nil)

// RoundTrip signs and sends req, knocking twice when needed.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL == nil {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, errors.New("httpsig: request has no URL")
	}
	body, err := t.readBody(req)
	if err != nil {
		return nil, err
	}
	key := t.Key
	if t.KeyFunc != nil {
		if key, err = t.KeyFunc(req); err != nil {
			return nil, fmt.Errorf("httpsig: choosing signing key: %w", err)
		}
	}
	if key.Key == nil {
		return nil, errors.New("httpsig: Transport has no signing key")
	}
	host := strings.ToLower(req.URL.Host)
	first, known := t.KnownFamily(host)
	if !known {
		first = RFC9421
		if t.PreferCavage {
			first = Cavage
		}
	}
	second := Cavage
	if first == Cavage {
		second = RFC9421
	}

	resp, err := t.attempt(req, body, key, first)
	var signErr *signingError
	if errors.As(err, &signErr) {
		// This key cannot sign in the first family (an ECDSA key has no
		// draft-cavage form, for instance): use the other alone.
		resp, err = t.attempt(req, body, key, second)
		if err == nil && !refused(resp.StatusCode, false) && resp.StatusCode < 500 {
			t.remember(host, second)
		}
		return resp, err
	}
	if err != nil {
		return nil, err
	}
	if !refused(resp.StatusCode, known) {
		if resp.StatusCode < 500 {
			t.remember(host, first)
		}
		return resp, nil
	}
	if err := req.Context().Err(); err != nil {
		drain(resp)
		return nil, err // the caller has gone: knock no more
	}
	if t.Logger != nil {
		t.Logger.DebugContext(req.Context(), "httpsig: peer refused signature, trying the other family",
			"host", host, "status", resp.StatusCode, "refused", first.String(), "next", second.String())
	}
	resp2, err := t.attempt(req, body, key, second)
	if err != nil {
		if errors.As(err, &signErr) {
			return resp, nil // nothing else to try: the peer's answer stands
		}
		drain(resp)
		return nil, err
	}
	drain(resp)
	if !refused(resp2.StatusCode, false) && resp2.StatusCode < 500 {
		t.remember(host, second)
	}
	return resp2, nil
}

// KnownFamily reports which signature family last worked with host
// ("host" or "host:port", as in the request URL).
func (t *Transport) KnownFamily(host string) (Family, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f, ok := t.hosts[strings.ToLower(host)]
	return f, ok
}

// remember records that f worked with host.
func (t *Transport) remember(host string, f Family) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.hosts == nil {
		t.hosts = make(map[string]Family)
	}
	if _, ok := t.hosts[host]; !ok {
		max := t.MaxHosts
		if max <= 0 {
			max = 10000
		}
		for h := range t.hosts {
			if len(t.hosts) < max {
				break
			}
			delete(t.hosts, h)
		}
	}
	t.hosts[host] = f
}

// refused reports whether status says the peer did not accept the signature.
// A 404 counts only from a host whose family is not yet known: from a known
// one it most likely means what it says.
func refused(status int, known bool) bool {
	switch status {
	case http.StatusBadRequest, http.StatusUnauthorized:
		return true
	case http.StatusNotFound:
		return !known
	}
	return false
}

// signingError marks a failure to sign, as opposed to a failure to send.
type signingError struct{ err error }

func (e *signingError) Error() string { return e.err.Error() }
func (e *signingError) Unwrap() error { return e.err }

// attempt clones req, signs the clone in family f and sends it.
func (t *Transport) attempt(req *http.Request, body []byte, key SigningKey, f Family) (*http.Response, error) {
	out := req.Clone(req.Context())
	if out.Header == nil {
		out.Header = make(http.Header) // http.Client adds one; a direct caller may not
	}
	for _, h := range []string{"Signature", "Signature-Input", "Digest", "Content-Digest"} {
		out.Header.Del(h)
	}
	now := time.Now
	if t.Now != nil {
		now = t.Now
	}
	out.Header.Set("Date", now().UTC().Format(http.TimeFormat))
	if body != nil {
		out.Body = io.NopCloser(bytes.NewReader(body))
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		out.ContentLength = int64(len(body))
	} else {
		out.Body, out.GetBody, out.ContentLength = nil, nil, 0
	}
	var err error
	if f == Cavage {
		opts := t.Cavage
		if t.Now != nil {
			opts.Now = t.Now
		}
		err = SignCavage(out, body, key, opts)
	} else {
		err = t.signRFC9421(out, body, key)
	}
	if err != nil {
		return nil, &signingError{fmt.Errorf("httpsig: signing for %s: %w", f, err)}
	}
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	return base.RoundTrip(out)
}

// readBody reads the request body into memory, closing it as a
// RoundTripper must.
func (t *Transport) readBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	defer req.Body.Close()
	max := t.MaxBodyBytes
	if max <= 0 {
		max = DefaultMaxBodyBytes
	}
	if req.ContentLength > max {
		return nil, fmt.Errorf("%w: Content-Length %d, limit %d", ErrBodyTooLarge, req.ContentLength, max)
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("httpsig: reading request body: %w", err)
	}
	if int64(len(body)) > max {
		return nil, fmt.Errorf("%w: limit %d", ErrBodyTooLarge, max)
	}
	return body, nil
}

// drain reads a little of a refused response and closes it, so its
// connection can be reused.
func drain(resp *http.Response) {
	_, _ = io.CopyN(io.Discard, resp.Body, 4<<10)
	_ = resp.Body.Close()
}

// signRFC9421 signs out with RFC 9421 under the Transport's options.
func (t *Transport) signRFC9421(out *http.Request, body []byte, key SigningKey) error {
	opts := t.RFC9421
	if t.Now != nil {
		opts.Now = t.Now
	}
	return SignRFC9421(out, body, key, opts)
}
