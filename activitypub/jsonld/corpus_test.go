package jsonld_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/internal/corpus"
	"github.com/starling-fed/starling/activitypub/jsonld"
	"github.com/starling-fed/starling/activitypub/vocab"
)

// corpusNeedsNetwork lists corpus documents whose @context names a URL that
// is deliberately not embedded.
var corpusNeedsNetwork = map[string]bool{
	"generic-unknown-context": true,
}

// TestNormalizeCorpus normalizes every real-world document of the corpus
// and checks that nothing that identifies a node is lost: the expanded
// graph before and after has the same ids and types, and the top level
// keeps the id, type, actor, object and addressing the corpus records.
func TestNormalizeCorpus(t *testing.T) {
	docs := corpus.All()
	require.GreaterOrEqual(t, len(docs), 40)
	p := &jsonld.Processor{}
	ctx := context.Background()
	for _, d := range docs {
		t.Run(d.Name, func(t *testing.T) {
			norm, err := p.Normalize(ctx, d.Data)
			if corpusNeedsNetwork[d.Name] {
				require.ErrorIs(t, err, jsonld.ErrContextNotAllowed)
				return
			}
			require.NoError(t, err)

			before, err := p.Expand(ctx, d.Data)
			require.NoError(t, err)
			after, err := p.Expand(ctx, norm)
			require.NoError(t, err)
			assert.Equal(t, nodeFacts(before), nodeFacts(after), "ids and types survive normalization")

			var m map[string]any
			require.NoError(t, json.Unmarshal(norm, &m))
			e := d.Expect
			if e.ID != "" {
				assert.Equal(t, e.ID, m["id"])
			}
			if e.Type != "" {
				assert.Equal(t, localName(e.Type), localName(first(m["type"])))
			}
			if e.Actor != "" {
				assert.Equal(t, e.Actor, refID(m["actor"]))
			}
			if e.Object != "" {
				assert.Equal(t, e.Object, refID(m["object"]))
			}
			if len(e.To) > 0 {
				assert.Equal(t, e.To, refIDs(m["to"]))
			}
			if len(e.Cc) > 0 {
				assert.Equal(t, e.Cc, refIDs(m["cc"]))
			}

			// Every real document canonicalizes, well within the cost bounds.
			_, err = p.Canonicalize(ctx, d.Data)
			require.NoError(t, err)

			// The normalized form decodes on vocab's direct path.
			o, err := vocab.Unmarshal(norm)
			require.NoError(t, err)
			assert.Equal(t, e.ID, o.ID)
			if e.Type != "" {
				assert.Equal(t, localName(e.Type), o.Type)
			}
		})
	}
}

// nodeFacts lists "id type" for every typed node in an expanded document,
// sorted.
func nodeFacts(expanded []any) []string {
	var facts []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			id, _ := v["@id"].(string)
			if types, ok := v["@type"].([]any); ok {
				for _, t := range types {
					if _, isValue := v["@value"]; !isValue {
						facts = append(facts, fmt.Sprintf("%s %v", id, t))
					}
				}
			}
			for k, e := range v {
				if k != "@type" {
					walk(e)
				}
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(expanded)
	sort.Strings(facts)
	return facts
}

// localName reduces a type written as a term, compact IRI or Activity
// Streams IRI to its term.
func localName(t string) string {
	for _, prefix := range []string{as, "as:", "http://www.w3.org/ns/activitystreams#", "http://litepub.social/ns#"} {
		if len(t) > len(prefix) && t[:len(prefix)] == prefix {
			return t[len(prefix):]
		}
	}
	return t
}

func first(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []any:
		if len(v) > 0 {
			s, _ := v[0].(string)
			return s
		}
	}
	return ""
}

func refID(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case map[string]any:
		s, _ := v["id"].(string)
		return s
	case []any:
		if len(v) > 0 {
			return refID(v[0])
		}
	}
	return ""
}

func refIDs(v any) []string {
	if l, ok := v.([]any); ok {
		out := make([]string, 0, len(l))
		for _, e := range l {
			out = append(out, refID(e))
		}
		return out
	}
	if v == nil {
		return nil
	}
	return []string{refID(v)}
}

func TestVocabDecoderHook(t *testing.T) {
	ctx := context.Background()
	doc := []byte(unusualNote)

	// Without the hook, vocab refuses to guess.
	var plain vocab.Decoder
	_, err := plain.Decode(ctx, doc)
	require.ErrorIs(t, err, vocab.ErrNeedsJSONLD)

	// With it, the unusual context is normalized and decoded.
	dec := vocab.Decoder{Normalize: jsonld.Normalize}
	o, err := dec.Decode(ctx, doc)
	require.NoError(t, err)
	assert.Equal(t, "https://odd.example/notes/1", o.ID)
	assert.Equal(t, "Note", o.Type)
	require.NotNil(t, o.Sensitive)
	assert.True(t, *o.Sensitive)
	assert.Equal(t, "spoilers", o.Content)
	assert.Equal(t, []string{vocab.PublicIRI}, vocab.IDs(o.To))
	assert.Equal(t, []string{"https://odd.example/users/carol"}, vocab.IDs(o.AttributedTo))

	// A familiar name given a foreign meaning does not leak into the field.
	foreign := []byte(`{"@context":["https://www.w3.org/ns/activitystreams",{"sensitive":"http://example.com/ns#notSensitive"}],
	  "id":"https://odd.example/notes/2","type":"Note","sensitive":true}`)
	o, err = dec.Decode(ctx, foreign)
	require.NoError(t, err)
	assert.Nil(t, o.Sensitive)

	// An unknown context is refused offline, and the error says so.
	unknown := []byte(`{"@context":["https://www.w3.org/ns/activitystreams","https://unknown.example/ns"],"id":"https://a.example/1","type":"Note"}`)
	_, err = dec.Decode(ctx, unknown)
	require.ErrorIs(t, err, jsonld.ErrContextNotAllowed)

	// Documents on the fast path never reach the hook.
	calls := 0
	counting := vocab.Decoder{Normalize: func(ctx context.Context, doc []byte) ([]byte, error) {
		calls++
		return jsonld.Normalize(ctx, doc)
	}}
	for _, d := range corpus.All() {
		if d.Expect.UnusualContext || corpusNeedsNetwork[d.Name] {
			continue
		}
		_, err := counting.Decode(ctx, d.Data)
		require.NoError(t, err, d.Name)
	}
	assert.Zero(t, calls, "documents with usual contexts decode without JSON-LD")

	// Every document the corpus marks unusual decodes through the hook.
	for _, d := range corpus.All() {
		if !d.Expect.UnusualContext || corpusNeedsNetwork[d.Name] {
			continue
		}
		o, err := dec.Decode(ctx, d.Data)
		require.NoError(t, err, d.Name)
		assert.Equal(t, d.Expect.ID, o.ID, d.Name)
		if d.Expect.Type != "" {
			assert.Equal(t, localName(d.Expect.Type), o.Type, d.Name)
		}
		if len(d.Expect.To) > 0 {
			assert.True(t, slices.Equal(d.Expect.To, vocab.IDs(o.To)), "%s: to %v", d.Name, vocab.IDs(o.To))
		}
	}
}
