package vocab_test

import (
	"context"
	"fmt"
	"time"

	"github.com/starling-fed/starling/activitypub/vocab"
)

// An incoming Create(Note) from Mastodon: decode it, then read who sent it,
// what it carries and who may see it.
func ExampleDecoder_Decode() {
	body := []byte(`{
	  "@context": ["https://www.w3.org/ns/activitystreams",
	    {"sensitive": "as:sensitive", "Hashtag": "as:Hashtag", "toot": "http://joinmastodon.org/ns#"}],
	  "id": "https://mastodon.example/users/alice/statuses/1/activity",
	  "type": "Create",
	  "actor": "https://mastodon.example/users/alice",
	  "to": ["https://www.w3.org/ns/activitystreams#Public"],
	  "cc": ["https://mastodon.example/users/alice/followers"],
	  "object": {
	    "id": "https://mastodon.example/users/alice/statuses/1",
	    "type": "Note",
	    "attributedTo": "https://mastodon.example/users/alice",
	    "to": ["https://www.w3.org/ns/activitystreams#Public"],
	    "cc": ["https://mastodon.example/users/alice/followers"],
	    "sensitive": false,
	    "contentMap": {"en": "<p>Low tide at six.</p>"},
	    "tag": [{"type": "Hashtag", "href": "https://mastodon.example/tags/tides", "name": "#tides"}]
	  }
	}`)
	var d vocab.Decoder
	act, err := d.Decode(context.Background(), body)
	if err != nil {
		fmt.Println(err)
		return
	}
	note := vocab.First(act.Object).Object
	fmt.Println(act.Type, vocab.First(act.Actor).ID())
	fmt.Println(note.Type, note.ContentIn("en"))
	fmt.Println("visibility:", act.Visibility("https://mastodon.example/users/alice/followers"))
	fmt.Println("deliver to:", act.Recipients())
	fmt.Println("tag:", note.Tag[0].Object.Type, note.Tag[0].Object.Name)
	// Output:
	// Create https://mastodon.example/users/alice
	// Note <p>Low tide at six.</p>
	// visibility: public
	// deliver to: [https://mastodon.example/users/alice/followers]
	// tag: Hashtag #tides
}

// Build a public reply that mentions its parent's author and carries a
// hashtag, wrap it in a Create and encode it.
func ExampleNewNote() {
	const alice = "https://example.com/users/alice"
	const bob = "https://other.example/users/bob"
	published := time.Date(2024, 11, 1, 14, 3, 22, 0, time.UTC)

	note := vocab.NewNote(alice+"/notes/2", alice,
		`<p>@bob agreed! <a href="https://example.com/tags/tides" rel="tag">#tides</a></p>`, published).
		Mention(bob, "@bob@other.example").
		Hashtag("https://example.com/tags/tides", "tides").
		ReplyTo("https://other.example/notes/1")
	note.Address(vocab.VisibilityPublic, alice+"/followers", note.Mentioned()...)
	create := note.Create(alice + "/notes/2/activity")

	// Print without the (long) default context.
	create.LDContext = []byte(`"https://www.w3.org/ns/activitystreams"`)
	out, err := vocab.Marshal(create)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(out))
	// Output:
	// {"@context":"https://www.w3.org/ns/activitystreams","id":"https://example.com/users/alice/notes/2/activity","type":"Create","actor":"https://example.com/users/alice","object":{"id":"https://example.com/users/alice/notes/2","type":"Note","inReplyTo":"https://other.example/notes/1","attributedTo":"https://example.com/users/alice","published":"2024-11-01T14:03:22Z","to":["https://www.w3.org/ns/activitystreams#Public"],"cc":["https://example.com/users/alice/followers","https://other.example/users/bob"],"content":"<p>@bob agreed! <a href=\"https://example.com/tags/tides\" rel=\"tag\">#tides</a></p>","tag":[{"type":"Mention","name":"@bob@other.example","href":"https://other.example/users/bob"},{"type":"Hashtag","name":"#tides","href":"https://example.com/tags/tides"}]},"published":"2024-11-01T14:03:22Z","to":["https://www.w3.org/ns/activitystreams#Public"],"cc":["https://example.com/users/alice/followers","https://other.example/users/bob"]}
}
