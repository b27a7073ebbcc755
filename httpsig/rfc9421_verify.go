package httpsig

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/starling-fed/starling/httpsig/internal/sfv"
)

// RFC9421Policy is what an RFC 9421 signature must satisfy to be accepted by
// [VerifyRFC9421]. The zero value is Mastodon's policy: exactly one
// signature, with keyid and created, covering "@method" and "@target-uri",
// and "content-digest" too for a request with a body, whose Content-Digest
// must match it.
//
// Whatever the policy, a signature must carry keyid and created, and a
// covered Content-Digest (sha-256 or sha-512) must match the body.
type RFC9421Policy struct {
	// RequiredComponents lists what every signature must cover, written
	// as in [RFC9421Options.Components]. If nil, "@method" and
	// "@target-uri" for requests and "@status" for responses. An empty,
	// non-nil slice requires nothing.
	RequiredComponents []string

	// RequiredBodyComponents lists what a request whose method is POST,
	// PUT or PATCH, or any message with a non-empty body, must cover in
	// addition. If nil, "content-digest". An empty, non-nil slice adds
	// nothing.
	RequiredBodyComponents []string

	// Algorithms lists the algorithms accepted. If nil, all five. The
	// algorithm is the signature's alg parameter, else the key's
	// [VerificationKey.Algorithm], else derived from the key's type (RSA
	// keys verify with rsa-v1_5-sha256); alg and the key's Algorithm must
	// agree when both are given. hmac-sha256 is used only with a key whose
	// Algorithm is HMACSHA256, never derived from a bare []byte.
	Algorithms []Algorithm

	// AllowMultiple accepts messages carrying several signatures, up to
	// eight; the first (in Signature-Input order) that satisfies the policy
	// and verifies is taken. If false, a second signature fails with
	// ErrTooManySignatures, as Mastodon does.
	AllowMultiple bool

	// Label, if set, selects the signature with this label and ignores
	// the others, whatever AllowMultiple says.
	Label string

	// Scheme is the scheme of incoming requests whose URL is not absolute,
	// used by "@target-uri" and "@scheme". If empty, "https" when the
	// request came over TLS (or, with TrustForwardedProto, carries
	// "X-Forwarded-Proto: https"), else "http". A host behind a
	// TLS-terminating proxy sets Scheme to "https".
	Scheme string

	// TrustForwardedProto takes "X-Forwarded-Proto: https" on a request
	// that did not come over TLS to mean the client used https. Set it only
	// when every request passes through a proxy that sets or strips that
	// header: any client can send it, and trusting it lets a signature made
	// for one scheme verify on the other.
	TrustForwardedProto bool

	// ClockSkew is the tolerance for clocks that disagree. If zero, 1 hour.
	// A signature is accepted from created minus ClockSkew until its expiry
	// plus ClockSkew.
	ClockSkew time.Duration

	// Validity is how long a signature without expires stays valid after
	// created. If zero, 5 minutes.
	Validity time.Duration

	// MaxValidity caps the expiry a signature may claim, counted from
	// created. If zero, 12 hours.
	MaxValidity time.Duration

	// Now returns the current time. If nil, time.Now is used.
	Now func() time.Time
}

// VerifyRFC9421 verifies the RFC 9421 signature of req (its Signature-Input
// and Signature headers) against policy.
//
// body is the request body, already read (nil for none); it is checked
// against a covered Content-Digest. The key is found with resolver by the
// signature's keyid, after the policy's checks pass. On failure the error is
// a [*VerifyError] wrapping one of the package's sentinels (a resolver's own
// error is wrapped too); a request without Signature-Input fails with
// ErrNoSignature.
//
// The time window bounds replays but does not stop them: a captured request
// verifies again until it expires. Hosts that must refuse repeats record
// what they accepted (an inbox drops activities whose id it has seen).
func VerifyRFC9421(ctx context.Context, req *http.Request, body []byte, resolver KeyResolver, policy RFC9421Policy) (*Verified, error) {
	return verifyMessage(ctx, requestMessage(req, policy.scheme(req)), body, resolver, &policy)
}

// VerifyResponseRFC9421 verifies the RFC 9421 signature of resp, as
// [VerifyRFC9421] does for a request. Components with the req parameter
// are taken from resp.Request.
func VerifyResponseRFC9421(ctx context.Context, resp *http.Response, body []byte, resolver KeyResolver, policy RFC9421Policy) (*Verified, error) {
	var scheme string
	if resp.Request != nil {
		scheme = policy.scheme(resp.Request)
	}
	return verifyMessage(ctx, responseMessage(resp, scheme), body, resolver, &policy)
}

func (p *RFC9421Policy) scheme(r *http.Request) string {
	switch {
	case p.Scheme != "":
		return p.Scheme
	case r.TLS != nil:
		return "https"
	case p.TrustForwardedProto && strings.EqualFold(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto")), "https"):
		return "https"
	default:
		return "http"
	}
}

func (p *RFC9421Policy) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// checkRequired reports the first component m must have covered that
// covered lacks, wrapped in ErrMissingComponent.
func (p *RFC9421Policy) checkRequired(m *message, body []byte, covered []string) error {
	if p.RequiredComponents == nil {
		def := [2]string{compMethod, compTargetURI}
		n := 2
		if m.response {
			def[0], n = compStatus, 1
		}
		if err := requireAll(def[:n], covered); err != nil {
			return err
		}
	} else if err := requireAll(p.RequiredComponents, covered); err != nil {
		return err
	}
	if len(body) == 0 && (m.response || !hasBodyMethod(m.method)) {
		return nil
	}
	if p.RequiredBodyComponents == nil {
		return requireAll([]string{compContentDigest}, covered)
	}
	return requireAll(p.RequiredBodyComponents, covered)
}

// requireAll checks that every component of required is in covered.
func requireAll(required, covered []string) error {
	for _, r := range required {
		id := r
		if !plainName(r) || strings.ToLower(r) != r {
			c, err := parseComponent(r)
			if err != nil {
				return fmt.Errorf("%w: policy names %w", ErrMissingComponent, err)
			}
			id = c.String()
		}
		if !slices.Contains(covered, id) {
			return fmt.Errorf("%w: %s", ErrMissingComponent, id)
		}
	}
	return nil
}

// maxSignatures bounds the signatures tried on one message, each of which
// may cost a key lookup.
const maxSignatures = 8

// verifyMessage checks the signatures of m.
func verifyMessage(ctx context.Context, m *message, body []byte, resolver KeyResolver, policy *RFC9421Policy) (*Verified, error) {
	fail := func(keyID string, err error) (*Verified, error) {
		return nil, &VerifyError{Family: RFC9421, KeyID: keyID, Err: err}
	}
	inputLines := m.header.Values(headerSignatureInput)
	if len(inputLines) == 0 {
		return nil, &VerifyError{Err: ErrNoSignature}
	}
	sigLines := m.header.Values(headerSignature)
	if len(sigLines) == 0 {
		return fail("", fmt.Errorf("%w: Signature-Input without Signature", ErrMalformed))
	}
	inputs, err := parseSignatureDict(headerSignatureInput, inputLines)
	if err != nil {
		return fail("", err)
	}
	sigs, err := parseSignatureDict(headerSignature, sigLines)
	if err != nil {
		return fail("", err)
	}
	if len(inputs) == 0 {
		return nil, &VerifyError{Err: ErrNoSignature}
	}

	candidates := inputs
	switch {
	case policy.Label != "":
		mem, ok := inputs.Get(policy.Label)
		if !ok {
			return fail("", fmt.Errorf("%w: no signature labelled %q", ErrNoSignature, policy.Label))
		}
		candidates = sfv.Dictionary{{Key: policy.Label, Value: mem}}
	case !policy.AllowMultiple && (len(inputs) > 1 || len(sigs) > 1):
		return fail("", fmt.Errorf("%w: %d signatures, one allowed", ErrTooManySignatures, max(len(inputs), len(sigs))))
	case len(inputs) > maxSignatures:
		return fail("", fmt.Errorf("%w: %d signatures, at most %d tried", ErrTooManySignatures, len(inputs), maxSignatures))
	}

	var firstErr error
	for _, cand := range candidates {
		v, err := verifyOne(ctx, m, body, resolver, policy, cand, sigs)
		if err == nil {
			return v, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return nil, firstErr
}

// parseSignatureDict parses a Signature-Input or Signature header strictly.
func parseSignatureDict(name string, lines []string) (sfv.Dictionary, error) {
	v := joinFieldLines(lines)
	if len(v) > maxSignatureHeader {
		return nil, fmt.Errorf("%w: %s of %d bytes", ErrMalformed, name, len(v))
	}
	d, err := sfv.Parser{RejectDuplicates: true}.ParseDictionary(v)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrMalformed, name, err)
	}
	return d, nil
}

// verifyOne checks the signature of one Signature-Input member.
func verifyOne(ctx context.Context, m *message, body []byte, resolver KeyResolver, policy *RFC9421Policy, cand sfv.DictMember, sigs sfv.Dictionary) (*Verified, error) {
	p, err := parseSigParams(cand.Value)
	keyID := keyIDOf(cand.Value)
	fail := func(err error) (*Verified, error) {
		return nil, &VerifyError{Family: RFC9421, KeyID: keyID, Err: err}
	}
	if err != nil {
		return fail(err)
	}
	sigMember, ok := sigs.Get(cand.Key)
	if !ok {
		return fail(fmt.Errorf("%w: no Signature for label %q", ErrMalformed, cand.Key))
	}
	sigItem, _ := sigMember.(sfv.Item)
	sig, ok := sigItem.Value.([]byte)
	if !ok {
		return fail(fmt.Errorf("%w: Signature %q is not a byte sequence", ErrMalformed, cand.Key))
	}
	if p.keyID == "" {
		return fail(fmt.Errorf("%w: signature has no keyid", ErrMalformed))
	}
	if !p.hasCreated {
		return fail(fmt.Errorf("%w: signature has no created", ErrMalformed))
	}
	if p.alg != "" && !knownAlgorithm(Algorithm(p.alg)) {
		return fail(fmt.Errorf("%w: alg %q", ErrUnknownAlgorithm, p.alg))
	}
	if p.alg != "" && policy.Algorithms != nil && !slices.Contains(policy.Algorithms, Algorithm(p.alg)) {
		return fail(fmt.Errorf("%w: alg %q not allowed", ErrUnknownAlgorithm, p.alg))
	}

	covered := p.covered
	if err := policy.checkRequired(m, body, covered); err != nil {
		return fail(err)
	}
	created, err := checkRFC9421Time(p, policy)
	if err != nil {
		return fail(err)
	}

	base, err := signatureBase(m, p.components, p.input)
	if err != nil {
		return fail(err)
	}
	if coversContentDigest(p.components) {
		if err := VerifyContentDigest(joinFieldLines(m.header.Values(headerContentDigest)), body); err != nil {
			return fail(err)
		}
	}

	vk, err := resolveKey(ctx, resolver, p.keyID)
	if err != nil {
		return fail(err)
	}
	alg := Algorithm(p.alg)
	switch {
	case vk.Algorithm != "" && alg != "" && vk.Algorithm != alg:
		return fail(fmt.Errorf("%w: alg %q, key is for %q", ErrUnknownAlgorithm, alg, vk.Algorithm))
	case alg == "" && vk.Algorithm != "":
		alg = vk.Algorithm
	case alg == "":
		if alg, err = algorithmFor(vk.Key); err != nil {
			return fail(err)
		}
	}
	if policy.Algorithms != nil && !slices.Contains(policy.Algorithms, alg) {
		return fail(fmt.Errorf("%w: %q not allowed", ErrUnknownAlgorithm, alg))
	}
	if alg == HMACSHA256 && vk.Algorithm != HMACSHA256 {
		// A []byte the resolver did not mark as a shared secret might be
		// public (raw key bytes); keyed with it, HMAC would be forgeable.
		return fail(fmt.Errorf("%w: hmac-sha256 needs a key marked as a shared secret", ErrUnknownAlgorithm))
	}
	if err := verifyBytes(alg, vk.Key, base, sig); err != nil {
		return fail(err)
	}
	return &Verified{
		Family:     RFC9421,
		KeyID:      p.keyID,
		Owner:      vk.Owner,
		Algorithm:  alg,
		Created:    created,
		Components: covered,
	}, nil
}

// coversContentDigest reports whether comps cover this message's
// Content-Digest in any form ("content-digest", or with sf, key or bs),
// which must then match the body. With req, the field is the request's and
// vouches for another body.
func coversContentDigest(comps []component) bool {
	for _, c := range comps {
		if c.name == compContentDigest && !c.has(paramReq) {
			return true
		}
	}
	return false
}

// keyIDOf returns the keyid parameter of a Signature-Input member, or "".
func keyIDOf(m sfv.Member) string {
	v, _ := m.Parameters().Get(sigParamKeyID)
	s, _ := v.(string)
	return s
}

// knownAlgorithm reports whether alg is one of the five of RFC 9421 §3.3.
func knownAlgorithm(alg Algorithm) bool {
	switch alg {
	case RSAv15SHA256, RSAPSSSHA512, ECDSAP256SHA256, Ed25519, HMACSHA256:
		return true
	}
	return false
}

// checkRFC9421Time applies the time window, the way Mastodon does: from
// created minus the skew until expires (or created plus Validity, capped at
// created plus MaxValidity) plus the skew.
func checkRFC9421Time(p *sigParams, policy *RFC9421Policy) (time.Time, error) {
	if p.hasExpires && p.expires < p.created {
		return time.Time{}, fmt.Errorf("%w: expires before created", ErrMalformed)
	}
	created := time.Unix(p.created, 0).UTC()
	w := newWindow(policy.ClockSkew, policy.Validity, policy.MaxValidity)
	if err := w.check(policy.now(), created, time.Unix(p.expires, 0), p.hasExpires); err != nil {
		return time.Time{}, err
	}
	return created, nil
}
