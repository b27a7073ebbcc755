// Package jsonld runs the JSON-LD algorithms — expansion, compaction and
// RDF canonicalization — on ActivityPub documents, with the contexts peers
// reference embedded and loaded offline.
//
// Most ActivityPub traffic is compact JSON against the Activity Streams
// context, and the vocab package decodes it directly, without JSON-LD. Use
// this package only where JSON-LD earns its cost:
//
//   - documents whose "@context" maps terms unusually (a peer that calls
//     as:sensitive "cw", or that reuses a familiar name for its own IRI):
//     Normalize rewrites them into the canonical form vocab reads, and plugs
//     into vocab's Decoder.Normalize hook;
//   - Linked Data Signatures (RsaSignature2017, which Mastodon still attaches
//     to relayed activities): Canonicalize produces the URDNA2015 N-Quads
//     that such signatures hash.
//
// # Getting started
//
// The package-level functions use an offline processor with default limits:
//
//	norm, err := jsonld.Normalize(ctx, body) // compact JSON, vocab's @context
//	nquads, err := jsonld.Canonicalize(ctx, body)
//	expanded, err := jsonld.Expand(ctx, body)
//
// A Processor holds a Loader and limits; its zero value is what the
// package-level functions use. Wire it into vocab's decoder:
//
//	p := &jsonld.Processor{}
//	dec := vocab.Decoder{Normalize: p.Normalize}
//
// # Contexts and the network
//
// The Loader serves the Activity Streams, security v1, Data Integrity v1,
// Multikey v1, identity v1, GoToSocial, Lemmy, Litepub and WebFinger
// contexts from copies embedded in the package (see contexts/SOURCES.md),
// under the URL spellings peers use (http or https, with or without
// ".jsonld"; any host's /schemas/litepub-0.1.jsonld). Hosts can add documents with Loader.Extra.
// Any other context URL fails with an error wrapping ErrContextNotAllowed,
// and no request is sent: a runtime fetch is slow, fails whenever the
// context's host is down, and lets a document's author direct your server's
// requests. Loader.InsecureAllowNetwork turns fetching on, with a bounded cache;
// pair it with an HTTP client that refuses private addresses.
//
// # Canonical form
//
// Compact and Normalize compact against vocab.DefaultContext, the context
// vocab's encoder writes, so their output decodes on vocab's fast path:
// properties under their usual names, IRIs (ids, types, "to", "cc", ...)
// written in full, a single value held bare rather than in a one-element
// array. A top-level object without "@context" is read with the Activity
// Streams context, as Activity Streams 2.0 prescribes; Canonicalize instead
// applies exactly the contexts a document names, as signature verifiers do.
//
// # Hostile input
//
// Documents are size-capped (Processor.MaxBytes) and depth-capped
// (Processor.MaxDepth) before the JSON-LD algorithms, which recurse, see
// them. Context cycles, runaway context loading, scoped contexts applied
// to so many objects that processing would take seconds, blank nodes so
// alike that canonical labelling would take exponential time, and malformed
// contexts end in errors (ErrContextCycle, ErrTooManyContexts,
// ErrTooComplex, *ProcessingError), never in a panic.
package jsonld
