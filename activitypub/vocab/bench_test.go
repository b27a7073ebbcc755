package vocab_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/internal/corpus"
	"github.com/starling-fed/starling/activitypub/vocab"
)

// The comparison with go-fed lives in the gofed package; these measure vocab
// alone on a Mastodon Note (mentions, hashtag, emoji, attachment) and actor.
var benchDocs = []string{"mastodon-note-mentions", "mastodon-actor-person"}

func BenchmarkDecode(b *testing.B) {
	ctx := context.Background()
	for _, name := range benchDocs {
		doc, ok := corpus.Get(name)
		require.True(b, ok, name)
		b.Run(name, func(b *testing.B) {
			var d vocab.Decoder
			b.ReportAllocs()
			b.SetBytes(int64(len(doc.Data)))
			for b.Loop() {
				if _, err := d.Decode(ctx, doc.Data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkMarshal(b *testing.B) {
	for _, name := range benchDocs {
		doc, ok := corpus.Get(name)
		require.True(b, ok, name)
		o, err := vocab.Unmarshal(doc.Data)
		require.NoError(b, err)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := vocab.Marshal(o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecodeHostileContext measures a 1 MiB document whose context
// holds tens of thousands of definitions: it must cost about as much as
// reading 1 MiB, not a scan of the document per definition.
func BenchmarkDecodeHostileContext(b *testing.B) {
	doc := hostileContext(30000, vocab.DefaultMaxBytes)
	b.ReportAllocs()
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		_, _ = vocab.Unmarshal(doc)
	}
}
