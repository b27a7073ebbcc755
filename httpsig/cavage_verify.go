package httpsig

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	gofed "github.com/go-fed/httpsig"
)

// CavagePolicy is what a draft-cavage signature must satisfy to be accepted
// by [VerifyCavage]. The zero value is Mastodon's policy.
type CavagePolicy struct {
	// Algorithms lists the accepted values of the algorithm parameter, in
	// lower case. If nil, "hs2019" and "rsa-sha256" are accepted. An absent
	// parameter counts as "hs2019". Also known: "rsa-sha512" and "ed25519".
	// Whatever the name, the key's type decides the algorithm within it:
	// hs2019 verifies RSA keys with RSA-SHA256 then RSA-SHA512 (GoToSocial
	// signs with the former) and Ed25519 keys with Ed25519.
	Algorithms []string

	// RequiredHeaders lists what every signature must cover. If nil,
	// "(request-target)", "host" and "date". A required "date" is also
	// satisfied by "(created)". An empty, non-nil slice requires nothing
	// more than what dates the signature: whatever the policy, "date" or
	// "(created)" must be signed, as Mastodon insists.
	RequiredHeaders []string

	// RequiredBodyHeaders lists what a POST, PUT or PATCH, or a request of
	// any method with a non-empty body, must cover in addition. If nil,
	// "digest". An empty, non-nil slice adds nothing.
	RequiredBodyHeaders []string

	// StrictRequestTarget turns off the retry, done by Mastodon, that checks
	// "(request-target)" without the query string when the signature does
	// not verify with it. With the retry, a signature made for a path alone
	// also verifies that path with any query added; a signature made with
	// a query never verifies with another.
	StrictRequestTarget bool

	// ClockSkew is the tolerance for clocks that disagree. If zero, 1 hour.
	// A signature is accepted from its Date (or created) minus ClockSkew
	// until its expiry plus ClockSkew.
	ClockSkew time.Duration

	// Validity is how long a signature without "(expires)" stays valid
	// after its Date or created. If zero, 5 minutes. With the default skew
	// a Date-only signature is accepted from Date − 1 h to Date + 1 h 05 m,
	// as Mastodon does.
	Validity time.Duration

	// MaxValidity caps the expiry a signature may claim with "(expires)",
	// counted from its created. If zero, 12 hours.
	MaxValidity time.Duration

	// Now returns the current time. If nil, time.Now is used.
	Now func() time.Time
}

func (p *CavagePolicy) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// VerifyCavage verifies the draft-cavage-12 Signature header of req.
//
// body is the request body, already read (nil for none). The signature must
// name an allowed algorithm, cover what the policy requires, lie within the
// time window, and verify with the key resolver finds for its keyId. A
// Digest header, signed or not, must match body, and a signed Content-Length
// must equal len(body).
//
// On failure the error is a [*VerifyError] wrapping one of the package's
// sentinels (a resolver's own error is wrapped as it is). VerifyCavage does
// not refetch keys; [Verifier] does, through a [Refresher].
func VerifyCavage(ctx context.Context, req *http.Request, body []byte, resolver KeyResolver, policy CavagePolicy) (*Verified, error) {
	vals := req.Header.Values("Signature")
	if len(vals) == 0 {
		return nil, &VerifyError{Err: ErrNoSignature}
	}
	if len(vals) > 1 {
		return nil, &VerifyError{Family: Cavage, Err: fmt.Errorf("%w: %d Signature headers", ErrTooManySignatures, len(vals))}
	}
	p, err := parseCavageSignature(vals[0])
	if err != nil {
		return nil, &VerifyError{Family: Cavage, Err: err}
	}
	fail := func(err error) (*Verified, error) {
		return nil, &VerifyError{Family: Cavage, KeyID: p.keyID, Err: err}
	}
	if err := checkCavageParams(req, p, len(body) > 0, &policy); err != nil {
		return fail(err)
	}
	path, query := requestTargetOf(req)
	host := hostOf(req)
	target := path
	if query != "" {
		target += "?" + query
	}
	if err := checkSignedHeaders(req, p, host); err != nil {
		return fail(err)
	}
	created, err := checkCavageTime(req, p, &policy)
	if err != nil {
		return fail(err)
	}
	if d := req.Header.Values("Digest"); len(d) > 0 {
		if err := VerifyDigest(strings.Join(d, ","), body); err != nil {
			return fail(err)
		}
	}
	if slices.Contains(p.headers, "content-length") {
		n, err := strconv.ParseInt(strings.TrimSpace(req.Header.Get("Content-Length")), 10, 64)
		if err != nil || n != int64(len(body)) {
			return fail(fmt.Errorf("%w: signed Content-Length %q, body of %d bytes", ErrDigestMismatch, clip(req.Header.Get("Content-Length")), len(body)))
		}
	}
	vk, err := resolveKey(ctx, resolver, p.keyID)
	if err != nil {
		return fail(err)
	}
	cands, err := cavageCandidates(p.algorithm, vk)
	if err != nil {
		return fail(err)
	}
	alg, err := verifyCavageCrypto(req, p, vk, cands, target, path, query, host, policy.StrictRequestTarget)
	if err != nil {
		return fail(err)
	}
	return &Verified{
		Family:     Cavage,
		KeyID:      p.keyID,
		Owner:      vk.Owner,
		Algorithm:  alg,
		Created:    created,
		Components: p.headers, // parsed afresh for this call: not shared
	}, nil
}

// checkCavageParams applies the policy to the parsed header: algorithm,
// pseudo-headers and required coverage. hasBody says the request carries a
// non-empty body, which must be covered whatever the method: a handler may
// read the body of a GET or DELETE too.
func checkCavageParams(req *http.Request, p *cavageParams, hasBody bool, policy *CavagePolicy) error {
	alg := p.algorithm
	if alg == "" {
		alg = cavageHS2019
	}
	allowed := policy.Algorithms
	if allowed == nil {
		allowed = []string{cavageHS2019, cavageRSASHA256}
	}
	switch alg {
	case cavageHS2019, cavageRSASHA256, cavageRSASHA512, cavageEd25519:
	default:
		return fmt.Errorf("%w: %q", ErrUnknownAlgorithm, clip(alg))
	}
	if !slices.Contains(allowed, alg) {
		return fmt.Errorf("%w: %q not allowed", ErrUnknownAlgorithm, alg)
	}
	for i, h := range p.headers {
		if slices.Contains(p.headers[:i], h) {
			return fmt.Errorf("%w: %s signed twice", ErrMalformed, h)
		}
		switch h {
		case requestTarget:
		case createdPseudo, expiresPseudo:
			// draft-cavage-12 §2.3: only algorithms that do not name
			// their hash may sign these, which leaves hs2019.
			if alg != cavageHS2019 {
				return fmt.Errorf("%w: %s may only be signed with hs2019", ErrMalformed, h)
			}
		default:
			if h[0] == '(' {
				return fmt.Errorf("%w: unknown pseudo-header %s", ErrMalformed, clip(h))
			}
		}
	}
	required := policy.RequiredHeaders
	if required == nil {
		required = []string{requestTarget, "host", "date"}
	}
	if err := covers(p.headers, required); err != nil {
		return err
	}
	if hasBody || hasBodyMethod(req.Method) {
		extra := policy.RequiredBodyHeaders
		if extra == nil {
			extra = []string{"digest"}
		}
		return covers(p.headers, extra)
	}
	return nil
}

// covers checks that signed includes every name in required, counting
// "(created)" for "date".
func covers(signed, required []string) error {
	for _, r := range required {
		r = strings.ToLower(r)
		if slices.Contains(signed, r) || r == "date" && slices.Contains(signed, createdPseudo) {
			continue
		}
		return fmt.Errorf("%w: %s", ErrMissingComponent, r)
	}
	return nil
}

// checkCavageTime applies the time window and returns when the signature
// was made. The created parameter counts only when "(created)" is signed,
// expires only when "(expires)" is, and the Date header only when "date" is:
// an unsigned value could be rewritten to stretch the life of a captured
// request.
func checkCavageTime(req *http.Request, p *cavageParams, policy *CavagePolicy) (time.Time, error) {
	var created time.Time
	switch {
	case slices.Contains(p.headers, createdPseudo):
		created = time.Unix(p.created, 0)
	case slices.Contains(p.headers, "date"):
		t, err := http.ParseTime(req.Header.Get("Date"))
		if err != nil {
			return time.Time{}, fmt.Errorf("%w: Date %q is not an HTTP date", ErrMalformed, clip(req.Header.Get("Date")))
		}
		created = t
	default:
		// An unsigned Date could be rewritten to replay the request
		// forever, so it dates nothing, whatever the policy requires.
		return time.Time{}, fmt.Errorf("%w: neither date nor (created) is signed", ErrMissingComponent)
	}
	w := newWindow(policy.ClockSkew, policy.Validity, policy.MaxValidity)
	hasExpires := slices.Contains(p.headers, expiresPseudo)
	if err := w.check(policy.now(), created, time.Unix(p.expires, 0), hasExpires); err != nil {
		return time.Time{}, err
	}
	return created.UTC(), nil
}

// verifyCavageCrypto checks the signature itself and returns the algorithm
// that verified it.
//
// The main path hands the request to go-fed/httpsig. Two cases take the
// direct path, on the signing string s built by this package, because
// go-fed/httpsig cannot do them: a signature covering (created) or (expires),
// as go-fed checks those against the wall clock with a fixed 10-second
// tolerance, which ignores both the injected clock and the policy's window;
// and a keyId containing a comma or quote, which go-fed's parser (it splits
// the header at every comma) would cut.
//
// Either way the request target is tried with the query string and then,
// unless strict, without it (Mastodon's quirk: some servers sign the path
// alone).
func verifyCavageCrypto(req *http.Request, p *cavageParams, vk *VerificationKey, cands []Algorithm, target, path, query, host string, strict bool) (Algorithm, error) {
	key := vk.Key
	if sg, ok := key.(crypto.Signer); ok {
		key = sg.Public()
	}
	retry := query != "" && !strict
	direct := slices.Contains(p.headers, createdPseudo) || slices.Contains(p.headers, expiresPseudo) ||
		strings.ContainsAny(p.keyID, ",\"\\")
	if direct {
		s, err := cavageSigningString(req, p.headers, target, host, p.created, p.expires)
		if err != nil {
			return "", err
		}
		for _, alg := range cands {
			err := cavageVerifyRaw(alg, key, s, p.sig())
			if err == nil {
				return alg, nil
			}
			if !errors.Is(err, ErrBadSignature) {
				return "", err
			}
		}
		if retry {
			s2, err := cavageSigningString(req, p.headers, path, host, p.created, p.expires)
			if err != nil {
				return "", err
			}
			for _, alg := range cands {
				if cavageVerifyRaw(alg, key, s2, p.sig()) == nil {
					return alg, nil
				}
			}
		}
		return "", ErrBadSignature
	}

	// go-fed reads the header map (and adds Host to it), so it gets a new
	// one holding the signed headers and the signature, re-serialized in
	// the one form its parser reads.
	h := make(http.Header, len(p.headers)+1)
	for _, name := range p.headers {
		if name[0] != '(' {
			key := canonicalKey(name)
			h[key] = req.Header[key]
		}
	}
	sc := &gofedScratch{}
	if host != "" || len(h["Host"]) == 0 {
		sc.host[0] = host
		h["Host"] = sc.host[:]
	}
	sc.sig[0] = formatCavageSignature(&cavageParams{
		keyID: p.keyID, algorithm: p.algorithm, headers: p.headers, signature: p.signature, sigText: p.sigText,
	})
	h["Signature"] = sc.sig[:]
	sc.url = url.URL{Path: path, RawQuery: query}
	sc.req = http.Request{Method: methodOf(req), URL: &sc.url, Host: host, Header: h}
	tmp := &sc.req
	for attempt := 0; attempt < 2; attempt++ {
		if attempt == 1 {
			if !retry {
				break
			}
			tmp.URL.RawQuery = ""
		}
		v, err := gofed.NewVerifier(tmp)
		if err != nil {
			return "", fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		for _, alg := range cands {
			if v.Verify(key, gofedAlgorithm(alg)) == nil {
				return alg, nil
			}
		}
	}
	return "", ErrBadSignature
}

// gofedScratch holds what verifyCavageCrypto hands go-fed/httpsig, in one
// allocation.
type gofedScratch struct {
	req       http.Request
	url       url.URL
	host, sig [1]string
}

// checkSignedHeaders makes sure every header the signature covers is
// present, and the created and expires parameters when (created) and
// (expires) are covered.
func checkSignedHeaders(req *http.Request, p *cavageParams, host string) error {
	for _, h := range p.headers {
		switch h {
		case requestTarget:
		case createdPseudo:
			if p.created == 0 {
				return fmt.Errorf("%w: (created) is signed but the created parameter is absent", ErrMalformed)
			}
		case expiresPseudo:
			if p.expires == 0 {
				return fmt.Errorf("%w: (expires) is signed but the expires parameter is absent", ErrMalformed)
			}
		case "host":
			if host == "" && len(req.Header["Host"]) == 0 {
				return fmt.Errorf("%w: host", ErrMissingHeader)
			}
		default:
			if len(req.Header[canonicalKey(h)]) == 0 {
				return fmt.Errorf("%w: %s", ErrMissingHeader, h)
			}
		}
	}
	return nil
}

// gofedAlgorithm names alg as go-fed/httpsig does.
func gofedAlgorithm(alg Algorithm) gofed.Algorithm {
	switch alg {
	case RSAv15SHA256:
		return gofed.RSA_SHA256
	case RSAv15SHA512:
		return gofed.RSA_SHA512
	case Ed25519:
		return gofed.ED25519
	}
	return gofed.Algorithm(alg)
}
