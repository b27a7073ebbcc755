package vocab_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/vocab"
)

func TestKnownContext(t *testing.T) {
	for _, u := range []string{vocab.ActivityStreamsContext, vocab.SecurityContext,
		"https://w3id.org/security/multikey/v1", "https://gotosocial.org/ns",
		"https://akkoma.example/schemas/litepub-0.1.jsonld"} {
		assert.True(t, vocab.KnownContext(u), u)
	}
	for _, u := range []string{"", "https://schema.org", "https://evil.example/ctx"} {
		assert.False(t, vocab.KnownContext(u), u)
	}
}

// Contexts that declare terms the usual way, or redefine terms the document
// does not use, are read directly.
func TestContextReadDirectly(t *testing.T) {
	for name, doc := range map[string]string{
		"Mastodon's own":        `{"@context":` + vocab.DefaultContext + `,"type":"Note","sensitive":true}`,
		"https variants":        `{"@context":["https://www.w3.org/ns/activitystreams",{"toot":"https://joinmastodon.org/ns#","discoverable":"toot:discoverable","sc":"http://schema.org/","value":"sc:value"}],"type":"Person","discoverable":true}`,
		"unused redefinition":   `{"@context":["https://www.w3.org/ns/activitystreams",{"sensitive":"https://x.example/ns#nsfw"}],"type":"Note"}`,
		"unrelated terms":       `{"@context":["https://www.w3.org/ns/activitystreams",{"pt":"https://joinpeertube.org/ns#","uuid":"sc:identifier","sc":"http://schema.org/"}],"type":"Video","uuid":"x"}`,
		"orderedItems as items": `{"@context":["https://www.w3.org/ns/activitystreams",{"orderedItems":{"@id":"as:items","@container":"@list","@type":"@id"}}],"type":"OrderedCollection","orderedItems":[]}`,
		"null and keywords":     `{"@context":[null,"https://www.w3.org/ns/activitystreams",{"@language":"en","@vocab":"_:","id":"@id"}],"type":"Note"}`,
		"nested context":        `{"type":"Create","object":{"@context":"https://www.w3.org/ns/activitystreams","type":"Note"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := vocab.Unmarshal([]byte(doc))
			require.NoError(t, err)
		})
	}
}

func TestContextNeedsJSONLD(t *testing.T) {
	for name, doc := range map[string]string{
		"undefined term": `{"@context":["https://www.w3.org/ns/activitystreams",{"content":null}],"type":"Note","content":"x"}`,
		"@type alias":    `{"@context":["https://www.w3.org/ns/activitystreams",{"kind":"@type"}],"kind":"Note"}`,
		"@import":        `{"@context":{"@import":"https://x.example/ctx"},"type":"Note"}`,
		"nested bad":     `{"type":"Create","object":{"@context":"https://x.example/ctx","type":"Note"}}`,
		"type onto AS":   `{"@context":["https://www.w3.org/ns/activitystreams",{"Toot":"as:Note"}],"type":"Toot"}`,
		"context wrong":  `{"@context":5,"type":"Note"}`,
		"via own prefix": `{"@context":["https://www.w3.org/ns/activitystreams",{"x":"https://www.w3.org/ns/activitystreams#","body":"x:content"}],"body":"x"}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := vocab.Unmarshal([]byte(doc))
			require.Error(t, err)
			if name != "context wrong" {
				assert.ErrorIs(t, err, vocab.ErrNeedsJSONLD)
			}
		})
	}
}

func TestContextErrorLocation(t *testing.T) {
	doc := `{"type":"Note","@context":["https://www.w3.org/ns/activitystreams",5]}`
	_, err := vocab.Unmarshal([]byte(doc))
	var de *vocab.DecodeError
	require.ErrorAs(t, err, &de)
	assert.ErrorIs(t, err, vocab.ErrWrongType)
	assert.Equal(t, "@context[1]", de.Path)
	assert.Equal(t, strings.Index(doc, "5]"), de.Offset)
}

// hostileContext is a document of about size bytes whose context defines
// n terms as aliases of content that the document never uses, followed by
// a long string, so that checking each definition against the document is
// as costly as it can be.
func hostileContext(n, size int) []byte {
	var b strings.Builder
	b.WriteString(`{"@context":["https://www.w3.org/ns/activitystreams",{`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"t` + strconv.Itoa(i) + `":"as:content"`)
	}
	b.WriteString(`}],"type":"Note","x":"`)
	b.WriteString(strings.Repeat("a", max(0, size-b.Len()-2)))
	b.WriteString(`"}`)
	return []byte(b.String())
}

// Each definition that touches a known term costs a scan of the document;
// past a few dozen of them the checker stops scanning and sends the
// document to JSON-LD normalization, so a large context cannot make
// decoding quadratic in the document's size.
func TestContextCheckIsBounded(t *testing.T) {
	_, err := vocab.Unmarshal(hostileContext(8, 4096))
	require.NoError(t, err, "a few unused aliases are read directly")
	_, err = vocab.Unmarshal(hostileContext(100, 4096))
	assert.ErrorIs(t, err, vocab.ErrNeedsJSONLD)
	_, err = vocab.Unmarshal(hostileContext(30000, vocab.DefaultMaxBytes))
	assert.ErrorIs(t, err, vocab.ErrNeedsJSONLD)
}
