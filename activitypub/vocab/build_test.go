package vocab_test

import (
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
