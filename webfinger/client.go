package webfinger

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/starling-fed/starling/internal/safehttp"
)

// Client defaults, used when the matching field is zero.
const (
	DefaultMaxBodyBytes = 256 << 10 // 256 KiB: real JRDs are a few KiB
	DefaultMaxRedirects = 3
)

// Client looks up WebFinger resources on other servers. The zero value is
// ready to use and safe: HTTPS only, public addresses only (checked after
// DNS resolution and on every redirect), at most DefaultMaxRedirects
// redirects, each checked to stay on https, and bodies capped at
// DefaultMaxBodyBytes. A Client is safe for concurrent use; do not copy
// one after first use.
type Client struct {
	// HTTPClient sends the requests. If nil, a client that refuses
	// private, loopback and reserved addresses is built from the fields
	// below, with a whole-request timeout of 30 s. A client given here is
	// used as is (its own timeout and address policy), except that the
	// Client follows redirects itself so each hop is checked.
	HTTPClient *http.Client

	// InsecureAllowHTTP makes the Client ask over http:// and accept
	// http:// redirects and self links. WebFinger is HTTPS-only (RFC 7033
	// §4.2); only for tests and demos.
	InsecureAllowHTTP bool

	// InsecureAllowPrivateAddresses permits loopback, private and reserved
	// addresses. Only for tests and single-machine demos. Ignored when
	// HTTPClient is set.
	InsecureAllowPrivateAddresses bool

	// TLSConfig is used for https when HTTPClient is nil. If nil, the
	// system roots are trusted.
	TLSConfig *tls.Config

	// MaxBodyBytes caps a response body. If zero or negative,
	// DefaultMaxBodyBytes: the cap cannot be turned off.
	MaxBodyBytes int64

	// MaxRedirects caps the redirects followed per request. If zero,
	// DefaultMaxRedirects; if negative, none.
	MaxRedirects int

	// UserAgent is sent with every request. If empty, "Starling".
	UserAgent string

	// Logger receives a debug record per request. If nil, nothing is logged.
	Logger *slog.Logger

	once    sync.Once
	hc      *http.Client
	initErr error
}

// Result is a resolved address.
type Result struct {
	// Subject is the JRD's subject, usually the canonical
	// "acct:user@host", which may differ from the address asked about.
	Subject string
	// Actor is the ActivityPub actor id from the JRD's self link.
	Actor string
	// JRD is the whole document.
	JRD *JRD
}

// Account returns "user@host" from Subject, or "" if the subject is not an
// acct: URI.
func (r *Result) Account() string {
	res, err := ParseResource(r.Subject)
	if err != nil || !strings.HasPrefix(strings.ToLower(r.Subject), "acct:") {
		return ""
	}
	return res.Account()
}

func (c *Client) httpClient() (*http.Client, error) {
	c.once.Do(func() {
		c.hc, c.initErr = safehttp.FetchClient(c.HTTPClient, safehttp.Config{
			InsecureAllowPrivateAddresses: c.InsecureAllowPrivateAddresses,
			InsecureAllowHTTP:             c.InsecureAllowHTTP,
			TLSConfig:                     c.TLSConfig,
			MaxBodyBytes:                  c.maxBody(),
			UserAgent:                     c.UserAgent,
			Logger:                        c.Logger,
		})
	})
	return c.hc, c.initErr
}

func (c *Client) maxBody() int64 {
	if c.MaxBodyBytes > 0 {
		return c.MaxBodyBytes
	}
	return DefaultMaxBodyBytes
}

func (c *Client) logger() *slog.Logger {
	if c.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.Logger
}

func (c *Client) scheme() string {
	if c.InsecureAllowHTTP {
		// RFC 7033 forbids falling back from https to http, so a client
		// that allows http (to reach a plain test server) asks over http.
		return "http"
	}
	return "https"
}

// fetch GETs rawURL through [safehttp.Fetch], which follows up to
// MaxRedirects redirects and checks each hop, and returns the body of a
// 200 response whose media type is one of accept. Failures are *Error
// values.
func (c *Client) fetch(ctx context.Context, rawURL string, accept ...string) ([]byte, string, error) {
	hc, err := c.httpClient()
	if err != nil {
		return nil, rawURL, &Error{URL: rawURL, Err: err}
	}
	maxRedirects := c.MaxRedirects
	if maxRedirects == 0 {
		maxRedirects = DefaultMaxRedirects
	}
	body, final, err := safehttp.Fetch(ctx, hc, rawURL, safehttp.FetchOptions{
		Accept:       accept,
		AllowHTTP:    c.InsecureAllowHTTP,
		MaxRedirects: maxRedirects,
		MaxBodyBytes: c.maxBody(),
		UserAgent:    c.UserAgent,
	})
	c.logger().DebugContext(ctx, "webfinger: fetched", "url", final, "error", err)
	if err != nil {
		return nil, final, fetchError(err)
	}
	return body, final, nil
}

// fetchError turns a *safehttp.FetchError into an *Error wrapping this
// package's sentinels.
func fetchError(err error) error {
	var fe *safehttp.FetchError
	if !errors.As(err, &fe) {
		return err
	}
	reason := fe.Err
	switch {
	case errors.Is(reason, safehttp.ErrStatus):
		reason = statusError(fe.Status)
	case errors.Is(reason, safehttp.ErrContentType), errors.Is(reason, safehttp.ErrBadRedirect):
		reason = fmt.Errorf("%w: %w", ErrBadResponse, reason)
	}
	return &Error{URL: fe.URL, Status: fe.Status, Err: reason}
}

// Lookup asks the resource's host for its JRD: GET
// https://host/.well-known/webfinger?resource=...[&rel=...]. If that
// answers 404, the host's host-meta is read and, if it names another
// WebFinger template, that is tried. resource is parsed by
// [ParseResource] and must be an account or an http(s) URL. The JRD is
// returned as the server sent it, not checked against the resource; use
// [Client.Resolve] for that.
func (c *Client) Lookup(ctx context.Context, resource string, rels ...string) (*JRD, error) {
	r, err := ParseResource(resource)
	if err != nil {
		return nil, err
	}
	if r.Host == "" {
		return nil, invalid("not an account or http(s) URL", resource)
	}
	return c.lookup(ctx, r, rels)
}

func (c *Client) lookup(ctx context.Context, r Resource, rels []string) (*JRD, error) {
	q := url.Values{"resource": {r.URI}}
	if len(rels) > 0 {
		q["rel"] = rels
	}
	base := c.scheme() + "://" + r.Host + WellKnownPath
	endpoint := base + "?" + q.Encode()
	accept := []string{MediaTypeJRD, "application/json"}
	body, final, err := c.fetch(ctx, endpoint, accept...)
	if errors.Is(err, ErrNotFound) {
		if alt := c.hostMetaURL(ctx, r, base); alt != nil {
			if len(rels) > 0 {
				// The template need not have a query of its own.
				aq := alt.Query()
				aq["rel"] = rels
				alt.RawQuery = aq.Encode()
			}
			body, final, err = c.fetch(ctx, alt.String(), accept...)
		}
	}
	if err != nil {
		return nil, err
	}
	jrd, err := DecodeJRD(body)
	if err != nil {
		return nil, &Error{URL: final, Status: http.StatusOK, Err: err}
	}
	return jrd, nil
}

// hostMetaURL returns the WebFinger URL host-meta names for r, or nil if
// host-meta is missing, malformed, or names the URL already tried.
func (c *Client) hostMetaURL(ctx context.Context, r Resource, tried string) *url.URL {
	body, _, err := c.fetch(ctx, c.scheme()+"://"+r.Host+HostMetaPath, MediaTypeXRD, "application/xml", "text/xml", MediaTypeJRD, "application/json")
	if err != nil {
		c.logger().DebugContext(ctx, "webfinger: no host-meta", "host", r.Host, "error", err)
		return nil
	}
	tmpl, err := ParseHostMeta(body)
	if err != nil {
		c.logger().DebugContext(ctx, "webfinger: bad host-meta", "host", r.Host, "error", err)
		return nil
	}
	alt := strings.ReplaceAll(tmpl, "{uri}", url.QueryEscape(r.URI))
	u, err := url.Parse(alt)
	if err != nil || u.Scheme+"://"+u.Host+u.Path == tried {
		return nil
	}
	return u
}

// Resolve finds the actor behind an address in any form people type:
// "@alice@example.com", "alice@example.com", "acct:alice@example.com" or a
// profile or actor URL. It looks the address up (see [Client.Lookup]) and
// checks the answer the way Mastodon does:
//
//   - the JRD must have a subject and a self link of an ActivityPub type
//     whose href is an https URL;
//   - for an account, the subject must be that account; for a URL, the URL
//     must be the subject, an alias, the self link or the profile page;
//   - a subject naming a different account (accounts on example.com,
//     server on social.example.com) is looked up in turn and must confirm
//     itself and the same actor.
//
// The actor may live on another host than the account; WebFinger only
// says where the account points. Before believing that an actor document
// fetched from res.Actor belongs to the account, check the reverse
// direction with [Client.VerifyActor], as Mastodon does.
//
// Failures wrap [ErrInvalidAddress], [ErrNotFound], [ErrGone],
// [ErrBadResponse], [ErrMismatch], [ErrPrivateAddress] and the like.
func (c *Client) Resolve(ctx context.Context, address string) (*Result, error) {
	r, err := ParseResource(address)
	if err != nil {
		return nil, err
	}
	if r.Host == "" {
		return nil, invalid("not an account or http(s) URL", address)
	}
	jrd, err := c.lookup(ctx, r, nil)
	if err != nil {
		return nil, err
	}
	res, err := c.check(jrd)
	if err != nil {
		return nil, err
	}
	if r.IsAccount() {
		if strings.EqualFold(res.Subject, r.URI) {
			return res, nil
		}
	} else if !mentions(jrd, r.URI) {
		return nil, fmt.Errorf("%w: JRD for %s does not mention it (subject %s)", ErrMismatch, r.URI, res.Subject)
	}
	subj, err := ParseResource(res.Subject)
	if err != nil || !subj.IsAccount() {
		if r.IsAccount() {
			return nil, fmt.Errorf("%w: asked for %s, got subject %s", ErrMismatch, r.URI, res.Subject)
		}
		return res, nil // a URL whose subject is the URL itself or another URI
	}
	if strings.EqualFold(subj.URI, r.URI) {
		return res, nil
	}
	// The subject names another account: it must confirm itself.
	jrd2, err := c.lookup(ctx, subj, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: confirming subject %s: %w", ErrMismatch, subj.URI, err)
	}
	res2, err := c.check(jrd2)
	if err != nil {
		return nil, err
	}
	if !strings.EqualFold(res2.Subject, subj.URI) || res2.Actor != res.Actor {
		return nil, fmt.Errorf("%w: %s names subject %s and actor %s, which answers with subject %s and actor %s",
			ErrMismatch, r.URI, res.Subject, res.Actor, res2.Subject, res2.Actor)
	}
	return res2, nil
}

// check extracts subject and actor from a JRD and validates them.
func (c *Client) check(jrd *JRD) (*Result, error) {
	if jrd.Subject == "" {
		return nil, fmt.Errorf("%w: JRD has no subject", ErrBadResponse)
	}
	subj, err := ParseResource(jrd.Subject)
	if err != nil {
		return nil, fmt.Errorf("%w: JRD subject: %w", ErrBadResponse, err)
	}
	actor := jrd.ActorIRI()
	if actor == "" {
		return nil, fmt.Errorf("%w: JRD for %s has no ActivityPub self link", ErrBadResponse, jrd.Subject)
	}
	u, err := url.Parse(actor)
	if err != nil || !u.IsAbs() || u.User != nil {
		return nil, fmt.Errorf("%w: self link %q is not an absolute URL", ErrBadResponse, actor)
	}
	if err := safehttp.CheckURL(u, c.InsecureAllowHTTP); err != nil {
		return nil, fmt.Errorf("%w: self link: %w", ErrBadResponse, err)
	}
	return &Result{Subject: subj.URI, Actor: actor, JRD: jrd}, nil
}

// mentions reports whether the JRD names uri, a canonical resource, as its
// subject, an alias, its self link or its profile page. Each is compared
// in canonical form, so a JRD writing the host in upper case or in
// Unicode still names the URL asked about.
func mentions(j *JRD, uri string) bool {
	same := func(s string) bool {
		if s == uri {
			return true
		}
		r, err := ParseResource(s)
		return err == nil && r.URI == uri
	}
	if same(j.Subject) || same(j.ActorIRI()) || same(j.ProfilePage()) {
		return true
	}
	return slices.ContainsFunc(j.Aliases, same)
}
