package jsonld_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/starling-fed/starling/activitypub/jsonld"
)

// By default a context the package does not embed is refused without any
// request; a host that must accept such documents supplies the context in
// Extra or, as a last resort, allows fetching it.
func ExampleLoader() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/ld+json")
		fmt.Fprint(w, `{"@context": {"cw": "https://www.w3.org/ns/activitystreams#sensitive"}}`)
	}))
	defer srv.Close()
	doc := []byte(`{
	  "@context": ["https://www.w3.org/ns/activitystreams", "` + srv.URL + `/ns.jsonld"],
	  "type": "Note",
	  "cw": true
	}`)

	offline := &jsonld.Processor{}
	_, err := offline.Compact(context.Background(), doc)
	fmt.Println("offline refused:", errors.Is(err, jsonld.ErrContextNotAllowed))

	extra := &jsonld.Processor{Loader: &jsonld.Loader{Extra: map[string][]byte{
		srv.URL + "/ns.jsonld": []byte(`{"@context": {"cw": "https://www.w3.org/ns/activitystreams#sensitive"}}`),
	}}}
	out, err := extra.Compact(context.Background(), doc)
	fmt.Println("with Extra:", out["sensitive"], err)

	online := &jsonld.Processor{Loader: &jsonld.Loader{InsecureAllowNetwork: true, HTTPClient: srv.Client()}}
	out, err = online.Compact(context.Background(), doc)
	fmt.Println("fetched:", out["sensitive"], err)
	// Output:
	// offline refused: true
	// with Extra: true <nil>
	// fetched: true <nil>
}
