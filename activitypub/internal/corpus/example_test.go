package corpus_test

import (
	"encoding/json"
	"fmt"

	"github.com/starling-fed/starling/activitypub/internal/corpus"
)

// Look a document up by name and check a decoder against its Expect.
func ExampleGet() {
	d, ok := corpus.Get("mastodon-accept-follow")
	if !ok {
		fmt.Println("missing")
		return
	}
	var doc struct {
		Type   string `json:"type"`
		Object struct {
			ID   string `json:"id"`
			Type string `json:"type"`
		} `json:"object"`
	}
	if err := json.Unmarshal(d.Data, &doc); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Software, d.Kind, doc.Type, doc.Object.Type)
	fmt.Println(doc.Object.ID == d.Expect.Object)
	// Output:
	// mastodon activity Accept Follow
	// true
}

// Select the documents of one server.
func ExampleAll() {
	n := 0
	for _, d := range corpus.All() {
		if d.Software == corpus.Mastodon && d.Kind == corpus.KindActor {
			n++
		}
	}
	fmt.Println(n > 0)
	// Output:
	// true
}
