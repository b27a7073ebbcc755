// Package starling is the root of Starling, a Go toolkit for joining the
// fediverse over ActivityPub.
//
// The root package holds no code of its own; it exists so that the module has
// a home for its documentation. Most programs start with the federation
// engine, which mounts on a net/http server and ties the others together:
//
//   - [github.com/starling-fed/starling/activitypub]: serve actors and
//     objects, receive activities on inboxes and run their side effects,
//     publish posts and deliver them, fetch remote documents safely.
//
// Beneath it, each concern is a package of its own:
//
//   - [github.com/starling-fed/starling/httpsig]: sign and verify HTTP
//     requests with draft-cavage-12 and RFC 9421 signatures.
//   - [github.com/starling-fed/starling/webfinger]: serve and resolve
//     WebFinger (RFC 7033) and host-meta.
//   - [github.com/starling-fed/starling/activitypub/vocab]: the Activity
//     Streams 2.0 vocabulary as plain Go types.
//   - [github.com/starling-fed/starling/activitypub/jsonld]: JSON-LD
//     processing with embedded contexts and no network access.
//   - [github.com/starling-fed/starling/activitypub/nodeinfo]: NodeInfo
//     discovery and documents.
//   - [github.com/starling-fed/starling/activitypub/gofed]: conversion
//     between vocab values and go-fed/activity streams types.
//   - [github.com/starling-fed/starling/activitypub/delivery]: durable,
//     retried, signed delivery of activities to remote inboxes.
//   - [github.com/starling-fed/starling/store]: the storage contract, with
//     in-memory, SQLite and PostgreSQL implementations beneath it.
//
// Each package is usable on its own: a program that only verifies signatures
// imports httpsig and nothing else of Starling.
//
// The examples directory holds runnable programs: a two-server demo
// (go run ./examples/demo), a bot, a blog that federates its articles, and a
// single-user microblog server.
package starling
