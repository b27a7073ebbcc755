package jsonld_test

import (
	"context"
	"fmt"

	"github.com/starling-fed/starling/activitypub/jsonld"
	"github.com/starling-fed/starling/activitypub/vocab"
)

// Plug a Processor into vocab's decoder: documents with ordinary contexts
// decode directly, and only those that redefine terms go through JSON-LD.
func ExampleProcessor_Normalize() {
	p := &jsonld.Processor{} // offline: embedded contexts only
	dec := vocab.Decoder{Normalize: p.Normalize}

	doc := []byte(`{
	  "@context": ["https://www.w3.org/ns/activitystreams", {"cw": "as:sensitive"}],
	  "id": "https://odd.example/notes/1",
	  "type": "Note",
	  "content": "spoilers",
	  "cw": true
	}`)
	note, err := dec.Decode(context.Background(), doc)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(note.Type, note.Content, *note.Sensitive)
	// Output:
	// Note spoilers true
}
