package activitypub_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/starling-fed/starling/activitypub"
	"github.com/starling-fed/starling/activitypub/vocab"
	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/memory"
)

// publishingServer starts a Federation on a loopback server with one user.
func publishingServer(ctx context.Context, user string, hooks activitypub.Hooks) (*activitypub.Federation, func()) {
	var (
		mu      sync.RWMutex
		handler http.Handler = http.NotFoundHandler()
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.RLock()
		h := handler
		mu.RUnlock()
		h.ServeHTTP(w, r)
	}))
	fed, err := activitypub.New(activitypub.Config{
		Origin:                        srv.URL,
		Store:                         memory.New(),
		Hooks:                         hooks,
		InsecureAllowPrivateAddresses: true, // a loopback demo
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := fed.CreateActor(ctx, activitypub.Actor{Username: user}); err != nil {
		log.Fatal(err)
	}
	mu.Lock()
	handler = fed.Handler(nil)
	mu.Unlock()
	if err := fed.Start(ctx); err != nil {
		log.Fatal(err)
	}
	return fed, func() {
		_ = fed.Shutdown(ctx)
		srv.Close()
	}
}

// Alice publishes a post; Bob, who follows her from another server,
// receives it.
func ExampleFederation_Publish() {
	ctx := context.Background()
	alice, stopA := publishingServer(ctx, "alice", activitypub.Hooks{})
	defer stopA()
	received := make(chan string, 1)
	bob, stopB := publishingServer(ctx, "bob", activitypub.Hooks{
		Create: func(ctx context.Context, in *activitypub.Inbound) error {
			if in.Object != nil {
				received <- in.Object.Content
			}
			return nil
		},
	})
	defer stopB()

	// Bob follows Alice; her server accepts at once.
	if _, err := bob.Follow(ctx, "bob", alice.ActorIRI("alice")); err != nil {
		log.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; {
		fl, err := bob.Store().GetFollow(ctx, bob.ActorIRI("bob"), alice.ActorIRI("alice"))
		if err == nil && fl.State == store.FollowAccepted {
			break
		}
		if time.Now().After(deadline) {
			log.Fatal("the follow was not accepted")
		}
		time.Sleep(10 * time.Millisecond)
	}

	// A post with no addressing is public, sent to Alice's followers.
	create, err := alice.Publish(ctx, "alice", vocab.NewNote("", "", "<p>Hello, fediverse!</p>", time.Time{}))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(create.Type, vocab.First(create.Object).Object.Visibility(alice.FollowersIRI("alice")))

	select {
	case content := <-received:
		fmt.Println("bob received", content)
	case <-time.After(10 * time.Second):
		log.Fatal("nothing received")
	}
	// Output:
	// Create public
	// bob received <p>Hello, fediverse!</p>
}
