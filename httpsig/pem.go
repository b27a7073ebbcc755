package httpsig

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
)

// ErrKeyFormat reports key material that could not be read: bad PEM, DER,
// Multikey or an unsupported key type.
var ErrKeyFormat = errors.New("httpsig: unreadable key")

// maxPEM bounds the PEM input read: an RSA-16384 private key is under 13 KiB.
const maxPEM = 64 << 10

// ParsePublicKeyPEM reads the first PEM block of data as a public key:
// "PUBLIC KEY" (SPKI, what actors publish as publicKeyPem) or
// "RSA PUBLIC KEY" (PKCS#1). It returns a *rsa.PublicKey,
// ed25519.PublicKey or *ecdsa.PublicKey. Errors wrap [ErrKeyFormat].
func ParsePublicKeyPEM(data []byte) (crypto.PublicKey, error) {
	block, err := decodePEM(data)
	if err != nil {
		return nil, err
	}
	switch block.Type {
	case "PUBLIC KEY":
		k, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrKeyFormat, err)
		}
		return checkPublicKey(k)
	case "RSA PUBLIC KEY":
		k, err := x509.ParsePKCS1PublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrKeyFormat, err)
		}
		return checkPublicKey(k)
	default:
		return nil, fmt.Errorf("%w: PEM block %q is not a public key", ErrKeyFormat, clip(block.Type))
	}
}

// ParsePrivateKeyPEM reads the first PEM block of data as a private key:
// "PRIVATE KEY" (PKCS#8), "RSA PRIVATE KEY" (PKCS#1) or "EC PRIVATE KEY"
// (SEC 1). It returns a *rsa.PrivateKey, ed25519.PrivateKey or
// *ecdsa.PrivateKey. Errors wrap [ErrKeyFormat].
func ParsePrivateKeyPEM(data []byte) (crypto.Signer, error) {
	block, err := decodePEM(data)
	if err != nil {
		return nil, err
	}
	var k any
	switch block.Type {
	case "PRIVATE KEY":
		k, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		k, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		k, err = x509.ParseECPrivateKey(block.Bytes)
	default:
		return nil, fmt.Errorf("%w: PEM block %q is not a private key", ErrKeyFormat, clip(block.Type))
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKeyFormat, err)
	}
	switch k := k.(type) {
	case *rsa.PrivateKey:
		return k, nil
	case ed25519.PrivateKey:
		return k, nil
	case *ecdsa.PrivateKey:
		return k, nil
	default:
		return nil, fmt.Errorf("%w: unsupported private key %T", ErrKeyFormat, k)
	}
}

// MarshalPublicKeyPEM encodes a public key (or the public half of a private
// one) as a "PUBLIC KEY" (SPKI) PEM block, the form of publicKeyPem.
func MarshalPublicKeyPEM(key any) ([]byte, error) {
	if s, ok := key.(crypto.Signer); ok && !nilKey(key) {
		key = s.Public()
	}
	if nilKey(key) {
		return nil, fmt.Errorf("%w: empty %T", ErrKeyFormat, key)
	}
	der, err := x509.MarshalPKIXPublicKey(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKeyFormat, err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// MarshalPrivateKeyPEM encodes a private key as a "PRIVATE KEY" (PKCS#8)
// PEM block, which holds RSA, Ed25519 and ECDSA keys alike.
func MarshalPrivateKeyPEM(key crypto.Signer) ([]byte, error) {
	if nilKey(key) {
		return nil, fmt.Errorf("%w: empty %T", ErrKeyFormat, key)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKeyFormat, err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// MarshalRSAPrivateKeyPEM encodes an RSA private key as an
// "RSA PRIVATE KEY" (PKCS#1) PEM block, the form Mastodon stores.
func MarshalRSAPrivateKeyPEM(key *rsa.PrivateKey) ([]byte, error) {
	if nilKey(key) {
		return nil, fmt.Errorf("%w: empty RSA key", ErrKeyFormat)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), nil
}

// decodePEM returns the first PEM block of data.
func decodePEM(data []byte) (*pem.Block, error) {
	if len(data) > maxPEM {
		return nil, fmt.Errorf("%w: %d bytes of PEM", ErrKeyFormat, len(data))
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("%w: no PEM block", ErrKeyFormat)
	}
	if len(block.Headers) > 0 {
		return nil, fmt.Errorf("%w: encrypted or annotated PEM", ErrKeyFormat)
	}
	return block, nil
}

// checkPublicKey keeps the key types this package verifies with, and RSA
// keys no larger than MaxRSABits.
func checkPublicKey(k any) (crypto.PublicKey, error) {
	switch k := k.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() > MaxRSABits {
			return nil, fmt.Errorf("%w: RSA key of %d bits, at most %d", ErrKeyFormat, k.N.BitLen(), MaxRSABits)
		}
		return k, nil
	case ed25519.PublicKey:
		return k, nil
	case *ecdsa.PublicKey:
		return k, nil
	default:
		return nil, fmt.Errorf("%w: unsupported public key %T", ErrKeyFormat, k)
	}
}
