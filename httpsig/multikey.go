package httpsig

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"math/big"
)

// Multicodec prefixes (unsigned varints) of the public keys FEP-521a
// Multikeys carry.
const (
	multicodecEd25519Pub = "\xed\x01" // ed25519-pub, 0xed
	multicodecRSAPub     = "\x85\x24" // rsa-pub, 0x1205, PKCS#1 DER
)

// maxMultikey bounds a Multikey string: an RSA-8192 key is about 1.5 KB.
const maxMultikey = 4096

// EncodeMultikey encodes a public key (or the public half of a private one)
// as an FEP-521a publicKeyMultibase: "z" followed by the base58btc of the
// multicodec prefix and the key. Ed25519 keys become "z6Mk…"; RSA keys
// carry their PKCS#1 DER after the rsa-pub prefix 0x1205.
func EncodeMultikey(key any) (string, error) {
	if s, ok := key.(crypto.Signer); ok && !nilKey(key) {
		key = s.Public()
	}
	var raw []byte
	switch k := key.(type) {
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return "", fmt.Errorf("%w: Ed25519 key of %d bytes", ErrKeyFormat, len(k))
		}
		raw = append(append(raw, multicodecEd25519Pub...), k...)
	case *rsa.PublicKey:
		if nilKey(k) {
			return "", fmt.Errorf("%w: empty RSA key", ErrKeyFormat)
		}
		raw = append(append(raw, multicodecRSAPub...), x509.MarshalPKCS1PublicKey(k)...)
	default:
		return "", fmt.Errorf("%w: no Multikey encoding for %T", ErrKeyFormat, key)
	}
	return "z" + base58Encode(raw), nil
}

// DecodeMultikey decodes an FEP-521a publicKeyMultibase ("z…", base58btc)
// holding an Ed25519 or RSA public key. Errors wrap [ErrKeyFormat].
func DecodeMultikey(s string) (crypto.PublicKey, error) {
	if len(s) > maxMultikey {
		return nil, fmt.Errorf("%w: Multikey of %d bytes", ErrKeyFormat, len(s))
	}
	if len(s) < 2 || s[0] != 'z' {
		return nil, fmt.Errorf("%w: Multikey is not multibase base58btc (\"z…\")", ErrKeyFormat)
	}
	raw, err := base58Decode(s[1:])
	if err != nil {
		return nil, err
	}
	switch {
	case hasPrefix(raw, multicodecEd25519Pub):
		k := raw[len(multicodecEd25519Pub):]
		if len(k) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("%w: Ed25519 Multikey of %d bytes", ErrKeyFormat, len(k))
		}
		return ed25519.PublicKey(k), nil
	case hasPrefix(raw, multicodecRSAPub):
		k, err := x509.ParsePKCS1PublicKey(raw[len(multicodecRSAPub):])
		if err != nil {
			return nil, fmt.Errorf("%w: RSA Multikey: %v", ErrKeyFormat, err)
		}
		return checkPublicKey(k)
	default:
		return nil, fmt.Errorf("%w: Multikey of an unsupported key type", ErrKeyFormat)
	}
}

func hasPrefix(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && string(b[:len(prefix)]) == prefix
}

// base58Alphabet is the Bitcoin alphabet used by base58btc.
const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// base58Encode encodes b in base58btc: each leading zero byte becomes a
// '1', the rest is the big-endian number in base 58.
func base58Encode(b []byte) string {
	zeros := 0
	for zeros < len(b) && b[zeros] == 0 {
		zeros++
	}
	// log(256)/log(58) < 1.37
	out := make([]byte, 0, zeros+len(b)*137/100+1)
	n := new(big.Int).SetBytes(b[zeros:])
	base, mod := big.NewInt(58), new(big.Int)
	for n.Sign() > 0 {
		n.DivMod(n, base, mod)
		out = append(out, base58Alphabet[mod.Int64()])
	}
	for range zeros {
		out = append(out, '1')
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return string(out)
}

// base58Decode decodes base58btc. Errors wrap [ErrKeyFormat].
func base58Decode(s string) ([]byte, error) {
	if s == "" {
		return nil, fmt.Errorf("%w: empty base58", ErrKeyFormat)
	}
	zeros := 0
	for zeros < len(s) && s[zeros] == '1' {
		zeros++
	}
	n := new(big.Int)
	base, digit := big.NewInt(58), new(big.Int)
	for i := zeros; i < len(s); i++ {
		d := base58Index(s[i])
		if d < 0 {
			return nil, fmt.Errorf("%w: %q is not base58", ErrKeyFormat, s[i])
		}
		n.Mul(n, base)
		n.Add(n, digit.SetInt64(int64(d)))
	}
	body := n.Bytes()
	out := make([]byte, zeros+len(body))
	copy(out[zeros:], body)
	return out, nil
}

func base58Index(c byte) int {
	for i := 0; i < len(base58Alphabet); i++ {
		if base58Alphabet[i] == c {
			return i
		}
	}
	return -1
}
