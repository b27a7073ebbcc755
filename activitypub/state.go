package activitypub

import (
	"context"
	"slices"

	"github.com/starling-fed/starling/activitypub/vocab"
	"github.com/starling-fed/starling/store"
)

// Where the Federation keeps its state in the store. Collections are keyed
// by IRIs; those that are not served end in a fragment so they can never be
// mistaken for a document.
//
//	outbox     OutboxIRI(name)            activity IRIs published by the actor, newest first
//	inbox      InboxIRI(name)             activity IRIs received for the actor
//	liked      LikedIRI(name)             object IRIs the actor liked
//	featured   FeaturedIRI(name)          object IRIs the actor pinned
//	blocked    actorIRI + "#blocked"      actor IRIs and "https://host" domains the actor blocks
//	replies    objectIRI + "#replies"     IRIs of replies to a local object
//	likes      objectIRI + "#likes"       IRIs of Like activities of a local object
//	shares     objectIRI + "#shares"      IRIs of Announce activities of a local object
//	create     objectIRI + "#create"      the Create that published a local object (Publish)
//	undo       actorIRI + "#like-" + h    the actor's latest Like, Announce ("#announce-") or Block
//	                                      ("#block-") of the object or actor whose IRI's SHA-256 starts with h
//	                                      (32 hex digits), embedded by its Undo; for a remote
//	                                      actor, its Like or Announce of a local object, so
//	                                      that each actor counts once per object
//	blocked-by actorIRI + "#blocked-by"   remote actors that blocked the local actor
//	featured   remote actor's featured    object IRIs a remote actor pinned (Add, Remove)
//	inbound    Origin + "/.starling/inbound"
//	                                      records of received activities not yet processed
//
// A received activity's record is an object of type "StarlingInbound" under
// Origin + "/.starling/inbound/…"; a Store-held actor's profile one of type
// "StarlingActor" under Origin + "/.starling/actors/<name>". Neither is ever
// served. Received Follow, Like, Announce and Block activities are kept as
// remote objects, so an Undo or Accept can find them (see sideeffects.go).
//
// Follow relationships, in both directions, are store.Follows; remote actors
// and their keys store.RemoteActors; published objects and activities
// store.Objects with Local set; cached remote objects with Local unset.

// blockedSuffix ends a local actor's block list; the read cache knows block
// lists by it.
const blockedSuffix = "#blocked"

func blockedIRI(actorIRI string) string  { return actorIRI + blockedSuffix }
func repliesIRI(objectIRI string) string { return objectIRI + "#replies" }
func likesIRI(objectIRI string) string   { return objectIRI + "#likes" }
func sharesIRI(objectIRI string) string  { return objectIRI + "#shares" }

// audience returns every IRI an object or activity is addressed to.
func audience(o *vocab.Object) []string {
	var out []string
	for _, refs := range [][]vocab.Ref{o.To, o.Cc, o.Bto, o.Bcc, o.Audience} {
		for _, r := range refs {
			if id := r.ID(); id != "" && !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	return out
}

// isPublic reports whether o is addressed to the public collection (public
// or unlisted).
func isPublic(o *vocab.Object) bool {
	return slices.ContainsFunc(audience(o), vocab.IsPublic)
}

// canSee reports whether viewer (an actor IRI, or "" for an anonymous
// request) may read o: anyone may read public and unlisted objects; others
// only their author and the actors they are addressed to, directly or as
// accepted followers of a local actor whose followers collection is in the
// audience.
func (f *Federation) canSee(ctx context.Context, o *vocab.Object, viewer string) bool {
	aud := audience(o)
	if slices.ContainsFunc(aud, vocab.IsPublic) {
		return true
	}
	if viewer == "" {
		return false
	}
	if slices.Contains(aud, viewer) || slices.Contains(vocab.IDs(o.AttributedTo), viewer) || slices.Contains(vocab.IDs(o.Actor), viewer) {
		return true
	}
	for _, iri := range aud {
		name, ok := match(f.cfg.Origin, f.paths.Followers, "{name}", iri)
		if !ok {
			continue
		}
		fl, err := f.st.GetFollow(ctx, viewer, f.ActorIRI(name))
		if err == nil && fl.State == store.FollowAccepted {
			return true
		}
	}
	return false
}

// writeTx runs fn as one transaction when the store is a store.Transactor,
// and on the store itself otherwise. fn must only write records the read
// cache does not keep (posts, activities, inbox and reply listings, the
// inbound records), and
// must not reach the network: a transaction holds the store's writer.
func (f *Federation) writeTx(ctx context.Context, fn func(ctx context.Context, st store.Store) error) error {
	if tx, ok := f.cfg.Store.(store.Transactor); ok {
		return tx.InTx(ctx, fn)
	}
	return fn(ctx, f.st)
}
