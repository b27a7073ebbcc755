package webfinger_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/starling-fed/starling/webfinger"
)

// Accounts are @name@example.com while the server runs on
// social.example.com: example.com serves host-meta pointing at the server's
// WebFinger endpoint.
func ExampleHostMetaHandler() {
	hm := &webfinger.HostMetaHandler{Template: "https://social.example.com/.well-known/webfinger?resource={uri}"}
	mux := http.NewServeMux()
	mux.Handle("GET "+webfinger.HostMetaPath, hm)
	mux.Handle("GET "+webfinger.HostMetaPath+".json", hm)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	for _, path := range []string{webfinger.HostMetaPath, webfinger.HostMetaPath + ".json"} {
		resp, err := srv.Client().Get(srv.URL + path)
		if err != nil {
			panic(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println(resp.Header.Get("Content-Type"))
		fmt.Print(string(body))
	}
	// Output:
	// application/xrd+xml; charset=utf-8
	// <?xml version="1.0" encoding="UTF-8"?>
	// <XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">
	//   <Link rel="lrdd" type="application/jrd+json" template="https://social.example.com/.well-known/webfinger?resource={uri}"/>
	// </XRD>
	// application/jrd+json
	// {"links":[{"rel":"lrdd","template":"https://social.example.com/.well-known/webfinger?resource={uri}"}]}
}
