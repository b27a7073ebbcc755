package jsonld

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFullIRIs(t *testing.T) {
	p := &Processor{}
	st, err := p.state()
	require.NoError(t, err)

	tests := []struct{ in, want string }{
		{"as:Public", "https://www.w3.org/ns/activitystreams#Public"},
		{"toot:Emoji", "http://joinmastodon.org/ns#Emoji"},
		{"sec:Key", "https://w3id.org/security#Key"},
		{"https://a.example/x", "https://a.example/x"},
		{"http://as:80/x", "http://as:80/x"},
		{"unknown:thing", "unknown:thing"},
		{"Public", "Public"},
		{"tag:mastodon.example,2024:objectId=1", "tag:mastodon.example,2024:objectId=1"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, st.expandCURIE(tt.in), tt.in)
	}

	doc := map[string]any{
		"@context": []any{"as:Public"},
		"id":       "as:Public",
		"type":     []any{"Note", "toot:Thing"},
		"to":       "as:Public",
		"cc":       []any{"https://a.example/f", "as:Public", map[string]any{"id": "as:Public", "name": "as:Public"}},
		"content":  "as:Public",
		"object":   map[string]any{"id": "sec:x", "summary": "sec:y"},
	}
	st.fullIRIs(doc)
	pub := "https://www.w3.org/ns/activitystreams#Public"
	assert.Equal(t, []any{"as:Public"}, doc["@context"], "contexts are left alone")
	assert.Equal(t, pub, doc["id"])
	assert.Equal(t, []any{"Note", "http://joinmastodon.org/ns#Thing"}, doc["type"])
	assert.Equal(t, pub, doc["to"])
	assert.Equal(t, []any{"https://a.example/f", pub, map[string]any{"id": pub, "name": "as:Public"}}, doc["cc"])
	assert.Equal(t, "as:Public", doc["content"], "text is left alone")
	assert.Equal(t, map[string]any{"id": "https://w3id.org/security#x", "summary": "sec:y"}, doc["object"])
}
