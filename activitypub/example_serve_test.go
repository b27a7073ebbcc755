package activitypub_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/starling-fed/starling/activitypub"
	"github.com/starling-fed/starling/store/memory"
)

// An app with its own pages mounts the Federation in front of them: peers
// asking for ActivityPub get the actor document, browsers get the app's
// profile page from the same URL.
func ExampleFederation_Handler() {
	var handler http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	defer srv.Close()

	ctx := context.Background()
	fed, err := activitypub.New(activitypub.Config{
		Origin:                        srv.URL,
		Store:                         memory.New(),
		InsecureAllowPrivateAddresses: true, // a loopback demo
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := fed.CreateActor(ctx, activitypub.Actor{Username: "alice", Name: "Alice"}); err != nil {
		log.Fatal(err)
	}

	pages := http.NewServeMux()
	pages.HandleFunc("GET /users/{name}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "<h1>%s's profile</h1>", r.PathValue("name"))
	})
	handler = fed.Handler(pages)

	for _, accept := range []string{"text/html", "application/activity+json"} {
		req, _ := http.NewRequest(http.MethodGet, fed.ActorIRI("alice"), nil)
		req.Header.Set("Accept", accept)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if accept == "text/html" {
			fmt.Println(string(body))
		} else {
			fmt.Println(resp.Header.Get("Content-Type"), len(body) > 0)
		}
	}
	// Output:
	// <h1>alice's profile</h1>
	// application/activity+json true
}

// Each piece can be mounted alone on the host's own ServeMux, under the
// paths of Config.Paths.
func ExampleFederation_ActorHandler() {
	var handler http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	defer srv.Close()

	fed, err := activitypub.New(activitypub.Config{Origin: srv.URL, Store: memory.New(), InsecureAllowPrivateAddresses: true})
	if err != nil {
		log.Fatal(err)
	}
	if err := fed.CreateActor(context.Background(), activitypub.Actor{Username: "alice"}); err != nil {
		log.Fatal(err)
	}

	mux := http.NewServeMux()
	mux.Handle("/users/{name}", fed.ActorHandler(nil))
	mux.Handle("/actor", fed.ActorHandler(nil))
	mux.Handle("GET /users/{name}/{collection}", fed.CollectionsHandler())
	mux.Handle("GET /objects/{id}", fed.ObjectHandler(nil))
	mux.Handle("GET /.well-known/webfinger", fed.WebFingerHandler())
	mux.Handle("GET /.well-known/host-meta", fed.HostMetaHandler())
	mux.Handle("GET /.well-known/nodeinfo", fed.NodeInfoHandler())
	mux.Handle("GET /nodeinfo/", fed.NodeInfoHandler())
	mux.Handle("POST /users/{name}/inbox", fed.InboxHandler())
	mux.Handle("POST /inbox", fed.InboxHandler())
	mux.Handle("POST /actor/inbox", fed.InboxHandler())
	handler = mux
	if err := fed.Start(context.Background()); err != nil {
		log.Fatal(err)
	}
	defer fed.Shutdown(context.Background())

	for _, path := range []string{"/users/alice", "/users/alice/followers", "/users/bob", "/.well-known/nodeinfo"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			log.Fatal(err)
		}
		resp.Body.Close()
		fmt.Println(path, resp.StatusCode)
	}
	// An unsigned POST reaches the inbox, which asks for a signature.
	resp, err := http.Post(srv.URL+"/inbox", activitypub.ContentType, strings.NewReader(`{}`))
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println("/inbox", resp.StatusCode)
	// Output:
	// /users/alice 200
	// /users/alice/followers 200
	// /users/bob 404
	// /.well-known/nodeinfo 200
	// /inbox 401
}
