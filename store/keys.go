package store

import (
	"context"
	"time"
)

// Key algorithms a local actor's key pair may use.
const (
	// AlgorithmRSA2048 is a 2048-bit RSA key, the key every server can verify.
	AlgorithmRSA2048 = "rsa-2048"
	// AlgorithmEd25519 is an Ed25519 key, for RFC 9421 signatures and
	// object integrity proofs.
	AlgorithmEd25519 = "ed25519"
)

// KeyPair is a local actor's signing key. The store keeps it as PEM bytes
// and never parses it; the caller generates and decodes keys.
type KeyPair struct {
	// KeyID is the key's id, e.g. "https://example.com/users/alice#main-key".
	// It must pass [ValidateIRI] and be unique across all actors.
	KeyID string
	// Owner is the IRI of the local actor the key belongs to. Set by the
	// store from the actorIRI argument.
	Owner string
	// Algorithm is [AlgorithmRSA2048] or [AlgorithmEd25519].
	Algorithm string
	// PrivateKeyPEM is the PKCS #8 private key, PEM-encoded. Required.
	PrivateKeyPEM []byte
	// PublicKeyPEM is the PKIX public key, PEM-encoded. Required.
	PublicKeyPEM []byte
	// Created is when the key was made; the caller sets it.
	Created time.Time
	// Expires is zero for an actor's current key. When the key is replaced
	// by [Keys.RotateKey] it becomes the end of the grace period, after
	// which the key is no longer returned.
	Expires time.Time
}

// Keys stores the key pairs of local actors: at most one current key per
// (actor, algorithm), plus retired keys kept readable until they expire.
//
// Implementations must be safe for concurrent use, including by several
// processes sharing one database, and honour ctx.
type Keys interface {
	// GetOrCreateKey returns the actor's current key for algorithm. If there
	// is none, it calls create, stores the result and returns it. Creation
	// is atomic: when callers race, exactly one result is stored and every
	// caller gets that same key pair (losers' create results are
	// discarded; create may run in several callers). An error from create
	// is returned as is and stores nothing. The created key's Algorithm
	// must equal algorithm and its KeyID must be new, else the error wraps
	// [ErrInvalid] or [ErrConflict].
	GetOrCreateKey(ctx context.Context, actorIRI, algorithm string, create func() (KeyPair, error)) (KeyPair, error)

	// CurrentKey returns the actor's current key for algorithm, or an
	// error wrapping [ErrNotFound].
	CurrentKey(ctx context.Context, actorIRI, algorithm string) (KeyPair, error)

	// RotateKey makes next the actor's current key for next.Algorithm.
	// The key it replaces (if any) is kept with Expires = graceUntil and
	// stays readable by [Keys.KeyByID] and [Keys.ActorKeys] until then.
	// next.KeyID must be new ([ErrConflict] otherwise). graceUntil must
	// not be zero ([ErrInvalid], nothing changed): a zero Expires marks a
	// current key, so the old key would stay valid for ever. To retire the
	// old key at once, as after a compromise, pass the current time.
	RotateKey(ctx context.Context, actorIRI string, next KeyPair, graceUntil time.Time) error

	// KeyByID returns the key with the given id, current or retired, if it
	// has not expired at now (Expires zero or after now). Otherwise the
	// error wraps [ErrNotFound].
	KeyByID(ctx context.Context, keyID string, now time.Time) (KeyPair, error)

	// ActorKeys returns the actor's current keys and retired keys not yet
	// expired at now, current keys first, then newest Created first. An
	// actor without keys yields an empty slice and no error.
	ActorKeys(ctx context.Context, actorIRI string, now time.Time) ([]KeyPair, error)
}
