// Package activitypub is Starling's federation engine: what a host
// application mounts to make its users fediverse actors. It serves actors,
// objects and collections, receives activities on personal and shared
// inboxes, runs their side effects, publishes the host's posts and delivers
// them durably, and fetches remote documents through a guarded client.
//
// It ties together Starling's smaller packages: httpsig (signatures),
// webfinger and nodeinfo (discovery), vocab and jsonld (documents), store
// (state) and delivery (the outgoing queue).
package activitypub
