package jsonld_test

import (
	"context"
	"testing"

	"github.com/starling-fed/starling/activitypub/jsonld"
	"github.com/starling-fed/starling/activitypub/vocab"
)

// BenchmarkNormalizeMastodonNote measures the JSON-LD fallback path: a
// Mastodon Create(Note) expanded and compacted against the canonical
// context.
func BenchmarkNormalizeMastodonNote(b *testing.B) {
	p := &jsonld.Processor{}
	doc := []byte(mastodonNote)
	ctx := context.Background()
	if _, err := p.Normalize(ctx, doc); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Normalize(ctx, doc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNormalizeUnusualThenDecode is what vocab's Decoder pays for a
// document whose context redefines a term: the failed fast attempt, the
// normalization and the second decode.
func BenchmarkNormalizeUnusualThenDecode(b *testing.B) {
	dec := vocab.Decoder{Normalize: (&jsonld.Processor{}).Normalize}
	doc := []byte(unusualNote)
	ctx := context.Background()
	if _, err := dec.Decode(ctx, doc); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := dec.Decode(ctx, doc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVocabDecodeMastodonNote is the fast path the fallback is
// compared against: the same document decoded directly by vocab.
func BenchmarkVocabDecodeMastodonNote(b *testing.B) {
	var dec vocab.Decoder
	doc := []byte(mastodonNote)
	ctx := context.Background()
	if _, err := dec.Decode(ctx, doc); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := dec.Decode(ctx, doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExpandMastodonNote(b *testing.B) {
	p := &jsonld.Processor{}
	doc := []byte(mastodonNote)
	ctx := context.Background()
	if _, err := p.Expand(ctx, doc); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Expand(ctx, doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCanonicalizeMastodonNote(b *testing.B) {
	p := &jsonld.Processor{}
	doc := []byte(mastodonNote)
	ctx := context.Background()
	if _, err := p.Canonicalize(ctx, doc); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Canonicalize(ctx, doc); err != nil {
			b.Fatal(err)
		}
	}
}
