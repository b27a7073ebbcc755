package httpsig

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha512"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// RSAv15SHA512 is RSASSA-PKCS1-v1_5 with SHA-512. It is not in the RFC 9421
// registry; it appears only as the algorithm of a draft-cavage "hs2019"
// signature, which GoToSocial tries when verifying, and so this package
// verifies it for draft-cavage only.
const RSAv15SHA512 Algorithm = "rsa-v1_5-sha512"

// Pseudo-headers and headers with a meaning of their own in draft-cavage.
const (
	requestTarget = "(request-target)"
	createdPseudo = "(created)"
	expiresPseudo = "(expires)"
)

// Names of the draft-cavage algorithm parameter.
const (
	cavageHS2019    = "hs2019"
	cavageRSASHA256 = "rsa-sha256"
	cavageRSASHA512 = "rsa-sha512"
	cavageEd25519   = "ed25519"
)

// cavageSigningString builds the draft-cavage-12 signing string (§2.3): one
// "name: value" line per entry of headers, joined by "\n". target is the
// request target, path and query as sent. host is the request's authority,
// used for "host" in place of any Host in the header map: net/http keeps the
// Host it receives in Request.Host and sends Request.Host (or the URL's
// host), ignoring a Host set in the header map. Errors wrap ErrMissingHeader.
func cavageSigningString(r *http.Request, headers []string, target, host string, created, expires int64) (string, error) {
	var b strings.Builder
	b.Grow(64 * len(headers))
	for i, h := range headers {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(h)
		b.WriteString(": ")
		switch h {
		case requestTarget:
			b.WriteString(strings.ToLower(methodOf(r)))
			b.WriteByte(' ')
			b.WriteString(target)
		case createdPseudo:
			if created == 0 {
				return "", fmt.Errorf("%w: (created) is signed but the created parameter is absent", ErrMalformed)
			}
			b.WriteString(strconv.FormatInt(created, 10))
		case expiresPseudo:
			if expires == 0 {
				return "", fmt.Errorf("%w: (expires) is signed but the expires parameter is absent", ErrMalformed)
			}
			b.WriteString(strconv.FormatInt(expires, 10))
		default:
			values := r.Header[canonicalKey(h)]
			if h == "host" && host != "" {
				values = []string{host} // what net/http sends and reads, not Header["Host"]
			}
			if len(values) == 0 {
				return "", fmt.Errorf("%w: %s", ErrMissingHeader, h)
			}
			for j, v := range values {
				if j > 0 {
					b.WriteString(", ")
				}
				b.WriteString(strings.TrimSpace(v))
			}
		}
	}
	return b.String(), nil
}

// requestTargetOf returns the path and query of r as it went over the wire:
// the escaped path (never the decoded URL.Path) and the raw query.
func requestTargetOf(r *http.Request) (path, query string) {
	if r.URL == nil {
		return "/", ""
	}
	path = r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	return path, r.URL.RawQuery
}

// methodOf returns the method a request goes out with: net/http sends a
// Request with an empty Method as GET.
func methodOf(r *http.Request) string {
	if r.Method == "" {
		return http.MethodGet
	}
	return r.Method
}

// hostOf returns the authority a request is addressed to.
func hostOf(r *http.Request) string {
	if r.Host != "" {
		return r.Host
	}
	if r.URL != nil {
		return r.URL.Host
	}
	return ""
}

// cavageVerifyRaw checks sig over s with key under alg without go-fed: the
// direct path, used where go-fed/httpsig cannot represent the signature
// (see verifyCavageCrypto). Errors wrap ErrKeyType or ErrBadSignature.
func cavageVerifyRaw(alg Algorithm, key any, s string, sig []byte) error {
	if alg != RSAv15SHA512 {
		return verifyBytes(alg, key, []byte(s), sig)
	}
	pub, ok := key.(*rsa.PublicKey)
	if !ok {
		return fmt.Errorf("%w: %s cannot verify with %T", ErrKeyType, alg, key)
	}
	h := sha512.Sum512([]byte(s))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA512, h[:], sig); err != nil {
		return fmt.Errorf("%w: %s", ErrBadSignature, alg)
	}
	return nil
}

// cavageCandidates lists the algorithms to try for a signature whose
// algorithm parameter is param, given the key found for it. Mastodon reads
// hs2019 (or no algorithm) as RSA-SHA256; GoToSocial also tries RSA-SHA512
// and Ed25519, chosen by the key's type, and so do we.
func cavageCandidates(param string, vk *VerificationKey) ([]Algorithm, error) {
	key := vk.Key
	if s, ok := key.(crypto.Signer); ok {
		key = s.Public()
	}
	var isRSA bool
	switch k := key.(type) {
	case *rsa.PublicKey:
		if k == nil || k.N == nil {
			return nil, fmt.Errorf("%w: empty RSA key", ErrKeyType)
		}
		if err := checkRSASize(k); err != nil {
			return nil, err
		}
		isRSA = true
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("%w: Ed25519 key of %d bytes", ErrKeyType, len(k))
		}
	default:
		return nil, fmt.Errorf("%w: draft-cavage signatures need an RSA or Ed25519 key, not %T", ErrKeyType, vk.Key)
	}
	var want [2]Algorithm
	switch param {
	case "", cavageHS2019:
		if isRSA {
			want = [2]Algorithm{RSAv15SHA256, RSAv15SHA512}
		} else {
			want = [2]Algorithm{Ed25519}
		}
	case cavageRSASHA256:
		want = [2]Algorithm{RSAv15SHA256}
	case cavageRSASHA512:
		want = [2]Algorithm{RSAv15SHA512}
	case cavageEd25519:
		want = [2]Algorithm{Ed25519}
	default:
		return nil, fmt.Errorf("%w: %q", ErrUnknownAlgorithm, param)
	}
	out := make([]Algorithm, 0, 2)
	for _, a := range want {
		if a == "" || (a == Ed25519) == isRSA {
			continue // none, or the key's type cannot do it
		}
		if vk.Algorithm != "" && vk.Algorithm != a {
			continue
		}
		out = append(out, a)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: algorithm %q cannot use %T key", ErrKeyType, param, vk.Key)
	}
	return out, nil
}
