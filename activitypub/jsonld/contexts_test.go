package jsonld

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestContextKey(t *testing.T) {
	tests := []struct {
		url  string
		key  string
		isOK bool
	}{
		{"https://www.w3.org/ns/activitystreams", "www.w3.org/ns/activitystreams", true},
		{"http://www.w3.org/ns/activitystreams", "www.w3.org/ns/activitystreams", true},
		{"https://www.w3.org/ns/activitystreams.jsonld", "www.w3.org/ns/activitystreams", true},
		{"https://www.w3.org/ns/activitystreams.json", "www.w3.org/ns/activitystreams", true},
		{"https://www.w3.org/ns/activitystreams/", "www.w3.org/ns/activitystreams", true},
		{"https://www.w3.org/ns/activitystreams#", "www.w3.org/ns/activitystreams", true},
		{"HTTPS://WWW.W3.ORG/ns/activitystreams", "www.w3.org/ns/activitystreams", true},
		{"https://join-lemmy.org/context.json", "join-lemmy.org/context", true},
		{"https://a.example/schemas/litepub-0.1.jsonld", litepubKey, true},
		{"http://b.example:8080/schemas/litepub-0.1.jsonld", litepubKey, true},
		{"https://gotosocial.org/ns", "gotosocial.org/ns", true},
		{"https://gotosocial.org", "gotosocial.org", true},
		{"https://w3id.org/security/v1?x=1", "w3id.org/security/v1", true},
		{"urn:example:ctx", "", false},
		{"ftp://a.example/ctx", "", false},
		{"https://", "", false},
		{"https:///path", "", false},
		{"ctx.jsonld", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			key, ok := contextKey(tt.url)
			assert.Equal(t, tt.isOK, ok)
			assert.Equal(t, tt.key, key)
		})
	}
}

func TestEmbeddedContexts(t *testing.T) {
	// Terms each embedded document must define for the package to work.
	required := map[string][]string{
		"contexts/activitystreams.jsonld":   {"Note", "Public", "inReplyTo", "sharedInbox", "alsoKnownAs", "@vocab"},
		"contexts/security-v1.jsonld":       {"publicKey", "publicKeyPem", "owner", "signatureValue", "creator", "created"},
		"contexts/data-integrity-v1.jsonld": {"proof", "DataIntegrityProof"},
		"contexts/multikey-v1.jsonld":       {"Multikey"},
		"contexts/identity-v1.jsonld":       {"creator", "created", "signatureValue"},
		"contexts/gotosocial.jsonld":        {"interactionPolicy", "canLike", "automaticApproval"},
		"contexts/lemmy.jsonld":             {"stickied", "moderators"},
		"contexts/litepub-0.1.jsonld":       {"EmojiReact", "directMessage", "quoteUri"},
		"contexts/webfinger.jsonld":         {"webfinger"},
	}
	files := make(map[string]bool)
	for key, kc := range embeddedContexts() {
		files[kc.file] = true
		k, ok := contextKey(kc.url)
		require.True(t, ok, kc.url)
		if key != litepubKey {
			assert.Equal(t, key, k, "canonical URL %s files under its own key", kc.url)
		}
	}
	assert.Len(t, files, len(required))

	l := &Loader{}
	l.once.Do(l.init)
	require.NoError(t, l.initErr)
	for key, kc := range embeddedContexts() {
		d := l.static[key]
		require.NotNil(t, d, key)
		terms := make(map[string]bool)
		collectTerms(d.doc["@context"], terms)
		for _, term := range required[kc.file] {
			assert.True(t, terms[term], "%s defines %q", kc.file, term)
		}
		// Embedded documents may only name other embedded documents, so
		// that loading them never leaves the process.
		for _, ref := range d.refs {
			rk, ok := contextKey(ref)
			require.True(t, ok, ref)
			assert.NotNil(t, l.static[rk], "%s names %s, which is not embedded", kc.file, ref)
			assert.Empty(t, l.static[rk].refs, "embedded contexts nest one level at most")
		}
		assert.False(t, d.hasImport, kc.file)
	}
}

func collectTerms(c any, into map[string]bool) {
	switch c := c.(type) {
	case map[string]any:
		for k := range c {
			into[k] = true
		}
	case []any:
		for _, e := range c {
			collectTerms(e, into)
		}
	}
}
