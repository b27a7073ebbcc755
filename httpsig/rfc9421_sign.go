package httpsig

import (
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/starling-fed/starling/httpsig/internal/sfv"
)

// DefaultRFC9421Label is the label of a signature when
// [RFC9421Options.Label] is empty.
const DefaultRFC9421Label = "sig1"

// RFC9421Options configures [SignRFC9421] and [SignResponseRFC9421]. The
// zero value signs what Mastodon requires.
type RFC9421Options struct {
	// Components lists what to cover, in order: lower-case field names and
	// derived components, with parameters written after the name as in
	// Signature-Input (`@query-param;name="q"`, `content-digest;sf`). If
	// nil, a request covers "@method", "@target-uri" and "date", plus
	// "content-digest" and, when the header is set, "content-type" if the
	// request has a body or its method is POST, PUT or PATCH. A response
	// covers "@status", plus "content-digest" and, when set,
	// "content-type" if it has a body.
	Components []string

	// Label names the signature in Signature-Input and Signature. If
	// empty, DefaultRFC9421Label ("sig1"). It must be a structured-field
	// key: lower-case letters, digits, "_", "-", "." and "*".
	Label string

	// Now returns the current time, for the created parameter and a Date
	// header. If nil, time.Now is used.
	Now func() time.Time

	// Expires, if positive, adds an expires parameter this long after
	// created. If zero, no expires is sent and the verifier's default
	// applies (5 minutes for this package and Mastodon).
	Expires time.Duration

	// Nonce, if set, is sent as the nonce parameter. Use a fresh value for
	// every message.
	Nonce string

	// Tag, if set, is sent as the tag parameter, naming the application
	// or profile the signature is meant for.
	Tag string

	// IncludeAlg sends the alg parameter. RFC 9421 prefers the algorithm
	// to come from the key, so it is left out by default.
	IncludeAlg bool
}

// SignRFC9421 signs req with RFC 9421 HTTP Message Signatures, adding a
// member to its Signature-Input and Signature headers (replacing a member
// with the same label, keeping others, so a proxy can add its own).
//
// body must be the exact body req will carry (nil for none). When
// "content-digest" is covered and req has no Content-Digest header, one is
// set with the body's sha-256; one already present must match the body.
// When "date" is covered and req has no Date header, one is set from
// opts.Now. The algorithm is key.Algorithm, else derived from key.Key.
//
// req.URL should be absolute, as for a client request; a relative one is
// taken as https.
func SignRFC9421(req *http.Request, body []byte, key SigningKey, opts RFC9421Options) error {
	if req.Header == nil {
		req.Header = http.Header{}
	}
	specs := opts.Components
	if specs == nil {
		specs = []string{compMethod, compTargetURI, "date"}
		if len(body) > 0 || hasBodyMethod(req.Method) {
			specs = append(specs, compContentDigest)
			if req.Header.Get("Content-Type") != "" {
				specs = append(specs, "content-type")
			}
		}
	}
	return signMessage(req.Header, func() *message {
		m := requestMessage(req, "https")
		m.outgoing = true
		return m
	}, body, specs, key, opts)
}

// SignResponseRFC9421 signs resp with RFC 9421 HTTP Message Signatures, as
// [SignRFC9421] signs a request. Components with the req parameter (e.g.
// `@method;req`) are taken from resp.Request.
//
// A handler can sign what it is about to send by describing it, before
// calling WriteHeader:
//
//	resp := &http.Response{StatusCode: http.StatusOK, Header: w.Header(), Request: r}
//	err := httpsig.SignResponseRFC9421(resp, body, key, opts) // sets headers on w
func SignResponseRFC9421(resp *http.Response, body []byte, key SigningKey, opts RFC9421Options) error {
	if resp.Header == nil {
		resp.Header = http.Header{}
	}
	specs := opts.Components
	if specs == nil {
		specs = []string{compStatus}
		if len(body) > 0 {
			specs = append(specs, compContentDigest)
			if resp.Header.Get("Content-Type") != "" {
				specs = append(specs, "content-type")
			}
		}
	}
	return signMessage(resp.Header, func() *message { return responseMessage(resp, "https") }, body, specs, key, opts)
}

// signMessage does the work of both signing functions. msg is called after
// the headers the signature needs have been set.
func signMessage(h http.Header, msg func() *message, body []byte, specs []string, key SigningKey, opts RFC9421Options) error {
	alg, err := key.algorithm()
	if err != nil {
		return err
	}
	label := opts.Label
	if label == "" {
		label = DefaultRFC9421Label
	}
	if _, err := sfv.SerializeDictionary(sfv.Dictionary{{Key: label, Value: sfv.Item{Value: true}}}); err != nil {
		return fmt.Errorf("httpsig: label %q is not a structured-field key", label)
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	created := now()

	comps := make([]component, 0, len(specs))
	ids := make([]string, 0, len(specs))
	for _, s := range specs {
		c, err := parseComponent(s)
		if err != nil {
			return err
		}
		id := c.String()
		if slices.Contains(ids, id) {
			return fmt.Errorf("httpsig: component %s listed twice", id)
		}
		ids = append(ids, id)
		comps = append(comps, c)
		if len(c.params) > 0 {
			continue
		}
		switch c.name {
		case compContentDigest:
			if got := h.Get(headerContentDigest); got != "" {
				if err := VerifyContentDigest(got, body); err != nil {
					return fmt.Errorf("httpsig: Content-Digest present does not fit the body: %w", err)
				}
				continue
			}
			cd, err := ContentDigest(body)
			if err != nil {
				return err
			}
			h.Set(headerContentDigest, cd)
		case "date":
			if h.Get("Date") == "" {
				h.Set("Date", created.UTC().Format(http.TimeFormat))
			}
		}
	}

	params := sfv.Params{
		{Key: sigParamCreated, Value: created.Unix()},
		{Key: sigParamKeyID, Value: key.KeyID},
	}
	if opts.IncludeAlg {
		params = append(params, sfv.Param{Key: sigParamAlg, Value: string(alg)})
	}
	if opts.Expires > 0 {
		params = append(params, sfv.Param{Key: sigParamExpires, Value: created.Add(opts.Expires).Unix()})
	}
	if opts.Nonce != "" {
		params = append(params, sfv.Param{Key: sigParamNonce, Value: opts.Nonce})
	}
	if opts.Tag != "" {
		params = append(params, sfv.Param{Key: sigParamTag, Value: opts.Tag})
	}
	input := sfv.InnerList{Params: params}
	for _, c := range comps {
		input.Items = append(input.Items, c.item())
	}

	base, err := signatureBase(msg(), comps, input)
	if err != nil {
		return fmt.Errorf("httpsig: building the signature base: %w", err)
	}
	sig, err := signBytes(alg, key.Key, base)
	if err != nil {
		return err
	}

	inputs, err := setDictMember(h, headerSignatureInput, label, input)
	if err != nil {
		return err
	}
	sigs, err := setDictMember(h, headerSignature, label, sfv.Item{Value: sig})
	if err != nil {
		return err
	}
	h.Set(headerSignatureInput, inputs)
	h.Set(headerSignature, sigs)
	return nil
}

// setDictMember returns the dictionary of header name with label set to v,
// keeping the other members.
func setDictMember(h http.Header, name, label string, v sfv.Member) (string, error) {
	lines := h.Values(name)
	if len(lines) == 0 {
		// The common case, the first signature; signMessage checked the label.
		s, err := sfv.SerializeMember(v)
		if err != nil {
			return "", fmt.Errorf("httpsig: %s: %w", name, err)
		}
		return label + "=" + s, nil
	}
	d, err := sfv.ParseDictionary(joinFieldLines(lines))
	if err != nil {
		return "", fmt.Errorf("httpsig: existing %s header: %w", name, err)
	}
	replaced := false
	for i := range d {
		if d[i].Key == label {
			d[i].Value, replaced = v, true
		}
	}
	if !replaced {
		d = append(d, sfv.DictMember{Key: label, Value: v})
	}
	s, err := sfv.SerializeDictionary(d)
	if err != nil {
		return "", fmt.Errorf("httpsig: label %q: %w", label, err)
	}
	return s, nil
}
