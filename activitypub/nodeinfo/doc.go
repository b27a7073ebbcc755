// Package nodeinfo serves and fetches NodeInfo, the document through which
// fediverse servers tell each other (and crawlers, and instance lists) what
// software they run, which protocols they speak and how many users they
// have.
//
// # Serving
//
// A host supplies its figures through a callback; the [Handler] serves the
// discovery document at /.well-known/nodeinfo and the 2.1 and 2.0
// documents, each with its profiled Content-Type:
//
//	ni := &nodeinfo.Handler{Document: func(ctx context.Context) (*nodeinfo.Document, error) {
//		return &nodeinfo.Document{
//			Software:  nodeinfo.Software{Name: "myapp", Version: "1.4.0"},
//			Protocols: []string{nodeinfo.ProtocolActivityPub},
//			Usage:     nodeinfo.Usage{Users: nodeinfo.Users{Total: users.Count(ctx)}},
//		}, nil
//	}}
//	mux.Handle("GET "+nodeinfo.WellKnownPath, ni)
//	mux.Handle("GET "+nodeinfo.DefaultPath, ni)
//
// Documents are checked with [Document.Validate] before they are served, so
// what leaves the server is valid against the NodeInfo 2.0 and 2.1 schemas.
//
// # Fetching
//
// A [Client] discovers what a server offers and fetches the highest version
// it reads:
//
//	var c nodeinfo.Client
//	doc, err := c.Fetch(ctx, "social.example.com")
//	// doc.Software.Name == "mastodon"
//
// Like the webfinger client it goes through Starling's guarded HTTP client:
// HTTPS only, no private or loopback addresses unless the caller opts in
// (Client.InsecureAllowPrivateAddresses), redirects capped and re-checked,
// bodies capped.
package nodeinfo
