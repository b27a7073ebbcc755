package activitypub

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/starling-fed/starling/activitypub/nodeinfo"
	"github.com/starling-fed/starling/activitypub/vocab"
	"github.com/starling-fed/starling/httpsig"
	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/webfinger"
)

// ContentType is the media type of every ActivityPub document the
// Federation serves.
const ContentType = "application/activity+json"

// Cache lifetimes of served documents.
const (
	actorCacheControl  = "max-age=180"
	objectCacheControl = "max-age=180"
	pageCacheControl   = "max-age=60"
)

// routeKind names what a route serves.
type routeKind int

const (
	routeActor routeKind = iota
	routeInbox
	routeOutbox
	routeFollowers
	routeFollowing
	routeLiked
	routeFeatured
	routeSharedInbox
	routeInstanceActor
	routeInstanceInbox
	routeInstanceOutbox
	routeWebFinger
	routeHostMeta
	routeNodeInfo
)

// route is one path of the URL layout: a literal path, or a pattern with one
// wildcard ("{name}") standing for a whole path segment.
type route struct {
	kind    routeKind
	pattern string
	wild    string // "" for a literal path
}

// match reports whether the escaped request path p is the route's, with the
// wildcard's value unescaped.
func (rt route) match(p string) (string, bool) {
	if rt.wild == "" {
		return "", p == rt.pattern
	}
	return match("", rt.pattern, rt.wild, p)
}

// literalLen is the length of the route's fixed text: with several layouts
// that match one path, the one with more fixed text wins.
func (rt route) literalLen() int { return len(rt.pattern) - len(rt.wild) }

// server is one of the handlers the Federation hands out: a set of routes,
// whether unrouted paths are looked up as objects, and the host's fallback.
type server struct {
	f        *Federation
	fallback http.Handler
	routes   []route
	objects  bool
	wf       *webfinger.Handler
	hm       *webfinger.HostMetaHandler
	ni       *nodeinfo.Handler
}

// newServer builds a handler serving the routes of the given kinds, and
// objects at every other path when objects is set.
func (f *Federation) newServer(fallback http.Handler, objects bool, kinds ...routeKind) *server {
	all := []route{
		{routeActor, f.paths.Actor, "{name}"},
		{routeInbox, f.paths.Inbox, "{name}"},
		{routeOutbox, f.paths.Outbox, "{name}"},
		{routeFollowers, f.paths.Followers, "{name}"},
		{routeFollowing, f.paths.Following, "{name}"},
		{routeLiked, f.paths.Liked, "{name}"},
		{routeFeatured, f.paths.Featured, "{name}"},
		{routeSharedInbox, f.paths.SharedInbox, ""},
		{routeInstanceActor, f.paths.InstanceActor, ""},
		{routeInstanceInbox, f.paths.InstanceActor + "/inbox", ""},
		{routeInstanceOutbox, f.paths.InstanceActor + "/outbox", ""},
		{routeWebFinger, webfinger.WellKnownPath, ""},
		{routeHostMeta, webfinger.HostMetaPath, ""},
		{routeHostMeta, webfinger.HostMetaPath + ".json", ""},
		{routeNodeInfo, nodeinfo.WellKnownPath, ""},
		{routeNodeInfo, nodeinfo.DefaultPath + nodeinfo.Version20, ""},
		{routeNodeInfo, nodeinfo.DefaultPath + nodeinfo.Version21, ""},
	}
	s := &server{f: f, fallback: fallback, objects: objects}
	for _, rt := range all {
		if slices.Contains(kinds, rt.kind) {
			s.routes = append(s.routes, rt)
		}
	}
	// Literal paths first, then the patterns with the most fixed text, so
	// that a custom layout where two patterns could match one path (say
	// "/{name}" and "/inbox") resolves the same way every time.
	slices.SortStableFunc(s.routes, func(a, b route) int {
		if (a.wild == "") != (b.wild == "") {
			if a.wild == "" {
				return -1
			}
			return 1
		}
		return b.literalLen() - a.literalLen()
	})
	s.wf = &webfinger.Handler{Lookup: f.webFingerLookup, CacheControl: "max-age=300", Logger: f.log}
	s.hm = &webfinger.HostMetaHandler{Template: f.cfg.Origin + webfinger.WellKnownPath + "?resource={uri}"}
	s.ni = &nodeinfo.Handler{BaseURL: f.cfg.Origin, Document: f.nodeInfoDocument, Logger: f.log}
	return s
}

// Handler returns the handler serving everything: actors, the instance actor,
// inboxes, outboxes and collections, objects, WebFinger, host-meta and
// NodeInfo, at the paths of Config.Paths. Requests it does not serve — other
// paths, other methods, actor or object URLs asked for as HTML (by a
// browser), and unknown objects — go to fallback, the host's own handler; if
// fallback is nil they are answered 404 (or 405), and actors and objects are
// served as ActivityPub whatever the Accept header says.
//
// Mount it at the root of the host's mux, or put it in front of the host's
// handler:
//
//	mux := http.NewServeMux()
//	mux.HandleFunc("GET /{$}", home)
//	mux.HandleFunc("GET /users/{name}", profilePage) // the HTML profile
//	srv := &http.Server{Handler: fed.Handler(mux)}
//
// To mount each piece alone on a stdlib ServeMux instead, see
// [Federation.ActorHandler], [Federation.ObjectHandler],
// [Federation.CollectionsHandler], [Federation.InboxHandler],
// [Federation.WebFingerHandler], [Federation.HostMetaHandler] and
// [Federation.NodeInfoHandler]. Their routes are matched on the request
// path itself, so they do not depend on the pattern they are mounted under.
//
// Every ActivityPub document is answered as application/activity+json with
// Vary: Accept, on GET and HEAD. The handler may be mounted before
// [Federation.Start]: documents are served at once, and the inboxes answer
// 503 until the Federation runs.
func (f *Federation) Handler(fallback http.Handler) http.Handler {
	return f.newServer(fallback, true,
		routeActor, routeInbox, routeOutbox, routeFollowers, routeFollowing, routeLiked, routeFeatured,
		routeSharedInbox, routeInstanceActor, routeInstanceInbox, routeInstanceOutbox,
		routeWebFinger, routeHostMeta, routeNodeInfo)
}

// ActorHandler serves the actor documents (Paths.Actor) and the instance
// actor (Paths.InstanceActor) on GET and HEAD. An actor asked for as HTML
// goes to fallback, as does any other request; with a nil fallback other
// paths get 404, other methods 405, and actors are served whatever the
// Accept header. Mount it on the actor paths:
//
//	mux.Handle("/users/{name}", fed.ActorHandler(profilePage))
//	mux.Handle("/actor", fed.ActorHandler(nil))
func (f *Federation) ActorHandler(fallback http.Handler) http.Handler {
	return f.newServer(fallback, false, routeActor, routeInstanceActor)
}

// ObjectHandler serves local objects and activities by their IRI (the
// request's path on the Origin) on GET and HEAD: those the host's
// Config.Objects callback answers, else those published through the
// Federation. Deleted objects get 410 with their Tombstone; objects that
// are not public are served only to a signed request from an actor in their
// audience. Visibility is read from the addressing alone, so objects from
// Config.Objects must carry theirs (to: the public collection for a public
// article): an object addressed to nobody is shown to nobody but its
// author. Requests for HTML, unknown objects and hidden ones go to fallback
// (404 if nil). Mount it on the object paths:
//
//	mux.Handle("GET /objects/{id}", fed.ObjectHandler(nil))
func (f *Federation) ObjectHandler(fallback http.Handler) http.Handler {
	return f.newServer(fallback, true)
}

// CollectionsHandler serves the actors' outbox, followers, following, liked
// and featured collections, as paged OrderedCollections, on GET and HEAD:
// the collection at its IRI, its pages at IRI?page=true&cursor=…. Other
// paths get 404. Mount it on the collection paths:
//
//	mux.Handle("GET /users/{name}/{collection}", fed.CollectionsHandler())
func (f *Federation) CollectionsHandler() http.Handler {
	return f.newServer(nil, false, routeOutbox, routeFollowers, routeFollowing, routeLiked, routeFeatured, routeInstanceOutbox)
}

// WebFingerHandler answers WebFinger (RFC 7033) for the local actors and the
// instance actor, as acct:username@host or by actor IRI:
//
//	mux.Handle("GET /.well-known/webfinger", fed.WebFingerHandler())
func (f *Federation) WebFingerHandler() http.Handler {
	return f.newServer(nil, false, routeWebFinger)
}

// HostMetaHandler serves host-meta (RFC 6415), XRD and JSON, pointing at
// the WebFinger endpoint on the Origin:
//
//	mux.Handle("GET /.well-known/host-meta", fed.HostMetaHandler())
//	mux.Handle("GET /.well-known/host-meta.json", fed.HostMetaHandler())
func (f *Federation) HostMetaHandler() http.Handler {
	return f.newServer(nil, false, routeHostMeta)
}

// NodeInfoHandler serves NodeInfo discovery and the 2.0 and 2.1 documents
// from Config.NodeInfo:
//
//	mux.Handle("GET /.well-known/nodeinfo", fed.NodeInfoHandler())
//	mux.Handle("GET /nodeinfo/", fed.NodeInfoHandler())
func (f *Federation) NodeInfoHandler() http.Handler {
	return f.newServer(nil, false, routeNodeInfo)
}

// ServeHTTP routes a request.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.EscapedPath()
	for _, rt := range s.routes {
		v, ok := rt.match(p)
		if !ok {
			continue
		}
		s.serveRoute(w, r, rt.kind, v)
		return
	}
	if s.objects && isRead(r) {
		s.serveObject(w, r)
		return
	}
	s.pass(w, r)
}

// isRead reports whether r is a GET or HEAD.
func isRead(r *http.Request) bool { return r.Method == http.MethodGet || r.Method == http.MethodHead }

// serveRoute serves a routed request; name is the wildcard's value.
func (s *server) serveRoute(w http.ResponseWriter, r *http.Request, kind routeKind, name string) {
	f := s.f
	switch kind {
	case routeInbox, routeSharedInbox, routeInstanceInbox:
		if r.Method != http.MethodPost {
			s.refuseMethod(w, r, "POST")
			return
		}
		if kind != routeInbox {
			name = ""
		}
		f.serveInbox(w, r, name)
		return
	}
	if !isRead(r) {
		s.refuseMethod(w, r, "GET, HEAD")
		return
	}
	switch kind {
	case routeActor:
		s.serveActor(w, r, name)
	case routeInstanceActor:
		s.serveInstanceActor(w, r)
	case routeOutbox, routeFollowers, routeFollowing, routeLiked, routeFeatured, routeInstanceOutbox:
		s.serveCollection(w, r, kind, name)
	case routeWebFinger:
		s.wf.ServeHTTP(w, r)
	case routeHostMeta:
		s.hm.ServeHTTP(w, r)
	case routeNodeInfo:
		s.ni.ServeHTTP(w, r)
	}
}

// pass hands r to the fallback, or answers 404.
func (s *server) pass(w http.ResponseWriter, r *http.Request) {
	if s.fallback != nil {
		s.fallback.ServeHTTP(w, r)
		return
	}
	http.NotFound(w, r)
}

// refuseMethod hands a request with a method the route does not serve to
// the fallback, or answers 405.
func (s *server) refuseMethod(w http.ResponseWriter, r *http.Request, allow string) {
	if s.fallback != nil {
		s.fallback.ServeHTTP(w, r)
		return
	}
	w.Header().Set("Allow", allow)
	http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
}

// negotiate decides whether a document URL is answered with ActivityPub
// (true) or handed to the fallback, the host's HTML page (false): the
// fallback gets it unless the Accept header prefers an ActivityPub type. It
// sets Vary: Accept either way, since the answer depends on it.
func (s *server) negotiate(w http.ResponseWriter, r *http.Request) bool {
	w.Header().Add("Vary", "Accept")
	return s.fallback == nil || wantsActivityPub(r.Header.Values("Accept"))
}

// serveActor serves a local actor's document.
func (s *server) serveActor(w http.ResponseWriter, r *http.Request, name string) {
	f := s.f
	if !s.negotiate(w, r) {
		s.fallback.ServeHTTP(w, r)
		return
	}
	ctx := r.Context()
	o, err := f.ActorDocument(ctx, name)
	switch {
	case errors.Is(err, ErrGone):
		f.writeAP(w, http.StatusGone, tombstone(f.ActorIRI(name), ""), "")
		return
	case errors.Is(err, ErrNotFound):
		http.NotFound(w, r)
		return
	case err != nil:
		f.serverError(w, r, "actor", err)
		return
	}
	cache := actorCacheControl
	if f.cfg.AuthorizedFetch {
		// Unsigned, badly signed or blocked readers get the bare actor:
		// enough to verify our signatures, nothing more.
		cache += ", private"
		viewer, err := f.signer(r)
		if err != nil || viewer == "" || f.readerBlocked(ctx, viewer) {
			o = bareActor(o)
		}
	}
	f.writeAP(w, http.StatusOK, o, cache)
}

// bareActor keeps the parts of an actor document that peers need to
// deliver to it and verify its signatures.
func bareActor(o *vocab.Object) *vocab.Object {
	return &vocab.Object{
		ID:                o.ID,
		Type:              o.Type,
		PreferredUsername: o.PreferredUsername,
		Inbox:             o.Inbox,
		Outbox:            o.Outbox,
		Endpoints:         o.Endpoints,
		PublicKey:         o.PublicKey,
		AssertionMethod:   o.AssertionMethod,
	}
}

// serveInstanceActor serves the instance actor, always in full: it is what
// peers with authorized fetch read to verify our signed GETs.
func (s *server) serveInstanceActor(w http.ResponseWriter, r *http.Request) {
	f := s.f
	if !s.negotiate(w, r) {
		s.fallback.ServeHTTP(w, r)
		return
	}
	o, err := f.InstanceActorDocument(r.Context())
	if err != nil {
		f.serverError(w, r, "instance actor", err)
		return
	}
	f.writeAP(w, http.StatusOK, o, actorCacheControl)
}

// serveObject serves a local object at the request's path, or hands the
// request to the fallback when there is none to show.
func (s *server) serveObject(w http.ResponseWriter, r *http.Request) {
	f := s.f
	if !s.negotiate(w, r) {
		s.fallback.ServeHTTP(w, r)
		return
	}
	ctx := r.Context()
	iri := f.cfg.Origin + r.URL.EscapedPath()
	o, err := f.localObject(ctx, iri)
	var viewer string
	if f.cfg.AuthorizedFetch && (err == nil || errors.Is(err, ErrGone) && o != nil) {
		// Only our own objects ask for a signature: any other path is
		// the host's, and its fallback answers as without authorized
		// fetch.
		var ok bool
		if viewer, ok = s.authorize(w, r); !ok {
			return
		}
	}
	switch {
	case errors.Is(err, ErrGone) && o != nil:
		f.writeAP(w, http.StatusGone, o, "")
		return
	case errors.Is(err, ErrNotFound), errors.Is(err, ErrGone):
		s.pass(w, r)
		return
	case err != nil:
		f.serverError(w, r, "object", err)
		return
	}
	cache := objectCacheControl + ", public"
	if f.cfg.AuthorizedFetch {
		cache = objectCacheControl + ", private"
	}
	if viewer != "" && f.hiddenFrom(ctx, o, viewer) {
		s.pass(w, r)
		return
	}
	if !isPublic(o) {
		cache = "no-store"
		if !f.cfg.AuthorizedFetch {
			// Only now is the signature worth checking: a public object
			// is served to anyone.
			viewer = f.optionalViewer(r)
		}
		if viewer == "" || !f.canSee(ctx, o, viewer) || f.hiddenFrom(ctx, o, viewer) {
			// Answered as if it did not exist.
			s.pass(w, r)
			return
		}
	}
	f.writeAP(w, http.StatusOK, stripBlind(o), cache)
}

// authorize applies authorized fetch: it returns the signing actor of r,
// or answers 401 (unsigned or a signature that fails) or 403 (a blocked
// signer) and returns false.
func (s *server) authorize(w http.ResponseWriter, r *http.Request) (string, bool) {
	f := s.f
	viewer, err := f.signer(r)
	if errors.Is(err, ErrBlocked) {
		http.Error(w, http.StatusText(http.StatusForbidden), http.StatusForbidden)
		return "", false
	}
	if err != nil || viewer == "" {
		if err != nil {
			f.log.DebugContext(r.Context(), "activitypub: signature on GET refused", "url", r.URL.String(), "error", err)
		}
		w.Header().Set("WWW-Authenticate", `Signature realm="`+f.host+`", headers="(request-target) host date"`)
		http.Error(w, "a signed request is required", http.StatusUnauthorized)
		return "", false
	}
	if f.readerBlocked(r.Context(), viewer) {
		http.Error(w, http.StatusText(http.StatusForbidden), http.StatusForbidden)
		return "", false
	}
	return viewer, true
}

// signer verifies the signature of r and returns the actor owning the
// signing key: "" with a nil error when r is not signed, an error when its
// signature fails.
func (f *Federation) signer(r *http.Request) (string, error) {
	v, err := f.verifier.Verify(r.Context(), r)
	if err != nil {
		if errors.Is(err, httpsig.ErrNoSignature) {
			return "", nil
		}
		return "", err
	}
	if v.Owner != "" {
		return v.Owner, nil
	}
	owner, _, _ := strings.Cut(v.KeyID, "#")
	return owner, nil
}

// readerBlocked reports whether a signed reader is refused by the
// moderation policy: its domain is blocked, or Moderation.Blocked says so
// (a failing check refuses, to err on the safe side).
func (f *Federation) readerBlocked(ctx context.Context, actorIRI string) bool {
	err := f.blocked(ctx, actorIRI)
	if err != nil && !errors.Is(err, ErrBlocked) {
		f.log.WarnContext(ctx, "activitypub: moderation check of a reader failed", "actor", actorIRI, "error", err)
	}
	return err != nil
}

// hiddenFrom reports whether the local author of o blocks viewer (or its
// domain), so o is not shown to it.
func (f *Federation) hiddenFrom(ctx context.Context, o *vocab.Object, viewer string) bool {
	if viewer == "" {
		return false
	}
	for _, author := range append(vocab.IDs(o.AttributedTo), vocab.IDs(o.Actor)...) {
		if _, ok := f.Username(author); !ok {
			continue
		}
		blocked, err := f.blockedBy(ctx, author, viewer)
		if err != nil {
			f.log.WarnContext(ctx, "activitypub: reading blocks failed", "actor", author, "error", err)
			return true
		}
		if blocked {
			return true
		}
	}
	return false
}

// writeAP answers with an ActivityPub document.
func (f *Federation) writeAP(w http.ResponseWriter, status int, o *vocab.Object, cacheControl string) {
	body, err := vocab.Marshal(o)
	if err != nil {
		f.log.Error("activitypub: encoding a served document", "id", o.ID, "error", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", ContentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if cacheControl != "" {
		h.Set("Cache-Control", cacheControl)
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// serverError logs err and answers 500.
func (f *Federation) serverError(w http.ResponseWriter, r *http.Request, what string, err error) {
	if r.Context().Err() != nil {
		// The client left; nobody reads the answer.
		return
	}
	f.log.ErrorContext(r.Context(), "activitypub: serving "+what, "url", r.URL.String(), "error", err)
	http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
}

// tombstone is the document served for a deleted actor or object.
func tombstone(iri, formerType string) *vocab.Object {
	return &vocab.Object{ID: iri, Type: vocab.TypeTombstone, FormerType: formerType}
}

// localObject returns a local object by IRI: from Config.Objects, then the
// store. A deleted one fails with ErrGone (the Tombstone returned with it).
// Only objects this server is the origin of are returned: remote objects
// the store caches, and the Federation's own records, are never served.
func (f *Federation) localObject(ctx context.Context, iri string) (*vocab.Object, error) {
	if !f.IsLocal(iri) || strings.Contains(iri, "#") {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, iri)
	}
	if f.cfg.Objects != nil {
		o, err := f.cfg.Objects(ctx, iri)
		switch {
		case err == nil && o != nil:
			return o, nil
		case errors.Is(err, ErrGone):
			if o == nil || o.Type != vocab.TypeTombstone {
				o = tombstone(iri, "")
			}
			return o, fmt.Errorf("%w: %s", ErrGone, iri)
		case err != nil && !errors.Is(err, ErrNotFound):
			return nil, fmt.Errorf("activitypub: Config.Objects(%s): %w", iri, err)
		}
	}
	so, err := f.st.GetObject(ctx, iri)
	gone := errors.Is(err, store.ErrGone)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, fmt.Errorf("%w: %s", ErrNotFound, iri)
	case err != nil && !gone:
		return nil, err
	case !so.Local || isInternalType(so.Type) || isInternalType(so.FormerType):
		return nil, fmt.Errorf("%w: %s", ErrNotFound, iri)
	}
	o, derr := f.decoder.Decode(ctx, so.Document)
	if gone {
		if derr != nil {
			o = tombstone(iri, so.FormerType)
		}
		return o, fmt.Errorf("%w: %s", ErrGone, iri)
	}
	if derr != nil {
		return nil, fmt.Errorf("activitypub: stored object %s: %w", iri, derr)
	}
	return o, nil
}

// isInternalType reports whether a stored type is one of the Federation's
// own records ("StarlingActor", "StarlingInbound", ...), never served.
func isInternalType(t string) bool { return strings.HasPrefix(t, "Starling") }
