// Package safehttp builds the HTTP client Starling uses for every request
// it sends to another server: WebFinger, host-meta, NodeInfo and, later,
// actors, keys and objects.
//
// A fediverse server fetches URLs that strangers choose. Without a guard, a
// peer can point it at http://127.0.0.1:6379/, at a cloud metadata service
// on 169.254.169.254, or at a name whose DNS answer changes between the
// check and the connection. The client from [New] closes those doors.
//
// # Getting started
//
//	client, err := safehttp.New(safehttp.Config{})
//	if err != nil { ... }
//	resp, err := client.Get("https://example.com/.well-known/nodeinfo")
//
// The zero [Config] is the production setting: HTTPS only, public addresses
// only, at most [DefaultMaxRedirects] redirects, bodies capped at
// [DefaultMaxBodyBytes], headers at [MaxHeaderBytes], and a
// [DefaultTimeout] for the whole exchange.
//
// # Fetching a document
//
// [Fetch] is the GET that WebFinger, host-meta and NodeInfo clients share:
// it follows redirects one hop at a time and checks each (scheme, no
// downgrade from https, no user information, no loops, a hop limit)
// whatever the client's own redirect policy, caps the body, checks the
// media type and closes every body. Give it a client that hands
// redirects back ([WithoutRedirects], or [Config.MaxRedirects] -1).
//
// # What is refused
//
// The transport resolves each host name itself, checks every address the
// resolver returns with [CheckAddr], and dials only the addresses it
// checked, so a second DNS answer (DNS rebinding) never reaches the
// network. A host that resolves to any refused address is refused as a
// whole. Refused are loopback, private (RFC 1918, unique local fc00::/7),
// link-local, multicast, unspecified, carrier-grade NAT (100.64.0.0/10),
// IETF protocol assignments, benchmarking, documentation and reserved
// ranges, and IPv6 forms that carry such an IPv4 address inside them
// (IPv4-mapped, NAT64 64:ff9b::/96, 6to4 2002::/16). Host names that C
// resolvers and browsers read as IPv4 addresses in other notations
// ("2130706433", "0x7f.1", "0177.0.0.1", "127.1") are refused before any
// lookup ([IsNumericHost]). Every redirect goes
// through the same dialer, so a redirect to a private address fails the
// same way. Errors wrap [ErrPrivateAddress], [ErrTooManyRedirects],
// [ErrSchemeNotAllowed] or [ErrBodyTooLarge] for errors.Is.
//
// # Opting out
//
// Tests that talk to httptest servers and the demo that runs two servers on
// one machine set [Config.InsecureAllowPrivateAddresses] and, for plain
// HTTP, [Config.InsecureAllowHTTP]. [Config.AllowedPrefixes] admits chosen
// networks without opening all of them. Environment proxy settings are
// ignored on purpose: a proxy would dial addresses this package never saw.
package safehttp
