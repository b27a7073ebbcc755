package gofed_test

import (
	"context"
	"fmt"

	gfvocab "github.com/go-fed/activity/streams/vocab"

	"github.com/starling-fed/starling/activitypub/gofed"
	"github.com/starling-fed/starling/activitypub/vocab"
)

// Hand a decoded activity to code written against go-fed, and bring a
// go-fed value back.
func ExampleToType() {
	ctx := context.Background()
	follow, err := vocab.Unmarshal([]byte(`{
	  "@context": "https://www.w3.org/ns/activitystreams",
	  "id": "https://mastodon.example/follows/1",
	  "type": "Follow",
	  "actor": "https://mastodon.example/users/alice",
	  "object": "https://example.com/users/bob"
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	t, err := gofed.ToType(ctx, follow)
	if err != nil {
		fmt.Println(err)
		return
	}
	f := t.(gfvocab.ActivityStreamsFollow)
	fmt.Println(f.GetTypeName(), f.GetActivityStreamsActor().Begin().GetIRI())

	back, err := gofed.FromType(ctx, f, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(back.Type, vocab.First(back.Object).ID())
	// Output:
	// Follow https://mastodon.example/users/alice
	// Follow https://example.com/users/bob
}
