package webfinger_test

import (
	"context"
	"crypto/x509"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/starling-fed/starling/webfinger"
)

// Resolve an address as people type it to the actor's id. A real client
// is the zero webfinger.Client; this one trusts a test server on loopback.
func ExampleClient_Resolve() {
	mux := http.NewServeMux()
	srv := httptest.NewTLSServer(mux)
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "https://")
	mux.Handle("GET "+webfinger.WellKnownPath, &webfinger.Handler{
		Lookup: func(_ context.Context, r webfinger.Resource) (*webfinger.JRD, error) {
			if r.URI != "acct:alice@"+host {
				return nil, webfinger.ErrNotFound
			}
			return webfinger.NewActorJRD(r.URI, srv.URL+"/users/alice", srv.URL+"/@alice", ""), nil
		},
	})

	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	tlsConfig := srv.Client().Transport.(*http.Transport).TLSClientConfig
	tlsConfig.RootCAs = roots
	client := &webfinger.Client{
		InsecureAllowPrivateAddresses: true, // the test server is on loopback
		TLSConfig:                     tlsConfig,
	}

	res, err := client.Resolve(context.Background(), "@alice@"+host)
	if err != nil {
		fmt.Println(err)
		return
	}
	actor, _ := url.Parse(res.Actor)
	fmt.Println("actor path:", actor.Path)
	fmt.Println("account is on the server's host:", res.Account() == "alice@"+host)
	// Output:
	// actor path: /users/alice
	// account is on the server's host: true
}
