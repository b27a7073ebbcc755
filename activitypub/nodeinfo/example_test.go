package nodeinfo_test

import (
	"context"
	"crypto/x509"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/starling-fed/starling/activitypub/nodeinfo"
)

// Serve NodeInfo from the host's own figures and fetch it back with the
// client, which picks the highest version offered.
func Example() {
	countUsers := func(context.Context) int64 { return 42 }

	ni := &nodeinfo.Handler{Document: func(ctx context.Context) (*nodeinfo.Document, error) {
		return &nodeinfo.Document{
			Software:          nodeinfo.Software{Name: "myapp", Version: "1.4.0"},
			Protocols:         []string{nodeinfo.ProtocolActivityPub},
			OpenRegistrations: false,
			Usage:             nodeinfo.Usage{Users: nodeinfo.Users{Total: countUsers(ctx), ActiveMonth: 10, ActiveHalfyear: 30}},
			Metadata:          map[string]any{"nodeName": "My App"},
		}, nil
	}}
	mux := http.NewServeMux()
	mux.Handle("GET "+nodeinfo.WellKnownPath, ni)
	mux.Handle("GET "+nodeinfo.DefaultPath, ni)
	srv := httptest.NewTLSServer(mux)
	defer srv.Close()

	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	tlsConfig := srv.Client().Transport.(*http.Transport).TLSClientConfig
	tlsConfig.RootCAs = roots
	client := &nodeinfo.Client{
		InsecureAllowPrivateAddresses: true, // the test server is on loopback
		TLSConfig:                     tlsConfig,
	}
	doc, err := client.Fetch(context.Background(), strings.TrimPrefix(srv.URL, "https://"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(doc.Version, doc.Software.Name, doc.Software.Version, doc.Usage.Users.Total, doc.Metadata["nodeName"])
	// Output: 2.1 myapp 1.4.0 42 My App
}
