package gofed_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/go-fed/activity/streams"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/internal/corpus"
	"github.com/starling-fed/starling/activitypub/vocab"
)

// benchDocs are the documents the benchmarks compare the decoders on: a
// Mastodon Note with mentions, a hashtag, a custom emoji and an image
// attachment, and a Mastodon Person actor.
var benchDocs = []string{"mastodon-note-mentions", "mastodon-actor-person"}

func benchDoc(b *testing.B, name string) []byte {
	b.Helper()
	d, ok := corpus.Get(name)
	require.True(b, ok, name)
	return d.Data
}

func BenchmarkDecode(b *testing.B) {
	ctx := context.Background()
	for _, name := range benchDocs {
		data := benchDoc(b, name)
		b.Run(name+"/vocab", func(b *testing.B) {
			var d vocab.Decoder
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := d.Decode(ctx, data); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/gofed", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				var m map[string]any
				if err := json.Unmarshal(data, &m); err != nil {
					b.Fatal(err)
				}
				if _, err := streams.ToType(ctx, m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEncode(b *testing.B) {
	ctx := context.Background()
	for _, name := range benchDocs {
		data := benchDoc(b, name)
		o, err := vocab.Unmarshal(data)
		require.NoError(b, err)
		var m map[string]any
		require.NoError(b, json.Unmarshal(data, &m))
		t, err := streams.ToType(ctx, m)
		require.NoError(b, err)
		b.Run(name+"/vocab", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := vocab.Marshal(o); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/gofed", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				m, err := streams.Serialize(t)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := json.Marshal(m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
