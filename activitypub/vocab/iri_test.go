package vocab_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

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

func TestValidIRI(t *testing.T) {
	for _, s := range []string{"https://a.example", "http://a.example/u?x=1#k", "https://a.example:8443/x",
		"at://did:plc:abc/app.bsky.feed.post/1", "did:plc:abc", "did:web:a.example",
		"https://1.2.3.4:8080/x", "https://[2001:db8::1]:443/x", "https://u:p@a.example/x", "https://a.example:/x",
		"https://a.example?q=1"} {
		assert.True(t, vocab.ValidIRI(s), s)
	}
	for _, s := range []string{"", "/u/1", "a.example/u", "https://", "https:///x", "ftp://a.example",
		"https://a.example/a b", "https://a.example/<x>", "did:", "did:plc", "did:plc:", "mailto:a@b.example",
		"https://:443/x", "https://@/x", "https://u@:80", "https://a.example:80a/x", "https://[::1/x", "https://[]/x",
		"https://[::1]x/"} {
		assert.False(t, vocab.ValidIRI(s), s)
	}
}
