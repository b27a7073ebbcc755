package activitypub

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/idna"

	"github.com/starling-fed/starling/activitypub/vocab"
	"github.com/starling-fed/starling/httpsig"
	"github.com/starling-fed/starling/internal/safehttp"
	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/webfinger"
)

// Fetching rules.
const (
	// acceptAS is the Accept header of every fetch.
	acceptAS = `application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"`
	// asProfile is the profile application/ld+json must carry.
	asProfile = "https://www.w3.org/ns/activitystreams"
	// maxFetchRedirects caps the redirects one fetch follows.
	maxFetchRedirects = 3
	// keyRefreshInterval is the least age a cached actor must have before
	// a failed signature makes its keys be fetched again, so a flood of
	// bad signatures cannot turn into a flood of fetches.
	keyRefreshInterval = time.Minute
)

// Fetch GETs a remote object, signed as the instance actor, through the
// guarded client: ActivityStreams content types only, at most MaxFetchBytes,
// redirects re-checked, and the document's id must be the URL asked for
// (after redirects on the same host). A local IRI is read without HTTP.
func (f *Federation) Fetch(ctx context.Context, iri string) (*vocab.Object, error) {
	o, _, err := f.fetch(ctx, iri)
	return o, err
}

// fetch is Fetch returning the raw document too. Failures are *FetchError
// values: a 404 wraps ErrNotFound, a 410 ErrGone, a refused content type
// ErrUnsupportedMediaType, an id that is not the URL fetched (or a redirect
// to another host) ErrOriginMismatch, a blocked domain ErrBlocked. Nothing
// is cached.
func (f *Federation) fetch(ctx context.Context, iri string) (*vocab.Object, []byte, error) {
	return f.fetchDoc(ctx, iri, false)
}

// fetchDoc is fetch. With followID, a document whose id is another URL on
// the host asked is fetched once more from that id, which must then match
// exactly: a key URL answering with its actor (GoToSocial), a profile page
// URL answering with the actor.
func (f *Federation) fetchDoc(ctx context.Context, iri string, followID bool) (*vocab.Object, []byte, error) {
	u, err := fetchURL(iri)
	if err != nil {
		return nil, nil, &FetchError{URL: iri, Err: err}
	}
	target := u.String()
	if f.IsLocal(target) {
		o, err := f.localDocument(ctx, target)
		if err != nil {
			return nil, nil, &FetchError{URL: target, Err: err}
		}
		raw, err := vocab.Marshal(o)
		if err != nil {
			return nil, nil, &FetchError{URL: target, Err: err}
		}
		return o, raw, nil
	}
	if f.blockedDomain(u.Host) {
		return nil, nil, &FetchError{URL: target, Err: fmt.Errorf("%w: domain %s", ErrBlocked, u.Hostname())}
	}
	o, raw, err := f.get(ctx, target, target)
	switch {
	case err == nil:
		return o, raw, nil
	case followID && o != nil && errors.Is(err, errIDNotURL):
		// The id names another document on the same host: ask it.
		return f.get(ctx, o.ID, target)
	}
	return nil, nil, err
}

// errIDNotURL: the document's id is on the host asked but is not the URL
// fetched. It wraps ErrOriginMismatch.
var errIDNotURL = fmt.Errorf("%w: id is not the URL fetched", ErrOriginMismatch)

// get GETs target over HTTP and decodes it. The decoded document's id must
// equal the final URL, which must be on origin's host. When the id is
// another URL on that host, the document is returned too, with an error
// wrapping errIDNotURL.
func (f *Federation) get(ctx context.Context, target, origin string) (*vocab.Object, []byte, error) {
	body, final, err := safehttp.Fetch(ctx, f.signed, target, safehttp.FetchOptions{
		Accept:       []string{acceptAS},
		ContentType:  checkContentType,
		AllowHTTP:    f.cfg.InsecureAllowPrivateAddresses,
		MaxRedirects: maxFetchRedirects,
		MaxBodyBytes: f.cfg.MaxFetchBytes,
		UserAgent:    f.cfg.UserAgent,
	})
	if err != nil {
		fe := &FetchError{URL: target, Err: err}
		var se *safehttp.FetchError
		if errors.As(err, &se) {
			fe.Status = se.Status
			switch se.Status {
			case http.StatusNotFound:
				fe.Err = fmt.Errorf("%w (%w)", ErrNotFound, err)
			case http.StatusGone:
				fe.Err = fmt.Errorf("%w (%w)", ErrGone, err)
			}
		}
		return nil, nil, fe
	}
	wantHost, _ := store.HostOf(origin)
	if host, err := store.HostOf(final); err != nil || host != wantHost {
		return nil, nil, &FetchError{URL: target, Status: http.StatusOK,
			Err: fmt.Errorf("%w: redirected from %s to %s", ErrOriginMismatch, wantHost, final)}
	}
	o, err := f.decoder.Decode(ctx, body)
	if err != nil {
		return nil, nil, &FetchError{URL: target, Status: http.StatusOK, Err: fmt.Errorf("%w: %w", ErrInvalidActivity, err)}
	}
	if !sameURL(o.ID, final) {
		idHost, herr := store.HostOf(o.ID)
		if herr == nil && idHost == wantHost {
			return o, nil, &FetchError{URL: target, Status: http.StatusOK,
				Err: fmt.Errorf("%w: id %q, fetched %s", errIDNotURL, o.ID, final)}
		}
		return nil, nil, &FetchError{URL: target, Status: http.StatusOK,
			Err: fmt.Errorf("%w: id %q fetched from %s", ErrOriginMismatch, o.ID, final)}
	}
	return o, body, nil
}

// fetchURL checks an IRI to fetch: http or https, with a host, no user
// information; the fragment is dropped.
func fetchURL(iri string) (*url.URL, error) {
	if err := store.ValidateIRI(iri); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidActivity, err)
	}
	u, err := url.Parse(iri)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidActivity, err)
	}
	u.Fragment, u.RawFragment = "", ""
	return u, nil
}

// sameURL reports whether two URLs name the same document: the same
// scheme, host (case and default port aside), path and query.
func sameURL(a, b string) bool {
	if a == b {
		return a != ""
	}
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	if err1 != nil || err2 != nil || ua.Fragment != "" || ub.Fragment != "" {
		return false
	}
	ha, err1 := store.HostOf(a)
	hb, err2 := store.HostOf(b)
	return err1 == nil && err2 == nil && ha == hb &&
		strings.EqualFold(ua.Scheme, ub.Scheme) &&
		ua.EscapedPath() == ub.EscapedPath() && ua.RawQuery == ub.RawQuery
}

// checkContentType accepts application/activity+json and
// application/ld+json with the ActivityStreams profile.
func checkContentType(contentType string) error {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUnsupportedMediaType, err)
	}
	switch mt {
	case "application/activity+json":
		return nil
	case "application/ld+json":
		if slices.Contains(strings.Fields(params["profile"]), asProfile) {
			return nil
		}
		return fmt.Errorf("%w: application/ld+json without the ActivityStreams profile", ErrUnsupportedMediaType)
	}
	return fmt.Errorf("%w: %s", ErrUnsupportedMediaType, mt)
}

// localDocument returns a local document by IRI without HTTP: an actor,
// the instance actor, or an object.
func (f *Federation) localDocument(ctx context.Context, iri string) (*vocab.Object, error) {
	if iri == f.InstanceActorIRI() {
		return f.InstanceActorDocument(ctx)
	}
	if name, ok := f.Username(iri); ok {
		return f.ActorDocument(ctx, name)
	}
	return f.localObject(ctx, iri)
}

// FetchActor returns a remote actor, from the store's cache while younger
// than Config.ActorTTL, else fetched and cached with its keys.
func (f *Federation) FetchActor(ctx context.Context, iri string) (*vocab.Object, error) {
	return f.remoteActor(ctx, iri, false)
}

// remoteActor is FetchActor; refresh fetches even a fresh cached copy. A
// local IRI is answered with the local actor document. Blocked actors and
// domains fail with ErrBlocked before anything is fetched. When a refetch
// fails for any reason but 410 Gone and a cached copy exists, the cached
// copy is returned; a gone actor is forgotten and fails with ErrGone.
func (f *Federation) remoteActor(ctx context.Context, iri string, refresh bool) (*vocab.Object, error) {
	return f.loadActor(ctx, iri, refresh, false)
}

// loadActor is remoteActor; followID is fetchDoc's.
func (f *Federation) loadActor(ctx context.Context, iri string, refresh, followID bool) (*vocab.Object, error) {
	if err := store.ValidateIRI(iri); err != nil {
		return nil, fmt.Errorf("%w: actor: %w", ErrInvalidActivity, err)
	}
	if f.IsLocal(iri) {
		return f.localActorDocument(ctx, iri)
	}
	if u, err := fetchURL(iri); err == nil && f.IsLocal(u.String()) {
		// Our own origin spelled otherwise (a capitalised scheme): the
		// fetch would answer the local document, which must not be
		// cached as a remote actor.
		return f.localActorDocument(ctx, u.String())
	}
	if err := f.blocked(ctx, iri); err != nil {
		return nil, err
	}
	cached, cerr := f.st.GetRemoteActor(ctx, iri)
	var stale *vocab.Object
	if cerr == nil {
		o, err := f.decoder.Decode(ctx, cached.Document)
		if err == nil {
			if !refresh && f.now().Sub(cached.Fetched) < f.cfg.ActorTTL {
				return o, nil
			}
			stale = o
		}
	} else if !errors.Is(cerr, store.ErrNotFound) {
		return nil, cerr
	}
	o, err := f.actorFetches.do(ctx, iri, func() (*vocab.Object, []byte, error) {
		o, raw, err := f.fetchDoc(ctx, iri, followID)
		if err == nil && o.ID != iri {
			// followID led to the actor's own id: check that one too.
			if berr := f.blocked(ctx, o.ID); berr != nil {
				return nil, nil, berr
			}
		}
		if err == nil {
			err = f.cacheActor(ctx, o, raw)
		}
		return o, raw, err
	}, f.decoder.Decode)
	switch {
	case err == nil:
		return o, nil
	case errors.Is(err, ErrGone):
		if derr := f.st.DeleteRemoteActor(ctx, iri); derr != nil {
			f.log.WarnContext(ctx, "activitypub: forgetting gone actor", "actor", iri, "error", derr)
		}
		return nil, err
	case stale != nil && ctx.Err() == nil:
		f.log.InfoContext(ctx, "activitypub: refetching actor failed, using cached copy", "actor", iri, "error", err)
		return stale, nil
	}
	return nil, err
}

// flights shares one fetch of a document among the callers that ask for
// it at once, so a burst of activities from an actor not yet cached costs
// one request. The zero value is ready to use.
type flights struct {
	mu    sync.Mutex
	calls map[string]*flight
}

// flight is one fetch in progress.
type flight struct {
	done    chan struct{}
	waiters int // callers waiting for it, under flights.mu
	o       *vocab.Object
	raw     []byte
	err     error
}

// waiting returns how many callers wait for the fetch of key.
func (g *flights) waiting(key string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	if c, ok := g.calls[key]; ok {
		return c.waiters
	}
	return 0
}

// do runs fetch for key unless a fetch of key is already running, in which
// case it waits for that one. A caller that waited gets its own copy,
// decoded from the raw document, so no two callers share an Object. A
// waiter whose own context is still live fetches again itself when the
// fetch it waited for ended with its caller's context.
func (g *flights) do(ctx context.Context, key string, fetch func() (*vocab.Object, []byte, error),
	decode func(context.Context, []byte) (*vocab.Object, error)) (*vocab.Object, error) {
	for {
		g.mu.Lock()
		c, running := g.calls[key]
		if !running {
			break // g.mu stays held
		}
		c.waiters++
		g.mu.Unlock()
		select {
		case <-c.done:
		case <-ctx.Done():
			g.mu.Lock()
			c.waiters--
			g.mu.Unlock()
			return nil, ctx.Err()
		}
		switch {
		case c.err == nil:
			return decode(ctx, c.raw)
		case (errors.Is(c.err, context.Canceled) || errors.Is(c.err, context.DeadlineExceeded)) && ctx.Err() == nil:
			continue
		}
		return nil, c.err
	}
	if g.calls == nil {
		g.calls = make(map[string]*flight)
	}
	c := &flight{done: make(chan struct{}), err: errors.New("activitypub: fetch panicked")}
	g.calls[key] = c
	g.mu.Unlock()
	defer func() {
		g.mu.Lock()
		delete(g.calls, key)
		g.mu.Unlock()
		close(c.done)
	}()
	c.o, c.raw, c.err = fetch()
	if c.err != nil {
		return nil, c.err
	}
	return c.o, nil
}

// localActorDocument answers an actor IRI on our origin.
func (f *Federation) localActorDocument(ctx context.Context, iri string) (*vocab.Object, error) {
	if iri == f.InstanceActorIRI() {
		return f.InstanceActorDocument(ctx)
	}
	name, ok := f.Username(iri)
	if !ok {
		return nil, fmt.Errorf("%w: %s is no local actor", ErrNotFound, iri)
	}
	return f.ActorDocument(ctx, name)
}

// cacheActor checks a fetched actor and stores it with its keys. It fails
// with ErrInvalidActivity when o is no actor or has no inbox.
func (f *Federation) cacheActor(ctx context.Context, o *vocab.Object, raw []byte) error {
	rec, err := actorRecord(o, raw)
	if err != nil {
		return &FetchError{URL: o.ID, Status: http.StatusOK, Err: err}
	}
	rec.Fetched = f.now()
	err = f.st.PutRemoteActor(ctx, rec)
	if errors.Is(err, store.ErrConflict) {
		// A key id the host once gave another actor: the document just
		// fetched from the key's own host is the authority now.
		for _, k := range rec.Keys {
			if old, kerr := f.st.RemotePublicKey(ctx, k.KeyID); kerr == nil && old.Owner != rec.IRI {
				if derr := f.st.DeleteRemoteActor(ctx, old.Owner); derr != nil {
					return derr
				}
			}
		}
		err = f.st.PutRemoteActor(ctx, rec)
	}
	if errors.Is(err, store.ErrTooLarge) {
		f.log.WarnContext(ctx, "activitypub: actor too large to cache", "actor", rec.IRI, "error", err)
		return nil
	}
	return err
}

// actorRecord turns a fetched actor document into its cache record: an
// actor type with an inbox; Keys are the publicKey entries with a PEM
// that parses, an id on the actor's host and the actor as owner.
func actorRecord(o *vocab.Object, raw []byte) (store.RemoteActor, error) {
	if !vocab.IsActorType(o.Type) {
		return store.RemoteActor{}, fmt.Errorf("%w: %s is a %q, not an actor", ErrInvalidActivity, o.ID, o.Type)
	}
	if err := store.ValidateIRI(o.Inbox); err != nil {
		return store.RemoteActor{}, fmt.Errorf("%w: actor %s: inbox: %w", ErrInvalidActivity, o.ID, err)
	}
	rec := store.RemoteActor{IRI: o.ID, Document: raw, Inbox: o.Inbox}
	if o.Endpoints != nil && store.ValidateIRI(o.Endpoints.SharedInbox) == nil {
		rec.SharedInbox = o.Endpoints.SharedInbox
	}
	for _, r := range o.PublicKey {
		k := r.Object
		if k == nil || k.PublicKeyPem == "" || !ownedBy(k, o.ID) || !sameHost(k.ID, o.ID) {
			continue
		}
		if _, err := httpsig.ParsePublicKeyPEM([]byte(k.PublicKeyPem)); err != nil {
			continue
		}
		if slices.ContainsFunc(rec.Keys, func(p store.PublicKey) bool { return p.KeyID == k.ID }) {
			continue
		}
		rec.Keys = append(rec.Keys, store.PublicKey{KeyID: k.ID, PEM: []byte(k.PublicKeyPem)})
	}
	return rec, nil
}

// ownedBy reports whether a key names actor as its owner (or controller).
func ownedBy(k *vocab.Object, actor string) bool {
	return k.Owner == actor || (k.Owner == "" && k.Controller == actor)
}

// sameHost reports whether two IRIs are valid and on one host.
func sameHost(a, b string) bool {
	ha, err1 := store.HostOf(a)
	hb, err2 := store.HostOf(b)
	return err1 == nil && err2 == nil && ha == hb
}

// actorKey returns the PEM of keyID if actor lists it in publicKey as its
// own.
func actorKey(actor *vocab.Object, keyID string) (string, bool) {
	for _, r := range actor.PublicKey {
		if k := r.Object; k != nil && k.ID == keyID && k.PublicKeyPem != "" && ownedBy(k, actor.ID) && sameHost(keyID, actor.ID) {
			return k.PublicKeyPem, true
		}
	}
	return "", false
}

// blocked reports whether the server refuses to hear from actorIRI: its
// domain is in Moderation.BlockedDomains (subdomains included), or
// Moderation.Blocked says so. It returns an error wrapping ErrBlocked, an
// error wrapping ErrInvalidActivity for an IRI that is not an http(s)
// IRI, the Blocked callback's own error, or nil.
func (f *Federation) blocked(ctx context.Context, actorIRI string) error {
	u, err := url.Parse(actorIRI)
	if err != nil || store.ValidateIRI(actorIRI) != nil {
		return fmt.Errorf("%w: actor %q is not an http(s) IRI", ErrInvalidActivity, actorIRI)
	}
	if f.blockedDomain(u.Host) {
		return fmt.Errorf("%w: domain %s", ErrBlocked, u.Hostname())
	}
	if f.cfg.Moderation.Blocked != nil && !f.IsLocal(actorIRI) {
		b, err := f.cfg.Moderation.Blocked(ctx, actorIRI)
		if err != nil {
			return fmt.Errorf("activitypub: moderation check of %s: %w", actorIRI, err)
		}
		if b {
			return fmt.Errorf("%w: actor %s", ErrBlocked, actorIRI)
		}
	}
	return nil
}

// blockedDomain reports whether host (a URL's host, port allowed) is in
// Moderation.BlockedDomains or below one of them.
func (f *Federation) blockedDomain(host string) bool {
	if len(f.cfg.Moderation.BlockedDomains) == 0 {
		return false
	}
	h := normalizeDomain(host)
	if h == "" {
		return false
	}
	for _, d := range f.cfg.Moderation.BlockedDomains {
		d = normalizeDomain(d)
		if d != "" && (h == d || strings.HasSuffix(h, "."+d)) {
			return true
		}
	}
	return false
}

// normalizeDomain lower-cases a host name, drops a port, brackets and a
// trailing dot, and converts it to ASCII.
func normalizeDomain(h string) string {
	h = strings.TrimSpace(h)
	if u, err := url.Parse("//" + h); err == nil && u.Hostname() != "" {
		h = u.Hostname()
	}
	h = strings.TrimSuffix(strings.ToLower(h), ".")
	if a, err := idna.Lookup.ToASCII(h); err == nil {
		h = a
	}
	return h
}

// LookupActor finds an actor by address: "@user@host", "user@host",
// "acct:user@host" (through WebFinger) or an actor IRI (or a profile URL
// whose document names the actor's id on the same host). Addresses on
// this server's own host are answered with the local actor document.
// Blocked domains fail with ErrBlocked before any request.
func (f *Federation) LookupActor(ctx context.Context, address string) (*vocab.Object, error) {
	address = strings.TrimSpace(address)
	lower := strings.ToLower(address)
	if strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "http://") {
		return f.loadActor(ctx, address, false, true)
	}
	res, err := webfinger.ParseResource(address)
	if err != nil {
		return nil, fmt.Errorf("activitypub: actor address %q: %w", address, err)
	}
	if !res.IsAccount() {
		return nil, fmt.Errorf("activitypub: actor address %q: not an account or actor IRI", address)
	}
	if res.Host == f.host {
		name, err := url.PathUnescape(res.User)
		if err != nil {
			return nil, fmt.Errorf("%w: actor %q", ErrNotFound, address)
		}
		return f.ActorDocument(ctx, name)
	}
	if f.blockedDomain(res.Host) {
		return nil, fmt.Errorf("%w: domain %s", ErrBlocked, res.Host)
	}
	wf, err := f.wf.Resolve(ctx, res.URI)
	if err != nil {
		if errors.Is(err, webfinger.ErrNotFound) {
			return nil, fmt.Errorf("%w: %s: %w", ErrNotFound, res.Account(), err)
		}
		if errors.Is(err, webfinger.ErrGone) {
			return nil, fmt.Errorf("%w: %s: %w", ErrGone, res.Account(), err)
		}
		return nil, fmt.Errorf("activitypub: looking up %s: %w", res.Account(), err)
	}
	if f.IsLocal(wf.Actor) {
		return nil, fmt.Errorf("%w: %s names local actor %s", ErrOriginMismatch, res.Account(), wf.Actor)
	}
	actor, err := f.remoteActor(ctx, wf.Actor, false)
	if err != nil {
		return nil, err
	}
	if h, _ := store.HostOf(wf.Actor); h != res.Host {
		// The account's host names an actor elsewhere: that actor's own
		// host must confirm the account points at it.
		if _, err := f.wf.VerifyActor(ctx, actor.ID, actor.PreferredUsername); err != nil {
			return nil, fmt.Errorf("%w: %s names actor %s, which does not confirm it: %w", ErrOriginMismatch, res.Account(), actor.ID, err)
		}
	}
	return actor, nil
}

// refreshCtxKey marks a key lookup that must not trust the store's cache:
// a signature failed with the cached key.
type refreshCtxKey struct{}

// keyResolver is the Verifier's resolver: the in-memory cache of
// f.resolver over resolveKey, and a RefreshKey that refetches the key's
// actor, rather than re-reading the store's copy, when a signature failed
// with the cached key.
type keyResolver struct{ f *Federation }

var (
	_ httpsig.KeyResolver = keyResolver{}
	_ httpsig.Refresher   = keyResolver{}
)

// ResolveKey returns the key from the in-memory cache, the store, or the
// key's origin.
func (r keyResolver) ResolveKey(ctx context.Context, keyID string) (*httpsig.VerificationKey, error) {
	return r.f.resolver.ResolveKey(ctx, keyID)
}

// RefreshKey fetches the key's actor again unless it was fetched less
// than keyRefreshInterval ago.
func (r keyResolver) RefreshKey(ctx context.Context, keyID string) (*httpsig.VerificationKey, error) {
	if pk, err := r.f.st.RemotePublicKey(ctx, keyID); err == nil && r.f.now().Sub(pk.Fetched) < keyRefreshInterval {
		return r.f.resolver.ResolveKey(ctx, keyID)
	}
	r.f.resolver.Forget(keyID)
	return r.f.resolver.ResolveKey(context.WithValue(ctx, refreshCtxKey{}, true), keyID)
}

// goneKeyError is the failure to resolve a key whose actor is gone (410).
// It matches ErrGone and httpsig.ErrUnknownKey. Cached is the key as it was
// cached before the actor was found gone, nil if it was not, so a Delete
// the actor signed before leaving can still be verified.
type goneKeyError struct {
	KeyID  string
	Actor  string
	Cached *httpsig.VerificationKey
	Err    error
}

func (e *goneKeyError) Error() string {
	return fmt.Sprintf("activitypub: key %s: actor %s is gone: %v", e.KeyID, e.Actor, e.Err)
}

func (e *goneKeyError) Unwrap() []error { return []error{ErrGone, httpsig.ErrUnknownKey, e.Err} }

// resolveKey is the httpsig.KeyResolver behind the Verifier's cache: a key of
// a local actor from the store; a remote key from the cached actor, or by
// fetching the key id (an actor with the key in publicKey, or a key document
// whose owner lists it) as the instance actor. Keys on blocked domains are
// never fetched. A gone actor (410) fails with an error wrapping ErrGone and
// httpsig.ErrUnknownKey.
func (f *Federation) resolveKey(ctx context.Context, keyID string) (*httpsig.VerificationKey, error) {
	u, err := fetchURL(keyID)
	if err != nil {
		return nil, fmt.Errorf("%w: key id %q: %w", httpsig.ErrUnknownKey, keyID, err)
	}
	if f.IsLocal(keyID) {
		return f.localKey(ctx, keyID)
	}
	if f.blockedDomain(u.Host) {
		return nil, fmt.Errorf("%w: key %s: domain %s", ErrBlocked, keyID, u.Hostname())
	}
	refresh, _ := ctx.Value(refreshCtxKey{}).(bool)
	cached, cerr := f.st.RemotePublicKey(ctx, keyID)
	switch {
	case cerr == nil:
		if !refresh && f.now().Sub(cached.Fetched) < f.cfg.ActorTTL {
			return verificationKey(keyID, cached.Owner, cached.PEM)
		}
		// Stale, or a signature failed with it: ask the owner again.
		old, _ := verificationKey(keyID, cached.Owner, cached.PEM)
		actor, err := f.remoteActor(ctx, cached.Owner, true)
		if errors.Is(err, ErrGone) {
			return nil, &goneKeyError{KeyID: keyID, Actor: cached.Owner, Cached: old, Err: err}
		}
		if err != nil {
			return nil, fmt.Errorf("activitypub: key %s: %w", keyID, err)
		}
		pem, ok := actorKey(actor, keyID)
		if !ok {
			return nil, fmt.Errorf("%w: %s no longer lists key %s", httpsig.ErrUnknownKey, cached.Owner, keyID)
		}
		return verificationKey(keyID, actor.ID, []byte(pem))
	case !errors.Is(cerr, store.ErrNotFound):
		return nil, cerr
	}

	// Never seen: fetch the key id's document.
	doc, raw, err := f.fetchDoc(ctx, u.String(), true)
	if err != nil {
		if errors.Is(err, ErrGone) {
			_ = f.st.DeleteRemoteActor(ctx, u.String())
			return nil, &goneKeyError{KeyID: keyID, Actor: u.String(), Err: err}
		}
		if errors.Is(err, ErrNotFound) {
			return nil, fmt.Errorf("%w: %w", httpsig.ErrUnknownKey, err)
		}
		return nil, fmt.Errorf("activitypub: key %s: %w", keyID, err)
	}
	if doc.IsActor() {
		if err := f.blocked(ctx, doc.ID); err != nil {
			return nil, err
		}
		pem, ok := actorKey(doc, keyID)
		if !ok {
			return nil, fmt.Errorf("%w: actor %s does not list key %s", httpsig.ErrUnknownKey, doc.ID, keyID)
		}
		if err := f.cacheActor(ctx, doc, raw); err != nil {
			return nil, fmt.Errorf("activitypub: key %s: %w", keyID, err)
		}
		return verificationKey(keyID, doc.ID, []byte(pem))
	}

	// A key document: its owner must be an actor that lists it.
	owner := keyOwner(doc, keyID)
	if owner == "" {
		return nil, fmt.Errorf("%w: %s is neither an actor nor a key with an owner", httpsig.ErrUnknownKey, keyID)
	}
	if !sameHost(owner, keyID) {
		// An actor vouches only for keys on its own host: do not even ask.
		return nil, fmt.Errorf("%w: key %s claims owner %s on another host", httpsig.ErrUnknownKey, keyID, owner)
	}
	actor, err := f.remoteActor(ctx, owner, true)
	if errors.Is(err, ErrGone) {
		return nil, &goneKeyError{KeyID: keyID, Actor: owner, Err: err}
	}
	if err != nil {
		return nil, fmt.Errorf("activitypub: key %s: owner: %w", keyID, err)
	}
	pem, ok := actorKey(actor, keyID)
	if !ok {
		return nil, fmt.Errorf("%w: owner %s does not list key %s", httpsig.ErrUnknownKey, owner, keyID)
	}
	return verificationKey(keyID, actor.ID, []byte(pem))
}

// keyOwner returns the owner a key document claims for keyID: its own
// owner (or controller) when it is the key, else that of the publicKey
// entry with keyID.
func keyOwner(doc *vocab.Object, keyID string) string {
	base, _, _ := strings.Cut(keyID, "#")
	if doc.PublicKeyPem != "" && (doc.ID == keyID || sameURL(doc.ID, base)) {
		if doc.Owner != "" {
			return doc.Owner
		}
		return doc.Controller
	}
	for _, r := range doc.PublicKey {
		if k := r.Object; k != nil && k.ID == keyID {
			if k.Owner != "" {
				return k.Owner
			}
			return k.Controller
		}
	}
	return ""
}

// verificationKey parses a PEM public key.
func verificationKey(keyID, owner string, pem []byte) (*httpsig.VerificationKey, error) {
	pub, err := httpsig.ParsePublicKeyPEM(pem)
	if err != nil {
		return nil, fmt.Errorf("%w: key %s: %w", httpsig.ErrUnknownKey, keyID, err)
	}
	return &httpsig.VerificationKey{KeyID: keyID, Owner: owner, Key: pub}, nil
}

// localKey returns the public half of a local actor's key (or the instance
// actor's).
func (f *Federation) localKey(ctx context.Context, keyID string) (*httpsig.VerificationKey, error) {
	actor, _, _ := strings.Cut(keyID, "#")
	if actor != f.InstanceActorIRI() {
		name, ok := f.Username(actor)
		if !ok {
			return nil, fmt.Errorf("%w: %s is no local actor's key", httpsig.ErrUnknownKey, keyID)
		}
		if _, err := f.LocalActor(ctx, name); err != nil {
			return nil, fmt.Errorf("%w: key %s: %w", httpsig.ErrUnknownKey, keyID, err)
		}
	}
	k, err := f.keysOf(ctx, actor)
	if err != nil {
		return nil, err
	}
	for _, sk := range []httpsig.SigningKey{k.rsa, k.ed} {
		if sk.KeyID != keyID {
			continue
		}
		s, ok := sk.Key.(crypto.Signer)
		if !ok {
			break
		}
		return &httpsig.VerificationKey{KeyID: keyID, Owner: actor, Key: s.Public()}, nil
	}
	return nil, fmt.Errorf("%w: %s", httpsig.ErrUnknownKey, keyID)
}

// dereference returns the object a Ref names: the embedded object when its
// id is on trustedHost (the host of the actor that sent it), else the
// object fetched from its id's origin. An embedded object without an id is
// used as is when trustedHost is set (an anonymous value, such as a
// Tombstone without id), and refused otherwise. Fetched remote objects are
// cached: actors in the remote actor cache, others with PutObject.
func (f *Federation) dereference(ctx context.Context, ref vocab.Ref, trustedHost string) (*vocab.Object, error) {
	var id string
	if o := ref.Object; o != nil {
		if o.ID == "" {
			if trustedHost == "" {
				return nil, fmt.Errorf("%w: embedded object without id", ErrInvalidActivity)
			}
			return o, nil
		}
		if h, err := store.HostOf(o.ID); err == nil && trustedHost != "" && h == strings.ToLower(trustedHost) {
			return o, nil
		}
		id = o.ID
	} else {
		id = ref.IRI
	}
	if id == "" {
		return nil, fmt.Errorf("%w: empty reference", ErrInvalidActivity)
	}
	o, raw, err := f.fetch(ctx, id)
	if err != nil {
		return nil, err
	}
	if !f.IsLocal(o.ID) {
		f.cacheObject(ctx, o, raw)
	}
	return o, nil
}

// cacheObject stores a fetched remote document: an actor in the actor
// cache, anything else as a remote object. Failures are logged only.
func (f *Federation) cacheObject(ctx context.Context, o *vocab.Object, raw []byte) {
	var err error
	if o.IsActor() {
		err = f.cacheActor(ctx, o, raw)
	} else {
		now := f.now()
		err = f.st.PutObject(ctx, store.Object{IRI: o.ID, Type: o.Type, Document: raw, Fetched: now, Updated: now})
	}
	if err != nil {
		f.log.DebugContext(ctx, "activitypub: caching fetched document", "object", o.ID, "error", err)
	}
}

// fetchAncestors fetches and caches the inReplyTo chain of o, at most
// Config.MaxFetchDepth objects, stopping at objects already stored (or
// local) and at a cycle. Going past the limit fails with ErrTooDeep.
func (f *Federation) fetchAncestors(ctx context.Context, o *vocab.Object) error {
	if f.cfg.MaxFetchDepth <= 0 {
		return nil
	}
	seen := map[string]bool{o.ID: true}
	cur := o
	for fetched := 0; ; fetched++ {
		parent := vocab.First(cur.InReplyTo).ID()
		if parent == "" || seen[parent] || f.IsLocal(parent) {
			return nil
		}
		seen[parent] = true
		if _, err := f.st.GetObject(ctx, parent); err == nil || errors.Is(err, store.ErrGone) {
			return nil
		}
		if fetched >= f.cfg.MaxFetchDepth {
			return fmt.Errorf("%w: more than %d ancestors of %s", ErrTooDeep, f.cfg.MaxFetchDepth, o.ID)
		}
		p, raw, err := f.fetch(ctx, parent)
		if err != nil {
			return err
		}
		f.cacheObject(ctx, p, raw)
		cur = p
	}
}
