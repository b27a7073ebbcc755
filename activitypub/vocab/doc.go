// Package vocab is the Activity Streams 2.0 vocabulary as plain Go types,
// with the extensions federating servers actually send: Mastodon's (sensitive,
// Hashtag, Emoji, featured, discoverable, PropertyValue, blurhash, ...),
// GoToSocial's, Misskey's (_misskey_content, quoteUrl), quote posts
// (FEP-044f) and Multikey verification methods (FEP-521a). It depends on the
// standard library only.
//
// # Getting started
//
// Decode what arrives in an inbox or comes back from a fetch, and read it:
//
//	var d vocab.Decoder
//	act, err := d.Decode(ctx, body)
//	if err != nil { ... }           // a *DecodeError; errors.Is(err, vocab.ErrInvalidIRI), ...
//	note := vocab.First(act.Object).Object
//	v := act.Visibility(followersOfActor) // public, unlisted, followers or direct
//
// Build what you send, and encode it:
//
//	n := vocab.NewNote(id, me, html, time.Now()).Mention(bob, "@bob@example.org")
//	n.Address(vocab.VisibilityPublic, me+"/followers", n.Mentioned()...)
//	body, err := vocab.Marshal(n.Create(id + "/activity"))
//
// # One type for every kind
//
// Object represents every kind of value: Note, Article, Image, a Link or
// Mention, an actor, an activity, a collection. Its Type field says which
// (constants TypeNote, TypePerson, TypeCreate, ...), and predicates such as
// IsActor and IsActivity group them. A property that may hold an IRI or an
// embedded object is a Ref; one that may hold several values is a slice,
// whatever the wire carried.
//
// # What decoding accepts
//
// A property given as one value or an array; an IRI, an embedded object or a
// Link where either may appear; content/contentMap, name/nameMap,
// summary/summaryMap; terms compacted ("sensitive"), prefixed
// ("as:sensitive", "toot:Emoji") or written as full IRIs, and JSON-LD value
// and list objects ({"@value": ...}, {"@list": [...]}); a missing
// "@context" or one with extra entries. The public collection is recognised
// in its three spellings and always stored as PublicIRI. Properties this
// package does not know are kept verbatim in Object.Extra, so decoding and
// encoding again loses nothing.
//
// A property given twice (a repeated key, or one term in two spellings)
// keeps its last value, as other JSON parsers read it.
//
// Ids and references must be absolute http(s) IRIs with a host, or the
// at:// and did: identifiers Bridgy Fed sends (kept, never fetched). A
// Link's href is the exception: it may use any scheme (PeerTube links
// magnet: URIs) and is kept as written. Bad input fails with a
// *DecodeError that names the property path and wraps a sentinel
// (ErrInvalidJSON, ErrWrongType, ErrInvalidIRI, ErrTooDeep, ...), never a
// panic. The Decoder bounds nesting depth, array length, the number of
// objects and document size, so memory stays proportional to the input.
//
// # JSON-LD, only when needed
//
// Almost every document is compact JSON against the usual contexts and is
// decoded directly, without a JSON-LD processor. The decoder looks at each
// "@context" and notices when direct reading would misread the document: an
// embedded context that maps a term this package knows to another IRI,
// aliases "@id" or "@type", maps an unknown name onto a known IRI or
// redefines a well-known prefix, in a document that uses that term; or a
// context URL it does not know (see KnownContext; nothing is ever fetched).
// Such a document goes to Decoder.Normalize, a hook that expands and
// compacts it against DefaultContext (the jsonld package provides one);
// without the hook it fails with ErrNeedsJSONLD.
//
// # What encoding writes
//
// Marshal writes the compact form Mastodon, GoToSocial, Misskey and Threads
// accept: DefaultContext (Activity Streams, security, and Mastodon's
// extension terms declared exactly as Mastodon declares them, plus the
// Misskey, quote and Multikey terms) unless the object carries its own
// decoded "@context"; addressing, tag and attachment always as arrays
// (Pixelfed requires it); the public collection as its full IRI. All
// extension terms are always declared, whether used or not, so every
// document has the same context and a JSON-LD processor can compact to it.
// Dates are written in UTC; empty strings, nil pointers and empty lists
// are left out rather than written as "" or null. Marshal writes what the
// Object holds: it does not validate ids, so build them from ValidIRI
// values.
package vocab
