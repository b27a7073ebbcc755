package activitypub_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/starling-fed/starling/activitypub"
	"github.com/starling-fed/starling/store/memory"
)

// An app with its own accounts mounts a Federation beside its own pages:
// the accounts become actors through Config.Actors, and a browser asking for
// a profile gets the app's own page.
func Example_mountExistingUsers() {
	users := map[string]string{"alice": "Alice Liddell"} // the app's own user table

	var fed *activitypub.Federation
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()

	fed, err := activitypub.New(activitypub.Config{
		Origin: srv.URL, // in production: "https://social.example.com"
		Store:  memory.New(),
		Actors: func(ctx context.Context, username string) (*activitypub.Actor, error) {
			name, ok := users[username]
			if !ok {
				return nil, activitypub.ErrNotFound
			}
			return &activitypub.Actor{Username: username, Name: name}, nil
		},
		InsecureAllowPrivateAddresses: true, // loopback, for this example only
	})
	if err != nil {
		log.Fatal(err)
	}
	pages := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "the app's own HTML page for", r.URL.Path)
	})
	mux.Handle("/", fed.Handler(pages))
	if err := fed.Start(context.Background()); err != nil {
		log.Fatal(err)
	}
	defer fed.Shutdown(context.Background())

	// A fediverse server asks for the actor.
	req, _ := http.NewRequest("GET", srv.URL+"/users/alice", nil)
	req.Header.Set("Accept", "application/activity+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	var actor struct {
		Type, Name, PreferredUsername string
		Inbox                         string
	}
	json.NewDecoder(resp.Body).Decode(&actor)
	resp.Body.Close()
	fmt.Println(resp.Header.Get("Content-Type"))
	fmt.Println(actor.Type, actor.PreferredUsername, actor.Name, strings.TrimPrefix(actor.Inbox, srv.URL))

	// A browser asks for the same URL.
	req.Header.Set("Accept", "text/html")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Print(string(page))
	// Output:
	// application/activity+json
	// Person alice Alice Liddell /users/alice/inbox
	// the app's own HTML page for /users/alice
}
