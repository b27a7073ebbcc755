// Package store is Starling's storage contract: the small interfaces a
// federation engine keeps its state behind, the errors they return, and
// helpers every backend shares. It imports nothing but the standard library.
//
// Backends live beneath it: [github.com/starling-fed/starling/store/memory]
// for tests and throwaway bots, store/sqlite for one process with one file,
// store/postgres for several processes sharing one database. Any other
// backend proves itself with the conformance suite
// [github.com/starling-fed/starling/store/storetest].
//
// # What is kept
//
// Each concern is one interface, with its not-found, concurrency and
// idempotency rules in its doc comment:
//
//   - [Keys]: local actors' key pairs (RSA-2048, Ed25519) as PEM, created
//     once and atomically, with a grace period after rotation.
//   - [Objects]: JSON documents by IRI, local or cached remote, leaving a
//     Tombstone on delete so a later read answers [ErrGone].
//   - [Collections]: ordered membership by collection IRI, paged newest
//     first by opaque cursor.
//   - [Follows]: pending and accepted follow relationships in both
//     directions, and the distinct delivery inboxes of an actor's followers.
//   - [RemoteActors]: cached remote actor documents and public keys.
//   - [Seen]: an atomic "first time?" test on activity ids, for inbox
//     deduplication.
//   - [Queue]: the durable delivery queue with leases, retries, a dead
//     letter and per-host circuit-breaker state.
//
// [Store] bundles them all. Optional capabilities are separate interfaces
// found by type assertion: [Transactor], [JobNotifier] and
// [ActivityCounter].
//
// # Time
//
// The store never reads a clock. Every call whose outcome depends on the
// current time takes it as an argument (Claim's now, MarkSeen's now and
// expires, KeyByID's now…), so several processes sharing one database agree
// and tests control time without sleeping. Stored times keep at least
// microsecond precision; their Location is not kept.
//
// # Context
//
// Every method takes a context first and honours it: a call whose context
// is already done fails with an error and changes nothing (a Claim leases
// no job, a MarkSeen records no id), and a long call such as ranging over
// [Follows.FollowerInboxes] stops when it is done.
//
// # Input rules
//
// Every IRI argument must pass [ValidateIRI], every document
// [ValidateDocument] (at most [MaxDocumentSize] bytes of JSON). Bad input
// fails with an error wrapping [ErrInvalidIRI], [ErrTooLarge] or
// [ErrInvalid], and nothing is stored half-way. Page cursors are opaque;
// one that was altered or belongs to another listing fails with
// [ErrInvalidCursor]. [EncodeCursor] and [DecodeCursor] give backends a
// strictly validated format so they need not invent one.
//
// # Errors
//
// Sentinels are compared with errors.Is. [ErrNotFound] also matches
// fs.ErrNotExist.
//
// # Writing a backend
//
// Implement [Store] on one type, add compile-time checks such as
//
//	var _ store.Store = (*Store)(nil)
//
// and run the conformance suite from a test in your package:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store {
//			s := mybackend.New()
//			t.Cleanup(func() { s.Close() })
//			return s
//		})
//	}
//
// Each failure names the rule broken. storetest's Bench helpers measure the
// same workloads on every backend.
package store
