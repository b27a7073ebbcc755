package jsonld_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/starling-fed/starling/activitypub/jsonld"
)

// Expand a Note and read the IRIs its terms stand for.
func ExampleExpand() {
	note := []byte(`{
	  "@context": "https://www.w3.org/ns/activitystreams",
	  "id": "https://example.com/notes/1",
	  "type": "Note",
	  "attributedTo": "https://example.com/users/alice",
	  "content": "Hello"
	}`)
	expanded, err := jsonld.Expand(context.Background(), note)
	if err != nil {
		fmt.Println(err)
		return
	}
	n := expanded[0].(map[string]any)
	fmt.Println(n["@type"].([]any)[0])
	author := n["https://www.w3.org/ns/activitystreams#attributedTo"].([]any)[0].(map[string]any)
	fmt.Println(author["@id"])
	// Output:
	// https://www.w3.org/ns/activitystreams#Note
	// https://example.com/users/alice
}

// Normalize a document whose context calls as:sensitive "cw": the result
// uses the canonical names vocab decodes directly.
func ExampleNormalize() {
	doc := []byte(`{
	  "@context": ["https://www.w3.org/ns/activitystreams", {"cw": "as:sensitive"}],
	  "id": "https://odd.example/notes/1",
	  "type": "Note",
	  "to": "as:Public",
	  "cw": true
	}`)
	out, err := jsonld.Normalize(context.Background(), doc)
	if err != nil {
		fmt.Println(err)
		return
	}
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("sensitive:", m["sensitive"])
	fmt.Println("to:", m["to"])
	_, hasCW := m["cw"]
	fmt.Println("cw present:", hasCW)
	// Output:
	// sensitive: true
	// to: https://www.w3.org/ns/activitystreams#Public
	// cw present: false
}

// Canonicalize produces the N-Quads that Linked Data Signatures hash.
func ExampleCanonicalize() {
	doc := []byte(`{
	  "@context": "https://www.w3.org/ns/activitystreams",
	  "id": "https://example.com/notes/1",
	  "type": "Note",
	  "content": "Hello"
	}`)
	nquads, err := jsonld.Canonicalize(context.Background(), doc)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(nquads)
	// Output:
	// <https://example.com/notes/1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://www.w3.org/ns/activitystreams#Note> .
	// <https://example.com/notes/1> <https://www.w3.org/ns/activitystreams#content> "Hello" .
}
