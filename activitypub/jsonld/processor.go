package jsonld

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/piprate/json-gold/ld"
)

// Processor runs the JSON-LD algorithms on ActivityPub documents with an
// offline-first context loader and bounds on its input.
//
// The zero value is ready to use: it loads only the embedded contexts and
// applies DefaultMaxBytes and DefaultMaxDepth. A Processor is safe for
// concurrent use; do not change its fields after first use.
type Processor struct {
	// Loader resolves context URLs. If nil, an offline Loader serving only
	// the embedded contexts is used.
	Loader *Loader
	// MaxBytes caps the size of an input document. Zero means
	// DefaultMaxBytes.
	MaxBytes int
	// MaxDepth caps how deeply an input document nests objects and arrays.
	// Zero means DefaultMaxDepth.
	MaxDepth int

	once sync.Once
	st   *state
	err  error
}

// state is what a Processor prepares once: its loader and the parsed
// contexts every operation starts from. It is read-only after setup.
type state struct {
	loader *Loader
	// as and asSec are the Activity Streams context, alone and followed by
	// security v1, parsed once; expansion starts from a copy of one of them
	// instead of parsing the same documents for every input.
	as, asSec *ld.Context
	// canonical is the parsed canonical context, its inverse context built,
	// used (read-only) by every compaction.
	canonical *ld.Context
	// idTerms are the canonical context's terms whose values are IRIs.
	idTerms map[string]bool
	// prefixes maps the canonical context's prefixes to their namespaces.
	prefixes map[string]string
	// stringTerms are the canonical extension terms that hold plain values.
	stringTerms map[string]bool
}

// state returns the processor's prepared state, building it on first use.
func (p *Processor) state() (*state, error) {
	p.once.Do(func() { p.st, p.err = newState(p.Loader) })
	return p.st, p.err
}

func newState(l *Loader) (*state, error) {
	if l == nil {
		l = &Loader{}
	}
	st := &state{loader: l}
	opts := newOptions(&opLoader{ctx: context.Background(), l: l, clone: true})
	var err error
	if st.as, err = ld.NewContext(nil, opts).Parse(ActivityStreamsURL); err != nil {
		return nil, fmt.Errorf("jsonld: parsing the Activity Streams context: %w", err)
	}
	if st.asSec, err = ld.NewContext(nil, opts).Parse([]any{ActivityStreamsURL, SecurityV1URL}); err != nil {
		return nil, fmt.Errorf("jsonld: parsing the security context: %w", err)
	}
	var canonical any
	if err := json.Unmarshal([]byte(canonicalContext), &canonical); err != nil {
		return nil, fmt.Errorf("jsonld: canonical context: %w", err)
	}
	if st.canonical, err = ld.NewContext(nil, opts).Parse(canonical); err != nil {
		return nil, fmt.Errorf("jsonld: parsing the canonical context: %w", err)
	}
	// Build the inverse context now, so that compactions only read it.
	st.canonical.GetInverse()
	st.idTerms, st.prefixes = termTables(st.canonical)
	if st.stringTerms, err = extensionStringTerms(canonicalContext, st.idTerms, st.prefixes); err != nil {
		return nil, fmt.Errorf("jsonld: canonical context: %w", err)
	}
	return st, nil
}

// newOptions returns json-gold options for one operation.
func newOptions(dl ld.DocumentLoader) *ld.JsonLdOptions {
	opts := ld.NewJsonLdOptions("")
	opts.ProcessingMode = ld.JsonLd_1_1
	opts.DocumentLoader = dl
	opts.CompactArrays = true
	return opts
}

func (p *Processor) limits() (maxBytes, maxDepth int) {
	maxBytes, maxDepth = p.MaxBytes, p.MaxDepth
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	if maxDepth <= 0 {
		maxDepth = DefaultMaxDepth
	}
	return maxBytes, maxDepth
}

// Expand returns the expanded form of doc: every term replaced by its IRI,
// every value in an array. A top-level object without "@context" is read
// with the Activity Streams context, as Activity Streams 2.0 requires.
// Numbers come out as json.Number, so large integers keep their digits.
func (p *Processor) Expand(ctx context.Context, doc []byte) ([]any, error) {
	st, err := p.state()
	if err != nil {
		return nil, err
	}
	return p.expand(ctx, st, doc, true)
}

// expand decodes and expands doc. implicitAS applies the Activity Streams
// context to a top-level object that has no "@context".
func (p *Processor) expand(ctx context.Context, st *state, doc []byte, implicitAS bool) (out []any, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	maxBytes, maxDepth := p.limits()
	v, stats, err := decodeDocument(doc, maxBytes, maxDepth)
	if err != nil {
		return nil, err
	}
	ol := &opLoader{ctx: ctx, l: st.loader, clone: stats.hasImport, stats: stats}
	opts := newOptions(ol)
	if base := st.startContext(v, implicitAS); base != nil {
		opts.ExpandContext = withOptions(base, opts)
	}
	err = guard("expand", ol, func() error {
		var err error
		out, err = ld.NewJsonLdProcessor().Expand(v, opts)
		return err
	})
	return out, err
}

// startContext picks the pre-parsed context expansion of v starts from, and
// removes from v's top-level "@context" the leading references it stands
// for. Starting from the parsed Activity Streams context and applying the
// rest of the document's contexts gives the same result as applying them
// all, without parsing the Activity Streams context again.
func (st *state) startContext(v any, implicitAS bool) *ld.Context {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	c, has := m["@context"]
	if !has {
		if implicitAS {
			return st.as
		}
		return nil
	}
	switch c := c.(type) {
	case string:
		if isActivityStreams(c) {
			delete(m, "@context")
			return st.as
		}
	case []any:
		if len(c) == 0 {
			return nil
		}
		first, _ := c[0].(string)
		if !isActivityStreams(first) {
			return nil
		}
		base, rest := st.as, c[1:]
		if len(rest) > 0 {
			if second, _ := rest[0].(string); isSecurityV1(second) {
				base, rest = st.asSec, rest[1:]
			}
		}
		if len(rest) == 0 {
			delete(m, "@context")
		} else {
			m["@context"] = rest
		}
		return base
	}
	return nil
}

// withOptions returns a shallow copy of the shared context src bound to one
// operation's options, so that the contexts the document names are loaded
// through that operation's loader. Term definitions are shared: the
// processor replaces them, never modifies them.
func withOptions(src *ld.Context, opts *ld.JsonLdOptions) *ld.Context {
	c := ld.NewContext(nil, opts)
	values := *src.Values
	c.Values = &values
	for k, td := range src.TermDefinitions {
		c.TermDefinitions[k] = td
	}
	for k, p := range src.Protected {
		c.Protected[k] = p
	}
	return c
}

// guard runs one json-gold call: it turns a panic inside the processor into
// an error, and reports the loader's own error (refused context, fetch
// failure, cycle) rather than the processor's wrapping of it.
func guard(op string, ol *opLoader, f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &ProcessingError{Op: op, Code: "invalid input", Err: fmt.Errorf("malformed document: %v", r)}
		}
		if err == nil {
			return
		}
		if ol != nil && ol.err != nil {
			err = ol.err
			return
		}
		var lerr *ld.JsonLdError
		if errors.As(err, &lerr) {
			err = &ProcessingError{Op: op, Code: string(lerr.Code), Err: err}
		}
	}()
	return f()
}

// Compact expands doc and compacts it against the canonical context, the
// "@context" the vocab package writes (vocab.DefaultContext). The result
// carries that context and uses its terms; values that are IRIs (ids,
// types, and properties such as "to" or "inbox") are written as full IRIs
// even where the context could shorten them ("as:Public" becomes
// "https://www.w3.org/ns/activitystreams#Public"). A property that holds one
// value holds it bare, not in a one-element array.
func (p *Processor) Compact(ctx context.Context, doc []byte) (map[string]any, error) {
	st, err := p.state()
	if err != nil {
		return nil, err
	}
	out, err := p.compact(ctx, st, doc)
	if err != nil {
		return nil, err
	}
	var c any
	if err := json.Unmarshal([]byte(canonicalContext), &c); err != nil {
		return nil, err
	}
	out["@context"] = c
	return out, nil
}

// compact expands and compacts doc; the result has no "@context" yet.
func (p *Processor) compact(ctx context.Context, st *state, doc []byte) (map[string]any, error) {
	expanded, err := p.expand(ctx, st, doc, true)
	if err != nil {
		return nil, err
	}
	var compacted any
	err = guard("compact", nil, func() error {
		var err error
		compacted, err = ld.NewJsonLdApi().Compact(st.canonical, "", expanded, true)
		return err
	})
	if err != nil {
		return nil, err
	}
	var out map[string]any
	switch c := compacted.(type) {
	case map[string]any:
		out = c
	case []any:
		out = map[string]any{}
		if len(c) > 0 {
			out["@graph"] = c
		}
	default:
		out = map[string]any{}
	}
	st.fullIRIs(out)
	return out, nil
}

// Normalize rewrites doc into the form the vocab package decodes directly:
// it expands doc with the offline loader and compacts it against the
// canonical context (see Compact), returning compact JSON whose "@context"
// is exactly vocab.DefaultContext. Terms the document defines unusually
// come out under their canonical names, and properties the canonical
// context lacks as full IRIs. A property the document's contexts leave
// undefined keeps its name, unless the canonical context gives that name a
// meaning: then it is written "_:name", so that it is not mistaken for the
// canonical property. Its signature fits vocab's Decoder.Normalize hook.
func (p *Processor) Normalize(ctx context.Context, doc []byte) ([]byte, error) {
	st, err := p.state()
	if err != nil {
		return nil, err
	}
	out, err := p.compact(ctx, st, doc)
	if err != nil {
		return nil, err
	}
	out["@context"] = json.RawMessage(canonicalContext)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return nil, fmt.Errorf("jsonld: encoding normalized document: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// Canonicalize returns the RDF Dataset Canonicalization (URDNA2015) of doc
// as N-Quads, one statement per line, each ending in a newline: the input
// that Linked Data Signatures such as RsaSignature2017 hash. Unlike Expand,
// it applies exactly the contexts doc names, as signature verifiers do.
// Properties that map to no IRI do not appear in the output. A document
// whose blank nodes are too alike to label in reasonable time fails with
// ErrTooComplex.
func (p *Processor) Canonicalize(ctx context.Context, doc []byte) (string, error) {
	st, err := p.state()
	if err != nil {
		return "", err
	}
	expanded, err := p.expand(ctx, st, doc, false)
	if err != nil {
		return "", err
	}
	var out string
	err = guard("canonicalize", nil, func() error {
		opts := newOptions(nil)
		opts.Algorithm = ld.AlgorithmURDNA2015
		opts.Format = "application/n-quads"
		api := ld.NewJsonLdApi()
		dataset, err := api.ToRDF(expanded, opts)
		if err != nil {
			return err
		}
		if err := checkCanonCost(dataset); err != nil {
			return err
		}
		res, err := api.Normalize(dataset, opts)
		if err != nil {
			return err
		}
		s, ok := res.(string)
		if !ok {
			return fmt.Errorf("unexpected canonicalization result %T", res)
		}
		out = s
		return nil
	})
	return out, err
}

// defaultProcessor is the offline Processor behind the package-level
// functions. It is created once and never modified.
var defaultProcessor = sync.OnceValue(func() *Processor { return &Processor{} })

// Expand expands doc with a default Processor: offline, default limits.
func Expand(ctx context.Context, doc []byte) ([]any, error) {
	return defaultProcessor().Expand(ctx, doc)
}

// Compact compacts doc against the canonical context with a default
// Processor: offline, default limits.
func Compact(ctx context.Context, doc []byte) (map[string]any, error) {
	return defaultProcessor().Compact(ctx, doc)
}

// Normalize normalizes doc with a default Processor: offline, default
// limits. It fits vocab's Decoder.Normalize hook.
func Normalize(ctx context.Context, doc []byte) ([]byte, error) {
	return defaultProcessor().Normalize(ctx, doc)
}

// Canonicalize returns the URDNA2015 N-Quads of doc with a default
// Processor: offline, default limits.
func Canonicalize(ctx context.Context, doc []byte) (string, error) {
	return defaultProcessor().Canonicalize(ctx, doc)
}
