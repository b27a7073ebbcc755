package httpsig

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/starling-fed/starling/httpsig/internal/sfv"
)

// Signature parameters (RFC 9421 §2.3).
const (
	sigParamCreated = "created"
	sigParamExpires = "expires"
	sigParamNonce   = "nonce"
	sigParamAlg     = "alg"
	sigParamKeyID   = "keyid"
	sigParamTag     = "tag"
)

// Header names of RFC 9421.
const (
	headerSignatureInput = "Signature-Input"
	headerSignature      = "Signature"
	headerContentDigest  = "Content-Digest"
)

// maxSignatureHeader bounds the Signature-Input and Signature values read.
const maxSignatureHeader = 16 << 10

// maxComponents bounds the components one signature may cover. Each may
// cost a parse of a large field (with sf or key) before the signature is
// checked; real signatures cover fewer than ten.
const maxComponents = 64

// sigParams are the parsed signature parameters of one Signature-Input member.
type sigParams struct {
	input      sfv.InnerList // as parsed, serialized into @signature-params
	components []component
	covered    []string // components as [component.String] gives them
	created    int64
	hasCreated bool
	expires    int64
	hasExpires bool
	nonce      string
	alg        string
	keyID      string
	tag        string
}

// parseSigParams validates one Signature-Input member. Unknown signature
// parameters are kept (they are signed) but otherwise ignored, as RFC 9421
// §2.3 allows. Errors wrap ErrMalformed.
func parseSigParams(m sfv.Member) (*sigParams, error) {
	l, ok := m.(sfv.InnerList)
	if !ok {
		return nil, fmt.Errorf("%w: Signature-Input member is not an inner list", ErrMalformed)
	}
	if len(l.Items) > maxComponents {
		return nil, fmt.Errorf("%w: %d components, at most %d", ErrMalformed, len(l.Items), maxComponents)
	}
	p := &sigParams{
		input:      l,
		components: make([]component, 0, len(l.Items)),
		covered:    make([]string, 0, len(l.Items)),
	}
	for _, it := range l.Items {
		c, err := componentFromItem(it)
		if err != nil {
			return nil, err
		}
		id := c.String()
		if slices.Contains(p.covered, id) {
			return nil, fmt.Errorf("%w: component %s covered twice", ErrMalformed, id)
		}
		p.components = append(p.components, c)
		p.covered = append(p.covered, id)
	}
	for _, kv := range l.Params {
		switch kv.Key {
		case sigParamCreated, sigParamExpires:
			n, ok := kv.Value.(int64)
			if !ok {
				return nil, fmt.Errorf("%w: %s is not an integer", ErrMalformed, kv.Key)
			}
			if kv.Key == sigParamCreated {
				p.created, p.hasCreated = n, true
			} else {
				p.expires, p.hasExpires = n, true
			}
		case sigParamNonce, sigParamAlg, sigParamKeyID, sigParamTag:
			s, ok := kv.Value.(string)
			if !ok {
				return nil, fmt.Errorf("%w: %s is not a string", ErrMalformed, kv.Key)
			}
			switch kv.Key {
			case sigParamNonce:
				p.nonce = s
			case sigParamAlg:
				p.alg = s
			case sigParamKeyID:
				p.keyID = s
			case sigParamTag:
				p.tag = s
			}
		}
	}
	return p, nil
}

// signatureBase builds the signature base (RFC 9421 §2.5) of m for the
// covered components and the signature parameters.
func signatureBase(m *message, comps []component, params sfv.InnerList) ([]byte, error) {
	var b bytes.Buffer
	b.Grow(512)
	for _, c := range comps {
		v, err := m.value(c)
		if err != nil {
			return nil, err
		}
		if err := c.writeIdentifier(&b); err != nil {
			return nil, err
		}
		b.WriteString(": ")
		b.WriteString(v)
		b.WriteByte('\n')
	}
	b.WriteString(`"` + compSignatureParams + `": `)
	if err := sfv.WriteInnerList(&b, params); err != nil {
		return nil, fmt.Errorf("%w: signature parameters: %w", ErrMalformed, err)
	}
	return b.Bytes(), nil
}
