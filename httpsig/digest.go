package httpsig

import (
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"hash"
	"strings"
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
	h.Write(body)
	return subtle.ConstantTimeCompare(h.Sum(nil), want) == 1
}
