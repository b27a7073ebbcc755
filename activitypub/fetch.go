package activitypub

import (
	"context"
	"errors"

	"github.com/starling-fed/starling/activitypub/vocab"
	"github.com/starling-fed/starling/httpsig"
)

var errUnimplemented = errors.New("activitypub: not implemented yet")

// resolveKey is the httpsig.KeyResolver behind the Verifier's cache: a key of
// a local actor from the store; a remote key from the cached actor, or by
// fetching the key id (an actor with the key in publicKey, or a key document
// whose owner lists it) as the instance actor. Keys on blocked domains are
// never fetched. A gone actor (410) fails with an error wrapping ErrGone and
// httpsig.ErrUnknownKey.
func (f *Federation) resolveKey(ctx context.Context, keyID string) (*httpsig.VerificationKey, error) {
	return nil, errUnimplemented
}

// Fetch GETs a remote object, signed as the instance actor, through the
// guarded client: ActivityStreams content types only, at most MaxFetchBytes,
// redirects re-checked, and the document's id must be the URL asked for
// (after redirects on the same host). A local IRI is read without HTTP.
func (f *Federation) Fetch(ctx context.Context, iri string) (*vocab.Object, error) {
	o, _, err := f.fetch(ctx, iri)
	return o, err
}

// fetch is Fetch returning the raw document too.
func (f *Federation) fetch(ctx context.Context, iri string) (*vocab.Object, []byte, error) {
	return nil, nil, errUnimplemented
}

// FetchActor returns a remote actor, from the store's cache while younger
// than Config.ActorTTL, else fetched and cached with its keys.
func (f *Federation) FetchActor(ctx context.Context, iri string) (*vocab.Object, error) {
	return f.remoteActor(ctx, iri, false)
}

// remoteActor is FetchActor; refresh fetches even a fresh cached copy.
func (f *Federation) remoteActor(ctx context.Context, iri string, refresh bool) (*vocab.Object, error) {
	return nil, errUnimplemented
}

// LookupActor finds an actor by address: "@user@host", "user@host",
// "acct:user@host" (through WebFinger) or an actor IRI.
func (f *Federation) LookupActor(ctx context.Context, address string) (*vocab.Object, error) {
	return nil, errUnimplemented
}

// dereference returns the object a Ref names: the embedded object when its
// id is on trustedHost (the host of the actor that sent it), else the
// object fetched from its id's origin.
func (f *Federation) dereference(ctx context.Context, ref vocab.Ref, trustedHost string) (*vocab.Object, error) {
	return nil, errUnimplemented
}

// fetchAncestors fetches and caches the inReplyTo chain of o, at most
// Config.MaxFetchDepth objects, stopping at objects already stored.
func (f *Federation) fetchAncestors(ctx context.Context, o *vocab.Object) error {
	return errUnimplemented
}
