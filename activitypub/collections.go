package activitypub

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/starling-fed/starling/activitypub/vocab"
	"github.com/starling-fed/starling/store"
)

// errBadQuery marks a collection query that cannot be answered (400).
var errBadQuery = errors.New("activitypub: bad collection query")

// pageQuery is what a collection request asks for: the collection itself,
// or one of its pages, starting after cursor ("" for the first).
type pageQuery struct {
	page   bool
	cursor string
}

// parsePageQuery reads the query of a collection request: "page" (true or
// 1 for a page, false or 0 or absent for the collection) and "cursor" (a
// page cursor, which implies page). Each may appear once; other
// parameters are ignored. Errors wrap errBadQuery.
func parsePageQuery(raw string) (pageQuery, error) {
	var q pageQuery
	if raw == "" {
		return q, nil
	}
	if len(raw) > 2*store.MaxCursorLength+64 {
		return q, fmt.Errorf("%w: query too long", errBadQuery)
	}
	v, err := url.ParseQuery(raw)
	if err != nil {
		return q, fmt.Errorf("%w: %v", errBadQuery, err)
	}
	if p := v["page"]; len(p) > 0 {
		if len(p) > 1 {
			return q, fmt.Errorf("%w: page given %d times", errBadQuery, len(p))
		}
		switch p[0] {
		case "true", "1":
			q.page = true
		case "false", "0":
		default:
			return q, fmt.Errorf("%w: page=%q", errBadQuery, p[0])
		}
	}
	if c := v["cursor"]; len(c) > 0 {
		switch {
		case len(c) > 1:
			return q, fmt.Errorf("%w: cursor given %d times", errBadQuery, len(c))
		case len(c[0]) > store.MaxCursorLength:
			return q, fmt.Errorf("%w: cursor too long", errBadQuery)
		}
		q.cursor = c[0]
		if q.cursor != "" {
			q.page = true
		}
	}
	return q, nil
}

// pageIRI is the IRI of a page of the collection id starting after cursor.
func pageIRI(id, cursor string) string {
	if cursor == "" {
		return id + "?page=true"
	}
	return id + "?page=true&cursor=" + url.QueryEscape(cursor)
}

// serveCollection serves one of a local actor's collections or a page of
// it.
func (s *server) serveCollection(w http.ResponseWriter, r *http.Request, kind routeKind, name string) {
	f := s.f
	if !s.negotiate(w, r) {
		s.fallback.ServeHTTP(w, r)
		return
	}
	ctx := r.Context()
	var viewer string
	cache := pageCacheControl + ", public"
	if f.cfg.AuthorizedFetch {
		var ok bool
		if viewer, ok = s.authorize(w, r); !ok {
			return
		}
		cache = pageCacheControl + ", private"
	}
	q, err := parsePageQuery(r.URL.RawQuery)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var id, owner string
	if kind == routeInstanceOutbox {
		id = f.InstanceActorIRI() + "/outbox"
	} else {
		_, err := f.LocalActor(ctx, name)
		switch {
		case errors.Is(err, ErrGone):
			http.Error(w, http.StatusText(http.StatusGone), http.StatusGone)
			return
		case errors.Is(err, ErrNotFound):
			http.NotFound(w, r)
			return
		case err != nil:
			f.serverError(w, r, "collection", err)
			return
		}
		owner = f.ActorIRI(name)
		id = f.collectionIRI(kind, name)
	}
	if !f.cfg.AuthorizedFetch && (kind == routeOutbox || kind == routeFeatured) {
		// What these list depends on who asks.
		viewer = f.optionalViewer(r)
		if r.Header.Get("Signature") != "" || r.Header.Get("Signature-Input") != "" {
			cache = "private, " + pageCacheControl
		}
	}
	c := collectionQuery{kind: kind, id: id, owner: owner, viewer: viewer}
	var o *vocab.Object
	switch {
	case q.page:
		o, err = f.collectionPage(ctx, c, q.cursor)
	default:
		o, err = f.collection(ctx, c)
	}
	switch {
	case errors.Is(err, store.ErrInvalidCursor):
		http.Error(w, "invalid cursor", http.StatusBadRequest)
		return
	case err != nil:
		f.serverError(w, r, "collection", err)
		return
	}
	f.writeAP(w, http.StatusOK, o, cache)
}

// optionalViewer returns the actor that signed r, or "" when r is unsigned,
// its signature fails, or its signer is blocked: without authorized fetch a
// bad signature only means the reader is treated as anonymous.
func (f *Federation) optionalViewer(r *http.Request) string {
	viewer, err := f.signer(r)
	if err != nil {
		f.log.DebugContext(r.Context(), "activitypub: signature on GET refused", "url", r.URL.String(), "error", err)
		return ""
	}
	if viewer != "" && f.readerBlocked(r.Context(), viewer) {
		return ""
	}
	return viewer
}

// collectionIRI is the IRI of a local actor's collection.
func (f *Federation) collectionIRI(kind routeKind, name string) string {
	switch kind {
	case routeOutbox:
		return f.OutboxIRI(name)
	case routeFollowers:
		return f.FollowersIRI(name)
	case routeFollowing:
		return f.FollowingIRI(name)
	case routeLiked:
		return f.LikedIRI(name)
	case routeFeatured:
		return f.FeaturedIRI(name)
	}
	return ""
}

// collectionQuery is the collection a request asks for.
type collectionQuery struct {
	kind   routeKind
	id     string // the collection's IRI
	owner  string // the local actor whose collection it is; "" for the instance actor
	viewer string // who asks, "" if anonymous
}

// collection returns the OrderedCollection document: its size and first
// page, or for featured (read whole by Mastodon) its items inline when they
// fit one page.
func (f *Federation) collection(ctx context.Context, c collectionQuery) (*vocab.Object, error) {
	var n int
	var err error
	switch c.kind {
	case routeInstanceOutbox:
	case routeFollowers:
		n, err = f.st.CountFollowers(ctx, c.owner, store.FollowAccepted)
	case routeFollowing:
		n, err = f.st.CountFollowing(ctx, c.owner, store.FollowAccepted)
	default:
		n, err = f.st.CountCollection(ctx, c.id)
	}
	if err != nil {
		return nil, err
	}
	total := int64(n)
	o := &vocab.Object{ID: c.id, Type: vocab.TypeOrderedCollection, TotalItems: &total}
	if c.kind == routeFeatured {
		items, next, err := f.collectionItems(ctx, c, "")
		if err != nil {
			return nil, err
		}
		if next == "" {
			o.OrderedItems = items
			return o, nil
		}
		// More than a page: paged like the others, or the rest could
		// not be reached.
	}
	first := vocab.IRIRef(pageIRI(c.id, ""))
	o.First = &first
	return o, nil
}

// collectionPage returns the OrderedCollectionPage starting after cursor.
func (f *Federation) collectionPage(ctx context.Context, c collectionQuery, cursor string) (*vocab.Object, error) {
	items, next, err := f.collectionItems(ctx, c, cursor)
	if err != nil {
		return nil, err
	}
	partOf := vocab.IRIRef(c.id)
	o := &vocab.Object{
		ID:           pageIRI(c.id, cursor),
		Type:         vocab.TypeOrderedCollectionPage,
		PartOf:       &partOf,
		OrderedItems: items,
	}
	if next != "" {
		n := vocab.IRIRef(pageIRI(c.id, next))
		o.Next = &n
	}
	return o, nil
}

// collectionItems lists one page of a collection's items and the cursor of
// the next page ("" on the last). The outbox embeds the activities the
// viewer may see, featured the objects, liked, followers and following
// list IRIs.
func (f *Federation) collectionItems(ctx context.Context, c collectionQuery, cursor string) ([]vocab.Ref, string, error) {
	limit := f.cfg.PageSize
	var iris []string
	var next string
	switch c.kind {
	case routeInstanceOutbox:
		if cursor != "" {
			return nil, "", fmt.Errorf("%w: the instance outbox has one page", store.ErrInvalidCursor)
		}
		return nil, "", nil
	case routeFollowers, routeFollowing:
		var p store.FollowPage
		var err error
		if c.kind == routeFollowers {
			p, err = f.st.Followers(ctx, c.owner, store.FollowAccepted, cursor, limit)
		} else {
			p, err = f.st.Following(ctx, c.owner, store.FollowAccepted, cursor, limit)
		}
		if err != nil {
			return nil, "", err
		}
		for _, fl := range p.Follows {
			if c.kind == routeFollowers {
				iris = append(iris, fl.Follower)
			} else {
				iris = append(iris, fl.Followee)
			}
		}
		next = p.Next
	default:
		p, err := f.st.CollectionPage(ctx, c.id, cursor, limit)
		if err != nil {
			return nil, "", err
		}
		iris, next = p.Items, p.Next
	}
	items := make([]vocab.Ref, 0, len(iris))
	for _, iri := range iris {
		if c.kind != routeOutbox && c.kind != routeFeatured || !f.IsLocal(iri) {
			items = append(items, vocab.IRIRef(iri))
			continue
		}
		o, err := f.localObject(ctx, iri)
		switch {
		case errors.Is(err, ErrNotFound), errors.Is(err, ErrGone):
			continue
		case err != nil:
			return nil, "", err
		}
		if !f.canSee(ctx, o, c.viewer) || f.hiddenFrom(ctx, o, c.viewer) || f.objectGone(ctx, o) {
			continue
		}
		items = append(items, vocab.ObjectRef(embedded(o)))
	}
	return items, next, nil
}

// objectGone reports whether the local object an activity carries was
// deleted since, so the activity is no longer listed.
func (f *Federation) objectGone(ctx context.Context, act *vocab.Object) bool {
	if !vocab.IsActivityType(act.Type) || act.Type == vocab.TypeDelete {
		return false
	}
	id := vocab.First(act.Object).ID()
	if id == "" || !f.IsLocal(id) {
		return false
	}
	_, err := f.st.GetObject(ctx, id)
	return errors.Is(err, store.ErrGone)
}

// embedded returns o as served inside another document: without its own
// "@context", and without its blind recipients.
func embedded(o *vocab.Object) *vocab.Object {
	cp := *stripBlind(o)
	cp.LDContext = nil
	return &cp
}

// stripBlind returns o without bto and bcc, on itself and its embedded
// objects, which are never shown to anyone but the server that delivers.
func stripBlind(o *vocab.Object) *vocab.Object {
	if len(o.Bto) == 0 && len(o.Bcc) == 0 && !hasBlindObject(o) {
		return o
	}
	cp := *o
	cp.Bto, cp.Bcc = nil, nil
	if hasBlindObject(o) {
		cp.Object = make([]vocab.Ref, len(o.Object))
		for i, r := range o.Object {
			if r.Object != nil {
				r = vocab.ObjectRef(stripBlind(r.Object))
			}
			cp.Object[i] = r
		}
	}
	return &cp
}

// hasBlindObject reports whether an object o embeds has bto or bcc.
func hasBlindObject(o *vocab.Object) bool {
	for _, r := range o.Object {
		if r.Object != nil && (len(r.Object.Bto) > 0 || len(r.Object.Bcc) > 0 || hasBlindObject(r.Object)) {
			return true
		}
	}
	return false
}
