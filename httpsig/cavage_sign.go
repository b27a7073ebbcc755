package httpsig

import (
	"crypto/ed25519"
	"crypto/rsa"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	gofed "github.com/go-fed/httpsig"
)

// CavageOptions configures [SignCavage]. The zero value signs what
// Mastodon, GoToSocial, Misskey and Akkoma require.
type CavageOptions struct {
	// Headers lists the headers and pseudo-headers to sign, in order, in
	// lower case. If nil, "(request-target)", "host" and "date" are signed,
	// and "digest" too when the request has a body or its method is POST,
	// PUT or PATCH.
	Headers []string

	// Expires is how long a signature covering "(expires)" stays valid.
	// Zero means 5 minutes. It is used only when Headers names "(expires)".
	Expires time.Duration

	// Now returns the current time, for the Date header and "(created)".
	// If nil, time.Now is used.
	Now func() time.Time
}

// SignCavage signs req with a draft-cavage-12 Signature header, as the
// fediverse has sent since 2017.
//
// body must be the exact body req will carry (nil for none). When "digest" is
// signed, a Digest header "SHA-256=<base64>" is set from it, replacing any
// present; when "date" is signed and req has no Date header, one is set from
// opts.Now. Any Signature header already present is replaced. The header
// names the algorithm "hs2019"; the key's algorithm (key.Algorithm, else
// derived from key.Key) must be rsa-v1_5-sha256 or ed25519. Mastodon verifies
// only RSA keys.
//
// SignCavage is safe for concurrent use: every call builds its own go-fed
// signer, as go-fed/httpsig signers are not goroutine-safe.
func SignCavage(req *http.Request, body []byte, key SigningKey, opts CavageOptions) error {
	alg, err := key.algorithm()
	if err != nil {
		return err
	}
	if alg != RSAv15SHA256 && alg != Ed25519 {
		return fmt.Errorf("%w: draft-cavage signing supports rsa-v1_5-sha256 and ed25519, not %s", ErrUnknownAlgorithm, alg)
	}
	headers, err := cavageSignHeaders(req, body, opts.Headers)
	if err != nil {
		return err
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	if req.Header == nil {
		req.Header = make(http.Header)
	}
	direct := strings.ContainsAny(key.KeyID, "\"\\")
	for _, h := range headers {
		switch h {
		case "date":
			if req.Header.Get("Date") == "" {
				req.Header.Set("Date", now().UTC().Format(http.TimeFormat))
			}
		case "digest":
			req.Header.Set("Digest", DigestHeader(body))
		case createdPseudo, expiresPseudo:
			direct = true
		}
	}
	req.Header.Del("Signature")

	// The signing string reads the request's headers plus the two that Go
	// keeps outside the header map on a client request.
	h := make(http.Header, len(req.Header)+2)
	for k, v := range req.Header {
		h[k] = v
	}
	if host := hostOf(req); host != "" {
		h["Host"] = []string{host} // net/http sends this, ignoring Header["Host"]
	}
	if slices.Contains(headers, "content-length") {
		// net/http sends the length of the body, ignoring a
		// Content-Length in the header map.
		h["Content-Length"] = []string{strconv.Itoa(len(body))}
	}
	for _, name := range headers {
		if name[0] != '(' && len(h.Values(name)) == 0 {
			return fmt.Errorf("%w: %s", ErrMissingHeader, name)
		}
	}
	path, query := requestTargetOf(req)

	// go-fed/httpsig signs RSA and Ed25519 keys held in memory. It cannot
	// sign (created)/(expires) with an injected clock (it reads the wall
	// clock itself), nor with a key that is only a crypto.Signer (such as
	// one in a hardware module), nor write a keyId that needs escaping;
	// those take the direct path.
	var gfAlg gofed.Algorithm
	switch key.Key.(type) {
	case *rsa.PrivateKey:
		gfAlg = gofed.RSA_SHA256
	case ed25519.PrivateKey:
		gfAlg = gofed.ED25519
	default:
		direct = true
	}
	if nilKey(key.Key) {
		return fmt.Errorf("%w: empty %T", ErrKeyType, key.Key)
	}
	if (alg == Ed25519) != (gfAlg == gofed.ED25519) && !direct {
		return fmt.Errorf("%w: %s cannot sign with %T", ErrKeyType, alg, key.Key)
	}
	if direct {
		return signCavageDirect(req, h, headers, path, query, alg, key, opts, now)
	}
	signer, got, err := gofed.NewSigner([]gofed.Algorithm{gfAlg}, gofed.DigestSha256, headers, gofed.Signature, 0)
	if err != nil {
		return fmt.Errorf("httpsig: draft-cavage signer: %w", err)
	}
	if got != gfAlg {
		return fmt.Errorf("%w: go-fed/httpsig lacks %s", ErrUnknownAlgorithm, gfAlg)
	}
	// go-fed writes URL.Path as the request target, so hand it the escaped
	// path: the decoded form differs from what goes over the wire.
	tmp := &http.Request{Method: methodOf(req), URL: &url.URL{Path: path, RawQuery: query}, Host: hostOf(req), Header: h}
	if err := signer.SignRequest(key.Key, key.KeyID, tmp, nil); err != nil {
		return fmt.Errorf("httpsig: draft-cavage signing: %w", err)
	}
	req.Header.Set("Signature", h.Get("Signature"))
	return nil
}

// signCavageDirect signs without go-fed/httpsig, for the cases it cannot
// handle (see SignCavage).
func signCavageDirect(req *http.Request, h http.Header, headers []string, path, query string, alg Algorithm, key SigningKey, opts CavageOptions, now func() time.Time) error {
	p := &cavageParams{keyID: key.KeyID, algorithm: cavageHS2019, headers: headers}
	if slices.Contains(headers, createdPseudo) || slices.Contains(headers, expiresPseudo) {
		p.created = now().Unix()
	}
	if slices.Contains(headers, expiresPseudo) {
		ttl := opts.Expires
		if ttl <= 0 {
			ttl = 5 * time.Minute
		}
		p.expires = p.created + int64(ttl/time.Second)
	}
	if !slices.Contains(headers, createdPseudo) {
		p.created = 0
	}
	target := path
	if query != "" {
		target += "?" + query
	}
	tmp := &http.Request{Method: methodOf(req), Header: h}
	s, err := cavageSigningString(tmp, headers, target, hostOf(req), p.created, p.expires)
	if err != nil {
		return err
	}
	if p.signature, err = signBytes(alg, key.Key, []byte(s)); err != nil {
		return err
	}
	req.Header.Set("Signature", formatCavageSignature(p))
	return nil
}

// cavageSignHeaders returns the validated, lower-cased list of headers to sign.
func cavageSignHeaders(req *http.Request, body []byte, headers []string) ([]string, error) {
	if headers == nil {
		headers = []string{requestTarget, "host", "date"}
		if body != nil || hasBodyMethod(req.Method) {
			headers = append(headers, "digest")
		}
		return headers, nil
	}
	if len(headers) == 0 || len(headers) > maxCavageHeaders {
		return nil, fmt.Errorf("httpsig: %d headers to sign", len(headers))
	}
	out := make([]string, len(headers))
	for i, h := range headers {
		h = strings.ToLower(strings.TrimSpace(h))
		name := strings.TrimSuffix(strings.TrimPrefix(h, "("), ")")
		if !isToken(name) {
			return nil, fmt.Errorf("httpsig: cannot sign header %q", headers[i])
		}
		if slices.Contains(out[:i], h) {
			return nil, fmt.Errorf("httpsig: header %q listed twice", h)
		}
		out[i] = h
	}
	return out, nil
}

// hasBodyMethod reports whether requests of this method carry a body that
// a signature must cover.
func hasBodyMethod(method string) bool {
	switch method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
		return true
	}
	return false
}
