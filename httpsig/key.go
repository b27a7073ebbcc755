package httpsig

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"errors"
	"fmt"
)

// Algorithm names a signature algorithm. The constants use the names of the
// RFC 9421 registry; draft-cavage's "rsa-sha256" and "hs2019" map onto them.
type Algorithm string

// Signature algorithms known to this package.
const (
	RSAv15SHA256    Algorithm = "rsa-v1_5-sha256"   // RSASSA-PKCS1-v1_5 with SHA-256
	RSAPSSSHA512    Algorithm = "rsa-pss-sha512"    // RSASSA-PSS with SHA-512, 64-byte salt
	ECDSAP256SHA256 Algorithm = "ecdsa-p256-sha256" // ECDSA P-256 with SHA-256, r||s encoding
	Ed25519         Algorithm = "ed25519"           // EdDSA over Curve25519
	HMACSHA256      Algorithm = "hmac-sha256"       // HMAC with SHA-256, shared secret
)

// SigningKey is a private key and the key id peers use to find its public half.
type SigningKey struct {
	// KeyID is the keyId (draft-cavage) or keyid (RFC 9421) sent with the
	// signature, usually "https://host/users/alice#main-key".
	KeyID string

	// Key is a *rsa.PrivateKey, ed25519.PrivateKey, *ecdsa.PrivateKey (P-256)
	// or, for hmac-sha256, a []byte shared secret.
	Key any

	// Algorithm selects the algorithm. If empty, it is derived from Key:
	// rsa-v1_5-sha256 for RSA, ed25519, ecdsa-p256-sha256 and hmac-sha256.
	Algorithm Algorithm
}

// algorithm checks that k has a key id and returns the algorithm it signs
// with: k.Algorithm, else the one its key's type implies.
func (k SigningKey) algorithm() (Algorithm, error) {
	if k.KeyID == "" {
		return "", errors.New("httpsig: signing key has no key id")
	}
	if k.Algorithm != "" {
		return k.Algorithm, nil
	}
	return algorithmFor(k.Key)
}

// VerificationKey is a public key found for a key id, and the actor that owns it.
type VerificationKey struct {
	// KeyID is the key id the key was found under.
	KeyID string

	// Owner is the IRI of the actor that owns the key (publicKey.owner or
	// controller). It may be empty when the resolver does not know it.
	Owner string

	// Key is a *rsa.PublicKey, ed25519.PublicKey, *ecdsa.PublicKey or, for
	// hmac-sha256, a []byte shared secret.
	Key any

	// Algorithm, if set, is the only algorithm this key may verify with.
	Algorithm Algorithm
}

// KeyResolver finds the public key for a key id. Implementations must be safe
// for concurrent use and honour ctx. When no key exists for keyID they return
// an error wrapping [ErrUnknownKey].
type KeyResolver interface {
	ResolveKey(ctx context.Context, keyID string) (*VerificationKey, error)
}

// KeyResolverFunc adapts a function to the [KeyResolver] interface.
type KeyResolverFunc func(ctx context.Context, keyID string) (*VerificationKey, error)

// ResolveKey calls f(ctx, keyID).
func (f KeyResolverFunc) ResolveKey(ctx context.Context, keyID string) (*VerificationKey, error) {
	return f(ctx, keyID)
}

// resolveKey asks resolver for the key keyID names, for both families alike.
// A resolver's own error passes as it is, so that a failure to fetch stays
// apart from ErrUnknownKey (a key that does not exist); a resolver answering
// nil, or a key of nil, means ErrUnknownKey.
func resolveKey(ctx context.Context, resolver KeyResolver, keyID string) (*VerificationKey, error) {
	if resolver == nil {
		return nil, fmt.Errorf("%w: no key resolver", ErrUnknownKey)
	}
	vk, err := resolver.ResolveKey(ctx, keyID)
	if err != nil {
		return nil, err
	}
	if vk == nil || vk.Key == nil {
		return nil, ErrUnknownKey
	}
	return vk, nil
}

// algorithmFor returns the algorithm a key signs with when none is named.
func algorithmFor(key any) (Algorithm, error) {
	switch k := key.(type) {
	case *rsa.PrivateKey, *rsa.PublicKey:
		return RSAv15SHA256, nil
	case ed25519.PrivateKey, ed25519.PublicKey:
		return Ed25519, nil
	case *ecdsa.PrivateKey, *ecdsa.PublicKey:
		return ECDSAP256SHA256, nil
	case []byte:
		return HMACSHA256, nil
	case crypto.Signer:
		return algorithmFor(k.Public())
	default:
		return "", fmt.Errorf("%w: %T", ErrKeyType, key)
	}
}
