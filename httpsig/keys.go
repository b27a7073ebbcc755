package httpsig

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
)

// DefaultRSABits is the size of the RSA keys [GenerateKey] makes: what
// Mastodon and GoToSocial use. RSA-4096 signing is about eight times slower.
const DefaultRSABits = 2048

// GenerateKey makes a new private key for alg: RSA-2048 for "" (the
// default), rsa-v1_5-sha256 and rsa-pss-sha512; an Ed25519 key for ed25519;
// a P-256 key for ecdsa-p256-sha256. Mastodon verifies only RSA keys, so RSA
// is what an actor should publish as its main key.
func GenerateKey(alg Algorithm) (crypto.Signer, error) {
	switch alg {
	case "", RSAv15SHA256, RSAPSSSHA512:
		return rsa.GenerateKey(rand.Reader, DefaultRSABits)
	case Ed25519:
		_, k, err := ed25519.GenerateKey(rand.Reader)
		return k, err
	case ECDSAP256SHA256:
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	default:
		return nil, fmt.Errorf("%w: cannot generate a key for %q", ErrUnknownAlgorithm, string(alg))
	}
}
