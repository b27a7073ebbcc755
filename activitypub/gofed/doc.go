// Package gofed bridges the vocab package and go-fed/activity v1.0.0's
// streams package, for applications that already speak go-fed.
//
// # Converting
//
// ToType turns a *vocab.Object into the go-fed value of its type, and
// FromType turns any go-fed vocab.Type back into a *vocab.Object. Both go
// through the JSON a peer would see (vocab.Marshal and streams.ToType one
// way, streams.Serialize and vocab.Decoder the other), so a conversion is
// exactly as faithful as federation itself: properties one side does not
// model are carried along as unknown properties rather than dropped.
//
//	o, err := vocab.Unmarshal(body)
//	t, err := gofed.ToType(ctx, o) // e.g. a vocab.ActivityStreamsCreate
//
// # Oracle
//
// The package's tests decode every document of the corpus both with vocab
// and with go-fed's generated parser and check that the two agree on ids,
// types, actors, objects, addressing and content. Its benchmarks compare the
// two decoders on the same bytes.
//
// # What go-fed v1.0.0 does not do
//
// The oracle records these as go-fed's limits, not disagreements:
// streams.ToType refuses a document without "@context" and types outside its
// generated vocabulary (EmojiReact, QuoteRequest, ...); when a document has
// both "content" and "contentMap" it keeps only "content"; it does not take
// the bare "Public" spelling for an IRI; it reads a null value as one empty
// value and ignores properties written as full IRIs; it serializes dates
// to the second, so FromType drops fractions; and it ignores what "@context"
// defines, so a document that maps a term elsewhere is misread, where vocab
// asks for JSON-LD normalization instead.
//
// Only this package imports go-fed/activity; the vocab package depends on
// the standard library alone.
package gofed
