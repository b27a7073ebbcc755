package httpsig

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/asn1"
	"fmt"
	"math/big"
)

// MaxRSABits is the largest RSA modulus this package reads or verifies
// with. The cost of an RSA verification grows with the square of the
// modulus: a peer publishing a 64k-bit key would make each of its requests
// cost a thousand times a 2048-bit one. crypto/tls draws the line at the
// same place for the same reason.
const MaxRSABits = 8192

// checkRSASize rejects an RSA public key larger than MaxRSABits. Errors
// wrap ErrKeyType.
func checkRSASize(pub *rsa.PublicKey) error {
	if n := pub.N.BitLen(); n > MaxRSABits {
		return fmt.Errorf("%w: RSA key of %d bits, at most %d", ErrKeyType, n, MaxRSABits)
	}
	return nil
}

// p256Size is the length in bytes of each of r and s in an
// ecdsa-p256-sha256 signature (RFC 9421 §3.3.4).
const p256Size = 32

// pssOptions are the RSASSA-PSS parameters of rsa-pss-sha512
// (RFC 9421 §3.3.1): MGF1 with SHA-512 and a 64-byte salt.
var pssOptions = rsa.PSSOptions{SaltLength: 64, Hash: crypto.SHA512}

// signBytes signs data with key under alg. An empty alg is derived from the
// key. key is a *rsa.PrivateKey, ed25519.PrivateKey, *ecdsa.PrivateKey on
// P-256, a []byte HMAC secret, or a crypto.Signer whose public key is one of
// the first three. Errors wrap ErrUnknownAlgorithm or ErrKeyType.
func signBytes(alg Algorithm, key any, data []byte) ([]byte, error) {
	if alg == "" {
		var err error
		if alg, err = algorithmFor(key); err != nil {
			return nil, err
		}
	}
	switch alg {
	case RSAv15SHA256:
		signer, err := signerFor[*rsa.PublicKey](alg, key)
		if err != nil {
			return nil, err
		}
		h := sha256.Sum256(data)
		return signer.Sign(rand.Reader, h[:], crypto.SHA256)
	case RSAPSSSHA512:
		signer, err := signerFor[*rsa.PublicKey](alg, key)
		if err != nil {
			return nil, err
		}
		h := sha512.Sum512(data)
		opts := pssOptions
		return signer.Sign(rand.Reader, h[:], &opts)
	case ECDSAP256SHA256:
		signer, err := signerFor[*ecdsa.PublicKey](alg, key)
		if err != nil {
			return nil, err
		}
		if signer.Public().(*ecdsa.PublicKey).Curve != elliptic.P256() {
			return nil, fmt.Errorf("%w: %s needs a P-256 key", ErrKeyType, alg)
		}
		h := sha256.Sum256(data)
		der, err := signer.Sign(rand.Reader, h[:], crypto.SHA256)
		if err != nil {
			return nil, err
		}
		return derToRaw(der)
	case Ed25519:
		signer, err := signerFor[ed25519.PublicKey](alg, key)
		if err != nil {
			return nil, err
		}
		if k, ok := signer.(ed25519.PrivateKey); ok {
			if len(k) != ed25519.PrivateKeySize {
				return nil, fmt.Errorf("%w: ed25519 private key of %d bytes", ErrKeyType, len(k))
			}
			return ed25519.Sign(k, data), nil
		}
		return signer.Sign(rand.Reader, data, crypto.Hash(0))
	case HMACSHA256:
		secret, ok := key.([]byte)
		if !ok || len(secret) == 0 {
			return nil, fmt.Errorf("%w: %s needs a non-empty []byte secret, got %T", ErrKeyType, alg, key)
		}
		m := hmac.New(sha256.New, secret)
		m.Write(data)
		return m.Sum(nil), nil
	default:
		return nil, fmt.Errorf("%w: %q", ErrUnknownAlgorithm, string(alg))
	}
}

// signerFor returns key as a crypto.Signer whose public key has type P.
func signerFor[P any](alg Algorithm, key any) (crypto.Signer, error) {
	signer, ok := key.(crypto.Signer)
	if !ok || nilKey(key) {
		return nil, fmt.Errorf("%w: %s cannot sign with %T", ErrKeyType, alg, key)
	}
	if k, ok := key.(ed25519.PrivateKey); ok && len(k) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("%w: ed25519 private key of %d bytes", ErrKeyType, len(k))
	}
	if _, ok := signer.Public().(P); !ok {
		return nil, fmt.Errorf("%w: %s cannot sign with %T", ErrKeyType, alg, key)
	}
	return signer, nil
}

// verifyBytes checks that sig is alg's signature of data under key. An empty
// alg is derived from the key. key is a *rsa.PublicKey, ed25519.PublicKey,
// *ecdsa.PublicKey on P-256 or a []byte HMAC secret; a private key stands for
// its public half. Errors wrap ErrUnknownAlgorithm, ErrKeyType or
// ErrBadSignature.
func verifyBytes(alg Algorithm, key any, data, sig []byte) error {
	if alg == "" {
		var err error
		if alg, err = algorithmFor(key); err != nil {
			return err
		}
	}
	if nilKey(key) {
		return fmt.Errorf("%w: nil %T", ErrKeyType, key)
	}
	if signer, ok := key.(crypto.Signer); ok {
		key = signer.Public()
	}
	switch alg {
	case RSAv15SHA256:
		pub, ok := key.(*rsa.PublicKey)
		if !ok {
			return fmt.Errorf("%w: %s cannot verify with %T", ErrKeyType, alg, key)
		}
		if err := checkRSASize(pub); err != nil {
			return err
		}
		h := sha256.Sum256(data)
		if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, h[:], sig); err != nil {
			return fmt.Errorf("%w: %s", ErrBadSignature, alg)
		}
		return nil
	case RSAPSSSHA512:
		pub, ok := key.(*rsa.PublicKey)
		if !ok {
			return fmt.Errorf("%w: %s cannot verify with %T", ErrKeyType, alg, key)
		}
		if err := checkRSASize(pub); err != nil {
			return err
		}
		h := sha512.Sum512(data)
		opts := pssOptions
		if err := rsa.VerifyPSS(pub, crypto.SHA512, h[:], sig, &opts); err != nil {
			return fmt.Errorf("%w: %s", ErrBadSignature, alg)
		}
		return nil
	case ECDSAP256SHA256:
		pub, ok := key.(*ecdsa.PublicKey)
		if !ok || pub.Curve != elliptic.P256() {
			return fmt.Errorf("%w: %s cannot verify with %T", ErrKeyType, alg, key)
		}
		if len(sig) != 2*p256Size {
			return fmt.Errorf("%w: %s signature of %d bytes, want %d", ErrBadSignature, alg, len(sig), 2*p256Size)
		}
		r := new(big.Int).SetBytes(sig[:p256Size])
		s := new(big.Int).SetBytes(sig[p256Size:])
		h := sha256.Sum256(data)
		if !ecdsa.Verify(pub, h[:], r, s) {
			return fmt.Errorf("%w: %s", ErrBadSignature, alg)
		}
		return nil
	case Ed25519:
		pub, ok := key.(ed25519.PublicKey)
		if !ok || len(pub) != ed25519.PublicKeySize {
			return fmt.Errorf("%w: %s cannot verify with %T", ErrKeyType, alg, key)
		}
		if !ed25519.Verify(pub, data, sig) {
			return fmt.Errorf("%w: %s", ErrBadSignature, alg)
		}
		return nil
	case HMACSHA256:
		secret, ok := key.([]byte)
		if !ok || len(secret) == 0 {
			return fmt.Errorf("%w: %s needs a non-empty []byte secret, got %T", ErrKeyType, alg, key)
		}
		m := hmac.New(sha256.New, secret)
		m.Write(data)
		if !hmac.Equal(m.Sum(nil), sig) {
			return fmt.Errorf("%w: %s", ErrBadSignature, alg)
		}
		return nil
	default:
		return fmt.Errorf("%w: %q", ErrUnknownAlgorithm, string(alg))
	}
}

// nilKey reports whether key is a nil pointer or a too-short key of a type
// whose methods would panic on it.
func nilKey(key any) bool {
	switch k := key.(type) {
	case nil:
		return true
	case *rsa.PrivateKey:
		return k == nil || k.N == nil
	case *rsa.PublicKey:
		return k == nil || k.N == nil
	case *ecdsa.PrivateKey:
		return k == nil || k.Curve == nil
	case *ecdsa.PublicKey:
		return k == nil || k.Curve == nil
	case ed25519.PrivateKey:
		return len(k) != ed25519.PrivateKeySize
	}
	return false
}

// derToRaw converts an ASN.1 DER ECDSA signature to the fixed-size r||s form.
func derToRaw(der []byte) ([]byte, error) {
	var v struct{ R, S *big.Int }
	rest, err := asn1.Unmarshal(der, &v)
	if err != nil || len(rest) != 0 || v.R == nil || v.S == nil || v.R.Sign() <= 0 || v.S.Sign() <= 0 {
		return nil, fmt.Errorf("httpsig: ecdsa signer returned an unreadable signature")
	}
	out := make([]byte, 2*p256Size)
	if v.R.BitLen() > 8*p256Size || v.S.BitLen() > 8*p256Size {
		return nil, fmt.Errorf("httpsig: ecdsa signer returned an oversized signature")
	}
	v.R.FillBytes(out[:p256Size])
	v.S.FillBytes(out[p256Size:])
	return out, nil
}
