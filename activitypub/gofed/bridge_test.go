package gofed_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/go-fed/activity/streams"
	gfvocab "github.com/go-fed/activity/streams/vocab"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/gofed"
	"github.com/starling-fed/starling/activitypub/internal/corpus"
	"github.com/starling-fed/starling/activitypub/vocab"
)

func TestToTypeFromType(t *testing.T) {
	ctx := context.Background()
	for _, doc := range corpus.All() {
		t.Run(doc.Name, func(t *testing.T) {
			o, err := vocab.Unmarshal(doc.Data)
			if errors.Is(err, vocab.ErrNeedsJSONLD) {
				t.Skip("needs JSON-LD normalization")
			}
			require.NoError(t, err)
			gt, err := gofed.ToType(ctx, o)
			if _, ok := gofedCannot[doc.Name]; ok && err != nil {
				return
			}
			require.NoError(t, err)
			assert.Equal(t, o.Type, gt.GetTypeName())
			back, err := gofed.FromType(ctx, gt, nil)
			require.NoError(t, err)
			want, got := vocabFacts(o), vocabFacts(back)
			if len(want.Content) > 0 && len(got.ContentMap) == 0 {
				want.ContentMap = nil // go-fed keeps content, not contentMap
			}
			// go-fed writes dates to the second.
			want.Published = want.Published.Truncate(time.Second)
			assert.Equal(t, want, got)
			// Properties go-fed does not know travel as its unknown
			// properties and come back.
			assert.Equal(t, o.Sensitive, back.Sensitive, "sensitive")
			assert.Equal(t, o.MisskeyContent, back.MisskeyContent, "_misskey_content")
			for k := range o.Extra {
				assert.Contains(t, back.Extra, k)
			}
		})
	}
}

func TestToTypeNote(t *testing.T) {
	ctx := context.Background()
	note := vocab.NewNote("https://example.com/notes/1", "https://example.com/users/alice", "<p>hi</p>", time.Time{})
	gt, err := gofed.ToType(ctx, note)
	require.NoError(t, err)
	n, ok := gt.(gfvocab.ActivityStreamsNote)
	require.True(t, ok)
	assert.Equal(t, "https://example.com/notes/1", n.GetJSONLDId().Get().String())
	assert.Equal(t, "<p>hi</p>", n.GetActivityStreamsContent().Begin().GetXMLSchemaString())
}

func TestConversionErrors(t *testing.T) {
	ctx := context.Background()
	_, err := gofed.ToType(ctx, nil)
	assert.ErrorIs(t, err, gofed.ErrNilValue)
	_, err = gofed.FromType(ctx, nil, nil)
	assert.ErrorIs(t, err, gofed.ErrNilValue)
	_, err = gofed.ToType(ctx, &vocab.Object{Type: "Sparkle"})
	assert.ErrorIs(t, err, streams.ErrUnhandledType)
	_, err = gofed.Parse(ctx, []byte(`{`))
	assert.Error(t, err)
}
