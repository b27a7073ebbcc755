package jsonld

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Default limits applied by a Processor whose fields are zero.
const (
	// DefaultMaxBytes caps the size of an input document: 1 MiB, the cap
	// ActivityPub servers commonly apply to fetched documents.
	DefaultMaxBytes = 1 << 20
	// DefaultMaxDepth caps how deeply an input document nests objects and
	// arrays. Real activities nest less than ten levels; the JSON-LD
	// algorithms recurse once per level, so the cap bounds their stack.
	DefaultMaxDepth = 64
	// DefaultMaxContextBytes caps the size of a context fetched from the
	// network.
	DefaultMaxContextBytes = 256 << 10
	// maxContextLoads caps how many remote contexts the processing of one
	// document may load (each "@context" reference counts, repeated ones
	// too). It stops a context that includes itself in ways the cycle check
	// cannot see, such as through @import or a scoped context.
	maxContextLoads = 512
	// maxScopedWork caps scoped term definitions times the objects they
	// may apply to. The processor parses a scoped context again at every
	// use, so a small document pairing a large scoped context with many
	// objects would otherwise take seconds. ActivityPub documents rarely
	// use scoped contexts at all.
	maxScopedWork = 1 << 16
)

// checkDepth reports ErrTooDeep if data nests objects and arrays more than
// maxDepth levels. It does not validate JSON: it only tracks brackets outside
// strings, so it runs before, and protects, the real decoder.
func checkDepth(data []byte, maxDepth int) error {
	depth := 0
	inString, escaped := false, false
	for _, c := range data {
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
			if depth > maxDepth {
				return fmt.Errorf("%w: more than %d levels", ErrTooDeep, maxDepth)
			}
		case '}', ']':
			depth--
		}
	}
	return nil
}

// docStats is what decodeDocument learns about a document while preparing it.
type docStats struct {
	// hasImport reports whether any key is "@import".
	hasImport bool
	// nodes counts the JSON objects outside contexts: an upper bound on how
	// many times a scoped context can be applied.
	nodes int
	// scopedTerms counts the entries of contexts nested in other contexts
	// (property- and type-scoped contexts), which the processor parses
	// again at every use.
	scopedTerms int
}

// scopedWork is what applying scoped contexts may cost: scoped term
// definitions times the objects they may be applied to.
func (s *docStats) scopedWork(scopedTerms int) int { return s.nodes * scopedTerms }

// decodeDocument checks data against the limits and decodes it. Numbers are
// kept as json.Number so that large integers survive normalization intact,
// except inside "@context" values, where the JSON-LD processor expects
// float64 (for "@version": 1.1). Members whose value is null are removed
// outside contexts: JSON-LD gives them no meaning, but the processor rejects
// some of them ("id": null, which Mastodon writes on a Flag).
func decodeDocument(data []byte, maxBytes, maxDepth int) (doc any, stats docStats, err error) {
	if len(data) > maxBytes {
		return nil, stats, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(data), maxBytes)
	}
	if err := checkDepth(data, maxDepth); err != nil {
		return nil, stats, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, stats, fmt.Errorf("%w: %v", ErrInvalidJSON, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, stats, fmt.Errorf("%w: data after the top-level value", ErrInvalidJSON)
	}
	switch doc.(type) {
	case map[string]any, []any:
	default:
		return nil, stats, fmt.Errorf("%w: top-level value must be an object or an array", ErrInvalidJSON)
	}
	stats.prepare(doc, 0)
	if w := stats.scopedWork(stats.scopedTerms); w > maxScopedWork {
		return nil, stats, fmt.Errorf("%w: %d scoped term definitions over %d objects", ErrTooComplex, stats.scopedTerms, stats.nodes)
	}
	return doc, stats, nil
}

// prepare walks a decoded document, filling s. ctxDepth is how many
// "@context" values enclose v. Inside contexts it turns json.Number into
// float64; outside, it removes members whose value is null (except
// "@value" and "@context", where null means something).
func (s *docStats) prepare(v any, ctxDepth int) {
	switch v := v.(type) {
	case map[string]any:
		if ctxDepth == 0 {
			s.nodes++
		} else if ctxDepth >= 2 {
			s.scopedTerms += len(v)
		}
		for k, val := range v {
			if k == "@import" {
				s.hasImport = true
			}
			switch val := val.(type) {
			case nil:
				if ctxDepth == 0 && k != "@value" && k != "@context" {
					delete(v, k)
				}
			case json.Number:
				if ctxDepth > 0 {
					if f, err := val.Float64(); err == nil {
						v[k] = f
					}
				}
			default:
				d := ctxDepth
				if k == "@context" {
					d++
				}
				s.prepare(val, d)
			}
		}
	case []any:
		for i, val := range v {
			if n, ok := val.(json.Number); ok && ctxDepth > 0 {
				if f, err := n.Float64(); err == nil {
					v[i] = f
				}
				continue
			}
			s.prepare(val, ctxDepth)
		}
	}
}
