// Package webfinger serves and resolves WebFinger (RFC 7033) and host-meta
// (RFC 6415) the way Mastodon, GoToSocial and the rest of the fediverse
// expect. It is usable on its own and imports nothing of go-fed or
// json-gold.
//
// # Serving
//
// A host application answers for its existing users with a [Handler]
// whose Lookup turns a [Resource] into a [JRD]; [NewActorJRD] builds the
// usual one (subject, aliases, self, profile page and subscribe links):
//
//	wf := &webfinger.Handler{Lookup: func(ctx context.Context, r webfinger.Resource) (*webfinger.JRD, error) {
//		user, ok := users.Find(ctx, r)
//		if !ok {
//			return nil, webfinger.ErrNotFound
//		}
//		return webfinger.NewActorJRD(user.Acct, user.ActorID, user.ProfileURL, ""), nil
//	}}
//	mux.Handle("GET "+webfinger.WellKnownPath, wf)
//
// The handler enforces RFC 7033 (one resource parameter, 400/404/410, rel
// filtering, application/jrd+json, Access-Control-Allow-Origin: *).
// [HostMetaHandler] serves /.well-known/host-meta and host-meta.json.
//
// # Resolving
//
// A [Client] turns what a person types into an actor id:
//
//	var c webfinger.Client
//	res, err := c.Resolve(ctx, "@alice@example.com")
//	// res.Actor == "https://example.com/users/alice"
//
// It checks the subject and self link, follows a subject on another domain
// only when that subject confirms itself, and offers Mastodon's round-trip
// check as [Client.VerifyActor]. Lower-level, [Client.Lookup] returns the
// raw JRD.
//
// # Safety
//
// The zero Client asks over HTTPS only, refuses private, loopback and
// reserved addresses after DNS resolution and on every redirect, follows
// at most [DefaultMaxRedirects] redirects and reads at most
// [DefaultMaxBodyBytes]. Tests that run a server on loopback set
// Client.InsecureAllowPrivateAddresses. Requests with the zero Client
// time out after 30 s.
//
// Every error wraps one of the package's sentinels for errors.Is, such as
// [ErrNotFound] or [ErrPrivateAddress]. A failed request is also an
// [*Error] carrying the URL and status (errors.As); an address that does
// not parse ([ErrInvalidAddress]) or an answer that fails the checks
// above ([ErrBadResponse], [ErrMismatch]) need not be one.
package webfinger
