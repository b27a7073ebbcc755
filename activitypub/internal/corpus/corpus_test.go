package corpus

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// update rewrites the "expect" members of testdata/index.json from the
// documents themselves. Review the diff before committing it.
var update = flag.Bool("update", false, "recompute the expect members of testdata/index.json")

// minDocs is the least number of documents the corpus promises.
const minDocs = 45

// allSoftware lists every Software value the corpus must cover.
var allSoftware = []string{
	Mastodon, GoToSocial, Misskey, Akkoma, Pixelfed, Lemmy, PeerTube, WordPress, Threads, BridgyFed, Generic,
}

var allKinds = []string{KindActor, KindObject, KindActivity, KindCollection}

func readIndex(t *testing.T) []indexEntry {
	t.Helper()
	raw, err := files.ReadFile(indexFile)
	require.NoError(t, err)
	var entries []indexEntry
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&entries), "index.json")
	return entries
}

func TestFilesAreValidJSON(t *testing.T) {
	names, err := fs.Glob(files, "testdata/*.json")
	require.NoError(t, err)
	for _, p := range names {
		t.Run(path.Base(p), func(t *testing.T) {
			data, err := files.ReadFile(p)
			require.NoError(t, err)
			require.True(t, utf8.Valid(data), "not UTF-8")
			require.True(t, json.Valid(data), "not JSON")
			if p == indexFile {
				return
			}
			var top map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(data, &top), "top level must be an object")
			// Pretty-printed with two spaces, one trailing newline.
			var compact, pretty bytes.Buffer
			require.NoError(t, json.Compact(&compact, data))
			require.NoError(t, json.Indent(&pretty, compact.Bytes(), "", "  "))
			pretty.WriteByte('\n')
			assert.Equal(t, pretty.String(), string(data), "not pretty-printed with two-space indent")
			assert.NotContains(t, string(data), "__PEM", "unfilled placeholder")
		})
	}
}

func TestIndexMatchesFiles(t *testing.T) {
	entries := readIndex(t)
	indexed := map[string]bool{}
	for _, e := range entries {
		assert.False(t, indexed[e.Name], "duplicate index entry %q", e.Name)
		indexed[e.Name] = true
		assert.Contains(t, allSoftware, e.Software, "%s: software", e.Name)
		assert.Contains(t, allKinds, e.Kind, "%s: kind", e.Name)
		assert.NotEmpty(t, e.Source, "%s: source", e.Name)
		assert.True(t, strings.HasPrefix(e.Name, e.Software+"-"), "%s: name must start with its software", e.Name)
		_, err := files.ReadFile("testdata/" + e.Name + ".json")
		assert.NoError(t, err, "%s: no file for index entry", e.Name)
	}
	names, err := fs.Glob(files, "testdata/*.json")
	require.NoError(t, err)
	for _, p := range names {
		if p == indexFile {
			continue
		}
		name := strings.TrimSuffix(path.Base(p), ".json")
		assert.True(t, indexed[name], "%s: file not in index.json", name)
	}
}

func TestAll(t *testing.T) {
	docs := All()
	require.GreaterOrEqual(t, len(docs), minDocs)
	assert.True(t, slices.IsSortedFunc(docs, func(a, b Doc) int { return strings.Compare(a.Name, b.Name) }), "All must sort by Name")
	bySoftware := map[string]int{}
	for _, d := range docs {
		bySoftware[d.Software]++
		assert.NotEmpty(t, d.Data, d.Name)
	}
	for _, s := range allSoftware {
		assert.Positive(t, bySoftware[s], "no document for %s", s)
	}

	// Callers get copies: scribbling on one result leaves the next intact.
	docs[0].Data[0] = 'X'
	again := All()
	assert.Equal(t, byte('{'), again[0].Data[0])
}

func TestGet(t *testing.T) {
	d, ok := Get("mastodon-note-mentions")
	require.True(t, ok)
	assert.Equal(t, Mastodon, d.Software)
	assert.Equal(t, KindObject, d.Kind)
	assert.Equal(t, "Note", d.Expect.Type)

	_, ok = Get("no-such-document")
	assert.False(t, ok)
	_, ok = Get("")
	assert.False(t, ok)
}

// TestExpect recomputes every Expect from its document with encoding/json
// and compares; with -update it writes the recomputed values to index.json.
func TestExpect(t *testing.T) {
	entries := readIndex(t)
	for i, e := range entries {
		data, err := files.ReadFile("testdata/" + e.Name + ".json")
		require.NoError(t, err, e.Name)
		got, err := deriveExpect(data)
		require.NoError(t, err, e.Name)
		if *update {
			entries[i].Expect = got
			continue
		}
		t.Run(e.Name, func(t *testing.T) {
			assert.Equal(t, got, e.Expect)
		})
	}
	if *update {
		writeIndex(t, entries)
	}
}

func writeIndex(t *testing.T, entries []indexEntry) {
	t.Helper()
	slices.SortFunc(entries, func(a, b indexEntry) int { return strings.Compare(a.Name, b.Name) })
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	require.NoError(t, enc.Encode(entries))
	require.NoError(t, os.WriteFile(indexFile, buf.Bytes(), 0o644))
}

// deriveExpect reads the facts Expect promises from a document, using only
// generic JSON decoding.
func deriveExpect(data []byte) (Expect, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return Expect{}, err
	}
	var x Expect
	var err error
	x.ID = stringOf(top["id"])
	x.Type = stringOf(top["type"])
	x.Actor = refOf(top["actor"])
	x.Object = refOf(top["object"])
	if x.To, err = addressing(top["to"]); err != nil {
		return x, fmt.Errorf("to: %w", err)
	}
	if x.Cc, err = addressing(top["cc"]); err != nil {
		return x, fmt.Errorf("cc: %w", err)
	}
	var obj map[string]json.RawMessage
	if raw := top["object"]; len(raw) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &obj); err != nil {
			return x, err
		}
	}
	if x.Content, err = contentOf(obj); err != nil {
		return x, err
	}
	if x.Content == "" {
		if x.Content, err = contentOf(top); err != nil {
			return x, err
		}
	}
	if ctx, ok := top["@context"]; ok {
		if x.UnusualContext, err = unusualContext(ctx); err != nil {
			return x, fmt.Errorf("@context: %w", err)
		}
	}
	return x, nil
}

func stringOf(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// refOf returns an IRI, the id of an embedded object, or either of those for
// the first element of an array.
func refOf(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	switch raw[0] {
	case '"':
		return stringOf(raw)
	case '{':
		var m map[string]json.RawMessage
		if json.Unmarshal(raw, &m) != nil {
			return ""
		}
		return stringOf(m["id"])
	case '[':
		var a []json.RawMessage
		if json.Unmarshal(raw, &a) != nil || len(a) == 0 {
			return ""
		}
		return refOf(a[0])
	}
	return ""
}

func addressing(raw json.RawMessage) ([]string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var items []json.RawMessage
	if raw[0] == '[' {
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, err
		}
	} else {
		items = []json.RawMessage{raw}
	}
	var out []string
	for _, it := range items {
		s := refOf(it)
		if s == "" {
			return nil, fmt.Errorf("addressee %s is neither IRI nor object with id", it)
		}
		if s == "as:Public" || s == "Public" {
			s = PublicIRI
		}
		out = append(out, s)
	}
	return out, nil
}

// contentOf returns m's content, or the first contentMap value in document
// order.
func contentOf(m map[string]json.RawMessage) (string, error) {
	if s := stringOf(m["content"]); s != "" {
		return s, nil
	}
	raw, ok := m["contentMap"]
	if !ok {
		return "", nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return "", errors.New("contentMap is not an object")
	}
	if !dec.More() {
		return "", nil
	}
	if _, err := dec.Token(); err != nil { // the language tag
		return "", err
	}
	var s string
	if err := dec.Decode(&s); err != nil {
		return "", fmt.Errorf("contentMap value: %w", err)
	}
	return s, nil
}

func TestContentOfOrder(t *testing.T) {
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(`{"contentMap":{"fr":"<p>un</p>","de":"<p>eins</p>"}}`), &m))
	got, err := contentOf(m)
	require.NoError(t, err)
	assert.Equal(t, "<p>un</p>", got)
}

// TestExpectByHand pins the awkward cases with values written out by hand,
// so a mistake in deriveExpect cannot hide behind the -update round trip.
func TestExpectByHand(t *testing.T) {
	tests := []struct {
		name string
		want Expect
	}{
		{"mastodon-flag", Expect{
			Type:    "Flag",
			Actor:   "https://mastodon.example.com/actor",
			Object:  "https://spam.example.net/users/buy-now",
			Content: "Posting the same link to every hashtag.",
		}},
		{"mastodon-add-featured", Expect{
			Type:   "Add",
			Actor:  "https://mastodon.example.com/users/alice",
			Object: "https://mastodon.example.com/users/alice/statuses/113402156710534521",
		}},
		{"mastodon-accept-follow", Expect{
			ID:     "https://mastodon.example.com/users/alice#accepts/follows/40215",
			Type:   "Accept",
			Actor:  "https://mastodon.example.com/users/alice",
			Object: "https://gts.example.org/users/bob/follow/01JC8ZP4D7Q3X9R2M5V6T1W8KA",
		}},
		{"generic-public-as-prefixed", Expect{
			ID:      "https://social.example.net/activities/7f6e5d4c",
			Type:    "Create",
			Actor:   "https://social.example.net/people/ivy",
			Object:  "https://social.example.net/notes/7f6e5d4c",
			To:      []string{PublicIRI},
			Cc:      []string{"https://social.example.net/people/ivy/followers"},
			Content: "<p>Public written as a compact IRI.</p>",
		}},
		{"generic-public-bare", Expect{
			ID:      "https://social.example.net/notes/8a9b0c1d",
			Type:    "Note",
			To:      []string{"https://social.example.net/people/ivy/followers"},
			Cc:      []string{PublicIRI, "https://mastodon.example.com/users/alice"},
			Content: "<p>Public written as the bare term, in cc: unlisted.</p>",
		}},
		{"gotosocial-announce", Expect{
			ID:     "https://gts.example.org/users/bob/statuses/01JC0A1B2C3D4E5F6G7H8J9KMN",
			Type:   "Announce",
			Actor:  "https://gts.example.org/users/bob",
			Object: "https://mastodon.example.com/users/alice/statuses/113402156710534521",
			To:     []string{"https://gts.example.org/users/bob/followers"},
			Cc:     []string{"https://mastodon.example.com/users/alice"},
		}},
		{"lemmy-announce-create-page", Expect{
			ID:     "https://lemmy.example.org/activities/announce/create/9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d",
			Type:   "Announce",
			Actor:  "https://lemmy.example.org/c/tidepools",
			Object: "https://lemmy.example.org/activities/create/5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a",
			To:     []string{PublicIRI},
			Cc:     []string{"https://lemmy.example.org/c/tidepools/followers"},
		}},
		{"misskey-like-unicode", Expect{
			ID:      "https://misskey.example.net/likes/9d1a2b3c50",
			Type:    "Like",
			Actor:   "https://misskey.example.net/users/9c4k2a7x1b",
			Object:  "https://gts.example.org/users/bob/statuses/01JBZ6W4Q5E2K8N3P7R1T9V0XC",
			Content: "🦀",
		}},
		{"akkoma-emojireact", Expect{
			ID:             "https://akkoma.example.org/activities/1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b",
			Type:           "EmojiReact",
			Actor:          "https://akkoma.example.org/users/dana",
			Object:         "https://gts.example.org/users/bob/statuses/01JBZ6W4Q5E2K8N3P7R1T9V0XC",
			To:             []string{"https://gts.example.org/users/bob", "https://akkoma.example.org/users/dana/followers"},
			Cc:             []string{PublicIRI},
			Content:        ":blobfox:",
			UnusualContext: true,
		}},
		{"generic-no-context", Expect{
			ID:      "https://social.example.net/notes/9b0c1d2e",
			Type:    "Note",
			To:      []string{PublicIRI},
			Content: "<p>No @context at all; a lenient reader still sees a Note.</p>",
		}},
		{"generic-unknown-context", Expect{
			ID:             "https://weather.example.org/reports/2024-11-07-harbour",
			Type:           "Note",
			To:             []string{PublicIRI},
			Content:        "<p>Wind SW 4, sea slight, visibility good.</p>",
			UnusualContext: true,
		}},
		{"mastodon-delete-actor", Expect{
			ID:     "https://mastodon.example.com/users/alice#delete",
			Type:   "Delete",
			Actor:  "https://mastodon.example.com/users/alice",
			Object: "https://mastodon.example.com/users/alice",
			To:     []string{PublicIRI},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, ok := Get(tt.name)
			require.True(t, ok)
			assert.Equal(t, tt.want, d.Expect)
		})
	}
}

// FuzzDeriveExpect feeds arbitrary bytes, seeded with every document, to the
// generic reader the Expect check relies on: it must return an error or a
// result, never panic.
func FuzzDeriveExpect(f *testing.F) {
	for _, d := range All() {
		f.Add(d.Data)
	}
	f.Add([]byte(`{"@context":[42]}`))
	f.Add([]byte(`{"to":[{"name":"no id"}]}`))
	f.Add([]byte(`{"contentMap":"not an object"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = deriveExpect(data)
	})
}

// TestSourcesListsEveryDocument keeps SOURCES.md in step with the index.
func TestSourcesListsEveryDocument(t *testing.T) {
	raw, err := os.ReadFile("SOURCES.md")
	require.NoError(t, err)
	text := string(raw)
	for _, e := range readIndex(t) {
		assert.Contains(t, text, "| `"+e.Name+"` | "+e.Kind+" |", "SOURCES.md lacks %s", e.Name)
	}
}

// TestHostsAreInvented keeps real servers out of the documents: every URL
// must point at a reserved example domain, except vocabulary and context
// namespaces and the bsky.app profile URLs Bridgy Fed embeds in its ids.
func TestHostsAreInvented(t *testing.T) {
	vocabulary := []string{
		"www.w3.org", "w3id.org", "purl.archive.org", "schema.org", "ostatus.org",
		"joinmastodon.org", "gotosocial.org", "misskey-hub.net", "join-lemmy.org",
		"joinpeertube.org", "pixelfed.org", "joinmobilizon.org", "fedibird.com", "bsky.app",
	}
	urlRE := regexp.MustCompile(`(?:https?|wss?)://([A-Za-z0-9.-]+)`)
	for _, d := range All() {
		t.Run(d.Name, func(t *testing.T) {
			for _, m := range urlRE.FindAllStringSubmatch(string(d.Data), -1) {
				host := strings.ToLower(m[1])
				invented := host == "example.com" || host == "example.org" || host == "example.net" ||
					strings.HasSuffix(host, ".example.com") || strings.HasSuffix(host, ".example.org") ||
					strings.HasSuffix(host, ".example.net") || strings.HasSuffix(host, ".example")
				assert.True(t, invented || slices.Contains(vocabulary, host), "real host %q", host)
			}
		})
	}
}

// TestContentMapTagsAscending keeps the promise made on Expect.Content: in a
// document with contentMap but no content, the first tag is the smallest.
func TestContentMapTagsAscending(t *testing.T) {
	for _, d := range All() {
		var top map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(d.Data, &top))
		for _, m := range []map[string]json.RawMessage{top, objectOf(top)} {
			if _, ok := m["content"]; ok || m["contentMap"] == nil {
				continue
			}
			dec := json.NewDecoder(bytes.NewReader(m["contentMap"]))
			_, err := dec.Token()
			require.NoError(t, err)
			var tags []string
			for dec.More() {
				tok, err := dec.Token()
				require.NoError(t, err)
				tag, ok := tok.(string)
				require.True(t, ok, "%s: language tag expected, got %v", d.Name, tok)
				tags = append(tags, tag)
				var skip json.RawMessage
				require.NoError(t, dec.Decode(&skip))
			}
			assert.True(t, slices.IsSorted(tags), "%s: contentMap tags %v not ascending", d.Name, tags)
		}
	}
}

// objectOf returns the embedded top-level object, or nil.
func objectOf(top map[string]json.RawMessage) map[string]json.RawMessage {
	var obj map[string]json.RawMessage
	if raw := top["object"]; len(raw) > 0 && raw[0] == '{' {
		_ = json.Unmarshal(raw, &obj)
	}
	return obj
}
