// Package corpus holds real-world ActivityPub documents for tests.
//
// The corpus reproduces what Mastodon, GoToSocial, Misskey, Akkoma and
// Pleroma, Pixelfed, Lemmy, PeerTube, WordPress (with its ActivityPub
// plugin), Threads and Bridgy Fed put on the wire: actors, notes and other
// objects, activities and collections, each with the @context, property set
// and quirks of the server that emits it. Every document was written for the
// corpus after the server's source and documentation, with invented hosts
// (subdomains of example.com, example.org and example.net, or names under
// .example) and invented content; Doc.Source names what each one was
// modelled on.
//
// The package is internal: it exists so that the vocabulary, JSON-LD and
// compatibility tests of Starling share one set of inputs.
//
// # Getting started
//
// Range over [All] for table tests, or pick one document with [Get]:
//
//	for _, d := range corpus.All() {
//		t.Run(d.Name, func(t *testing.T) {
//			got, err := decode(d.Data) // the decoder under test
//			require.NoError(t, err)
//			assert.Equal(t, d.Expect.ID, got.ID)
//			assert.Equal(t, d.Expect.To, got.To)
//		})
//	}
//
// Every call returns fresh copies, so a test may modify Doc.Data.
//
// # What Expect promises
//
// [Expect] records facts read from the top level of each document with plain
// encoding/json: the id, type, actor and object references, the addressing
// with the public collection written in full, the content, and whether the
// @context is unusual (see [KnownContexts]). The package's own tests recompute
// every Expect from its document, so the two cannot drift apart. Fields are
// empty when the document lacks the property; nothing is inferred.
//
// # What the corpus covers
//
// Beyond the ordinary shapes it holds the awkward ones a decoder must
// survive: the public collection spelled as "https://www.w3.org/ns/activitystreams#Public",
// "as:Public" and "Public"; single values where arrays are usual and the
// reverse; IRIs where objects are usual and the reverse; prefixed terms such
// as "as:sensitive"; a property written as a full IRI; a document with no
// @context; context objects and URLs no standard defines; and properties no
// vocabulary knows, which a round trip must keep.
//
// # Layout
//
// Each document is testdata/<name>.json, pretty-printed. testdata/index.json
// lists name, software, kind, source and expect for all of them. Names start
// with the software: "mastodon-note-mentions", "lemmy-group-community".
// SOURCES.md lists what each document was modelled on.
//
// To add a document, write testdata/<name>.json, add an index entry without
// "expect", then run
//
//	go test -run TestExpect -update
//
// and review the computed expect members before committing.
package corpus
