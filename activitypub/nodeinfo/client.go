package nodeinfo

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/starling-fed/starling/internal/safehttp"
	"github.com/starling-fed/starling/webfinger"
)

// Client defaults, used when the matching field is zero.
const (
	// DefaultMaxBodyBytes caps discovery and document bodies.
	DefaultMaxBodyBytes = 256 << 10
	// DefaultMaxRedirects caps the redirects followed per request.
	DefaultMaxRedirects = 3
)

// Client errors, for errors.Is. Failed requests are [*Error] values that
// wrap one of these or a network error.
var (
	// ErrNotFound: the host does not serve NodeInfo (404 or 400 on discovery).
	ErrNotFound = errors.New("nodeinfo: not found")
	// ErrUnsupported: discovery offers no schema version this package reads.
	ErrUnsupported = errors.New("nodeinfo: no supported schema version offered")
	// ErrBadResponse: an unexpected status, content type or body.
	ErrBadResponse = errors.New("nodeinfo: bad response")
	// ErrInvalidHost: the host given to Fetch is not a host name.
	ErrInvalidHost = errors.New("nodeinfo: invalid host")

	// ErrPrivateAddress: the host resolves to a private, loopback or
	// reserved address (see Client.InsecureAllowPrivateAddresses).
	ErrPrivateAddress = safehttp.ErrPrivateAddress
	// ErrTooManyRedirects: too many redirects, or a redirect loop.
	ErrTooManyRedirects = safehttp.ErrTooManyRedirects
	// ErrSchemeNotAllowed: a URL or redirect is not https.
	ErrSchemeNotAllowed = safehttp.ErrSchemeNotAllowed
	// ErrBodyTooLarge: a body is larger than Client.MaxBodyBytes.
	ErrBodyTooLarge = safehttp.ErrBodyTooLarge
)

// Error is a failed request. Err wraps a sentinel or a network error.
type Error struct {
	URL    string // the URL requested
	Status int    // the HTTP status, 0 if no response was read
	Err    error  // the reason
}

// Error describes the failure.
func (e *Error) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("%v (GET %s: status %d)", e.Err, e.URL, e.Status)
	}
	return fmt.Sprintf("%v (GET %s)", e.Err, e.URL)
}

// Unwrap returns the reason.
func (e *Error) Unwrap() error { return e.Err }

// Client fetches other servers' NodeInfo. The zero value is ready and
// safe: HTTPS only, public addresses only, redirects capped and re-checked,
// bodies capped at DefaultMaxBodyBytes. Safe for concurrent use; do not
// copy after first use.
type Client struct {
	// HTTPClient sends the requests. If nil, a client that refuses
	// private, loopback and reserved addresses is built from the fields
	// below, with a whole-request timeout of 30 s. A client given here is
	// used as is (its own timeout and address policy), except that the
	// Client follows redirects itself so each hop is checked.
	HTTPClient *http.Client

	// InsecureAllowHTTP makes the Client ask over http:// and follow
	// http:// links. Only for tests and demos.
	InsecureAllowHTTP bool

	// InsecureAllowPrivateAddresses permits loopback, private and reserved
	// addresses. Only for tests and demos. Ignored when HTTPClient is set.
	InsecureAllowPrivateAddresses bool

	// TLSConfig is used when HTTPClient is nil. If nil, system roots.
	TLSConfig *tls.Config

	// MaxBodyBytes caps each body. If zero or negative,
	// DefaultMaxBodyBytes: the cap cannot be turned off.
	MaxBodyBytes int64

	// MaxRedirects caps the redirects followed per request, each checked
	// like the first URL (also with an HTTPClient of the caller's). If
	// zero, DefaultMaxRedirects; if negative, none.
	MaxRedirects int

	// UserAgent is sent with every request. If empty, "Starling".
	UserAgent string

	// Logger receives a debug record per request. If nil, nothing is logged.
	Logger *slog.Logger

	once    sync.Once
	hc      *http.Client
	initErr error
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

// Fetch discovers the NodeInfo documents host offers
// (https://host/.well-known/nodeinfo) and fetches the highest schema
// version this package reads (2.1, then 2.0). host is a host name with an
// optional port, such as "example.com" or "example.com:8443". The
// document is decoded leniently (see [Document.UnmarshalJSON]): it must
// name its software, and its version, if it states one, must be 2.0 or
// 2.1, though not necessarily the one it was linked as; a document that
// states none gets the linked version.
func (c *Client) Fetch(ctx context.Context, host string) (*Document, error) {
	scheme := "https"
	if c.InsecureAllowHTTP {
		scheme = "http"
	}
	u, err := url.Parse(scheme + "://" + host + WellKnownPath)
	if err != nil || host == "" || u.Host != host || u.User != nil || strings.ContainsAny(host, "/?#@\\") {
		return nil, fmt.Errorf("%w: %q", ErrInvalidHost, host)
	}
	discovery := u.String()
	body, final, err := c.get(ctx, discovery, "application/json", webfinger.MediaTypeJRD)
	if err != nil {
		var e *Error
		if errors.As(err, &e) && (e.Status == http.StatusNotFound || e.Status == http.StatusBadRequest) {
			e.Err = ErrNotFound
		}
		return nil, err
	}
	jrd, err := webfinger.DecodeJRD(body)
	if err != nil {
		return nil, &Error{URL: final, Status: http.StatusOK, Err: fmt.Errorf("%w: discovery: %v", ErrBadResponse, err)}
	}
	version, href := pick(jrd)
	if href == "" {
		return nil, &Error{URL: final, Status: http.StatusOK, Err: ErrUnsupported}
	}
	// A relative link is relative to where discovery was found, which
	// after a redirect is not the host asked.
	base, err := url.Parse(final)
	if err != nil {
		return nil, &Error{URL: final, Status: http.StatusOK, Err: fmt.Errorf("%w: %v", ErrBadResponse, err)}
	}
	docURL, err := base.Parse(href)
	if err != nil {
		return nil, &Error{URL: final, Status: http.StatusOK, Err: fmt.Errorf("%w: bad link %q", ErrBadResponse, href)}
	}
	if err := safehttp.CheckURL(docURL, c.InsecureAllowHTTP); err != nil {
		return nil, &Error{URL: docURL.String(), Err: err}
	}
	body, _, err = c.get(ctx, docURL.String(), "application/json")
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(bytes.TrimSpace(body), []byte("{")) {
		return nil, &Error{URL: docURL.String(), Status: http.StatusOK, Err: fmt.Errorf("%w: document is not a JSON object", ErrBadResponse)}
	}
	var doc Document
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, &Error{URL: docURL.String(), Status: http.StatusOK, Err: fmt.Errorf("%w: document: %v", ErrBadResponse, err)}
	}
	switch doc.Version {
	case Version20, Version21:
		// Servers link a document under one version and label it with
		// the other often enough that peers read it regardless; so do we.
	case "":
		doc.Version = version
	default:
		return nil, &Error{URL: docURL.String(), Status: http.StatusOK, Err: fmt.Errorf("%w: linked as %s, says version %q", ErrBadResponse, version, doc.Version)}
	}
	if doc.Software.Name == "" {
		return nil, &Error{URL: docURL.String(), Status: http.StatusOK, Err: fmt.Errorf("%w: no software name", ErrBadResponse)}
	}
	return &doc, nil
}

// pick returns the highest supported version linked, and its href.
func pick(jrd *webfinger.JRD) (version, href string) {
	for _, v := range []string{Version21, Version20} {
		for _, l := range jrd.Links {
			rel := strings.TrimSuffix(l.Rel, "#")
			if (rel == Rel(v) || rel == "https://"+strings.TrimPrefix(Rel(v), "http://")) && l.Href != "" {
				return v, l.Href
			}
		}
	}
	return "", ""
}

// get fetches rawURL through [safehttp.Fetch], which follows up to
// MaxRedirects redirects and checks each hop, and returns the body of a
// 200 response whose media type is one of accept, and the URL it came
// from.
func (c *Client) get(ctx context.Context, rawURL string, accept ...string) ([]byte, string, error) {
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
	if c.Logger != nil {
		c.Logger.DebugContext(ctx, "nodeinfo: fetched", "url", final, "error", err)
	}
	var fe *safehttp.FetchError
	if errors.As(err, &fe) {
		reason := fe.Err
		if errors.Is(reason, safehttp.ErrStatus) || errors.Is(reason, safehttp.ErrContentType) || errors.Is(reason, safehttp.ErrBadRedirect) {
			reason = fmt.Errorf("%w: %w", ErrBadResponse, reason)
		}
		return nil, final, &Error{URL: fe.URL, Status: fe.Status, Err: reason}
	}
	return body, final, err
}
