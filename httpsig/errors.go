package httpsig

import (
	"errors"
	"fmt"
)

// Sentinel errors. Verification failures wrap one of these inside a
// [*VerifyError], so both errors.Is and errors.As work on the result.
var (
	// ErrNoSignature: the request carries no signature of the accepted families.
	ErrNoSignature = errors.New("httpsig: request is not signed")
	// ErrMalformed: a Signature, Signature-Input, Digest or Content-Digest
	// header could not be parsed.
	ErrMalformed = errors.New("httpsig: malformed signature header")
	// ErrUnknownAlgorithm: the algorithm named is not supported or not allowed.
	ErrUnknownAlgorithm = errors.New("httpsig: unknown or disallowed algorithm")
	// ErrMissingComponent: the signature does not cover a header or derived
	// component the policy requires.
	ErrMissingComponent = errors.New("httpsig: signature does not cover a required component")
	// ErrMissingHeader: a header named by the signature is absent from the request.
	ErrMissingHeader = errors.New("httpsig: signed header is missing")
	// ErrDigestMismatch: the Digest or Content-Digest does not match the body.
	ErrDigestMismatch = errors.New("httpsig: digest does not match body")
	// ErrExpired: the signature's Date, created or expires lies too far in the past.
	ErrExpired = errors.New("httpsig: signature expired")
	// ErrNotYetValid: the signature's Date or created lies too far in the future.
	ErrNotYetValid = errors.New("httpsig: signature not yet valid")
	// ErrUnknownKey: no key could be found for the key id.
	ErrUnknownKey = errors.New("httpsig: unknown key")
	// ErrKeyType: the key's type does not fit the algorithm.
	ErrKeyType = errors.New("httpsig: key type does not fit algorithm")
	// ErrBadSignature: the signature does not verify with the key.
	ErrBadSignature = errors.New("httpsig: signature does not verify")
	// ErrTooManySignatures: more signatures than the policy allows.
	ErrTooManySignatures = errors.New("httpsig: too many signatures")
	// ErrBodyTooLarge: the body exceeds the verifier's limit.
	ErrBodyTooLarge = errors.New("httpsig: body too large")
)

// Family names a family of HTTP signatures.
type Family int

// Signature families.
const (
	// Cavage is draft-cavage-http-signatures-12, the Signature header
	// Mastodon, GoToSocial, Misskey and most of the fediverse send.
	Cavage Family = iota + 1
	// RFC9421 is RFC 9421 HTTP Message Signatures (Signature-Input and Signature).
	RFC9421
)

// String returns "draft-cavage-12" or "rfc9421".
func (f Family) String() string {
	switch f {
	case Cavage:
		return "draft-cavage-12"
	case RFC9421:
		return "rfc9421"
	default:
		return fmt.Sprintf("Family(%d)", int(f))
	}
}

// VerifyError reports why a signature was rejected. Err wraps one of the
// package's sentinel errors, or is the [KeyResolver]'s own error when the
// key could not be fetched.
type VerifyError struct {
	Family Family // the family of the signature that failed, 0 if none was found
	KeyID  string // the key id named by the signature, if any
	Err    error  // the reason, wrapping a sentinel such as ErrExpired, or the resolver's error
}

// Error describes the failure.
func (e *VerifyError) Error() string {
	msg := e.Err.Error()
	if e.KeyID != "" {
		msg += " (keyId " + e.KeyID + ")"
	}
	if e.Family != 0 {
		msg = e.Family.String() + ": " + msg
	}
	return msg
}

// Unwrap returns the reason.
func (e *VerifyError) Unwrap() error { return e.Err }
