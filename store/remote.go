package store

import (
	"context"
	"time"
)

// PublicKey is a public key published by a remote actor.
type PublicKey struct {
	// KeyID is the key's id. It must pass [ValidateIRI].
	KeyID string
	// Owner is the IRI of the actor that published it. Set by the store.
	Owner string
	// PEM is the PKIX public key, PEM-encoded, as the actor published it.
	PEM []byte
	// Fetched is the Fetched time of the actor document it came from.
	Fetched time.Time
}

// RemoteActor is a cached remote actor document.
type RemoteActor struct {
	// IRI is the actor's id. It must pass [ValidateIRI].
	IRI string
	// Document is the actor's JSON, at most [MaxDocumentSize] bytes,
	// returned byte for byte as stored.
	Document []byte
	// Inbox and SharedInbox ("" if none) as the document names them.
	Inbox       string
	SharedInbox string
	// Keys are the actor's public keys, each with a distinct KeyID and a
	// non-empty PEM.
	Keys []PublicKey
	// Fetched is when the document was fetched. A refetch policy compares
	// it with the current time.
	Fetched time.Time
}

// RemoteActors caches remote actor documents and their public keys.
//
// Implementations must be safe for concurrent use and honour ctx.
type RemoteActors interface {
	// PutRemoteActor stores a, replacing the cached document and its whole
	// key set (keys no longer listed are forgotten). A key id that belongs
	// to another cached actor fails with [ErrConflict] and stores nothing.
	// IRI, Inbox and key ids must pass [ValidateIRI] (SharedInbox may be
	// empty) and Document [ValidateDocument]; a key id listed twice or a
	// key without PEM fails with [ErrInvalid]. Nothing is stored then.
	PutRemoteActor(ctx context.Context, a RemoteActor) error

	// GetRemoteActor returns the cached actor, or an error wrapping
	// [ErrNotFound].
	GetRemoteActor(ctx context.Context, actorIRI string) (RemoteActor, error)

	// RemotePublicKey returns a cached key by key id, with its owner, or an
	// error wrapping [ErrNotFound].
	RemotePublicKey(ctx context.Context, keyID string) (PublicKey, error)

	// DeleteRemoteActor forgets the actor and its keys. Deleting an absent
	// actor is a no-op.
	DeleteRemoteActor(ctx context.Context, actorIRI string) error
}
