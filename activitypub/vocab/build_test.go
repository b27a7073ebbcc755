package vocab_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/vocab"
)

func TestBuildNote(t *testing.T) {
	const alice = "https://a.example/users/alice"
	const bob = "https://b.example/users/bob"
	now := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	n := vocab.NewNote(alice+"/notes/1", alice, "<p>hi</p>", now).
		Mention(bob, "@bob@b.example").
		Hashtag("https://a.example/tags/go", "go").
		CustomEmoji("https://a.example/emojis/1", "blobcat", "https://a.example/blobcat.png", "image/png").
		ContentWarning("spoilers").
		Attach(vocab.Media{URL: "https://a.example/m/1.jpg", MediaType: "image/jpeg", Alt: "a cat",
			Blurhash: "LEHV6n", Width: 640, Height: 480, FocalPoint: []float64{0, 0.5}}).
		ReplyTo("https://b.example/notes/9")
	n.Address(vocab.VisibilityFollowers, alice+"/followers", n.Mentioned()...)
	c := n.Create(alice + "/notes/1/activity")

	out, err := vocab.Marshal(c)
	require.NoError(t, err)
	back, err := vocab.Unmarshal(out)
	require.NoError(t, err)
	assert.Equal(t, vocab.DefaultContext, string(back.LDContext))
	assert.Equal(t, vocab.TypeCreate, back.Type)
	assert.Equal(t, []string{alice}, vocab.IDs(back.Actor))
	assert.Equal(t, vocab.VisibilityFollowers, back.Visibility(alice+"/followers"))

	note := back.Object[0].Object
	require.NotNil(t, note)
	assert.Equal(t, []string{bob}, note.Mentioned())
	assert.Equal(t, "spoilers", note.Summary)
	assert.True(t, *note.Sensitive)
	assert.Equal(t, []string{"https://b.example/notes/9"}, vocab.IDs(note.InReplyTo))
	require.Len(t, note.Tag, 3)
	assert.Equal(t, "#go", note.Tag[1].Object.Name)
	assert.Equal(t, vocab.TypeEmoji, note.Tag[2].Object.Type)
	assert.Equal(t, ":blobcat:", note.Tag[2].Object.Name)
	att := note.Attachment[0].Object
	assert.Equal(t, "a cat", att.Name)
	assert.Equal(t, "LEHV6n", att.Blurhash)
	assert.Equal(t, int64(640), *att.Width)
	assert.Equal(t, []float64{0, 0.5}, att.FocalPoint)
	assert.Equal(t, now, note.Published)
	// Pixelfed needs tag and attachment as arrays even when single.
	assert.Contains(t, string(out), `"attachment":[{`)
}

// What a built public reply looks like on the wire, checked the way a peer
// reads it: generic JSON, no nulls or empty strings, arrays where Mastodon
// and Pixelfed index them, UTC dates, "@"- and "#"-prefixed tag names.
func TestBuiltNoteWireShape(t *testing.T) {
	const alice = "https://a.example/users/alice"
	cet := time.FixedZone("CET", 3600)
	n := vocab.NewNote(alice+"/notes/1", alice, "<p>hi</p>", time.Date(2024, 1, 2, 4, 4, 5, 0, cet)).
		Mention("https://b.example/users/bob", "bob@b.example").
		Hashtag("https://a.example/tags/go", "go").
		Attach(vocab.Media{URL: "https://a.example/m/1.jpg", MediaType: "image/jpeg", Alt: "a cat"}).
		Language("en").
		ReplyTo("https://b.example/notes/9")
	n.Address(vocab.VisibilityPublic, alice+"/followers", n.Mentioned()...)
	out, err := vocab.Marshal(n.Create(alice + "/notes/1/activity"))
	require.NoError(t, err)

	var doc map[string]any
	require.NoError(t, json.Unmarshal(out, &doc))
	ctx, ok := doc["@context"].([]any)
	require.True(t, ok)
	assert.Equal(t, vocab.ActivityStreamsContext, ctx[0])
	assert.Equal(t, vocab.SecurityContext, ctx[1])
	note := doc["object"].(map[string]any)
	for _, m := range []map[string]any{doc, note} {
		assert.Equal(t, []any{vocab.PublicIRI}, m["to"])
		assert.IsType(t, []any{}, m["cc"])
		assert.Equal(t, "2024-01-02T03:04:05Z", m["published"])
	}
	tags := note["tag"].([]any)
	assert.Equal(t, "@bob@b.example", tags[0].(map[string]any)["name"])
	assert.Equal(t, "#go", tags[1].(map[string]any)["name"])
	assert.IsType(t, []any{}, note["attachment"])
	assert.Equal(t, map[string]any{"en": "<p>hi</p>"}, note["contentMap"])
	assert.Equal(t, "<p>hi</p>", note["content"])
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case nil:
			t.Error("null in output")
		case string:
			assert.NotEmpty(t, v)
		case []any:
			for _, e := range v {
				walk(e)
			}
		case map[string]any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(doc)
}
