package webfinger

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readFixture reads a captured HTTP response from testdata.
func readFixture(t testing.TB, name string) (*http.Response, []byte) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(raw)), nil)
	require.NoError(t, err)
	body := raw[bytes.Index(raw, []byte("\n\n"))+2:]
	return resp, body
}

func TestDecodeJRDExamples(t *testing.T) {
	for _, name := range []string{"section-3.1.jrd.json", "section-3.2.jrd.json", "section-4.3.jrd.json"} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", name))
			require.NoError(t, err)
			j, err := DecodeJRD(data)
			require.NoError(t, err)
			out, err := json.Marshal(j)
			require.NoError(t, err)
			assert.JSONEq(t, string(data), string(out), "round trip")
		})
	}

	data, err := os.ReadFile(filepath.Join("testdata", "section-3.2.jrd.json"))
	require.NoError(t, err)
	j, err := DecodeJRD(data)
	require.NoError(t, err)
	require.Contains(t, j.Properties, "http://blgx.example.net/ns/ext")
	assert.Nil(t, j.Properties["http://blgx.example.net/ns/ext"], "null property value")
	assert.Equal(t, "1.3", *j.Properties["http://blgx.example.net/ns/version"])
	assert.Equal(t, "Le Monde Magique de Steve", j.Link("author").Titles["fr"])
	assert.Empty(t, j.ActorIRI())
}

func TestDecodeJRDMastodonFixture(t *testing.T) {
	resp, body := readFixture(t, "fixture-activitypub-webfinger.txt")
	assert.Equal(t, "application/jrd+json; charset=utf-8", resp.Header.Get("Content-Type"))
	j, err := DecodeJRD(body)
	require.NoError(t, err)
	assert.Equal(t, "acct:foo@ap.example.com", j.Subject)
	assert.Equal(t, "https://ap.example.com/users/foo", j.ActorIRI())
	assert.Equal(t, "https://ap.example.com/@foo", j.ProfilePage())
	assert.Equal(t, "https://ap.example.com/authorize_follow?acct={uri}", j.SubscribeTemplate())
	assert.Equal(t, []string{"https://ap.example.com/@foo", "https://ap.example.com/users/foo"}, j.Aliases)

	// NewActorJRD produces every part Mastodon's own answer has.
	mine := NewActorJRD("foo@ap.example.com", "https://ap.example.com/users/foo",
		"https://ap.example.com/@foo", "https://ap.example.com/authorize_follow?acct={uri}")
	assert.Equal(t, j.Subject, mine.Subject)
	assert.Equal(t, j.Aliases, mine.Aliases)
	for _, rel := range []string{RelSelf, RelProfilePage, RelSubscribe} {
		assert.Equal(t, j.Link(rel), mine.Link(rel), rel)
	}
}

var badJRDs = []struct {
	name, body string
}{
	{"empty", ""},
	{"array", `[{"subject":"acct:a@b"}]`},
	{"string", `"acct:a@b"`},
	{"null", `null`},
	{"truncated", `{"subject":"acct:a@b"`},
	{"trailing garbage", `{"subject":"acct:a@b"} {}`},
	{"subject number", `{"subject":5}`},
	{"aliases string", `{"subject":"acct:a@b","aliases":"x"}`},
	{"links object", `{"subject":"acct:a@b","links":{"rel":"self"}}`},
	{"link without rel", `{"subject":"acct:a@b","links":[{"href":"https://b/a"}]}`},
	{"link rel number", `{"links":[{"rel":1}]}`},
	{"titles not strings", `{"links":[{"rel":"a","titles":{"en":1}}]}`},
	{"properties array", `{"properties":["a"]}`},
	{"html", `<html><body>hi</body></html>`},
}

func TestDecodeJRDHostile(t *testing.T) {
	for _, tt := range badJRDs {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeJRD([]byte(tt.body))
			require.ErrorIs(t, err, ErrBadResponse)
		})
	}
}

func TestActorIRITypes(t *testing.T) {
	tests := []struct {
		typ  string
		want bool
	}{
		{"application/activity+json", true},
		{"application/activity+json; charset=utf-8", true},
		{`application/ld+json; profile="https://www.w3.org/ns/activitystreams"`, true},
		{`application/ld+json; profile="https://example.com/x https://www.w3.org/ns/activitystreams"`, true},
		{"application/ld+json", false},
		{"application/json", false},
		{"text/html", false},
		{"", false},
		{"application/activity+json; ===", false},
	}
	for _, tt := range tests {
		t.Run(tt.typ, func(t *testing.T) {
			assert.Equal(t, tt.want, IsActivityPubType(tt.typ))
			j := &JRD{Links: []Link{{Rel: RelSelf, Type: tt.typ, Href: "https://example.com/users/a"}}}
			assert.Equal(t, tt.want, j.ActorIRI() != "")
		})
	}
}

func TestFilterRels(t *testing.T) {
	j := NewActorJRD("acct:a@example.com", "https://example.com/users/a", "https://example.com/@a", "https://example.com/follow?u={uri}")
	assert.Len(t, j.FilterRels(nil).Links, 3)
	f := j.FilterRels([]string{RelSelf})
	require.Len(t, f.Links, 1)
	assert.Equal(t, RelSelf, f.Links[0].Rel)
	assert.Equal(t, j.Subject, f.Subject)
	assert.Equal(t, j.Aliases, f.Aliases)
	assert.Len(t, j.Links, 3, "original untouched")
	assert.Empty(t, j.FilterRels([]string{"http://unknown"}).Links)
	assert.Len(t, j.FilterRels([]string{RelSelf, RelSubscribe}).Links, 2)
}

func TestNewActorJRDOptionalParts(t *testing.T) {
	j := NewActorJRD("a@example.com", "https://example.com/users/a", "", "")
	assert.Equal(t, "acct:a@example.com", j.Subject)
	assert.Equal(t, []string{"https://example.com/users/a"}, j.Aliases)
	require.Len(t, j.Links, 1)
	assert.Equal(t, Link{Rel: RelSelf, Type: MediaTypeActivity, Href: "https://example.com/users/a"}, j.Links[0])
}

func FuzzDecodeJRD(f *testing.F) {
	for _, tt := range badJRDs {
		f.Add([]byte(tt.body))
	}
	for _, name := range []string{"section-3.1.jrd.json", "section-3.2.jrd.json", "section-4.3.jrd.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		require.NoError(f, err)
		f.Add(data)
	}
	_, body := readFixture(f, "fixture-activitypub-webfinger.txt")
	f.Add(body)
	f.Fuzz(func(t *testing.T, data []byte) {
		j, err := DecodeJRD(data)
		if err != nil {
			require.ErrorIs(t, err, ErrBadResponse)
			return
		}
		_ = j.ActorIRI()
		_ = j.FilterRels([]string{RelSelf})
		out, err := json.Marshal(j)
		require.NoError(t, err)
		again, err := DecodeJRD(out)
		require.NoError(t, err)
		require.Equal(t, j.Subject, again.Subject)
		require.Equal(t, len(j.Links), len(again.Links))
	})
}

func BenchmarkDecodeJRD(b *testing.B) {
	_, body := readFixture(b, "fixture-activitypub-webfinger.txt")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeJRD(body); err != nil {
			b.Fatal(err)
		}
	}
}
