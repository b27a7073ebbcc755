package jsonld_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/jsonld"
	"github.com/starling-fed/starling/activitypub/vocab"
)

const (
	as  = "https://www.w3.org/ns/activitystreams#"
	sec = "https://w3id.org/security#"
)

// mastodonNote is a Create(Note) as Mastodon sends it, trimmed.
const mastodonNote = `{
  "@context": [
    "https://www.w3.org/ns/activitystreams",
    {
      "ostatus": "http://ostatus.org#",
      "atomUri": "ostatus:atomUri",
      "inReplyToAtomUri": "ostatus:inReplyToAtomUri",
      "conversation": "ostatus:conversation",
      "sensitive": "as:sensitive",
      "toot": "http://joinmastodon.org/ns#",
      "votersCount": "toot:votersCount",
      "Hashtag": "as:Hashtag",
      "Emoji": "toot:Emoji",
      "blurhash": "toot:blurhash",
      "focalPoint": {"@container": "@list", "@id": "toot:focalPoint"}
    }
  ],
  "id": "https://mastodon.example/users/alice/statuses/1/activity",
  "type": "Create",
  "actor": "https://mastodon.example/users/alice",
  "published": "2024-05-01T12:00:00Z",
  "to": ["https://www.w3.org/ns/activitystreams#Public"],
  "cc": ["https://mastodon.example/users/alice/followers", "https://remote.example/users/bob"],
  "object": {
    "id": "https://mastodon.example/users/alice/statuses/1",
    "type": "Note",
    "summary": null,
    "inReplyTo": null,
    "published": "2024-05-01T12:00:00Z",
    "url": "https://mastodon.example/@alice/1",
    "attributedTo": "https://mastodon.example/users/alice",
    "to": ["https://www.w3.org/ns/activitystreams#Public"],
    "cc": ["https://mastodon.example/users/alice/followers", "https://remote.example/users/bob"],
    "sensitive": false,
    "atomUri": "https://mastodon.example/users/alice/statuses/1",
    "inReplyToAtomUri": null,
    "conversation": "tag:mastodon.example,2024-05-01:objectId=1:objectType=Conversation",
    "content": "<p>Hello <span class=\"h-card\"><a href=\"https://remote.example/@bob\" class=\"u-url mention\">@<span>bob</span></a></span> <a href=\"https://mastodon.example/tags/go\" class=\"mention hashtag\" rel=\"tag\">#<span>go</span></a></p>",
    "contentMap": {"en": "<p>Hello @bob #go</p>"},
    "attachment": [
      {
        "type": "Document",
        "mediaType": "image/png",
        "url": "https://files.mastodon.example/a.png",
        "name": "A picture",
        "blurhash": "UBL_:rOpGG-oBUNG,qRj2so|=eE1w^n4S5NH",
        "focalPoint": [0.0, -0.5],
        "width": 640,
        "height": 480
      }
    ],
    "tag": [
      {"type": "Mention", "href": "https://remote.example/users/bob", "name": "@bob@remote.example"},
      {"type": "Hashtag", "href": "https://mastodon.example/tags/go", "name": "#go"}
    ],
    "replies": {
      "id": "https://mastodon.example/users/alice/statuses/1/replies",
      "type": "Collection",
      "first": {
        "type": "CollectionPage",
        "next": "https://mastodon.example/users/alice/statuses/1/replies?only_other_accounts=true&page=true",
        "partOf": "https://mastodon.example/users/alice/statuses/1/replies",
        "items": []
      }
    }
  }
}`

// unusualNote maps the familiar "sensitive" to a foreign IRI and calls
// as:sensitive "cw".
const unusualNote = `{
  "@context": [
    "https://www.w3.org/ns/activitystreams",
    {"sensitive": "http://example.com/ns#notSensitive", "cw": "as:sensitive"}
  ],
  "id": "https://odd.example/notes/1",
  "type": "Note",
  "attributedTo": "https://odd.example/users/carol",
  "to": "as:Public",
  "content": "spoilers",
  "cw": true
}`

func TestExpandNote(t *testing.T) {
	out, err := jsonld.Expand(context.Background(), []byte(mastodonNote))
	require.NoError(t, err)
	require.Len(t, out, 1)
	create := out[0].(map[string]any)
	assert.Equal(t, "https://mastodon.example/users/alice/statuses/1/activity", create["@id"])
	assert.Equal(t, []any{as + "Create"}, create["@type"])
	assert.Equal(t, []any{map[string]any{"@id": "https://mastodon.example/users/alice"}}, create[as+"actor"])
	assert.Equal(t, []any{map[string]any{"@id": as + "Public"}}, create[as+"to"])

	note := create[as+"object"].([]any)[0].(map[string]any)
	assert.Equal(t, []any{as + "Note"}, note["@type"])
	assert.Equal(t, []any{map[string]any{"@value": false}}, note[as+"sensitive"])
	assert.Equal(t, []any{map[string]any{"@value": "https://mastodon.example/users/alice/statuses/1"}}, note["http://ostatus.org#atomUri"])
	assert.Contains(t, note[as+"content"], map[string]any{"@value": "<p>Hello @bob #go</p>", "@language": "en"})
	assert.Equal(t, []any{map[string]any{"@value": "2024-05-01T12:00:00Z", "@type": "http://www.w3.org/2001/XMLSchema#dateTime"}}, note[as+"published"])

	tags := note[as+"tag"].([]any)
	require.Len(t, tags, 2)
	assert.Equal(t, []any{as + "Mention"}, tags[0].(map[string]any)["@type"])
	assert.Equal(t, []any{as + "Hashtag"}, tags[1].(map[string]any)["@type"])

	att := note[as+"attachment"].([]any)[0].(map[string]any)
	assert.Equal(t, []any{map[string]any{"@list": []any{
		map[string]any{"@value": json.Number("0.0")},
		map[string]any{"@value": json.Number("-0.5")},
	}}}, att["http://joinmastodon.org/ns#focalPoint"])
}

func TestExpandWithoutContextAssumesActivityStreams(t *testing.T) {
	out, err := jsonld.Expand(context.Background(), []byte(`{"id":"https://a.example/1","type":"Note","content":"hi"}`))
	require.NoError(t, err)
	require.Len(t, out, 1)
	n := out[0].(map[string]any)
	assert.Equal(t, []any{as + "Note"}, n["@type"])
	assert.Equal(t, []any{map[string]any{"@value": "hi"}}, n[as+"content"])
}

func TestNormalizeUnusualContext(t *testing.T) {
	out, err := jsonld.Normalize(context.Background(), []byte(unusualNote))
	require.NoError(t, err)

	var m map[string]any
	require.NoError(t, json.Unmarshal(out, &m))
	assert.Equal(t, true, m["sensitive"], "as:sensitive comes out under its canonical name")
	assert.NotContains(t, m, "cw")
	assert.Equal(t, "https://www.w3.org/ns/activitystreams#Public", m["to"])
	assert.Equal(t, "Note", m["type"])
	assert.Equal(t, "spoilers", m["content"])

	var want any
	require.NoError(t, json.Unmarshal([]byte(vocab.DefaultContext), &want))
	assert.Equal(t, want, m["@context"])
	assert.True(t, strings.HasPrefix(string(out), `{"@context":`+vocab.DefaultContext+`,`), "the context is written exactly as vocab writes it")
}

func TestNormalizeForeignMeaningOfFamiliarTerm(t *testing.T) {
	doc := `{"@context":["https://www.w3.org/ns/activitystreams",{"sensitive":"http://example.com/ns#notSensitive"}],
	         "id":"https://odd.example/notes/2","type":"Note","sensitive":true}`
	out, err := jsonld.Compact(context.Background(), []byte(doc))
	require.NoError(t, err)
	assert.NotContains(t, out, "sensitive", "a foreign property must not take the canonical name")
	assert.Equal(t, true, out["http://example.com/ns#notSensitive"])
}

func TestNormalizeShapes(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want map[string]any // members of the normalized document
	}{
		{
			name: "public as compact IRI",
			doc:  `{"@context":"https://www.w3.org/ns/activitystreams","id":"https://a.example/1","type":"Note","to":["as:Public"],"cc":["https://a.example/f","as:Public"]}`,
			want: map[string]any{"to": as + "Public", "cc": []any{"https://a.example/f", as + "Public"}},
		},
		{
			name: "one-element arrays come out bare",
			doc:  `{"@context":["https://www.w3.org/ns/activitystreams"],"id":"https://a.example/1","type":["Note"],"attributedTo":["https://a.example/u"]}`,
			want: map[string]any{"type": "Note", "attributedTo": "https://a.example/u"},
		},
		{
			name: "prefixed terms",
			doc:  `{"@context":"https://www.w3.org/ns/activitystreams","id":"https://a.example/1","type":"as:Note","as:content":"hi","as:inReplyTo":"https://b.example/2"}`,
			// Under the bare IRI the value is a string literal, not an IRI
			// reference, so it cannot take the "@id"-typed term inReplyTo.
			want: map[string]any{"type": "Note", "content": "hi", "as:inReplyTo": "https://b.example/2", "inReplyTo": nil},
		},
		{
			name: "mastodon extension terms",
			doc: `{"@context":["https://www.w3.org/ns/activitystreams","https://w3id.org/security/v1",{"toot":"http://joinmastodon.org/ns#","discoverable":"toot:discoverable","featured":{"@id":"toot:featured","@type":"@id"},"schema":"http://schema.org#","PropertyValue":"schema:PropertyValue","value":"schema:value"}],
			       "id":"https://m.example/users/a","type":"Person","discoverable":true,"featured":"https://m.example/users/a/collections/featured",
			       "publicKey":{"id":"https://m.example/users/a#main-key","owner":"https://m.example/users/a","publicKeyPem":"PEM"},
			       "attachment":[{"type":"PropertyValue","name":"Site","value":"<a href=\"https://a.example\">a</a>"}]}`,
			want: map[string]any{
				"discoverable": true,
				"featured":     "https://m.example/users/a/collections/featured",
				"publicKey":    map[string]any{"id": "https://m.example/users/a#main-key", "owner": "https://m.example/users/a", "publicKeyPem": "PEM"},
				"attachment":   map[string]any{"type": "PropertyValue", "name": "Site", "value": `<a href="https://a.example">a</a>`},
			},
		},
		{
			name: "no context",
			doc:  `{"id":"https://a.example/1","type":"Note","content":"plain"}`,
			want: map[string]any{"id": "https://a.example/1", "type": "Note", "content": "plain"},
		},
		{
			name: "litepub context from any host",
			doc:  `{"@context":["https://www.w3.org/ns/activitystreams","https://pleroma.example/schemas/litepub-0.1.jsonld",{"@language":"und"}],"id":"https://pleroma.example/objects/1","type":"Note","sensitive":true,"directMessage":false}`,
			want: map[string]any{"sensitive": true, "http://litepub.social/ns#directMessage": false},
		},
		{
			name: "lemmy context",
			doc:  `{"@context":["https://join-lemmy.org/context.json","https://www.w3.org/ns/activitystreams"],"id":"https://lemmy.example/post/1","type":"Page","name":"T","stickied":true,"sensitive":false}`,
			want: map[string]any{"type": "Page", "name": "T", "sensitive": false, "https://join-lemmy.org/ns#stickied": true},
		},
		{
			name: "gotosocial context",
			doc:  `{"@context":["https://www.w3.org/ns/activitystreams","https://gotosocial.org/ns"],"id":"https://gts.example/statuses/1","type":"Note","interactionPolicy":{"canLike":{"automaticApproval":"https://www.w3.org/ns/activitystreams#Public"}}}`,
			want: map[string]any{"https://gotosocial.org/ns#interactionPolicy": map[string]any{
				"https://gotosocial.org/ns#canLike": map[string]any{"https://gotosocial.org/ns#automaticApproval": map[string]any{"id": as + "Public"}},
			}},
		},
		{
			name: "bare Public in addressing",
			doc:  `{"@context":"https://www.w3.org/ns/activitystreams","id":"https://a.example/1","type":"Note","to":"Public","cc":["https://a.example/f","Public"]}`,
			want: map[string]any{"to": as + "Public", "cc": []any{"https://a.example/f", as + "Public"}},
		},
		{
			name: "null members are dropped",
			doc:  `{"@context":"https://www.w3.org/ns/activitystreams","id":null,"type":"Flag","summary":null,"object":["https://a.example/u"]}`,
			want: map[string]any{"id": nil, "summary": nil, "type": "Flag", "object": "https://a.example/u"},
		},
		{
			name: "conversation declared as an IRI",
			doc:  `{"@context":["https://www.w3.org/ns/activitystreams",{"ostatus":"http://ostatus.org#","conversation":{"@id":"ostatus:conversation","@type":"@id"}}],"id":"https://a.example/1","type":"Note","conversation":"https://a.example/contexts/1"}`,
			want: map[string]any{"conversation": "https://a.example/contexts/1"},
		},
		{
			name: "undefined properties",
			doc:  `{"@context":"https://www.w3.org/ns/activitystreams","id":"https://a.example/1","type":"Question","votersCount":5,"mood":"calm"}`,
			want: map[string]any{"mood": "calm", "votersCount": nil, "_:votersCount": json.Number("5")},
		},
		{
			name: "large integers survive",
			doc:  `{"@context":["https://www.w3.org/ns/activitystreams",{"toot":"http://joinmastodon.org/ns#","votersCount":"toot:votersCount"}],"id":"https://a.example/q","type":"Question","votersCount":12345678901234567890}`,
			want: map[string]any{"votersCount": json.Number("12345678901234567890")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := jsonld.Normalize(context.Background(), []byte(tt.doc))
			require.NoError(t, err)
			dec := json.NewDecoder(strings.NewReader(string(out)))
			dec.UseNumber()
			var m map[string]any
			require.NoError(t, dec.Decode(&m))
			for k, v := range tt.want {
				assert.Equal(t, v, m[k], "member %q in %s", k, out)
			}
		})
	}
}

// smallNote is a small document whose canonical N-Quads are worked out by
// hand in TestCanonicalize.
const smallNote = `{
  "@context": "https://www.w3.org/ns/activitystreams",
  "id": "https://example.com/notes/1",
  "type": "Note",
  "attributedTo": "https://example.com/users/alice",
  "content": "Hello",
  "contentMap": {"en": "Hello"},
  "published": "2024-01-02T03:04:05Z",
  "to": "https://www.w3.org/ns/activitystreams#Public",
  "tag": {"type": "Mention", "href": "https://example.com/users/bob"},
  "unknownTerm": "dropped: it maps to a blank-node property"
}`

func TestCanonicalize(t *testing.T) {
	// Every statement about the note has it as subject; the Mention is the
	// only blank node, so it is _:c14n0. Lines sort by code point: "<" before
	// "_", "<http:" before "<https:", "attributedTo" < "content" <
	// "published" < "tag" < "to", and a plain literal before the same
	// literal with a language tag (' ' < '@').
	const want = `<https://example.com/notes/1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://www.w3.org/ns/activitystreams#Note> .
<https://example.com/notes/1> <https://www.w3.org/ns/activitystreams#attributedTo> <https://example.com/users/alice> .
<https://example.com/notes/1> <https://www.w3.org/ns/activitystreams#content> "Hello" .
<https://example.com/notes/1> <https://www.w3.org/ns/activitystreams#content> "Hello"@en .
<https://example.com/notes/1> <https://www.w3.org/ns/activitystreams#published> "2024-01-02T03:04:05Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> .
<https://example.com/notes/1> <https://www.w3.org/ns/activitystreams#tag> _:c14n0 .
<https://example.com/notes/1> <https://www.w3.org/ns/activitystreams#to> <https://www.w3.org/ns/activitystreams#Public> .
_:c14n0 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://www.w3.org/ns/activitystreams#Mention> .
_:c14n0 <https://www.w3.org/ns/activitystreams#href> <https://example.com/users/bob> .
`
	got, err := jsonld.Canonicalize(context.Background(), []byte(smallNote))
	require.NoError(t, err)
	assert.Equal(t, want, got)
}

func TestCanonicalizeIsDeterministic(t *testing.T) {
	// The same graph written with different key orders, array orders and
	// term spellings canonicalizes to the same N-Quads, blank nodes included.
	docs := []string{
		`{"@context":"https://www.w3.org/ns/activitystreams","id":"https://e.example/n","type":"Note","content":"x",
		  "tag":[{"type":"Mention","href":"https://e.example/a"},{"type":"Mention","href":"https://e.example/b"}],
		  "attachment":{"type":"Image","url":"https://e.example/i.png","name":"pic"}}`,
		`{"attachment":{"name":"pic","url":"https://e.example/i.png","type":"Image"},
		  "tag":[{"href":"https://e.example/b","type":"Mention"},{"href":"https://e.example/a","type":"Mention"}],
		  "content":"x","type":"Note","id":"https://e.example/n","@context":"https://www.w3.org/ns/activitystreams"}`,
		`{"@context":["http://www.w3.org/ns/activitystreams.jsonld"],"as:content":"x","id":"https://e.example/n","type":"as:Note",
		  "as:tag":[{"type":"Mention","href":"https://e.example/b"},{"href":"https://e.example/a","type":"Mention"}],
		  "attachment":[{"type":"Image","url":"https://e.example/i.png","name":"pic"}]}`,
	}
	var first string
	for i, d := range docs {
		got, err := jsonld.Canonicalize(context.Background(), []byte(d))
		require.NoError(t, err, "doc %d", i)
		assert.Equal(t, 12, strings.Count(got, "\n"), "doc %d:\n%s", i, got)
		if i == 0 {
			first = got
			continue
		}
		assert.Equal(t, first, got, "doc %d", i)
	}
	for range 3 {
		again, err := jsonld.Canonicalize(context.Background(), []byte(docs[0]))
		require.NoError(t, err)
		assert.Equal(t, first, again)
	}
}

func TestCanonicalizeAppliesOnlyNamedContexts(t *testing.T) {
	// Without a context nothing maps to an IRI, so nothing is signed: the
	// Activity Streams context is not assumed, as verifiers do not assume it.
	got, err := jsonld.Canonicalize(context.Background(), []byte(`{"id":"https://e.example/n","content":"x"}`))
	require.NoError(t, err)
	assert.Empty(t, got)
}

func TestCanonicalizeSignatureOptions(t *testing.T) {
	// The options document of an RsaSignature2017, as Mastodon builds it.
	doc := `{"@context":"https://w3id.org/identity/v1","creator":"https://m.example/users/a#main-key","created":"2024-01-01T00:00:00Z"}`
	got, err := jsonld.Canonicalize(context.Background(), []byte(doc))
	require.NoError(t, err)
	want := `_:c14n0 <http://purl.org/dc/terms/created> "2024-01-01T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> .
_:c14n0 <http://purl.org/dc/terms/creator> <https://m.example/users/a#main-key> .
`
	assert.Equal(t, want, got)
}

func TestBadInput(t *testing.T) {
	deep := strings.Repeat(`{"a":`, 200) + `1` + strings.Repeat(`}`, 200)
	deepArray := `{"@context":"https://www.w3.org/ns/activitystreams","content":` + strings.Repeat(`[`, 100) + strings.Repeat(`]`, 100) + `}`
	huge := `{"content":"` + strings.Repeat("a", jsonld.DefaultMaxBytes) + `"}`
	tests := []struct {
		name string
		doc  string
		want error
	}{
		{"empty", ``, jsonld.ErrInvalidJSON},
		{"not JSON", `{"a":`, jsonld.ErrInvalidJSON},
		{"trailing data", `{"a":1} {"b":2}`, jsonld.ErrInvalidJSON},
		{"scalar", `"just a string"`, jsonld.ErrInvalidJSON},
		{"too deep", deep, jsonld.ErrTooDeep},
		{"too deep arrays", deepArray, jsonld.ErrTooDeep},
		{"too large", huge, jsonld.ErrTooLarge},
		{"unknown context URL", `{"@context":"https://unknown.example/ns","id":"https://a.example/1"}`, jsonld.ErrContextNotAllowed},
		{"unknown context in array", `{"@context":["https://www.w3.org/ns/activitystreams","https://unknown.example/ns.jsonld"],"type":"Note"}`, jsonld.ErrContextNotAllowed},
		{"relative context URL", `{"@context":"ctx.jsonld","type":"Note"}`, jsonld.ErrContextNotAllowed},
		{"file context URL", `{"@context":"file:///etc/passwd","type":"Note"}`, jsonld.ErrContextNotAllowed},
		{"import of unknown URL", `{"@context":{"@version":1.1,"@import":"https://unknown.example/ctx"},"type":"Note"}`, jsonld.ErrContextNotAllowed},
	}
	p := &jsonld.Processor{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			_, err := p.Normalize(ctx, []byte(tt.doc))
			assert.ErrorIs(t, err, tt.want)
			_, err = p.Expand(ctx, []byte(tt.doc))
			assert.ErrorIs(t, err, tt.want)
			_, err = p.Canonicalize(ctx, []byte(tt.doc))
			assert.ErrorIs(t, err, tt.want)
		})
	}
}

func TestMalformedContextIsProcessingError(t *testing.T) {
	docs := []string{
		`{"@context":{"@protected":"yes","a":"http://x.example/a"},"a":1}`,
		`{"@context":{"@version":1.1,"@protected":1},"a":1}`,
		`{"@context":{"a":{"@id":5}},"a":1}`,
		`{"@context":{"@vocab":5},"a":1}`,
		`{"@context":5,"a":1}`,
		`{"@context":{"a":{"@container":"@nonsense","@id":"http://x.example/a"}},"a":[1]}`,
		`{"@context":{"id":"@id"},"id":5}`,
		`{"@context":"https://www.w3.org/ns/activitystreams","id":{"nested":"object"}}`,
		`{"@context":"https://www.w3.org/ns/activitystreams","type":{"@value":1}}`,
		`{"@context":{"@base":5},"a":1}`,
		`{"@context":{"@language":5},"a":1}`,
		`{"@context":{"@version":2},"a":1}`,
		`{"@context":{"@propagate":"no"},"a":1}`,
		`{"@context":{"@direction":"up"},"a":1}`,
		`{"@context":{"a":{"@reverse":5}},"a":1}`,
	}
	for i, d := range docs {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			var perr *jsonld.ProcessingError
			_, err := jsonld.Normalize(context.Background(), []byte(d))
			require.Error(t, err)
			require.ErrorAs(t, err, &perr)
			assert.NotEmpty(t, perr.Code)
			assert.Contains(t, err.Error(), "jsonld: ")
		})
	}
}

func TestImportDoesNotAlterEmbeddedContexts(t *testing.T) {
	// @import merges the importing context into the imported document; the
	// shared embedded copy must not be what gets written into.
	evil := `{"@context":{"@version":1.1,"@import":"https://www.w3.org/ns/activitystreams","content":"http://evil.example/ns#content"},
	          "type":"Note","content":"x"}`
	out, err := jsonld.Compact(context.Background(), []byte(evil))
	require.NoError(t, err)
	assert.Equal(t, "x", out["http://evil.example/ns#content"])

	out, err = jsonld.Compact(context.Background(), []byte(`{"@context":"https://www.w3.org/ns/activitystreams","type":"Note","content":"y"}`))
	require.NoError(t, err)
	assert.Equal(t, "y", out["content"], "later documents see the unaltered Activity Streams context")
}

func TestCanceledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := jsonld.Normalize(ctx, []byte(mastodonNote))
	assert.ErrorIs(t, err, context.Canceled)
}

func TestProcessorLimits(t *testing.T) {
	p := &jsonld.Processor{MaxBytes: 100, MaxDepth: 3}
	_, err := p.Normalize(context.Background(), []byte(mastodonNote))
	assert.ErrorIs(t, err, jsonld.ErrTooLarge)
	_, err = p.Normalize(context.Background(), []byte(`{"a":{"b":{"c":{}}}}`))
	assert.ErrorIs(t, err, jsonld.ErrTooDeep)
	_, err = p.Normalize(context.Background(), []byte(`{"a":{"b":{"c":1}}}`))
	assert.NoError(t, err)
}

func TestProcessorConcurrentUse(t *testing.T) {
	p := &jsonld.Processor{}
	var docs, want []string
	for _, d := range append([]string{mastodonNote}, fuzzSeeds...) {
		// Every document that normalizes, with all its JSON-LD features,
		// runs against the shared state from several goroutines at once.
		out, err := p.Normalize(context.Background(), []byte(d))
		if err != nil {
			continue
		}
		docs = append(docs, d)
		want = append(want, string(out))
	}
	require.Greater(t, len(docs), 10)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 8 {
		wg.Go(func() {
			for j := range len(docs) {
				i := (g + j) % len(docs)
				out, err := p.Normalize(context.Background(), []byte(docs[i]))
				if err != nil {
					errs <- err
					return
				}
				if string(out) != want[i] {
					errs <- errors.New("different output under concurrency")
					return
				}
				if _, err := p.Canonicalize(context.Background(), []byte(docs[i])); err != nil && !errors.As(err, new(*jsonld.ProcessingError)) {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestCompactCarriesCanonicalContext(t *testing.T) {
	out, err := jsonld.Compact(context.Background(), []byte(smallNote))
	require.NoError(t, err)
	var want any
	require.NoError(t, json.Unmarshal([]byte(vocab.DefaultContext), &want))
	assert.Equal(t, want, out["@context"])
	assert.Equal(t, "Note", out["type"])
	assert.Equal(t, map[string]any{"en": "Hello"}, out["contentMap"])

	// Each call returns its own context value.
	out["@context"].([]any)[0] = "changed"
	again, err := jsonld.Compact(context.Background(), []byte(smallNote))
	require.NoError(t, err)
	assert.Equal(t, want, again["@context"])
}

func TestNormalizeEmptyResult(t *testing.T) {
	out, err := jsonld.Normalize(context.Background(), []byte(`{"@context":{"@vocab":null},"unmapped":1}`))
	require.NoError(t, err)
	assert.Equal(t, `{"@context":`+vocab.DefaultContext+`}`, string(out))
}

func TestNormalizeGraph(t *testing.T) {
	out, err := jsonld.Compact(context.Background(), []byte(`[
	  {"@context":"https://www.w3.org/ns/activitystreams","id":"https://a.example/1","type":"Note"},
	  {"@context":"https://www.w3.org/ns/activitystreams","id":"https://a.example/2","type":"Note"}]`))
	require.NoError(t, err)
	require.Len(t, out["@graph"], 2)
}

func TestScopedContextCostIsBounded(t *testing.T) {
	// A scoped context is parsed again wherever it applies; a small
	// document pairing a large one with many objects must be refused
	// rather than keep the processor busy for seconds.
	var terms []string
	for i := range 1000 {
		terms = append(terms, fmt.Sprintf(`"t%d":"http://x.example/#t%d"`, i, i))
	}
	scoped := "{" + strings.Join(terms, ",") + "}"
	uses := strings.TrimSuffix(strings.Repeat(`{"a":1},`, 2000), ",")
	docs := map[string]string{
		"property-scoped": `{"@context":{"@version":1.1,"a":{"@id":"http://x.example/#a","@context":` + scoped + `}},"a":[` + uses + `]}`,
		"type-scoped":     `{"@context":{"@version":1.1,"T":{"@id":"http://x.example/#T","@context":` + scoped + `},"p":"http://x.example/#p"},"p":[` + strings.Repeat(`{"@type":"T"},`, 2000) + `{}]}`,
	}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			_, err := jsonld.Normalize(context.Background(), []byte(doc))
			assert.ErrorIs(t, err, jsonld.ErrTooComplex)
		})
	}

	// Scoped contexts of loaded documents count too.
	extra := `{"@context":{"@version":1.1,"T":{"@id":"http://x.example/#T","@context":` + scoped + `}}}`
	p := &jsonld.Processor{Loader: &jsonld.Loader{Extra: map[string][]byte{"https://heavy.example/ctx": []byte(extra)}}}
	doc := `{"@context":"https://heavy.example/ctx","@graph":[` + strings.Repeat(`{"@type":"T"},`, 200) + `{}]}`
	_, err := p.Normalize(context.Background(), []byte(doc))
	assert.ErrorIs(t, err, jsonld.ErrTooComplex)

	// A few uses of a small scoped context are fine.
	small := `{"@context":{"@version":1.1,"a":{"@id":"http://x.example/#a","@context":{"b":"http://x.example/#b"}}},"a":[{"b":1},{"b":2}]}`
	_, err = jsonld.Normalize(context.Background(), []byte(small))
	assert.NoError(t, err)
}

func TestCanonicalizeRefusesPoisonGraphs(t *testing.T) {
	// Blank nodes that all link to each other look alike to URDNA2015,
	// which then tries every ordering of them: seven such nodes take
	// seconds to label, eight take minutes.
	clique := func(n int) string {
		var nodes []string
		for i := range n {
			var links []string
			for j := range n {
				if j != i {
					links = append(links, fmt.Sprintf(`{"@id":"_:b%d"}`, j))
				}
			}
			nodes = append(nodes, fmt.Sprintf(`{"@id":"_:b%d","http://x.example/#p":[%s]}`, i, strings.Join(links, ",")))
		}
		return `{"@graph":[` + strings.Join(nodes, ",") + `]}`
	}
	_, err := jsonld.Canonicalize(context.Background(), []byte(clique(3)))
	require.NoError(t, err)
	for _, n := range []int{6, 8, 20} {
		_, err := jsonld.Canonicalize(context.Background(), []byte(clique(n)))
		require.ErrorIs(t, err, jsonld.ErrTooComplex, "clique of %d", n)
	}

	// The same shape can arise without blank node labels: anonymous
	// objects holding identical anonymous objects.
	child := `{"http://x.example/#q":"c"}`
	parent := `{"http://x.example/#c":[` + strings.TrimSuffix(strings.Repeat(child+",", 10), ",") + `]}`
	tree := `{"@id":"http://x.example/root","http://x.example/#p":[` + parent + `,` + parent + `]}`
	_, err = jsonld.Canonicalize(context.Background(), []byte(tree))
	require.ErrorIs(t, err, jsonld.ErrTooComplex)
}
