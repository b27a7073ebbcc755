package vocab_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/internal/corpus"
	"github.com/starling-fed/starling/activitypub/vocab"
)

// decodeCases are documents of every shape the wire allows, with a check of
// what the decoder made of each.
var decodeCases = []struct {
	name  string
	doc   string
	check func(t *testing.T, o *vocab.Object)
}{
	{"single value and array", `{"type":"Note","to":"https://a.example/u/1","cc":["https://a.example/u/2","https://a.example/u/3"]}`,
		func(t *testing.T, o *vocab.Object) {
			assert.Equal(t, []string{"https://a.example/u/1"}, vocab.IDs(o.To))
			assert.Equal(t, []string{"https://a.example/u/2", "https://a.example/u/3"}, vocab.IDs(o.Cc))
		}},
	{"IRI, object or Link", `{"type":"Note","attributedTo":{"type":"Person","id":"https://a.example/u/1"},"url":[{"type":"Link","href":"https://a.example/@1","mediaType":"text/html"},"https://a.example/n/1"]}`,
		func(t *testing.T, o *vocab.Object) {
			assert.Equal(t, "https://a.example/u/1", vocab.First(o.AttributedTo).ID())
			assert.Equal(t, vocab.TypePerson, o.AttributedTo[0].Object.Type)
			assert.Equal(t, []string{"https://a.example/@1", "https://a.example/n/1"}, vocab.IDs(o.URL))
			assert.Equal(t, "text/html", o.URL[0].Object.MediaType)
		}},
	{"natural language maps", `{"type":"Note","content":"hi","contentMap":{"en":"hi","de":"hallo"},"nameMap":{"fr":"salut"},"summary":"cw","summaryMap":{"en":"cw"}}`,
		func(t *testing.T, o *vocab.Object) {
			assert.Equal(t, "hi", o.Content)
			assert.Equal(t, "hallo", o.ContentIn("de"))
			assert.Equal(t, "salut", o.NameIn(""))
			assert.Equal(t, "cw", o.SummaryIn("en"))
		}},
	{"language map under the plain term", `{"type":"Note","content":{"en":"hi"}}`,
		func(t *testing.T, o *vocab.Object) {
			assert.Equal(t, map[string]string{"en": "hi"}, o.ContentMap)
		}},
	{"prefixed and full-IRI terms", `{"type":"toot:Emoji","as:sensitive":true,"http://joinmastodon.org/ns#discoverable":true,"https://www.w3.org/ns/activitystreams#name":"n","schema:value":"v"}`,
		func(t *testing.T, o *vocab.Object) {
			assert.Equal(t, vocab.TypeEmoji, o.Type)
			require.NotNil(t, o.Sensitive)
			assert.True(t, *o.Sensitive)
			require.NotNil(t, o.Discoverable)
			assert.Equal(t, "n", o.Name)
			assert.Equal(t, "v", o.Value)
			assert.Empty(t, o.Extra)
		}},
	{"full-IRI and multiple types", `{"type":["https://www.w3.org/ns/activitystreams#Note","schema:Thing"]}`,
		func(t *testing.T, o *vocab.Object) {
			assert.Equal(t, vocab.TypeNote, o.Type)
			assert.Equal(t, []string{"schema:Thing"}, o.MoreTypes)
			assert.True(t, o.HasType("schema:Thing"))
		}},
	{"Misskey and quotes", `{"type":"Note","_misskey_content":"**hi**","_misskey_quote":"https://m.example/notes/1","quoteUrl":"https://m.example/notes/1","quoteUri":"https://m.example/notes/1","quote":"https://m.example/notes/1","isCat":true}`,
		func(t *testing.T, o *vocab.Object) {
			assert.Equal(t, "**hi**", o.MisskeyContent)
			assert.Equal(t, "https://m.example/notes/1", o.MisskeyQuote)
			assert.Equal(t, "https://m.example/notes/1", o.QuoteURL)
			assert.Equal(t, "https://m.example/notes/1", o.QuoteURI)
			assert.Equal(t, "https://m.example/notes/1", o.Quote)
			assert.JSONEq(t, `true`, string(o.Extra["isCat"]))
		}},
	{"Public in three spellings", `{"type":"Note","to":["as:Public"],"cc":["Public","https://www.w3.org/ns/activitystreams#Public"]}`,
		func(t *testing.T, o *vocab.Object) {
			assert.Equal(t, []string{vocab.PublicIRI}, vocab.IDs(o.To))
			assert.Equal(t, []string{vocab.PublicIRI, vocab.PublicIRI}, vocab.IDs(o.Cc))
		}},
	{"bridged identifiers", `{"id":"at://did:plc:abc/app.bsky.feed.post/1","type":"Note","attributedTo":"did:plc:abc"}`,
		func(t *testing.T, o *vocab.Object) {
			assert.Equal(t, "at://did:plc:abc/app.bsky.feed.post/1", o.ID)
			assert.Equal(t, "did:plc:abc", vocab.First(o.AttributedTo).ID())
		}},
	{"JSON-LD keywords and nulls", `{"@id":"https://a.example/n/1","@type":"Note","inReplyTo":null,"summary":null,"to":[null]}`,
		func(t *testing.T, o *vocab.Object) {
			assert.Equal(t, "https://a.example/n/1", o.ID)
			assert.Equal(t, vocab.TypeNote, o.Type)
			assert.Empty(t, o.InReplyTo)
			assert.Empty(t, o.To)
		}},
	{"empty IRIs are absent", `{"id":"","type":"Note","url":"","inReplyTo":[""],"replies":""}`,
		func(t *testing.T, o *vocab.Object) {
			assert.Empty(t, o.ID)
			assert.Empty(t, o.URL)
			assert.Empty(t, o.InReplyTo)
			assert.Nil(t, o.Replies)
		}},
	{"no @context", `{"type":"Follow","actor":"https://a.example/u/1","object":"https://b.example/u/2"}`,
		func(t *testing.T, o *vocab.Object) {
			assert.Equal(t, "https://b.example/u/2", vocab.First(o.Object).ID())
			assert.Empty(t, o.LDContext)
		}},
	{"extra context entries", `{"@context":["https://www.w3.org/ns/activitystreams","https://w3id.org/security/v1",{"isCat":"misskey:isCat","misskey":"https://misskey-hub.net/ns#","vcard":"http://www.w3.org/2006/vcard/ns#"}],"type":"Person","isCat":true}`,
		func(t *testing.T, o *vocab.Object) {
			assert.Equal(t, vocab.TypePerson, o.Type)
			assert.Contains(t, o.Extra, "isCat")
		}},
	{"actor", `{"type":"Person","id":"https://a.example/u/1","inbox":"https://a.example/u/1/inbox","endpoints":{"sharedInbox":"https://a.example/inbox"},"publicKey":{"id":"https://a.example/u/1#main-key","owner":"https://a.example/u/1","publicKeyPem":"-----BEGIN PUBLIC KEY-----\nMII\n-----END PUBLIC KEY-----\n"},"assertionMethod":[{"id":"https://a.example/u/1#ed","type":"Multikey","controller":"https://a.example/u/1","publicKeyMultibase":"z6Mk"}],"alsoKnownAs":"https://b.example/u/1","manuallyApprovesFollowers":true,"attachment":[{"type":"PropertyValue","name":"Web","value":"<a>x</a>"}]}`,
		func(t *testing.T, o *vocab.Object) {
			assert.True(t, o.IsActor())
			assert.Equal(t, "https://a.example/inbox", o.Endpoints.SharedInbox)
			k := vocab.First(o.PublicKey).Object
			require.NotNil(t, k)
			assert.Equal(t, "https://a.example/u/1", k.Owner)
			assert.True(t, strings.HasPrefix(k.PublicKeyPem, "-----BEGIN PUBLIC KEY-----\n"))
			assert.Equal(t, vocab.TypeMultikey, o.AssertionMethod[0].Object.Type)
			assert.Equal(t, "z6Mk", o.AssertionMethod[0].Object.PublicKeyMultibase)
			assert.Equal(t, []string{"https://b.example/u/1"}, o.AlsoKnownAs)
			assert.True(t, *o.ManuallyApprovesFollowers)
			assert.Equal(t, "<a>x</a>", o.Attachment[0].Object.Value)
		}},
	{"embedded collection where an IRI is usual", `{"type":"Person","followers":{"id":"https://a.example/u/1/followers","type":"OrderedCollection","totalItems":3}}`,
		func(t *testing.T, o *vocab.Object) {
			assert.Equal(t, "https://a.example/u/1/followers", o.Followers)
			assert.Contains(t, o.Extra, "followers")
		}},
	{"question", `{"type":"Question","oneOf":[{"type":"Note","name":"a","replies":{"type":"Collection","totalItems":2}}],"votersCount":2,"closed":"2024-01-01T00:00:00Z","endTime":"2024-01-01T00:00:00Z"}`,
		func(t *testing.T, o *vocab.Object) {
			assert.Equal(t, "a", o.OneOf[0].Object.Name)
			assert.Equal(t, int64(2), *o.OneOf[0].Object.Replies.Object.TotalItems)
			assert.Equal(t, int64(2), *o.VotersCount)
			assert.Equal(t, 2024, o.EndTime.Year())
		}},
	{"escapes", `{"type":"Note","content":"a\"b\\c\u00e9\ud83d\ude00\n"}`,
		func(t *testing.T, o *vocab.Object) {
			assert.Equal(t, "a\"b\\cé😀\n", o.Content)
		}},
	// A property given twice keeps its last value, whatever its kind: lists
	// do not accumulate both (a reader that takes the last one, as JSON
	// parsers elsewhere do, must see the audience we deliver to).
	{"repeated to", `{"type":"Note","to":["https://a.example/1"],"to":["https://a.example/2"]}`,
		func(t *testing.T, o *vocab.Object) {
			assert.Equal(t, []string{"https://a.example/2"}, vocab.IDs(o.To))
		}},
	{"repeated to in two spellings", `{"type":"Note","to":"https://a.example/1","as:to":"https://a.example/2"}`,
		func(t *testing.T, o *vocab.Object) {
			assert.Equal(t, []string{"https://a.example/2"}, vocab.IDs(o.To))
		}},
	{"repeated type", `{"type":"Note","type":"Article"}`,
		func(t *testing.T, o *vocab.Object) {
			assert.Equal(t, vocab.TypeArticle, o.Type)
			assert.Empty(t, o.MoreTypes)
		}},
	{"repeated rel and focalPoint", `{"type":"Link","rel":"a","rel":"b","focalPoint":[1,1],"focalPoint":[0,0]}`,
		func(t *testing.T, o *vocab.Object) {
			assert.Equal(t, []string{"b"}, o.Rel)
			assert.Equal(t, []float64{0, 0}, o.FocalPoint)
		}},
	{"repeated alsoKnownAs", `{"type":"Person","alsoKnownAs":[{"id":"https://a.example/1"}],"alsoKnownAs":"https://a.example/2"}`,
		func(t *testing.T, o *vocab.Object) {
			assert.Equal(t, []string{"https://a.example/2"}, o.AlsoKnownAs)
			assert.NotContains(t, o.Extra, "alsoKnownAs")
		}},
	{"repeated followers, embedded then IRI", `{"type":"Person","followers":{"id":"https://a.example/f1"},"followers":"https://a.example/f2"}`,
		func(t *testing.T, o *vocab.Object) {
			assert.Equal(t, "https://a.example/f2", o.Followers)
			assert.NotContains(t, o.Extra, "followers")
		}},
}

func TestDecodeShapes(t *testing.T) {
	for _, tc := range decodeCases {
		t.Run(tc.name, func(t *testing.T) {
			o, err := vocab.Unmarshal([]byte(tc.doc))
			require.NoError(t, err)
			tc.check(t, o)
			// And it survives a round trip.
			out, err := vocab.Marshal(o)
			require.NoError(t, err)
			o2, err := vocab.Unmarshal(out)
			require.NoError(t, err, "%s", out)
			o2.LDContext = o.LDContext
			assert.Equal(t, o, o2)
		})
	}
}

// errorCases are bad documents and the sentinel each must fail with.
var errorCases = []struct {
	name string
	doc  string
	want error
	path string
}{
	{"not JSON", `{"type":`, vocab.ErrInvalidJSON, "type"},
	{"trailing data", `{} {}`, vocab.ErrInvalidJSON, ""},
	{"trailing comma", `{"type":"Note",}`, vocab.ErrInvalidJSON, ""},
	{"top-level array", `[{"type":"Note"}]`, vocab.ErrNotObject, ""},
	{"empty", ``, vocab.ErrInvalidJSON, ""},
	{"a string", `"x"`, vocab.ErrNotObject, ""},
	{"garbage value", `{"type":Note}`, vocab.ErrInvalidJSON, "type"},
	{"content is a number", `{"type":"Note","content":42}`, vocab.ErrWrongType, "content"},
	{"to holds a number", `{"type":"Note","to":[1]}`, vocab.ErrWrongType, "to[0]"},
	{"sensitive is a string", `{"type":"Note","sensitive":"yes"}`, vocab.ErrWrongType, "sensitive"},
	{"relative id", `{"id":"/notes/1","type":"Note"}`, vocab.ErrInvalidIRI, "id"},
	{"non-http IRI", `{"type":"Note","object":{"attributedTo":"ftp://a.example/u"}}`, vocab.ErrInvalidIRI, "object.attributedTo"},
	{"IRI with space", `{"type":"Note","tag":[{"type":"Note","id":"https://a.example/a b"}]}`, vocab.ErrInvalidIRI, "tag[0].id"},
	{"bad date", `{"type":"Note","published":"yesterday"}`, vocab.ErrInvalidValue, "published"},
	{"invalid UTF-8", "{\"type\":\"Note\",\"content\":\"\xff\"}", vocab.ErrInvalidUTF8, "content"},
	{"control character", "{\"type\":\"Note\",\"content\":\"a\x01\"}", vocab.ErrInvalidJSON, "content"},
	{"too deep", strings.Repeat(`{"object":`, 70) + `{}` + strings.Repeat(`}`, 70), vocab.ErrTooDeep, ""},
	{"unknown context URL", `{"@context":"https://evil.example/ctx","type":"Note"}`, vocab.ErrUnknownContext, "@context"},
	{"term redefined", `{"@context":["https://www.w3.org/ns/activitystreams",{"sensitive":"https://x.example/ns#nsfw"}],"type":"Note","sensitive":true}`, vocab.ErrNeedsJSONLD, "@context"},
	{"content redefined", `{"@context":["https://www.w3.org/ns/activitystreams",{"content":{"@id":"https://x.example/ns#body"}}],"type":"Note","content":"x"}`, vocab.ErrNeedsJSONLD, "@context"},
	{"@id aliased", `{"@context":["https://www.w3.org/ns/activitystreams",{"uri":"@id"}],"uri":"https://a.example/n/1","type":"Note"}`, vocab.ErrNeedsJSONLD, "@context"},
	{"unknown term onto AS", `{"@context":["https://www.w3.org/ns/activitystreams",{"body":"as:content"}],"type":"Note","body":"x"}`, vocab.ErrNeedsJSONLD, "@context"},
	{"prefix redefined", `{"@context":["https://www.w3.org/ns/activitystreams",{"toot":"https://x.example/ns#"}],"type":"toot:Emoji"}`, vocab.ErrNeedsJSONLD, "@context"},
}

func TestDecodeErrors(t *testing.T) {
	for _, tc := range errorCases {
		t.Run(tc.name, func(t *testing.T) {
			o, err := vocab.Unmarshal([]byte(tc.doc))
			require.Error(t, err)
			assert.Nil(t, o)
			assert.ErrorIs(t, err, tc.want)
			var de *vocab.DecodeError
			require.ErrorAs(t, err, &de)
			if tc.path != "" || tc.want != vocab.ErrTooDeep {
				assert.Equal(t, tc.path, de.Path)
			}
			assert.True(t, strings.HasPrefix(err.Error(), "vocab: "), err.Error())
		})
	}
}

func TestDecodeBounds(t *testing.T) {
	d := vocab.Decoder{MaxDepth: 3, MaxArrayLen: 2, MaxBytes: 100}
	ctx := context.Background()
	_, err := d.Decode(ctx, []byte(`{"to":["https://a.example/1","https://a.example/2","https://a.example/3"]}`))
	assert.ErrorIs(t, err, vocab.ErrTooLong)
	_, err = d.Decode(ctx, []byte(`{"object":{"object":{"object":{}}}}`))
	assert.ErrorIs(t, err, vocab.ErrTooDeep)
	_, err = d.Decode(ctx, []byte(`{"content":"`+strings.Repeat("x", 100)+`"}`))
	assert.ErrorIs(t, err, vocab.ErrTooLarge)
	_, err = d.Decode(ctx, []byte(`{"object":{"object":{}}}`))
	assert.NoError(t, err)

	// Objects are counted across the whole document, kept or not.
	d = vocab.Decoder{MaxObjects: 3}
	_, err = d.Decode(ctx, []byte(`{"tag":[{},{}]}`))
	assert.NoError(t, err)
	_, err = d.Decode(ctx, []byte(`{"tag":[{},{}],"attachment":{}}`))
	assert.ErrorIs(t, err, vocab.ErrTooManyObjects)
	_, err = d.Decode(ctx, []byte(`{"tag":[{},{}],"tag":[{}]}`))
	assert.ErrorIs(t, err, vocab.ErrTooManyObjects)
}

// The default bounds keep a document's memory proportional to its size:
// two-byte "{}" objects, each becoming a 1.7 KB Object, run out at the
// object bound long before hundreds of megabytes are taken.
func TestDecodeManySmallObjects(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"type":"Note"`)
	for b.Len() < vocab.DefaultMaxBytes-40000 {
		b.WriteString(`,"tag":[{}` + strings.Repeat(`,{}`, 9999) + `]`)
	}
	b.WriteString(`}`)
	_, err := vocab.Unmarshal([]byte(b.String()))
	assert.ErrorIs(t, err, vocab.ErrTooManyObjects)
}

func TestDecodeNormalizeHook(t *testing.T) {
	doc := []byte(`{"@context":["https://www.w3.org/ns/activitystreams",{"body":"as:content"}],"type":"Note","body":"x"}`)
	var calls int
	d := vocab.Decoder{Normalize: func(_ context.Context, in []byte) ([]byte, error) {
		calls++
		assert.Equal(t, doc, in)
		return []byte(`{"@context":` + vocab.DefaultContext + `,"type":"Note","content":"x"}`), nil
	}}
	o, err := d.Decode(context.Background(), doc)
	require.NoError(t, err)
	assert.Equal(t, "x", o.Content)
	assert.Equal(t, 1, calls)

	// Ordinary documents never reach the hook.
	_, err = d.Decode(context.Background(), []byte(`{"@context":"https://www.w3.org/ns/activitystreams","type":"Note"}`))
	require.NoError(t, err)
	assert.Equal(t, 1, calls)

	// A failing hook is reported with the reason normalization was needed.
	boom := errors.New("boom")
	d.Normalize = func(context.Context, []byte) ([]byte, error) { return nil, boom }
	_, err = d.Decode(context.Background(), doc)
	assert.ErrorIs(t, err, boom)
	assert.ErrorIs(t, err, vocab.ErrNeedsJSONLD)
}

// A nil *Decoder, as a config struct might hold, decodes like a zero one.
func TestNilDecoder(t *testing.T) {
	var d *vocab.Decoder
	o, err := d.Decode(context.Background(), []byte(`{"type":"Note"}`))
	require.NoError(t, err)
	assert.Equal(t, vocab.TypeNote, o.Type)
}

func TestObjectJSONInterfaces(t *testing.T) {
	var o vocab.Object
	require.NoError(t, o.UnmarshalJSON([]byte(`{"type":"Note","content":"x"}`)))
	assert.Equal(t, "x", o.Content)
	out, err := o.MarshalJSON()
	require.NoError(t, err)
	assert.Contains(t, string(out), `"content":"x"`)
	assert.Error(t, o.UnmarshalJSON([]byte(`[]`)))
}

func FuzzDecode(f *testing.F) {
	for _, tc := range decodeCases {
		f.Add([]byte(tc.doc))
	}
	for _, tc := range errorCases {
		f.Add([]byte(tc.doc))
	}
	for _, d := range corpus.All() {
		f.Add(d.Data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		o, err := vocab.Unmarshal(data)
		if err != nil {
			var de *vocab.DecodeError
			require.ErrorAs(t, err, &de)
			return
		}
		out, err := vocab.Marshal(o)
		require.NoError(t, err)
		o2, err := vocab.Unmarshal(out)
		require.NoError(t, err, "%s", out)
		out2, err := vocab.Marshal(o2)
		require.NoError(t, err)
		require.Equal(t, string(out), string(out2))
	})
}

// The caller's buffer is free once Decode returns.
func TestDecodeDoesNotRetainInput(t *testing.T) {
	buf := []byte(`{"@context":"https://www.w3.org/ns/activitystreams","id":"https://a.example/n/1","type":"Note","content":"hi \u00e9","x":{"y":1}}`)
	o, err := vocab.Unmarshal(buf)
	require.NoError(t, err)
	for i := range buf {
		buf[i] = 'X'
	}
	assert.Equal(t, "https://a.example/n/1", o.ID)
	assert.Equal(t, "hi é", o.Content)
	assert.JSONEq(t, `{"y":1}`, string(o.Extra["x"]))
	assert.Equal(t, `"https://www.w3.org/ns/activitystreams"`, string(o.LDContext))
}

// FuzzDecodeBounded drives the bound checks: tight limits must fail cleanly
// with a *DecodeError, never panic, and never let an over-limit value by.
func FuzzDecodeBounded(f *testing.F) {
	for _, tc := range decodeCases {
		f.Add([]byte(tc.doc))
	}
	for _, tc := range errorCases {
		f.Add([]byte(tc.doc))
	}
	d := vocab.Decoder{MaxDepth: 4, MaxArrayLen: 3, MaxBytes: 512, MaxObjects: 6}
	f.Fuzz(func(t *testing.T, data []byte) {
		o, err := d.Decode(context.Background(), data)
		if err != nil {
			var de *vocab.DecodeError
			require.ErrorAs(t, err, &de)
			return
		}
		require.LessOrEqual(t, len(data), 512)
		require.LessOrEqual(t, len(o.To), 3)
	})
}
