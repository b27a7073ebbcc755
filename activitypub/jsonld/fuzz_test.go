package jsonld_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/starling-fed/starling/activitypub/jsonld"
	"github.com/starling-fed/starling/activitypub/vocab"
)

// fuzzSeeds are small documents covering the shapes the tables exercise.
var fuzzSeeds = []string{
	smallNote,
	unusualNote,
	`{"id":"https://a.example/1","type":"Note","content":"plain"}`,
	`{"@context":"https://www.w3.org/ns/activitystreams","to":["as:Public"],"cc":"Public","type":["Note"]}`,
	`{"@context":["https://www.w3.org/ns/activitystreams","https://w3id.org/security/v1"],"publicKey":{"id":"https://a.example/u#k","owner":"https://a.example/u","publicKeyPem":"x"}}`,
	`{"@context":["https://join-lemmy.org/context.json","https://www.w3.org/ns/activitystreams"],"type":"Page","stickied":true}`,
	`{"@context":["https://www.w3.org/ns/activitystreams","https://a.example/schemas/litepub-0.1.jsonld",{"@language":"und"}],"type":"EmojiReact","content":"x"}`,
	`{"@context":{"@version":1.1,"@import":"https://www.w3.org/ns/activitystreams","x":"http://x.example/#x"},"x":1}`,
	`{"@context":{"@version":1.1,"a":{"@id":"http://x.example/#a","@context":{"b":"http://x.example/#b"}}},"a":{"b":1}}`,
	`{"@context":{"@protected":true,"a":"http://x.example/#a"},"a":{"@context":null}}`,
	`{"@context":{"l":{"@id":"http://x.example/#l","@container":"@list"}},"l":[1,[2],{"@value":3}]}`,
	`{"@context":{"m":{"@id":"http://x.example/#m","@container":"@language"}},"m":{"en":"a","fr":["b"]}}`,
	`{"@context":{"g":{"@id":"http://x.example/#g","@container":"@graph"}},"g":{"@id":"_:b0"}}`,
	`{"@context":"https://unknown.example/ns","id":"x"}`,
	`{"@context":5}`,
	`[{"@id":"_:a","http://x.example/#p":{"@id":"_:b"}},{"@id":"_:b","http://x.example/#p":{"@id":"_:a"}}]`,
	`{"@graph":[{"@id":"http://x.example/a"}],"@included":[{"@id":"http://x.example/b"}]}`,
	`{"@reverse":{"http://x.example/#p":{"@id":"http://x.example/a"}}}`,
	`{"@context":{"@vocab":"http://x.example/#","@base":"http://b.example/"},"@id":"rel","@type":"T","v":{"@value":"1","@type":"http://www.w3.org/2001/XMLSchema#integer"}}`,
	`{"a":` + strings.Repeat(`[`, 30) + strings.Repeat(`]`, 30) + `}`,
	`{"@context":{"@protected":"yes"}}`,
	`{"@context":[null,{"@propagate":false}],"@type":"@json"}`,
	`{}`,
	`[]`,
	`{`,
}

// FuzzNormalize checks that no input makes Normalize panic, and that
// whatever it accepts comes out as JSON carrying the canonical context.
func FuzzNormalize(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	var want any
	if err := json.Unmarshal([]byte(vocab.DefaultContext), &want); err != nil {
		f.Fatal(err)
	}
	p := &jsonld.Processor{MaxBytes: 64 << 10, MaxDepth: 32}
	f.Fuzz(func(t *testing.T, doc []byte) {
		out, err := p.Normalize(context.Background(), doc)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "jsonld: ") {
				t.Fatalf("error without package prefix: %v", err)
			}
			return
		}
		var m map[string]any
		if err := json.Unmarshal(out, &m); err != nil {
			t.Fatalf("normalized output is not a JSON object: %v\n%s", err, out)
		}
		if _, ok := m["@context"]; !ok {
			t.Fatalf("normalized output lacks @context: %s", out)
		}
	})
}

// FuzzExpand checks that no input makes Expand or Canonicalize panic.
func FuzzExpand(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	p := &jsonld.Processor{MaxBytes: 64 << 10, MaxDepth: 32}
	f.Fuzz(func(t *testing.T, doc []byte) {
		if _, err := p.Expand(context.Background(), doc); err != nil {
			return
		}
		_, _ = p.Canonicalize(context.Background(), doc)
	})
}
