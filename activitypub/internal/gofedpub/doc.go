// Package gofedpub is a minimal go-fed/activity v1.0.0 pub federating
// server with an in-memory database: the baseline Starling's inbox
// benchmarks measure against, serving the same signed requests in the same
// run.
//
// # Getting started
//
// Start a Server behind an httptest server whose address is its Host,
// teach it the sender's key and POST signed activities to its inbox:
//
//	ts := httptest.NewUnstartedServer(nil)
//	srv, err := gofedpub.NewServer(gofedpub.Config{Host: ts.Listener.Addr().String()})
//	err = srv.AddKnownActor(actorIRI, keyID, &key.PublicKey)
//	ts.Config.Handler = srv
//	ts.Start()
//	body := gofedpub.CreateNoteJSON(actorIRI, noteID)
//	// POST body to ts.URL+srv.InboxPath(), signed with httpsig.SignCavage
//	// (Starling's), and check srv.Stored().
//
// # What a POST goes through
//
// ServeHTTP hands an inbox POST to go-fed's FederatingActor.PostInbox,
// which calls back into this package as a go-fed application would:
//
//   - AuthenticatePostInbox parses the Signature header with
//     go-fed/httpsig, takes the public key of its keyId from the known
//     actors (no fetching), checks that Date lies in the clock skew and that
//     the SHA-256 Digest matches the body, and verifies the signature as
//     rsa-sha256 (go-fed/httpsig ignores the algorithm parameter, so the
//     draft-cavage "hs2019" Starling sends verifies as RSA-SHA256). go-fed's
//     pub checks neither Date nor Digest itself; the application must.
//   - go-fed decodes the JSON and resolves it into its generated types
//     (streams.ToType).
//   - PostInboxRequestBodyHook checks that the activity's actor owns the
//     signing key; go-fed leaves that to the application too.
//   - go-fed asks Blocked about the actors, prepends the activity to the
//     inbox's first page under the inbox's lock (deduplicating by id),
//     runs its Create side effect (storing the Note under the Note's lock)
//     and decides on inbox forwarding (storing the activity and checking
//     whether the addressed collections are local).
//
// Refusals carry the package's errors: 401 for a missing or bad signature,
// an unknown key, a bad Date or Digest, 403 for an actor that is not the
// signer or is blocked, 413 for an oversized body, 415 for a Content-Type
// that is not ActivityStreams.
//
// # What go-fed asks of an application
//
// pub.NewFederatingActor takes a pub.CommonBehavior (4 methods), a
// pub.FederatingProtocol (9), a pub.Database (20) and a pub.Clock (1):
// 34 methods, all written here. The database must provide per-id locks
// that go-fed pairs by hand (Lock, then Unlock on every path), and keep
// inboxes as pages go-fed reads, prepends to and writes back.
//
// # Limits
//
// The server has one local actor and never sends requests: go-fed's
// transport (NewTransport) is refused, so delivery, inbox forwarding to
// local collections with members, and a Create whose object is only an IRI
// (which go-fed would dereference) fail. Objects are kept as go-fed values,
// not serialized, which is the cheapest storage a go-fed database can have.
package gofedpub
