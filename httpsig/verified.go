package httpsig

import "time"

// Verified describes a signature that passed verification.
type Verified struct {
	// Family is the signature family that verified.
	Family Family

	// KeyID is the key id named by the signature.
	KeyID string

	// Owner is the actor owning the key, as reported by the [KeyResolver]
	// ([VerificationKey.Owner]); empty when the resolver did not say.
	Owner string

	// Algorithm is the algorithm the signature verified with.
	Algorithm Algorithm

	// Created is when the signature was made: the created parameter or
	// (created) pseudo-header, else the Date header; zero if neither was given.
	Created time.Time

	// Components lists what the signature covers, in signed order: header
	// names in lower case and derived components such as "@method" or
	// "(request-target)". RFC 9421 components carrying parameters are written
	// as in Signature-Input, e.g. `"@query-param";name="Pet"` becomes
	// `@query-param;name="Pet"`.
	Components []string
}
