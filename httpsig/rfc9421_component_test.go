package httpsig

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseComponent(t *testing.T) {
	tests := []struct{ spec, want string }{
		{"@method", "@method"},
		{"Content-Digest", "content-digest"},
		{`"@query-param";name="Pet"`, `@query-param;name="Pet"`},
		{`@query-param;name="Pet"`, `@query-param;name="Pet"`},
		{`example-dict;key="a"`, `example-dict;key="a"`},
		{"x-h;bs", "x-h;bs"},
		{"@status;req", "@status;req"},
	}
	for _, tt := range tests {
		c, err := parseComponent(tt.spec)
		require.NoError(t, err, tt.spec)
		assert.Equal(t, tt.want, c.String())
	}
	for _, bad := range []string{"", "@nope", `@query-param`, "@method;sf", `x;key=1`, "x;bs;sf", `x;bs;key="a"`, "x;tr", "x;unknown", `@path;name="a"`, "x y", `"A"`, "x;sf=?0"} {
		_, err := parseComponent(bad)
		assert.Error(t, err, bad)
	}
}

// TestRFC9421ComponentParameters checks sf, key and bs against the
// examples of RFC 9421 §2.1.1 to §2.1.3.
func TestRFC9421ComponentParameters(t *testing.T) {
	h := http.Header{}
	h.Add("Example-Dict", " a=1,    b=2;x=1;y=2,   c=(a   b   c)")
	h.Add("Example-Header", "value, with, lots")
	h.Add("Example-Header", "of, commas")
	h.Add("Example-Dict2", "a=1, b")
	h.Add("Example-List", "1,   2")
	h.Add("Example-List", "(a b);q=0.50")
	m := &message{header: h, url: mustURL(t, "https://example.com/"), scheme: "https", contentLength: -1}
	tests := []struct {
		spec, want string
		err        error
	}{
		{"example-dict", "a=1,    b=2;x=1;y=2,   c=(a   b   c)", nil},
		{"example-dict;sf", "a=1, b=2;x=1;y=2, c=(a b c)", nil},
		{`example-dict;key="a"`, "1", nil},
		{`example-dict;key="b"`, "2;x=1;y=2", nil},
		{`example-dict;key="c"`, "(a b c)", nil},
		{`example-dict;key="d"`, "", ErrMissingHeader},
		{`example-dict2;key="b"`, "?1", nil},
		{"example-header", "value, with, lots, of, commas", nil},
		{"example-header;bs", ":dmFsdWUsIHdpdGgsIGxvdHM=:, :b2YsIGNvbW1hcw==:", nil},
		{"example-header;sf", "value, with, lots, of, commas", nil},
		{`example-header;key="a"`, "", ErrMissingHeader},
		{`example-list;key="a"`, "", ErrMalformed},
		{"example-list;sf", "1, 2, (a b);q=0.5", nil},
		{"example-list;bs", ":MSwgICAy:, :KGEgYik7cT0wLjUw:", nil},
		{"missing", "", ErrMissingHeader},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			c, err := parseComponent(tt.spec)
			require.NoError(t, err)
			got, err := m.value(c)
			if tt.err != nil {
				assert.ErrorIs(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestRFC9421DerivedComponents checks the derived components against the
// examples of RFC 9421 §2.2.
func TestRFC9421DerivedComponents(t *testing.T) {
	req, err := http.NewRequest(http.MethodPost, "https://WWW.Example.com:443/path?param=value&foo=bar&baz=batman&qux=", nil)
	require.NoError(t, err)
	m := requestMessage(req, "")
	tests := []struct{ spec, want string }{
		{"@method", "POST"},
		{"@target-uri", "https://www.example.com/path?param=value&foo=bar&baz=batman&qux="},
		{"@authority", "www.example.com"},
		{"@scheme", "https"},
		{"@request-target", "/path?param=value&foo=bar&baz=batman&qux="},
		{"@path", "/path"},
		{"@query", "?param=value&foo=bar&baz=batman&qux="},
		{`@query-param;name="baz"`, "batman"},
		{`@query-param;name="qux"`, ""},
		{`@query-param;name="param"`, "value"},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			c, err := parseComponent(tt.spec)
			require.NoError(t, err)
			got, err := m.value(c)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}

	req2, err := http.NewRequest(http.MethodGet, "http://example.com:80/parameters?var=this%20is%20a%20big%0Amultiline%20value&bar=with+plus+whitespace&fa%C3%A7ade%22%3A%20=something&dup=1&dup=2", nil)
	require.NoError(t, err)
	m2 := requestMessage(req2, "")
	for spec, want := range map[string]string{
		`@query-param;name="var"`:                  "this%20is%20a%20big%0Amultiline%20value",
		`@query-param;name="bar"`:                  "with%20plus%20whitespace",
		`@query-param;name="fa%C3%A7ade%22%3A%20"`: "something",
		"@authority":                               "example.com",
		"@query":                                   "?var=this%20is%20a%20big%0Amultiline%20value&bar=with+plus+whitespace&fa%C3%A7ade%22%3A%20=something&dup=1&dup=2",
	} {
		c, err := parseComponent(spec)
		require.NoError(t, err)
		got, err := m2.value(c)
		require.NoError(t, err, spec)
		assert.Equal(t, want, got, spec)
	}
	for spec, want := range map[string]error{
		`@query-param;name="dup"`:  ErrMalformed,
		`@query-param;name="none"`: ErrMissingHeader,
		"@status":                  ErrMalformed,
	} {
		c, err := parseComponent(spec)
		require.NoError(t, err)
		_, err = m2.value(c)
		assert.ErrorIs(t, err, want, spec)
	}

	noQuery := requestMessage(httptestRequest(t, "", "https://example.com"), "")
	for spec, want := range map[string]string{"@path": "/", "@query": "?", "@request-target": "/", "@method": "GET"} {
		c, _ := parseComponent(spec)
		got, err := noQuery.value(c)
		require.NoError(t, err)
		assert.Equal(t, want, got, spec)
	}
}

// TestQueryParamsDecodedOnce checks that the query is decoded once per
// message, not once per "@query-param": a signature may cover 64 of them,
// and re-scanning a long query for each would let one request cost many
// times its size. BenchmarkQueryParams measures it.
func TestQueryParamsDecodedOnce(t *testing.T) {
	m := &message{url: &url.URL{Path: "/", RawQuery: "a=1&b=%zz"}}
	_, err := m.queryParam("a")
	require.ErrorIs(t, err, ErrMalformed, "any pair not URL-encoded spoils the query")
	m.url.RawQuery = "a=1" // what a second decoding would see
	_, err = m.queryParam("a")
	require.ErrorIs(t, err, ErrMalformed, "the query was decoded once")

	m = &message{url: &url.URL{Path: "/", RawQuery: "a=1&b=2&b=3"}}
	got, err := m.queryParam("a")
	require.NoError(t, err)
	assert.Equal(t, "1", got)
	_, err = m.queryParam("b")
	assert.ErrorIs(t, err, ErrMalformed)
	_, err = m.queryParam("c")
	assert.ErrorIs(t, err, ErrMissingHeader)
}

// TestKeyFieldParsedOnce checks that a field read through several key=
// components is parsed as a Dictionary once per message.
func TestKeyFieldParsedOnce(t *testing.T) {
	h := http.Header{"X-Dict": {"a=1, b=2"}}
	m := &message{url: &url.URL{Path: "/"}, header: h, contentLength: -1}
	value := func(spec string) (string, error) {
		c, err := parseComponent(spec)
		require.NoError(t, err)
		return m.value(c)
	}
	got, err := value(`x-dict;key="a"`)
	require.NoError(t, err)
	assert.Equal(t, "1", got)
	h.Set("X-Dict", "a=9, b=8") // what a second parse would see
	got, err = value(`x-dict;key="b"`)
	require.NoError(t, err)
	assert.Equal(t, "2", got, "the field was parsed once")

	h.Set("X-Bad", "(")
	_, err = value(`x-bad;key="a"`)
	assert.ErrorIs(t, err, ErrMalformed)
	_, err = value(`x-bad;key="b"`)
	assert.ErrorIs(t, err, ErrMalformed)
}

// BenchmarkQueryParams covers 64 query parameters of a 64 KiB query, the
// most a signature may ask for.
func BenchmarkQueryParams(b *testing.B) {
	b.ReportAllocs()
	q := strings.Repeat("a%20b=c%20d&", 64<<10/12)
	names := make([]string, maxComponents)
	for i := range names {
		names[i] = fmt.Sprintf("n%d", i)
	}
	for b.Loop() {
		m := &message{url: &url.URL{Path: "/", RawQuery: q}}
		for _, n := range names {
			_, _ = m.queryParam(n)
		}
	}
}

// FuzzParseComponent checks that any component identifier either fails
// cleanly or yields a value or an error from a message.
func FuzzParseComponent(f *testing.F) {
	for _, s := range []string{"@method", `@query-param;name="Pet"`, `"example-dict";key="a"`, "content-digest;sf", "x;bs", "@status;req", `"@path";tr`, "", ";", `"\"`} {
		f.Add(s)
	}
	resp := &http.Response{StatusCode: 200, Header: http.Header{"Example-Dict": {"a=1, b=(1 2)"}}, Request: httptest.NewRequest(http.MethodGet, "https://example.com/a?Pet=dog", nil)}
	m := responseMessage(resp, "https")
	f.Fuzz(func(t *testing.T, spec string) {
		c, err := parseComponent(spec)
		if err != nil {
			return
		}
		_, _ = m.value(c)
		_, _ = m.request.value(c)
		_ = c.String()
	})
}

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	require.NoError(t, err)
	return u
}

func httptestRequest(t testing.TB, method, target string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, target, nil)
	require.NoError(t, err)
	return req
}
