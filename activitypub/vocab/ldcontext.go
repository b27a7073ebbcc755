package vocab

import (
	"bytes"
	"strings"
)

// KnownContext reports whether url names a JSON-LD context that this package
// understands without processing it: the Activity Streams and security
// contexts and the published contexts of servers that only declare terms the
// way this package reads them (GoToSocial, Lemmy, Akkoma/Pleroma's LitePub,
// FEP-521a Multikey, data integrity, DID core, WebFinger).
func KnownContext(url string) bool {
	switch strings.TrimSuffix(url, "/") {
	case ActivityStreamsContext, "http://www.w3.org/ns/activitystreams",
		"https://www.w3.org/ns/activitystreams.jsonld",
		SecurityContext, "http://w3id.org/security/v1", "https://w3id.org/security/v2",
		"https://w3id.org/security/multikey/v1",
		"https://w3id.org/security/data-integrity/v1", "https://w3id.org/security/data-integrity/v2",
		"https://www.w3.org/ns/did/v1",
		"https://purl.archive.org/socialweb/webfinger",
		"https://gotosocial.org/ns",
		"https://join-lemmy.org/context.json":
		return true
	}
	// Pleroma and Akkoma serve their LitePub context from every instance.
	return strings.HasSuffix(url, "/schemas/litepub-0.1.jsonld")
}

// contextChecker inspects an "@context" value for definitions that would
// make direct decoding misread the document.
type contextChecker struct {
	doc      []byte            // the whole document, to see whether a term is used
	skipFrom int               // the "@context" value being checked, [skipFrom, skipTo),
	skipTo   int               // which does not count as a use
	prefixes map[string]string // prefix -> namespace; the first definition wins
	scans    int               // calls of used so far
	problem  string
	unknown  bool
}

// checkContext examines the "@context" value that starts at offset start
// and has just been read. It returns an error matching ErrNeedsJSONLD when
// the document must go through a JSON-LD processor to be read correctly.
func (s *scanner) checkContext(start int) error {
	c := contextChecker{doc: s.data, skipFrom: start, skipTo: s.pos}
	// Read the value again in place: strings come from the document copy
	// and errors carry document offsets.
	sub := scanner{data: s.data[:s.pos], pos: start, maxDepth: s.maxDepth, maxArray: s.maxArray,
		docStr: s.docStr}
	if err := c.value(&sub); err != nil {
		if de, ok := err.(*DecodeError); ok {
			de.Path = joinPath(s.pathString(), de.Path)
		}
		return err
	}
	if c.problem == "" {
		return nil
	}
	e := s.fail(ErrNeedsJSONLD, c.problem)
	e.Offset = start
	if c.unknown {
		e.Err = ErrUnknownContext
	}
	return e
}

func (c *contextChecker) value(s *scanner) error {
	if s.peek() == '[' {
		return s.array(func(int) error { return c.single(s, "context URL or object") })
	}
	return c.single(s, "context URL, object or array")
}

// single checks one context entry: a URL, an object or null; want names
// what was expected if it is none of them.
func (c *contextChecker) single(s *scanner, want string) error {
	switch s.peek() {
	case '"':
		u, err := s.readString()
		if err != nil {
			return err
		}
		c.url(u)
		return nil
	case '{':
		return c.object(s)
	case 'n':
		_, err := s.null()
		return err
	}
	return s.wrongType(want)
}

func (c *contextChecker) url(u string) {
	if !KnownContext(u) && c.problem == "" {
		c.problem = "unknown context " + u
		c.unknown = true
	}
}

// maxTermScans bounds the document scans of one context check. Each scan
// reads the whole document, and a context can hold thousands of
// definitions: without a bound, a 1 MiB document costs seconds of CPU.
// Real contexts redefine a handful of known terms at most; past the bound a
// term is taken as used, which can only send the document to JSON-LD
// normalization, never misread it.
const maxTermScans = 32

// used reports whether term appears quoted in the document, conservatively
// standing for "the document uses this term".
func (c *contextChecker) used(quoted string) bool {
	if c.scans >= maxTermScans {
		return true
	}
	c.scans++
	q := []byte(quoted)
	from, to := max(0, min(c.skipFrom, len(c.doc))), max(0, min(c.skipTo, len(c.doc)))
	return bytes.Contains(c.doc[:from], q) || bytes.Contains(c.doc[to:], q)
}

func (c *contextChecker) flag(msg string) {
	if c.problem == "" {
		c.problem = msg
	}
}

// contextEntry is one term definition of an embedded context. Its slices
// alias the document when they hold no escapes.
type contextEntry struct {
	term  []byte
	iri   []byte // the definition's IRI ("@id"), as written
	null  bool   // the term is explicitly undefined
	isObj bool
}

func (c *contextChecker) object(s *scanner) error {
	var buf [24]contextEntry
	entries := buf[:0]
	err := s.object(func(key []byte) error {
		e := contextEntry{term: key}
		switch s.peek() {
		case '"':
			v, err := s.readStringBytes()
			if err != nil {
				return err
			}
			e.iri = v
		case 'n':
			if _, err := s.null(); err != nil {
				return err
			}
			e.null = true
		case '{':
			e.isObj = true
			if err := s.object(func(k []byte) error {
				if string(k) == "@id" && s.peek() == '"' {
					v, err := s.readStringBytes()
					e.iri = v
					return err
				}
				return s.skip()
			}); err != nil {
				return err
			}
		default:
			if err := s.skip(); err != nil {
				return err
			}
		}
		if !e.null && standardDefinition(e.term, e.iri) {
			return nil // exactly as this package reads it
		}
		entries = append(entries, e)
		return nil
	})
	if err != nil {
		return err
	}
	// Prefixes defined here, in any order, serve every definition.
	for _, e := range entries {
		term, iri := string(e.term), string(e.iri)
		if !e.isObj && !e.null && isNamespaceIRI(iri) && !strings.HasPrefix(term, "@") {
			if c.prefixes == nil {
				c.prefixes = make(map[string]string)
			}
			if _, dup := c.prefixes[term]; !dup {
				c.prefixes[term] = iri
			}
			if want := prefixNamespace(term); want != "" && canonicalNamespace(iri) != want &&
				c.used(`"`+term+`:`) {
				c.flag("prefix " + term + " redefined as " + iri)
			}
		}
	}
	for _, e := range entries {
		c.entry(contextDef{term: string(e.term), iri: string(e.iri), null: e.null, isObj: e.isObj})
	}
	return nil
}

// standardDefinition reports whether an embedded context defines term
// exactly as DefaultContext (or a peer using the usual prefixes) does, which
// needs no further checking.
func standardDefinition(term, iri []byte) bool {
	if len(iri) == 0 {
		return false
	}
	t := string(term)
	if ns := prefixNamespace(t); ns != "" {
		return string(iri) == ns
	}
	ns := termNamespace(t)
	if ns == "" {
		return false
	}
	v := string(iri)
	if i := strings.IndexByte(v, ':'); i > 0 && v[i+1:] == t && !strings.HasPrefix(v[i:], "://") {
		return prefixNamespace(v[:i]) == ns
	}
	return len(v) == len(ns)+len(t) && strings.HasPrefix(v, ns) && strings.HasSuffix(v, t)
}

// contextDef is a contextEntry with its values as strings.
type contextDef struct {
	term  string
	iri   string
	null  bool
	isObj bool
}

func isNamespaceIRI(s string) bool {
	return strings.Contains(s, "://") && (strings.HasSuffix(s, "#") || strings.HasSuffix(s, "/"))
}

func (c *contextChecker) expand(v string) string {
	i := strings.IndexByte(v, ':')
	if i <= 0 || strings.HasPrefix(v[i:], "://") {
		return v
	}
	if ns, ok := c.prefixes[v[:i]]; ok {
		return ns + v[i+1:]
	}
	return expandWellKnown(v)
}

func (c *contextChecker) entry(e contextDef) {
	t := e.term
	switch {
	case t == "@import":
		c.flag("@import of another context")
		c.unknown = true
		return
	case strings.HasPrefix(t, "@"), strings.Contains(t, ":"):
		return
	}
	quoted := `"` + t + `"`
	if e.null {
		if termNamespace(sameIRIAs(t)) != "" && c.used(quoted) {
			c.flag("term " + t + " undefined")
		}
		return
	}
	if (t == "id" || t == "type") && e.iri != "@"+t {
		c.flag("term " + t + " redefined as " + e.iri)
		return
	}
	switch e.iri {
	case "@id", "@type":
		if t != e.iri[1:] && c.used(quoted) {
			c.flag("term " + t + " aliases " + e.iri)
		}
		return
	case "":
		// An expanded definition without "@id" (only "@type", or
		// "@reverse") leaves a known term meaning something else.
		if e.isObj && termNamespace(sameIRIAs(t)) != "" && c.used(quoted) {
			c.flag("term " + t + " redefined without @id")
		}
		return
	}
	if strings.HasPrefix(e.iri, "@") || isNamespaceIRI(e.iri) && !e.isObj {
		return
	}
	full := canonicalIRI(c.expand(e.iri))
	if base := sameIRIAs(t); termNamespace(base) != "" {
		if full != termNamespace(base)+base && c.used(quoted) {
			c.flag("term " + t + " redefined as " + e.iri)
		}
		return
	}
	if known := termOfIRI(full); known != "" && sameIRIAs(t) != known && c.used(quoted) {
		c.flag("term " + t + " aliases " + known)
	}
}

// canonicalIRI rewrites iri's namespace to the spelling this package uses.
func canonicalIRI(iri string) string {
	i := strings.LastIndexAny(iri, "#/")
	if i < 0 {
		return iri
	}
	return canonicalNamespace(iri[:i+1]) + iri[i+1:]
}

// sameIRIAs returns the term whose IRI the compact term t shares: the
// language maps and orderedItems stand for name, content, summary and items.
func sameIRIAs(t string) string {
	switch t {
	case "nameMap":
		return "name"
	case "contentMap":
		return "content"
	case "summaryMap":
		return "summary"
	case "orderedItems":
		return "items"
	}
	return t
}

// joinPath appends a path relative to a value to that value's path.
func joinPath(base, rel string) string {
	switch {
	case rel == "":
		return base
	case base == "" || rel[0] == '[':
		return base + rel
	}
	return base + "." + rel
}
