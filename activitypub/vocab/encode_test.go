package vocab_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/vocab"
)

func TestMarshalShape(t *testing.T) {
	f := false
	o := &vocab.Object{
		ID: "https://a.example/n/1", Type: vocab.TypeNote, Content: "x",
		To:        []vocab.Ref{vocab.IRIRef("as:Public")},
		Tag:       []vocab.Ref{vocab.ObjectRef(&vocab.Object{Type: vocab.TypeHashtag, Href: "https://a.example/t/x", Name: "#x"})},
		InReplyTo: []vocab.Ref{vocab.IRIRef("https://b.example/n/2")},
		Sensitive: &f,
		Extra:     map[string]json.RawMessage{"zeta": json.RawMessage(`1`), "alpha": json.RawMessage(`{"b":2}`)},
	}
	out, err := vocab.Marshal(o)
	require.NoError(t, err)
	s := string(out)
	assert.True(t, strings.HasPrefix(s, `{"@context":`+vocab.DefaultContext+`,"id":`), s)
	assert.Contains(t, s, `"to":["https://www.w3.org/ns/activitystreams#Public"]`)
	assert.Contains(t, s, `"tag":[{"type":"Hashtag"`)
	assert.Contains(t, s, `"inReplyTo":"https://b.example/n/2"`)
	assert.Contains(t, s, `"sensitive":false`)
	assert.Less(t, strings.Index(s, `"alpha"`), strings.Index(s, `"zeta"`))
	assert.True(t, json.Valid(out))
	// Embedded objects carry no context.
	assert.Equal(t, 1, strings.Count(s, "@context"))
}

func TestMarshalStrings(t *testing.T) {
	o := &vocab.Object{Content: "a\"b\\c\n\t\x01<&>\u2028é\xff"}
	out, err := vocab.Marshal(o)
	require.NoError(t, err)
	var back struct{ Content string }
	require.NoError(t, json.Unmarshal(out, &back))
	assert.Equal(t, "a\"b\\c\n\t\x01<&>\u2028é\uFFFD", back.Content)
}

func TestMarshalErrors(t *testing.T) {
	_, err := vocab.Marshal(&vocab.Object{Extra: map[string]json.RawMessage{"x": json.RawMessage(`{`)}})
	assert.ErrorIs(t, err, vocab.ErrInvalidExtra)
	_, err = vocab.Marshal(&vocab.Object{LDContext: json.RawMessage(`[`)})
	assert.ErrorIs(t, err, vocab.ErrInvalidExtra)
	loop := &vocab.Object{Type: vocab.TypeNote}
	loop.InReplyTo = []vocab.Ref{vocab.ObjectRef(loop)}
	_, err = vocab.Marshal(loop)
	assert.ErrorIs(t, err, vocab.ErrCycle)
	nan := math.NaN()
	_, err = vocab.Marshal(&vocab.Object{Latitude: &nan})
	assert.Error(t, err)
}

func TestMarshalKeepsOwnContext(t *testing.T) {
	o, err := vocab.Unmarshal([]byte(`{"@context":["https://www.w3.org/ns/activitystreams",{"isCat":"misskey:isCat"}],"type":"Person","isCat":true}`))
	require.NoError(t, err)
	out, err := vocab.Marshal(o)
	require.NoError(t, err)
	assert.Equal(t, `{"@context":["https://www.w3.org/ns/activitystreams",{"isCat":"misskey:isCat"}],"type":"Person","isCat":true}`, string(out))
}

func TestMarshalNil(t *testing.T) {
	_, err := vocab.Marshal(nil)
	assert.ErrorIs(t, err, vocab.ErrNilObject)
	out, err := json.Marshal(struct {
		O *vocab.Object `json:"o"`
	}{})
	require.NoError(t, err)
	assert.Equal(t, `{"o":null}`, string(out))
	var o *vocab.Object
	out, err = o.MarshalJSON()
	require.NoError(t, err)
	assert.Equal(t, "null", string(out))
}

// An "@context" set through Extra is still written first, once, and the
// document stays valid JSON.
func TestMarshalContextInExtra(t *testing.T) {
	o := &vocab.Object{Type: vocab.TypeNote, LDContext: json.RawMessage(`"https://ignored.example"`),
		Extra: map[string]json.RawMessage{"@context": json.RawMessage(`"https://www.w3.org/ns/activitystreams"`)}}
	out, err := vocab.Marshal(o)
	require.NoError(t, err)
	assert.Equal(t, `{"@context":"https://www.w3.org/ns/activitystreams","type":"Note"}`, string(out))
}

// Dates go out in UTC, as Mastodon writes them, whatever zone they were
// built in.
func TestMarshalTimesInUTC(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	o := &vocab.Object{Type: vocab.TypeNote, Published: time.Date(2024, 1, 1, 13, 0, 0, 0, cet),
		Updated: time.Date(2024, 1, 1, 13, 0, 0, 5e8, cet)}
	out, err := vocab.Marshal(o)
	require.NoError(t, err)
	assert.Contains(t, string(out), `"published":"2024-01-01T12:00:00Z"`)
	assert.Contains(t, string(out), `"updated":"2024-01-01T12:00:00.5Z"`)
	_, err = vocab.Marshal(&vocab.Object{Published: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)})
	assert.ErrorIs(t, err, vocab.ErrInvalidTime)
}

// Empty references are left out rather than written as "".
func TestMarshalSkipsZeroRefs(t *testing.T) {
	o := &vocab.Object{Type: vocab.TypeNote, To: []vocab.Ref{{}, vocab.IRIRef("https://b.example/u")},
		Tag: []vocab.Ref{{}}, InReplyTo: []vocab.Ref{{}, vocab.IRIRef("https://b.example/n")}, Replies: &vocab.Ref{}}
	o.LDContext = json.RawMessage(`"https://www.w3.org/ns/activitystreams"`)
	out, err := vocab.Marshal(o)
	require.NoError(t, err)
	assert.Equal(t, `{"@context":"https://www.w3.org/ns/activitystreams","type":"Note","inReplyTo":"https://b.example/n","to":["https://b.example/u"]}`, string(out))
}

// An actor as Mastodon reads it: the security context declared for
// publicKey, the key embedded with id, owner and PEM, endpoints.sharedInbox,
// profile fields as an array of PropertyValue, flags as booleans.
func TestMarshalActorShape(t *testing.T) {
	const me = "https://a.example/users/alice"
	yes, no := true, false
	p := &vocab.Object{ID: me, Type: vocab.TypePerson, PreferredUsername: "alice", Name: "Alice",
		Inbox: me + "/inbox", Outbox: me + "/outbox", Followers: me + "/followers", Following: me + "/following",
		Featured: me + "/collections/featured", Endpoints: &vocab.Object{SharedInbox: "https://a.example/inbox"},
		PublicKey: []vocab.Ref{vocab.ObjectRef(&vocab.Object{ID: me + "#main-key", Owner: me,
			PublicKeyPem: "-----BEGIN PUBLIC KEY-----\nMII\n-----END PUBLIC KEY-----\n"})},
		ManuallyApprovesFollowers: &no, Discoverable: &yes,
		Attachment: []vocab.Ref{vocab.ObjectRef(&vocab.Object{Type: vocab.TypePropertyValue, Name: "Web",
			Value: `<a href="https://a.example">a.example</a>`})},
	}
	out, err := vocab.Marshal(p)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(out, &doc))
	ctx := doc["@context"].([]any)
	assert.Equal(t, []any{vocab.ActivityStreamsContext, vocab.SecurityContext}, ctx[:2])
	ext := ctx[2].(map[string]any)
	assert.Equal(t, "as:manuallyApprovesFollowers", ext["manuallyApprovesFollowers"])
	assert.Equal(t, "toot:discoverable", ext["discoverable"])
	assert.Equal(t, "http://schema.org#", ext["schema"])
	assert.Equal(t, map[string]any{"@id": "toot:featured", "@type": "@id"}, ext["featured"])
	assert.Equal(t, map[string]any{"id": me + "#main-key", "owner": me,
		"publicKeyPem": "-----BEGIN PUBLIC KEY-----\nMII\n-----END PUBLIC KEY-----\n"}, doc["publicKey"])
	assert.Equal(t, map[string]any{"sharedInbox": "https://a.example/inbox"}, doc["endpoints"])
	assert.Equal(t, false, doc["manuallyApprovesFollowers"])
	assert.Equal(t, true, doc["discoverable"])
	assert.Equal(t, []any{map[string]any{"type": "PropertyValue", "name": "Web",
		"value": `<a href="https://a.example">a.example</a>`}}, doc["attachment"])
	assert.NotContains(t, doc, "summary")
}
