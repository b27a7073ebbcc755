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
