package vocab_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/vocab"
)

func TestIsPublic(t *testing.T) {
	for _, s := range []string{vocab.PublicIRI, "as:Public", "Public"} {
		assert.True(t, vocab.IsPublic(s), s)
	}
	for _, s := range []string{"", "public", "https://a.example/Public"} {
		assert.False(t, vocab.IsPublic(s), s)
	}
}

var validIRIs = []string{"https://a.example", "http://a.example/u?x=1#k", "https://a.example:8443/x",
	"at://did:plc:abc/app.bsky.feed.post/1", "did:plc:abc", "did:web:a.example",
	"https://1.2.3.4:8080/x", "https://[2001:db8::1]:443/x", "https://a.example/caf%C3%A9", "https://a.example:/x",
	"https://a.example?q=1"}

var invalidIRIs = []string{"", "/u/1", "a.example/u", "https://", "https:///x", "ftp://a.example",
	"https://a.example/a b", "https://a.example/<x>", "did:", "did:plc", "did:plc:", "mailto:a@b.example",
	"https://:443/x", "https://@/x", "https://u@:80", "https://a.example:80a/x", "https://[::1/x", "https://[]/x",
	"https://[::1]x/", "https://u:p@a.example/x", "http://%00", "https://a%2e.example/", "https://a.example/%zz",
	"https://a.example/%4", "http://::", "https://a:b:c/", "http://[0]", "http://[1.2.3.4]/"}

func TestValidIRI(t *testing.T) {
	for _, s := range validIRIs {
		assert.True(t, vocab.ValidIRI(s), s)
	}
	for _, s := range invalidIRIs {
		assert.False(t, vocab.ValidIRI(s), s)
	}
}

// FuzzValidIRI checks ValidIRI against net/url: every http(s) IRI it
// accepts must parse, absolute and with a host, since the engine will
// parse ids to fetch and compare them.
func FuzzValidIRI(f *testing.F) {
	for _, s := range validIRIs {
		f.Add(s)
	}
	for _, s := range invalidIRIs {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !vocab.ValidIRI(s) || !strings.HasPrefix(s, "http") {
			return
		}
		u, err := url.Parse(s)
		require.NoError(t, err, "%q", s)
		assert.True(t, u.IsAbs(), "%q", s)
		assert.NotEmpty(t, u.Hostname(), "%q", s)
	})
}
