package httpsig

import (
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"hash"
	"strings"

	"github.com/starling-fed/starling/httpsig/internal/sfv"
)

// maxDigestHeader bounds the Digest and Content-Digest header values read.
const maxDigestHeader = 4096

// DigestHeader returns the RFC 3230 Digest header value for body:
// "SHA-256=" followed by the standard base64 of its SHA-256. The algorithm
// name is upper case, which every server accepts (Threads rejects lower case).
func DigestHeader(body []byte) string {
	sum := sha256.Sum256(body)
	return "SHA-256=" + base64.StdEncoding.EncodeToString(sum[:])
}

// VerifyDigest checks an RFC 3230 Digest header value against body.
//
// The header is a comma-separated list of algorithm=base64 pairs whose names
// match case-insensitively. It must carry exactly one SHA-256 value (as
// Mastodon and Misskey require); a SHA-512 value, if present, must match too,
// and other algorithms are ignored. Errors wrap [ErrMalformed] (unparsable or
// repeated values), [ErrUnknownAlgorithm] (no SHA-256 offered) or
// [ErrDigestMismatch].
func VerifyDigest(header string, body []byte) error {
	if len(header) > maxDigestHeader {
		return fmt.Errorf("%w: Digest header of %d bytes", ErrMalformed, len(header))
	}
	var want256, want512 []byte
	for part := range strings.SplitSeq(header, ",") {
		part = strings.TrimSpace(part)
		name, value, ok := strings.Cut(part, "=")
		if !ok || name == "" {
			return fmt.Errorf("%w: Digest value %q", ErrMalformed, part)
		}
		var dst *[]byte
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "sha-256":
			dst = &want256
		case "sha-512":
			dst = &want512
		default:
			continue
		}
		if *dst != nil {
			return fmt.Errorf("%w: Digest repeats %s", ErrMalformed, name)
		}
		sum, err := base64.StdEncoding.DecodeString(strings.TrimSpace(value))
		if err != nil {
			return fmt.Errorf("%w: Digest %s is not base64", ErrMalformed, name)
		}
		*dst = sum
	}
	if want256 == nil {
		return fmt.Errorf("%w: Digest offers no SHA-256", ErrUnknownAlgorithm)
	}
	if !digestEqual(sha256.New(), body, want256) {
		return fmt.Errorf("%w: Digest SHA-256", ErrDigestMismatch)
	}
	if want512 != nil && !digestEqual(sha512.New(), body, want512) {
		return fmt.Errorf("%w: Digest SHA-512", ErrDigestMismatch)
	}
	return nil
}

// digestEqual reports whether h(body) equals want.
func digestEqual(h hash.Hash, body, want []byte) bool {
	var buf [sha512.Size]byte
	h.Write(body)
	return subtle.ConstantTimeCompare(h.Sum(buf[:0]), want) == 1
}

// Content-Digest algorithm names (RFC 9530 §5).
const (
	contentDigestSHA256 = "sha-256"
	contentDigestSHA512 = "sha-512"
)

// ContentDigest returns the RFC 9530 Content-Digest header value for body
// with the named algorithms, "sha-256" and/or "sha-512", in the order given;
// with none named it uses sha-256. The result looks like
// "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:". An unknown name
// is an error wrapping [ErrUnknownAlgorithm].
func ContentDigest(body []byte, algs ...string) (string, error) {
	if len(algs) == 0 || (len(algs) == 1 && algs[0] == contentDigestSHA256) {
		sum := sha256.Sum256(body)
		return contentDigestSHA256 + "=:" + base64.StdEncoding.EncodeToString(sum[:]) + ":", nil
	}
	var d sfv.Dictionary
	for _, alg := range algs {
		h := contentDigestHash(alg)
		if h == nil {
			return "", fmt.Errorf("%w: Content-Digest %q", ErrUnknownAlgorithm, alg)
		}
		if _, dup := d.Get(alg); dup {
			continue
		}
		h.Write(body)
		d = append(d, sfv.DictMember{Key: alg, Value: sfv.Item{Value: h.Sum(nil)}})
	}
	return sfv.SerializeDictionary(d)
}

// VerifyContentDigest checks an RFC 9530 Content-Digest header value against
// body. The value is a structured Dictionary of algorithm names and byte
// sequences; every sha-256 and sha-512 member must match the body and at
// least one must be present. Members of other algorithms are ignored, as RFC
// 9530 allows. Errors wrap [ErrMalformed] (not a valid dictionary, a repeated
// or non-byte-sequence member), [ErrUnknownAlgorithm] (neither sha-256 nor
// sha-512 offered) or [ErrDigestMismatch].
func VerifyContentDigest(header string, body []byte) error {
	if len(header) > maxDigestHeader {
		return fmt.Errorf("%w: Content-Digest header of %d bytes", ErrMalformed, len(header))
	}
	d, err := sfv.Parser{RejectDuplicates: true}.ParseDictionary(header)
	if err != nil {
		return fmt.Errorf("%w: Content-Digest: %w", ErrMalformed, err)
	}
	checked := 0
	for _, m := range d {
		h := contentDigestHash(m.Key)
		if h == nil {
			continue
		}
		it, ok := m.Value.(sfv.Item)
		want, isBytes := it.Value.([]byte)
		if !ok || !isBytes {
			return fmt.Errorf("%w: Content-Digest %s is not a byte sequence", ErrMalformed, m.Key)
		}
		if !digestEqual(h, body, want) {
			return fmt.Errorf("%w: Content-Digest %s", ErrDigestMismatch, m.Key)
		}
		checked++
	}
	if checked == 0 {
		return fmt.Errorf("%w: Content-Digest offers neither sha-256 nor sha-512", ErrUnknownAlgorithm)
	}
	return nil
}

// contentDigestHash returns a fresh hash for a Content-Digest algorithm name,
// or nil.
func contentDigestHash(alg string) hash.Hash {
	switch alg {
	case contentDigestSHA256:
		return sha256.New()
	case contentDigestSHA512:
		return sha512.New()
	default:
		return nil
	}
}
