package activitypub_test

import (
	"context"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/starling-fed/starling/activitypub"
	"github.com/starling-fed/starling/activitypub/vocab"
)

// Handling an incoming reply: the Create hook sees every post addressed to
// a local actor, with its object already checked against its origin.
func ExampleHooks_reply() {
	ctx := context.Background()
	replies := make(chan string, 1)
	var alices, bobs *activitypub.Federation
	alices, stopA := publishingServer(ctx, "alice", activitypub.Hooks{
		Create: func(ctx context.Context, in *activitypub.Inbound) error {
			reply := in.Object
			if reply == nil || len(reply.InReplyTo) == 0 || !alices.IsLocal(reply.InReplyTo[0].ID()) {
				return nil // not a reply to one of ours
			}
			author := vocab.First(reply.AttributedTo).ID()
			replies <- fmt.Sprintf("%s replied: %s", strings.TrimPrefix(author, bobs.Origin()), reply.Content)
			return nil
		},
	})
	defer stopA()
	var stopB func()
	bobs, stopB = publishingServer(ctx, "bob", activitypub.Hooks{})
	defer stopB()

	post, err := alices.Publish(ctx, "alice", vocab.NewNote("", alices.ActorIRI("alice"), "<p>Anyone there?</p>", time.Now()))
	if err != nil {
		log.Fatal(err)
	}
	if _, err := bobs.Reply(ctx, "bob", vocab.First(post.Object).ID(), "<p>Here!</p>"); err != nil {
		log.Fatal(err)
	}
	select {
	case r := <-replies:
		fmt.Println(r)
	case <-time.After(10 * time.Second):
		fmt.Println("no reply")
	}
	// Output: /users/bob replied: <p>Here!</p>
}
