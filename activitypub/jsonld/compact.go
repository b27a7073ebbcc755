package jsonld

import (
	"encoding/json"
	"strings"

	"github.com/piprate/json-gold/ld"

	"github.com/starling-fed/starling/activitypub/vocab"
)

// canonicalContext is the "@context" value that Compact and Normalize
// produce: the one the vocab package's encoder writes, so that normalized
// documents take vocab's fast decoding path.
const canonicalContext = vocab.DefaultContext

// termTables lists the terms of c whose values are IRIs (typed "@id" or
// "@vocab") and the prefixes c defines (terms mapping to a namespace that
// ends in '#' or '/').
func termTables(c *ld.Context) (idTerms map[string]bool, prefixes map[string]string) {
	idTerms = make(map[string]bool)
	prefixes = make(map[string]string)
	for term, td := range c.TermDefinitions {
		if td == nil {
			continue
		}
		if td.Type == "@id" || td.Type == "@vocab" {
			idTerms[term] = true
		}
		if !strings.Contains(term, ":") && (strings.HasSuffix(td.ID, "#") || strings.HasSuffix(td.ID, "/")) {
			prefixes[term] = td.ID
		}
	}
	return idTerms, prefixes
}

// extensionStringTerms lists the terms of the canonical context's own
// extension object (not those of the Activity Streams or security contexts)
// that hold plain values rather than IRIs: Mastodon declares conversation
// and atomUri that way, while other servers declare the same IRIs as
// holding IRIs.
func extensionStringTerms(canonical string, idTerms map[string]bool, prefixes map[string]string) (map[string]bool, error) {
	var elems []any
	if err := json.Unmarshal([]byte(canonical), &elems); err != nil {
		return nil, err
	}
	terms := make(map[string]bool)
	for _, e := range elems {
		m, ok := e.(map[string]any)
		if !ok {
			continue
		}
		for term := range m {
			if !idTerms[term] && prefixes[term] == "" && !strings.HasPrefix(term, "@") {
				terms[term] = true
			}
		}
	}
	return terms, nil
}

// expandCURIE turns a compact IRI such as "as:Public" whose prefix the
// canonical context defines into the full IRI. Other strings are returned
// unchanged.
func (st *state) expandCURIE(s string) string {
	prefix, suffix, ok := strings.Cut(s, ":")
	if !ok || strings.HasPrefix(suffix, "//") {
		return s
	}
	if ns, ok := st.prefixes[prefix]; ok {
		return ns + suffix
	}
	return s
}

// fullIRIs rewrites, in place, the compacted document into the spelling
// the vocab decoder reads directly:
//
//   - every compact IRI that compaction produced in an IRI position (an
//     "id", a "type", or the value of a property whose canonical definition
//     says it holds IRIs) becomes the full IRI, which is what the vocab
//     decoder and every peer understand. Compaction writes
//     https://www.w3.org/ns/activitystreams#Public in "to" as "as:Public",
//     for example; after this it is the full IRI again. The bare "Public"
//     some servers address becomes the full IRI too.
//   - a node reference {"id": X} held by one of the canonical context's
//     plain-valued extension terms becomes the string X: Akkoma declares
//     "conversation" as holding an IRI, Mastodon as holding a string, and
//     vocab reads Mastodon's form.
func (st *state) fullIRIs(v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, val := range v {
			switch {
			case k == "@context":
			case k == "id" || k == "@id" || k == "type" || k == "@type":
				v[k] = st.fullIRIValue(val)
			case st.idTerms[k]:
				v[k] = publicIRI(st.fullIRIValue(val))
			case st.stringTerms[k]:
				v[k] = flattenRefs(val)
			default:
				st.fullIRIs(val)
			}
		}
	case []any:
		for _, val := range v {
			st.fullIRIs(val)
		}
	}
}

// fullIRIValue expands compact IRIs in a value that holds IRIs: a string, an
// array of them, or embedded objects (whose own members are walked).
func (st *state) fullIRIValue(v any) any {
	switch v := v.(type) {
	case string:
		return st.expandCURIE(v)
	case []any:
		for i, e := range v {
			v[i] = st.fullIRIValue(e)
		}
		return v
	default:
		st.fullIRIs(v)
		return v
	}
}

// publicIRI replaces the bare "Public" (alone or in an array) with the full
// IRI of the public collection.
func publicIRI(v any) any {
	switch x := v.(type) {
	case string:
		if x == "Public" {
			return vocab.PublicIRI
		}
	case []any:
		for i, e := range x {
			if e == "Public" {
				x[i] = vocab.PublicIRI
			}
		}
	}
	return v
}

// flattenRefs replaces node references {"id": X} (alone or in an array)
// with X.
func flattenRefs(v any) any {
	switch x := v.(type) {
	case map[string]any:
		if id, ok := x["id"].(string); ok && len(x) == 1 {
			return id
		}
	case []any:
		for i, e := range x {
			x[i] = flattenRefs(e)
		}
	}
	return v
}
