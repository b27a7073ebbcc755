package safehttp

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// Errors of [Fetch], besides those of the client, for errors.Is.
var (
	// ErrStatus: the final response was not 200 OK; FetchError.Status
	// holds the status.
	ErrStatus = errors.New("safehttp: unexpected status")
	// ErrContentType: the response's media type is not one accepted.
	ErrContentType = errors.New("safehttp: unexpected content type")
	// ErrBadRedirect: a redirect without a usable Location.
	ErrBadRedirect = errors.New("safehttp: bad redirect")
)

// FetchError is a failed [Fetch]. Err wraps one of the package's
// sentinels, a context error or a network error.
type FetchError struct {
	URL    string // the URL requested last
	Status int    // its HTTP status, 0 if no response was read
	Err    error
}

// Error describes the failure.
func (e *FetchError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("%v (GET %s: status %d)", e.Err, e.URL, e.Status)
	}
	return fmt.Sprintf("%v (GET %s)", e.Err, e.URL)
}

// Unwrap returns the reason.
func (e *FetchError) Unwrap() error { return e.Err }

// FetchOptions describe one [Fetch].
type FetchOptions struct {
	// Accept lists the media types accepted, most preferred first. They
	// are sent as the Accept header, and the response's media type
	// (without parameters) must be one of them. Empty accepts anything.
	Accept []string
	// AllowHTTP permits http:// URLs (never a redirect from https to
	// http).
	AllowHTTP bool
	// MaxRedirects caps the redirects followed; zero or negative follows
	// none.
	MaxRedirects int
	// MaxBodyBytes caps the body read; zero or negative reads it all.
	MaxBodyBytes int64
	// UserAgent, if not empty, is sent as User-Agent.
	UserAgent string
	// ContentType, if set, decides whether the final response's
	// Content-Type header (as sent, parameters included) is acceptable,
	// in place of matching its media type against Accept: nil accepts it,
	// an error refuses it and is wrapped, with ErrContentType, in the
	// FetchError. Use it when parameters matter, such as the profile of
	// application/ld+json.
	ContentType func(contentType string) error
}

// Fetch GETs rawURL with hc and returns the final URL and the body of a
// 200 response. It follows redirects itself, one hop at a time, so each
// is checked whatever hc's own policy: the scheme (https, or http when
// allowed, never a downgrade from https), no user information in the URL,
// no URL visited twice, at most opts.MaxRedirects hops. Give it a client
// that does not follow redirects (see [WithoutRedirects]); one from [New]
// also checks every address dialled. Every response body is closed.
// Failures are [*FetchError] values.
func Fetch(ctx context.Context, hc *http.Client, rawURL string, opts FetchOptions) (body []byte, finalURL string, err error) {
	current := rawURL
	u, err := url.Parse(current)
	if err != nil {
		return nil, current, &FetchError{URL: current, Err: fmt.Errorf("%w: %v", ErrSchemeNotAllowed, err)}
	}
	visited := map[string]bool{}
	for hops := 0; ; hops++ {
		if err := CheckURL(u, opts.AllowHTTP); err != nil {
			return nil, current, &FetchError{URL: current, Err: err}
		}
		visited[current] = true
		resp, err := getOnce(ctx, hc, u, opts)
		if err != nil {
			return nil, current, &FetchError{URL: current, Err: err}
		}
		switch resp.StatusCode {
		case http.StatusOK:
		case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
			http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
			_ = resp.Body.Close()
			next, err := redirectTarget(u, resp.Header.Get("Location"))
			if err != nil {
				return nil, current, &FetchError{URL: current, Status: resp.StatusCode, Err: err}
			}
			if hops >= opts.MaxRedirects {
				return nil, current, &FetchError{URL: current, Status: resp.StatusCode,
					Err: fmt.Errorf("%w (limit %d)", ErrTooManyRedirects, max(opts.MaxRedirects, 0))}
			}
			if visited[next.String()] {
				return nil, current, &FetchError{URL: current, Status: resp.StatusCode,
					Err: fmt.Errorf("%w: loop back to %s", ErrTooManyRedirects, next.Redacted())}
			}
			if u.Scheme == "https" && next.Scheme != "https" {
				return nil, current, &FetchError{URL: current, Status: resp.StatusCode,
					Err: fmt.Errorf("%w: redirect from https to %s", ErrSchemeNotAllowed, next.Redacted())}
			}
			u, current = next, next.String()
			continue
		default:
			_ = resp.Body.Close()
			return nil, current, &FetchError{URL: current, Status: resp.StatusCode, Err: ErrStatus}
		}
		body, err := ReadAll(resp.Body, opts.MaxBodyBytes)
		_ = resp.Body.Close()
		if cerr := ctx.Err(); cerr != nil {
			// Cancelled mid-body: the transport may have ended the body
			// with a clean EOF, so what was read is a fragment. Say why.
			err = cerr
		}
		if err != nil {
			return nil, current, &FetchError{URL: current, Status: resp.StatusCode, Err: err}
		}
		ct := resp.Header.Get("Content-Type")
		if opts.ContentType != nil {
			if err := opts.ContentType(ct); err != nil {
				return nil, current, &FetchError{URL: current, Status: resp.StatusCode,
					Err: fmt.Errorf("%w: %q: %w", ErrContentType, ct, err)}
			}
		} else if !acceptable(ct, opts.Accept) {
			return nil, current, &FetchError{URL: current, Status: resp.StatusCode,
				Err: fmt.Errorf("%w: %q", ErrContentType, ct)}
		}
		return body, current, nil
	}
}

// getOnce sends one GET without following redirects.
func getOnce(ctx context.Context, hc *http.Client, u *url.URL, opts FetchOptions) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	if len(opts.Accept) > 0 {
		req.Header.Set("Accept", strings.Join(opts.Accept, ", "))
	}
	if opts.UserAgent != "" {
		req.Header.Set("User-Agent", opts.UserAgent)
	}
	resp, err := hc.Do(req)
	if err != nil {
		// The *url.Error layer repeats the URL the FetchError carries.
		var ue *url.Error
		if errors.As(err, &ue) {
			return nil, ue.Err
		}
		return nil, err
	}
	return resp, nil
}

// redirectTarget resolves a Location header against the URL that sent it.
func redirectTarget(from *url.URL, loc string) (*url.URL, error) {
	if loc == "" {
		return nil, fmt.Errorf("%w: no Location", ErrBadRedirect)
	}
	next, err := from.Parse(loc)
	if err != nil {
		return nil, fmt.Errorf("%w: Location: %v", ErrBadRedirect, err)
	}
	return next, nil
}

func acceptable(contentType string, accept []string) bool {
	if len(accept) == 0 {
		return true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	for _, a := range accept {
		if mt == a {
			return true
		}
	}
	return false
}

// FetchClient returns the client to give [Fetch]: hc with its redirects
// handed back (see [WithoutRedirects]) if hc is not nil, else a guarded
// client from [New] built from cfg, with cfg.MaxRedirects set to -1.
func FetchClient(hc *http.Client, cfg Config) (*http.Client, error) {
	if hc != nil {
		return WithoutRedirects(hc), nil
	}
	cfg.MaxRedirects = -1 // Fetch follows them, hop by hop
	return New(cfg)
}

// WithoutRedirects returns a shallow copy of hc that hands every redirect
// back to the caller instead of following it, for use with [Fetch].
func WithoutRedirects(hc *http.Client) *http.Client {
	c := *hc
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}
