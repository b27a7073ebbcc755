package vocab_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/internal/corpus"
	"github.com/starling-fed/starling/activitypub/vocab"
)

// TestCorpusExpectations decodes every corpus document and checks the facts
// the corpus records about it.
func TestCorpusExpectations(t *testing.T) {
	docs := corpus.All()
	require.NotEmpty(t, docs)
	for _, doc := range docs {
		t.Run(doc.Name, func(t *testing.T) {
			o, err := vocab.Unmarshal(doc.Data)
			if err != nil {
				require.True(t, doc.Expect.UnusualContext, "only an unusual context may fail: %v", err)
				require.ErrorIs(t, err, vocab.ErrNeedsJSONLD)
				return
			}
			want := doc.Expect
			assert.Equal(t, want.ID, o.ID, "id")
			assert.Equal(t, want.Type, o.Type, "type")
			assert.Equal(t, want.Actor, vocab.First(o.Actor).ID(), "actor")
			assert.Equal(t, want.Object, vocab.First(o.Object).ID(), "object")
			assert.Equal(t, want.To, vocab.IDs(o.To), "to")
			assert.Equal(t, want.Cc, vocab.IDs(o.Cc), "cc")
			assert.Equal(t, want.Content, corpusContent(o), "content")
		})
	}
}

// corpusContent applies the corpus's rule for Expect.Content.
func corpusContent(o *vocab.Object) string {
	if e := vocab.First(o.Object).Object; e != nil && (e.Content != "" || len(e.ContentMap) > 0) {
		o = e
	}
	if o.Content != "" {
		return o.Content
	}
	return o.ContentIn("")
}

// TestCorpusRoundTrip checks that decode → encode → decode gives the same
// value for every corpus document, unknown properties included, and that
// encoding is stable.
func TestCorpusRoundTrip(t *testing.T) {
	for _, doc := range corpus.All() {
		t.Run(doc.Name, func(t *testing.T) {
			o, err := vocab.Unmarshal(doc.Data)
			if errors.Is(err, vocab.ErrNeedsJSONLD) {
				t.Skip("needs JSON-LD normalization")
			}
			require.NoError(t, err)
			out, err := vocab.Marshal(o)
			require.NoError(t, err)
			o2, err := vocab.Unmarshal(out)
			require.NoError(t, err, "%s", out)
			if len(o.LDContext) == 0 {
				// The encoder supplied DefaultContext.
				assert.Equal(t, vocab.DefaultContext, string(o2.LDContext))
				o2.LDContext = nil
			}
			assert.Equal(t, o, o2)
			out2, err := vocab.Marshal(o2)
			require.NoError(t, err)
			assert.Equal(t, string(out), string(out2))
			for k, v := range o.Extra {
				assert.JSONEq(t, string(v), string(o2.Extra[k]), "extra %s", k)
			}
		})
	}
}
