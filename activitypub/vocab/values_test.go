package vocab_test

import (
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/vocab"
)

// Expanded JSON-LD value and list objects, and numbers written as strings,
// decode like their compact forms.
func TestValueShapes(t *testing.T) {
	o, err := vocab.Unmarshal([]byte(`{
		"type": "Document",
		"blurhash": {"@value": "LEHV6n"},
		"sensitive": {"@value": true, "@type": "xsd:boolean"},
		"width": {"@value": 640},
		"focalPoint": {"@list": [0.5, -0.5]},
		"published": {"@value": "2024-01-01T10:00:00+02:00", "@type": "xsd:dateTime"},
		"latitude": "41.5", "longitude": -8.25,
		"rel": "nofollow"
	}`))
	require.NoError(t, err)
	assert.Equal(t, "LEHV6n", o.Blurhash)
	assert.True(t, *o.Sensitive)
	assert.Equal(t, int64(640), *o.Width)
	assert.Equal(t, []float64{0.5, -0.5}, o.FocalPoint)
	assert.Equal(t, 8, o.Published.UTC().Hour())
	assert.Equal(t, 41.5, *o.Latitude)
	assert.Equal(t, -8.25, *o.Longitude)
	assert.Equal(t, []string{"nofollow"}, o.Rel)
}

func TestValueShapeErrors(t *testing.T) {
	for name, doc := range map[string]string{
		"object without @value": `{"blurhash": {"x": 1}}`,
		"empty value object":    `{"blurhash": {}}`,
		"two values":            `{"blurhash": {"@value": "a", "@list": ["b"]}}`,
		"coordinate not number": `{"latitude": "north"}`,
		"several where one":     `{"replies": ["https://a.example/1", "https://a.example/2"]}`,
		"inbox several":         `{"inbox": ["https://a.example/1", "https://a.example/2"]}`,
		"alsoKnownAs no id":     `{"alsoKnownAs": [{"type": "Person"}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := vocab.Unmarshal([]byte(doc))
			assert.Error(t, err)
		})
	}
}

func TestEmbeddedWhereIRIsAreUsualSurvives(t *testing.T) {
	doc := `{"type":"Person","alsoKnownAs":[{"id":"https://b.example/u","type":"Person","name":"B"},"https://c.example/u"]}`
	o, err := vocab.Unmarshal([]byte(doc))
	require.NoError(t, err)
	assert.Equal(t, []string{"https://b.example/u", "https://c.example/u"}, o.AlsoKnownAs)
	out, err := vocab.Marshal(o)
	require.NoError(t, err)
	assert.Contains(t, string(out), `"alsoKnownAs":[{"id":"https://b.example/u","type":"Person","name":"B"},"https://c.example/u"]`)
}

// Values kept raw in Extra are copied once, not once per level of
// nesting: a document nesting objects where IRIs are usual must not make
// the decoder allocate its size times its depth.
func TestNestedRawValuesCopiedOnce(t *testing.T) {
	const depth = 60
	doc := []byte(strings.Repeat(`{"id":"https://a.example/c","followers":`, depth) +
		`{"x":"` + strings.Repeat("a", 1<<20-depth*50) + `"}` + strings.Repeat(`}`, depth))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	o, err := vocab.Unmarshal(doc)
	runtime.ReadMemStats(&after)
	require.NoError(t, err)
	assert.Equal(t, "https://a.example/c", o.Followers)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(8*len(doc)))
}

// JSON-LD value objects are values, not language maps with keys "@value"
// and "@language".
func TestNaturalLanguageValueObjects(t *testing.T) {
	o, err := vocab.Unmarshal([]byte(`{"type":"Note",
		"content":{"@value":"<p>hallo</p>","@language":"de"},
		"name":{"@value":"plain"},
		"summary":{"@value":"cw","@language":"en","@direction":"ltr"}}`))
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"de": "<p>hallo</p>"}, o.ContentMap)
	assert.Empty(t, o.Content)
	assert.Equal(t, "plain", o.Name)
	assert.Empty(t, o.NameMap)
	assert.Equal(t, map[string]string{"en": "cw"}, o.SummaryMap)

	_, err = vocab.Unmarshal([]byte(`{"type":"Note","contentMap":{"@value":"x"}}`))
	assert.ErrorIs(t, err, vocab.ErrWrongType)
}

// An embedded value under a prefixed name is kept under its compact name,
// so that it replaces the field when encoding instead of being written
// beside it.
func TestPrefixedEmbeddedIRIProperty(t *testing.T) {
	o, err := vocab.Unmarshal([]byte(`{"type":"Person","toot:featured":{"id":"https://a.example/f","type":"OrderedCollection"}}`))
	require.NoError(t, err)
	assert.Equal(t, "https://a.example/f", o.Featured)
	o.LDContext = []byte(`"https://www.w3.org/ns/activitystreams"`)
	out, err := vocab.Marshal(o)
	require.NoError(t, err)
	assert.Equal(t, `{"@context":"https://www.w3.org/ns/activitystreams","type":"Person","featured":{"id":"https://a.example/f","type":"OrderedCollection"}}`, string(out))
}

// "@context": null is no context at all: encoding writes the default one.
func TestNullContext(t *testing.T) {
	o, err := vocab.Unmarshal([]byte(`{"@context":null,"type":"Note"}`))
	require.NoError(t, err)
	assert.Empty(t, o.LDContext)
	out, err := vocab.Marshal(o)
	require.NoError(t, err)
	assert.Contains(t, string(out), `"@context":`+vocab.DefaultContext)
}
