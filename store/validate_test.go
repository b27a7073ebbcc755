package store_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store"
)

var iriTests = []struct {
	name, iri string
	ok        bool
}{
	{"https", "https://example.com/users/alice", true},
	{"http with port", "http://localhost:8080/u/a", true},
	{"fragment key id", "https://example.com/users/alice#main-key", true},
	{"query", "https://example.com/objects?id=1", true},
	{"unicode host", "https://bücher.example/a", true},
	{"empty", "", false},
	{"relative", "/users/alice", false},
	{"no scheme", "example.com/users/alice", false},
	{"ftp", "ftp://example.com/a", false},
	{"acct", "acct:alice@example.com", false},
	{"mailto opaque", "mailto:alice@example.com", false},
	{"no host", "https:///path", false},
	{"userinfo", "https://bob@example.com/a", false},
	{"space", "https://example.com/a b", false},
	{"newline", "https://example.com/a\nb", false},
	{"tab", "https://example.com/\ta", false},
	{"del", "https://example.com/\x7f", false},
	{"invalid utf8", "https://example.com/\xff", false},
	{"bad escape", "https://example.com/%zz", false},
	{"too long", "https://example.com/" + strings.Repeat("a", store.MaxIRILength), false},
	{"ipv6", "https://[2001:db8::1]:8443/inbox", true},
	{"empty port", "https://example.com:/inbox", true},
	{"port zero", "https://example.com:0/inbox", false},
	{"port too big", "https://example.com:65536/inbox", false},
	{"port overflowing int", "https://example.com:99999999999999999999/inbox", false},
}

func TestValidateIRI(t *testing.T) {
	for _, tt := range iriTests {
		t.Run(tt.name, func(t *testing.T) {
			err := store.ValidateIRI(tt.iri)
			if tt.ok {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, store.ErrInvalidIRI)
			assert.Less(t, len(err.Error()), 200, "error messages stay short")
		})
	}
}

func TestHostOf(t *testing.T) {
	for _, tt := range []struct{ iri, host string }{
		{"https://Mastodon.Social/inbox", "mastodon.social"},
		{"http://localhost:8080/inbox", "localhost:8080"},
		// One server is one host, however its IRIs spell the port, so
		// its jobs share one circuit breaker and one concurrency limit.
		{"https://mastodon.social:443/inbox", "mastodon.social"},
		{"https://mastodon.social:/inbox", "mastodon.social"},
		{"http://example.com:80/inbox", "example.com"},
		{"http://example.com:443/inbox", "example.com:443"},
		{"https://example.com:80/inbox", "example.com:80"},
		{"https://[2001:DB8::1]:443/inbox", "[2001:db8::1]"},
		{"https://[2001:db8::1]:8443/inbox", "[2001:db8::1]:8443"},
	} {
		t.Run(tt.iri, func(t *testing.T) {
			h, err := store.HostOf(tt.iri)
			require.NoError(t, err)
			assert.Equal(t, tt.host, h)
		})
	}
	_, err := store.HostOf("inbox")
	assert.ErrorIs(t, err, store.ErrInvalidIRI)
}

func TestValidateDocument(t *testing.T) {
	big := make([]byte, store.MaxDocumentSize+1)
	for i := range big {
		big[i] = ' '
	}
	big[0] = '1'
	maxDoc := append([]byte(`"`), append([]byte(strings.Repeat("a", store.MaxDocumentSize-2)), '"')...)
	for _, tt := range []struct {
		name string
		doc  []byte
		want error
	}{
		{"object", []byte(`{"type":"Note"}`), nil},
		{"exactly max", maxDoc, nil},
		{"empty", nil, store.ErrInvalid},
		{"not json", []byte(`{"type":`), store.ErrInvalid},
		{"too large", big, store.ErrTooLarge},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := store.ValidateDocument(tt.doc)
			if tt.want == nil {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, tt.want)
			}
		})
	}
}

func FuzzValidateIRI(f *testing.F) {
	for _, tt := range iriTests {
		f.Add(tt.iri)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := store.ValidateIRI(s)
		if err != nil {
			require.ErrorIs(t, err, store.ErrInvalidIRI)
			return
		}
		require.True(t, utf8.ValidString(s))
		h, err := store.HostOf(s)
		require.NoError(t, err)
		require.NotEmpty(t, h)
	})
}
