package corpus

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// files holds the documents (testdata/<name>.json) and their metadata
// (testdata/index.json). The file system is read-only, and every read returns
// a fresh copy, so callers may modify what they are given.
//
//go:embed testdata/*.json
var files embed.FS

// indexFile is the path of the metadata file inside files.
const indexFile = "testdata/index.json"

// PublicIRI is the full IRI of the special public collection. Expect.To and
// Expect.Cc hold it wherever a document writes "as:Public" or "Public".
const PublicIRI = "https://www.w3.org/ns/activitystreams#Public"

// Software names used in Doc.Software.
const (
	Mastodon   = "mastodon"
	GoToSocial = "gotosocial"
	Misskey    = "misskey"
	Akkoma     = "akkoma"
	Pixelfed   = "pixelfed"
	Lemmy      = "lemmy"
	PeerTube   = "peertube"
	WordPress  = "wordpress"
	Threads    = "threads"
	BridgyFed  = "bridgyfed"
	Generic    = "generic"
)

// Kinds used in Doc.Kind.
const (
	KindActor      = "actor"
	KindObject     = "object"
	KindActivity   = "activity"
	KindCollection = "collection"
)

// Doc is one document of the corpus with what is known about it.
type Doc struct {
	// Name is the file name without ".json", such as "mastodon-note-mentions".
	Name string
	// Software names the server whose output the document reproduces: one of
	// the Software constants ("mastodon", "gotosocial", ..., "generic").
	Software string
	// Kind is "actor", "object", "activity" or "collection".
	Kind string
	// Source says where the document's shape comes from: a repository and
	// path (with a commit when known) or a documentation URL.
	Source string
	// Data is the JSON document, pretty-printed as the server sends it.
	Data []byte
	// Expect holds what a correct decoder must find in Data.
	Expect Expect
}

// Expect lists facts about a document that a correct decoder must reproduce.
// Every field is taken literally from the document's top level; an absent
// property leaves the field empty.
type Expect struct {
	// ID is the top-level "id".
	ID string `json:"id,omitempty"`
	// Type is the top-level "type".
	Type string `json:"type,omitempty"`
	// Actor is the top-level "actor": the IRI as written, or the "id" of an
	// embedded actor; for an array, its first element.
	Actor string `json:"actor,omitempty"`
	// Object is the top-level "object": the IRI as written, or the "id" of
	// an embedded object; for an array (a Flag's account and statuses), its
	// first element.
	Object string `json:"object,omitempty"`
	// To and Cc are the top-level addressing in document order: a single
	// value becomes a one-element slice and an embedded object its "id".
	// "as:Public" and "Public" are rewritten to PublicIRI; nothing else is
	// changed.
	To []string `json:"to,omitempty"`
	Cc []string `json:"cc,omitempty"`
	// Content is the plain "content" string of the embedded object when the
	// top-level "object" is an embedded object that has content, otherwise
	// the document's own "content"; objects nested deeper (an Announce of a
	// Create of a Page) are not looked into. When only a "contentMap" is
	// present, it is the first value of that map in document order; every
	// such document lists its language tags in ascending order, so a decoder
	// that keeps the map unordered finds the same value by taking the
	// smallest tag.
	Content string `json:"content,omitempty"`
	// UnusualContext is true when the "@context" references a URL other than
	// those listed in KnownContexts, or when an embedded context object sets
	// "@vocab" or maps a term that the Activity Streams context itself
	// defines (such as "icon") to another IRI.
	UnusualContext bool `json:"unusualContext,omitempty"`
}

// KnownContexts returns the context URLs that do not make a document's
// context unusual: Activity Streams 2.0, the W3C security, identity, data
// integrity and multikey vocabularies, and the published context documents
// of GoToSocial and Lemmy. Any other URL, such as Pleroma's per-instance
// litepub-0.1.jsonld, marks a document's context as unusual.
func KnownContexts() []string {
	return []string{
		"https://www.w3.org/ns/activitystreams",
		"https://w3id.org/security/v1",
		"https://w3id.org/identity/v1",
		"https://w3id.org/security/data-integrity/v1",
		"https://w3id.org/security/multikey/v1",
		"https://gotosocial.org/ns",
		"https://join-lemmy.org/context.json",
	}
}

// indexEntry is one element of testdata/index.json.
type indexEntry struct {
	Name     string `json:"name"`
	Software string `json:"software"`
	Kind     string `json:"kind"`
	Source   string `json:"source"`
	Expect   Expect `json:"expect"`
}

// All returns every document of the corpus sorted by Name. Each call returns
// fresh copies.
func All() []Doc {
	docs, err := load()
	if err != nil {
		// The embedded files are fixed at build time and checked by the
		// package's tests; failing here means the corpus itself is broken.
		panic(err)
	}
	return docs
}

// Get returns the document called name (without ".json").
func Get(name string) (Doc, bool) {
	for _, d := range All() {
		if d.Name == name {
			return d, true
		}
	}
	return Doc{}, false
}

// load reads the index and every document it names.
func load() ([]Doc, error) {
	raw, err := files.ReadFile(indexFile)
	if err != nil {
		return nil, fmt.Errorf("corpus: read index: %w", err)
	}
	var entries []indexEntry
	if err := json.Unmarshal(raw, &entries); err != nil {
		return nil, fmt.Errorf("corpus: parse index: %w", err)
	}
	docs := make([]Doc, 0, len(entries))
	for _, e := range entries {
		if e.Name == "" || strings.ContainsAny(e.Name, "/\\") {
			return nil, fmt.Errorf("corpus: bad document name %q in index", e.Name)
		}
		data, err := files.ReadFile("testdata/" + e.Name + ".json")
		if err != nil {
			return nil, fmt.Errorf("corpus: read %s: %w", e.Name, err)
		}
		docs = append(docs, Doc{
			Name:     e.Name,
			Software: e.Software,
			Kind:     e.Kind,
			Source:   e.Source,
			Data:     data,
			Expect:   e.Expect,
		})
	}
	sort.Slice(docs, func(i, j int) bool { return docs[i].Name < docs[j].Name })
	return docs, nil
}
