package safehttp

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// scripted answers each URL from a table without any network, and counts
// opened and closed bodies.
type scripted struct {
	mu      sync.Mutex
	answers map[string]*http.Response
	asked   []string
	opened  int
	closed  int
}

type trackedBody struct {
	io.Reader
	s *scripted
}

func (b *trackedBody) Close() error {
	b.s.mu.Lock()
	defer b.s.mu.Unlock()
	b.s.closed++
	return nil
}

func (s *scripted) RoundTrip(req *http.Request) (*http.Response, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.asked = append(s.asked, req.URL.String())
	tmpl, ok := s.answers[req.URL.String()]
	if !ok {
		tmpl = &http.Response{StatusCode: http.StatusNotFound}
	}
	resp := *tmpl
	resp.Header = tmpl.Header.Clone()
	if resp.Header == nil {
		resp.Header = http.Header{}
	}
	text := ""
	if tmpl.Body != nil {
		b, _ := io.ReadAll(tmpl.Body)
		text = string(b)
		tmpl.Body = io.NopCloser(strings.NewReader(text))
	}
	resp.Body = &trackedBody{Reader: strings.NewReader(text), s: s}
	resp.Request = req
	s.opened++
	return &resp, nil
}

func redirect(status int, loc string) *http.Response {
	return &http.Response{StatusCode: status, Header: http.Header{"Location": {loc}}}
}

func ok(contentType, body string) *http.Response {
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {contentType}},
		Body: io.NopCloser(strings.NewReader(body))}
}

func TestFetch(t *testing.T) {
	answers := map[string]*http.Response{
		"https://a.example/doc":      ok("application/json; charset=utf-8", `{}`),
		"https://a.example/hop1":     redirect(301, "/hop2"),
		"https://a.example/hop2":     redirect(308, "https://b.example/doc"),
		"https://b.example/doc":      ok("application/jrd+json", `{"b":1}`),
		"https://a.example/loop":     redirect(302, "/loop2"),
		"https://a.example/loop2":    redirect(302, "/loop"),
		"https://a.example/down":     redirect(302, "http://a.example/doc"),
		"http://a.example/doc":       ok("application/json", `{}`),
		"http://a.example/up":        redirect(302, "https://a.example/doc"),
		"https://a.example/userinfo": redirect(302, "https://a.example@b.example/doc"),
		"https://a.example/noloc":    {StatusCode: 302},
		"https://a.example/badloc":   redirect(302, "https://[::1"),
		"https://a.example/ftp":      redirect(302, "ftp://a.example/"),
		"https://a.example/html":     ok("text/html", `<html>`),
		"https://a.example/notype":   {StatusCode: 200, Body: io.NopCloser(strings.NewReader(`{}`))},
		"https://a.example/big":      ok("application/json", strings.Repeat("x", 100)),
		"https://a.example/gone":     {StatusCode: 410},
		"https://a.example/teapot":   {StatusCode: 418},
		"https://a.example/multi":    {StatusCode: 300, Header: http.Header{"Location": {"/doc"}}},
	}
	tests := []struct {
		url       string
		allowHTTP bool
		redirects int
		wantErr   error
		status    int    // of the failing response
		final     string // the URL the body came from
	}{
		{url: "https://a.example/doc", final: "https://a.example/doc"},
		{url: "https://a.example/hop1", redirects: 2, final: "https://b.example/doc"},
		{url: "https://a.example/hop1", redirects: 1, wantErr: ErrTooManyRedirects, status: 308},
		{url: "https://a.example/hop1", redirects: 0, wantErr: ErrTooManyRedirects, status: 301},
		{url: "https://a.example/loop", redirects: 5, wantErr: ErrTooManyRedirects, status: 302},
		{url: "https://a.example/down", redirects: 5, wantErr: ErrSchemeNotAllowed, status: 302},
		{url: "https://a.example/down", redirects: 5, allowHTTP: true, wantErr: ErrSchemeNotAllowed, status: 302},
		{url: "http://a.example/doc", wantErr: ErrSchemeNotAllowed},
		{url: "http://a.example/up", redirects: 1, allowHTTP: true, final: "https://a.example/doc"},
		{url: "https://a.example/userinfo", redirects: 5, wantErr: ErrSchemeNotAllowed},
		{url: "https://user@a.example/doc", wantErr: ErrSchemeNotAllowed},
		{url: "https://a.example/noloc", redirects: 5, wantErr: ErrBadRedirect, status: 302},
		{url: "https://a.example/ftp", redirects: 5, wantErr: ErrSchemeNotAllowed, status: 302},
		{url: "https://a.example/html", wantErr: ErrContentType, status: 200},
		{url: "https://a.example/notype", wantErr: ErrContentType, status: 200},
		{url: "https://a.example/big", wantErr: ErrBodyTooLarge, status: 200},
		{url: "https://a.example/gone", wantErr: ErrStatus, status: 410},
		{url: "https://a.example/teapot", wantErr: ErrStatus, status: 418},
		{url: "https://a.example/multi", redirects: 5, wantErr: ErrStatus, status: 300},
		{url: "https://a.example/missing", wantErr: ErrStatus, status: 404},
		{url: "::", wantErr: ErrSchemeNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			rt := &scripted{answers: answers}
			hc := WithoutRedirects(&http.Client{Transport: rt})
			body, final, err := Fetch(t.Context(), hc, tt.url, FetchOptions{
				Accept:       []string{"application/jrd+json", "application/json"},
				AllowHTTP:    tt.allowHTTP,
				MaxRedirects: tt.redirects,
				MaxBodyBytes: 50,
				UserAgent:    "test",
			})
			rt.mu.Lock()
			assert.Equal(t, rt.opened, rt.closed, "every body closed")
			rt.mu.Unlock()
			if tt.wantErr == nil {
				require.NoError(t, err)
				assert.Equal(t, tt.final, final)
				assert.NotEmpty(t, body)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
			var fe *FetchError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tt.status, fe.Status)
			assert.Nil(t, body)
			for _, asked := range rt.asked {
				assert.NotContains(t, asked, "http://a.example/doc", "never followed the downgrade")
				assert.NotContains(t, asked, "@", "never asked a URL with user information")
			}
		})
	}
}

func TestFetchUnparsableLocation(t *testing.T) {
	// net/http itself refuses a Location it cannot parse.
	rt := &scripted{answers: map[string]*http.Response{"https://a.example/": redirect(302, "https://[::1")}}
	_, _, err := Fetch(t.Context(), WithoutRedirects(&http.Client{Transport: rt}), "https://a.example/", FetchOptions{MaxRedirects: 5})
	var fe *FetchError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "https://a.example/", fe.URL)
	assert.Equal(t, rt.opened, rt.closed, "every body closed")
}

func TestFetchSendsHeaders(t *testing.T) {
	var got http.Header
	hc := WithoutRedirects(&http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		got = r.Header.Clone()
		resp := ok("application/json", "{}")
		resp.Request = r
		return resp, nil
	})})
	_, _, err := Fetch(t.Context(), hc, "https://a.example/", FetchOptions{Accept: []string{"application/jrd+json", "application/json"}, UserAgent: "ua/1"})
	require.NoError(t, err)
	assert.Equal(t, "application/jrd+json, application/json", got.Get("Accept"))
	assert.Equal(t, "ua/1", got.Get("User-Agent"))
}

func TestFetchClient(t *testing.T) {
	// A guarded client built for Fetch hands redirects back.
	srv := httptest.NewServer(http.RedirectHandler("/elsewhere", http.StatusFound))
	defer srv.Close()
	hc, err := FetchClient(nil, Config{InsecureAllowHTTP: true, AllowedPrefixes: loopbackOnly()})
	require.NoError(t, err)
	resp, err := get(t, hc, srv.URL)
	require.NoError(t, err)
	assert.Equal(t, http.StatusFound, resp.StatusCode)

	orig := &http.Client{}
	hc, err = FetchClient(orig, Config{})
	require.NoError(t, err)
	assert.NotSame(t, orig, hc)
	assert.ErrorIs(t, hc.CheckRedirect(nil, nil), http.ErrUseLastResponse)
}

func TestWithoutRedirectsKeepsOriginal(t *testing.T) {
	orig := &http.Client{}
	c := WithoutRedirects(orig)
	assert.Nil(t, orig.CheckRedirect, "the caller's client is not changed")
	assert.ErrorIs(t, c.CheckRedirect(nil, nil), http.ErrUseLastResponse)
}

// cancelOnRead is a body that cancels its request's context while being
// read and then ends cleanly, as a transport may when a caller gives up
// mid-body.
type cancelOnRead struct {
	cancel context.CancelFunc
	r      io.Reader
}

func (b *cancelOnRead) Read(p []byte) (int, error) {
	b.cancel()
	return b.r.Read(p)
}

func (b *cancelOnRead) Close() error { return nil }

// A body cut short by the caller's cancellation is reported as the
// cancellation, never handed back as if it were the whole document.
func TestFetchCancelledMidBody(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{
			StatusCode: http.StatusOK,
			Header:     http.Header{"Content-Type": {"application/json"}},
			Body:       &cancelOnRead{cancel: cancel, r: strings.NewReader(`{"subject":`)},
			Request:    r,
		}, nil
	})}
	body, _, err := Fetch(ctx, hc, "https://example.com/doc", FetchOptions{})
	require.ErrorIs(t, err, context.Canceled)
	var fe *FetchError
	require.ErrorAs(t, err, &fe)
	assert.Nil(t, body)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestFetchContentTypeHook(t *testing.T) {
	errNoProfile := errors.New("no profile")
	check := func(ct string) error {
		if strings.Contains(ct, "profile=") {
			return nil
		}
		return errNoProfile
	}
	tests := []struct {
		name, contentType string
		wantErr           bool
	}{
		{"parameter present", `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`, false},
		{"parameter missing", "application/ld+json", true},
		{"media type alone would match Accept", "application/json", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := &scripted{answers: map[string]*http.Response{"https://a.example/": ok(tt.contentType, "{}")}}
			body, _, err := Fetch(t.Context(), WithoutRedirects(&http.Client{Transport: rt}), "https://a.example/",
				FetchOptions{Accept: []string{"application/json"}, ContentType: check})
			if !tt.wantErr {
				require.NoError(t, err)
				assert.Equal(t, "{}", string(body))
				return
			}
			require.ErrorIs(t, err, ErrContentType)
			require.ErrorIs(t, err, errNoProfile, "the hook's reason is kept")
			var fe *FetchError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, http.StatusOK, fe.Status)
			assert.Equal(t, rt.opened, rt.closed, "every body closed")
		})
	}
}
