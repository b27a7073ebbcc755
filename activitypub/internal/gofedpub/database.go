package gofedpub

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"sync"

	"github.com/go-fed/activity/pub"
	"github.com/go-fed/activity/streams"
	"github.com/go-fed/activity/streams/vocab"
)

var _ pub.Database = (*memDB)(nil)

// memDB is go-fed's pub.Database held in memory.
//
// go-fed takes a per-id lock (Lock/Unlock) around every call it makes; memDB
// honours that with real per-id locks, and guards its maps with a mutex of
// its own because go-fed's locks are per id while the maps are shared.
// Values are stored as the go-fed values go-fed hands over, without
// serializing them, which is the cheapest a go-fed database can be.
type memDB struct {
	locks    idLocks
	local    localIRIs
	pageSize int

	mu      sync.RWMutex
	objects map[string]vocab.Type // by key(id)
	inbox   box
	outbox  box
	notes   int    // Notes among objects
	lastID  uint64 // last id NewID handed out
}

// box is an inbox or outbox: the ids of its activities, oldest first.
type box struct {
	items []*url.URL
	ids   map[string]struct{}
}

func newMemDB(local localIRIs, pageSize int) *memDB {
	return &memDB{
		locks:    idLocks{m: make(map[string]*idLock)},
		local:    local,
		pageSize: pageSize,
		objects:  make(map[string]vocab.Type),
		inbox:    box{ids: make(map[string]struct{})},
		outbox:   box{ids: make(map[string]struct{})},
	}
}

// Lock takes the lock of id, waiting for it until ctx ends.
func (db *memDB) Lock(ctx context.Context, id *url.URL) error {
	if id == nil {
		return ErrNilIRI
	}
	return db.locks.lock(ctx, db.local.key(id))
}

// Unlock releases the lock of id.
func (db *memDB) Unlock(_ context.Context, id *url.URL) error {
	if id == nil {
		return ErrNilIRI
	}
	return db.locks.unlock(db.local.key(id))
}

// InboxContains reports whether the inbox holds the activity id.
func (db *memDB) InboxContains(_ context.Context, inbox, id *url.URL) (bool, error) {
	if inbox == nil || id == nil {
		return false, ErrNilIRI
	}
	db.mu.RLock()
	defer db.mu.RUnlock()
	b, err := db.box(inbox, db.local.inbox)
	if err != nil {
		return false, err
	}
	_, ok := b.ids[id.String()]
	return ok, nil
}

// GetInbox returns the first page of the inbox, newest first.
func (db *memDB) GetInbox(_ context.Context, inboxIRI *url.URL) (vocab.ActivityStreamsOrderedCollectionPage, error) {
	return db.firstPage(inboxIRI, db.local.inbox)
}

// SetInbox saves the items prepended to a page GetInbox returned.
func (db *memDB) SetInbox(_ context.Context, page vocab.ActivityStreamsOrderedCollectionPage) error {
	return db.setPage(page, db.local.inbox)
}

// GetOutbox returns the first page of the outbox, newest first.
func (db *memDB) GetOutbox(_ context.Context, outboxIRI *url.URL) (vocab.ActivityStreamsOrderedCollectionPage, error) {
	return db.firstPage(outboxIRI, db.local.outbox)
}

// SetOutbox saves the items prepended to a page GetOutbox returned.
func (db *memDB) SetOutbox(_ context.Context, page vocab.ActivityStreamsOrderedCollectionPage) error {
	return db.setPage(page, db.local.outbox)
}

// Owns reports whether id is one of this server's IRIs: its actor and the
// actor's collections, or an id NewID made.
func (db *memDB) Owns(_ context.Context, id *url.URL) (bool, error) {
	if id == nil {
		return false, ErrNilIRI
	}
	return db.local.owns(id), nil
}

// ActorForOutbox returns the actor of the local outbox.
func (db *memDB) ActorForOutbox(_ context.Context, outboxIRI *url.URL) (*url.URL, error) {
	return db.local.sibling(outboxIRI, db.local.outbox, db.local.actor)
}

// ActorForInbox returns the actor of the local inbox.
func (db *memDB) ActorForInbox(_ context.Context, inboxIRI *url.URL) (*url.URL, error) {
	return db.local.sibling(inboxIRI, db.local.inbox, db.local.actor)
}

// OutboxForInbox returns the outbox of the local inbox's actor.
func (db *memDB) OutboxForInbox(_ context.Context, inboxIRI *url.URL) (*url.URL, error) {
	return db.local.sibling(inboxIRI, db.local.inbox, db.local.outbox)
}

// Exists reports whether the database has an entry for id.
func (db *memDB) Exists(_ context.Context, id *url.URL) (bool, error) {
	if id == nil {
		return false, ErrNilIRI
	}
	if db.local.isFixed(id) {
		return true, nil
	}
	db.mu.RLock()
	defer db.mu.RUnlock()
	_, ok := db.objects[db.local.key(id)]
	return ok, nil
}

// Get returns the entry for id: a stored object, or the local actor and its
// collections, built on demand.
func (db *memDB) Get(_ context.Context, id *url.URL) (vocab.Type, error) {
	if id == nil {
		return nil, ErrNilIRI
	}
	switch id.Path {
	case db.local.actor:
		if db.local.hostMatches(id) {
			return db.local.person(id), nil
		}
	case db.local.inbox, db.local.outbox:
		if db.local.hostMatches(id) {
			c := streams.NewActivityStreamsOrderedCollection()
			c.SetJSONLDId(idProperty(id))
			return c, nil
		}
	case db.local.followers, db.local.following, db.local.liked:
		if db.local.hostMatches(id) {
			return emptyCollection(id), nil
		}
	}
	db.mu.RLock()
	defer db.mu.RUnlock()
	t, ok := db.objects[db.local.key(id)]
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	return t, nil
}

// Create stores t under its id. go-fed may create the same object more
// than once; the last value wins.
func (db *memDB) Create(_ context.Context, t vocab.Type) error {
	return db.put(t)
}

// Update replaces the entry of t's id.
func (db *memDB) Update(_ context.Context, t vocab.Type) error {
	return db.put(t)
}

// Delete removes the entry for id.
func (db *memDB) Delete(_ context.Context, id *url.URL) error {
	if id == nil {
		return ErrNilIRI
	}
	k := db.local.key(id)
	db.mu.Lock()
	defer db.mu.Unlock()
	if old, ok := db.objects[k]; ok {
		if isNote(old) {
			db.notes--
		}
		delete(db.objects, k)
	}
	return nil
}

// NewID returns a fresh IRI on this server, for the Social API go-fed
// would run if it were enabled.
func (db *memDB) NewID(_ context.Context, _ vocab.Type) (*url.URL, error) {
	db.mu.Lock()
	db.lastID++
	n := db.lastID
	db.mu.Unlock()
	return &url.URL{Scheme: "https", Host: db.local.hostOrLocalhost(), Path: db.local.objects + strconv.FormatUint(n, 10)}, nil
}

// Followers returns the local actor's followers collection (always empty).
func (db *memDB) Followers(_ context.Context, actorIRI *url.URL) (vocab.ActivityStreamsCollection, error) {
	return db.actorCollection(actorIRI, db.local.followers)
}

// Following returns the local actor's following collection (always empty).
func (db *memDB) Following(_ context.Context, actorIRI *url.URL) (vocab.ActivityStreamsCollection, error) {
	return db.actorCollection(actorIRI, db.local.following)
}

// Liked returns the local actor's liked collection (always empty).
func (db *memDB) Liked(_ context.Context, actorIRI *url.URL) (vocab.ActivityStreamsCollection, error) {
	return db.actorCollection(actorIRI, db.local.liked)
}

// put stores t under its id, counting Notes.
func (db *memDB) put(t vocab.Type) error {
	if t == nil {
		return ErrNilValue
	}
	id, err := pub.GetId(t)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrNilIRI, err)
	}
	k := db.local.key(id)
	db.mu.Lock()
	defer db.mu.Unlock()
	if old, ok := db.objects[k]; ok && isNote(old) {
		db.notes--
	}
	db.objects[k] = t
	if isNote(t) {
		db.notes++
	}
	return nil
}

// box returns the local box at path for iri. db.mu must be held.
func (db *memDB) box(iri *url.URL, path string) (*box, error) {
	if iri.Path != path || !db.local.hostMatches(iri) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, iri)
	}
	if path == db.local.inbox {
		return &db.inbox, nil
	}
	return &db.outbox, nil
}

// firstPage returns the first page of a box, its newest pageSize items.
func (db *memDB) firstPage(iri *url.URL, path string) (vocab.ActivityStreamsOrderedCollectionPage, error) {
	if iri == nil {
		return nil, ErrNilIRI
	}
	db.mu.RLock()
	defer db.mu.RUnlock()
	b, err := db.box(iri, path)
	if err != nil {
		return nil, err
	}
	pageID := *iri
	pageID.RawQuery = "page=true"
	page := streams.NewActivityStreamsOrderedCollectionPage()
	page.SetJSONLDId(idProperty(&pageID))
	partOf := streams.NewActivityStreamsPartOfProperty()
	partOf.SetIRI(iri)
	page.SetActivityStreamsPartOf(partOf)
	items := streams.NewActivityStreamsOrderedItemsProperty()
	for i := len(b.items) - 1; i >= 0 && len(b.items)-i <= db.pageSize; i-- {
		items.AppendIRI(b.items[i])
	}
	page.SetActivityStreamsOrderedItems(items)
	return page, nil
}

// setPage saves the items prepended to a first page: those at its head that
// the box does not hold yet.
func (db *memDB) setPage(page vocab.ActivityStreamsOrderedCollectionPage, path string) error {
	if page == nil {
		return ErrNilValue
	}
	pageID, err := pub.GetId(page)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrNilIRI, err)
	}
	boxIRI := *pageID
	boxIRI.RawQuery = ""
	db.mu.Lock()
	defer db.mu.Unlock()
	b, err := db.box(&boxIRI, path)
	if err != nil {
		return err
	}
	items := page.GetActivityStreamsOrderedItems()
	if items == nil {
		return nil
	}
	var added []*url.URL
	for it := items.Begin(); it != items.End(); it = it.Next() {
		id, err := pub.ToId(it)
		if err != nil {
			return fmt.Errorf("gofedpub: %w", err)
		}
		if _, ok := b.ids[id.String()]; ok {
			break
		}
		added = append(added, id)
	}
	for i := len(added) - 1; i >= 0; i-- {
		b.items = append(b.items, added[i])
		b.ids[added[i].String()] = struct{}{}
	}
	return nil
}

// actorCollection returns the empty collection at path of the local actor.
func (db *memDB) actorCollection(actorIRI *url.URL, path string) (vocab.ActivityStreamsCollection, error) {
	iri, err := db.local.sibling(actorIRI, db.local.actor, path)
	if err != nil {
		return nil, err
	}
	return emptyCollection(iri), nil
}

// counts returns the number of Notes stored and of activities in the inbox.
func (db *memDB) counts() (notes, inbox int) {
	db.mu.RLock()
	defer db.mu.RUnlock()
	return db.notes, len(db.inbox.items)
}

// has reports whether an object with id is stored.
func (db *memDB) has(id *url.URL) bool {
	db.mu.RLock()
	defer db.mu.RUnlock()
	_, ok := db.objects[db.local.key(id)]
	return ok
}

func isNote(t vocab.Type) bool { return t.GetTypeName() == "Note" }

func idProperty(id *url.URL) vocab.JSONLDIdProperty {
	p := streams.NewJSONLDIdProperty()
	p.Set(id)
	return p
}

func emptyCollection(id *url.URL) vocab.ActivityStreamsCollection {
	c := streams.NewActivityStreamsCollection()
	c.SetJSONLDId(idProperty(id))
	total := streams.NewActivityStreamsTotalItemsProperty()
	total.Set(0)
	c.SetActivityStreamsTotalItems(total)
	return c
}

// idLocks are the per-id locks go-fed asks a Database for. An entry lives
// while some goroutine holds or waits for its lock.
type idLocks struct {
	mu sync.Mutex
	m  map[string]*idLock
}

type idLock struct {
	held chan struct{} // holds a token while the lock is taken
	refs int           // holder plus waiters
}

// lock takes the lock of key, waiting until ctx ends. On error the lock is
// not taken, as pub.Database requires.
func (l *idLocks) lock(ctx context.Context, key string) error {
	l.mu.Lock()
	e := l.m[key]
	if e == nil {
		e = &idLock{held: make(chan struct{}, 1)}
		l.m[key] = e
	}
	e.refs++
	l.mu.Unlock()
	select {
	case e.held <- struct{}{}:
		return nil
	case <-ctx.Done():
		l.mu.Lock()
		l.drop(key, e)
		l.mu.Unlock()
		return fmt.Errorf("gofedpub: lock %s: %w", key, ctx.Err())
	}
}

// unlock releases the lock of key; it fails if the lock is not held.
func (l *idLocks) unlock(key string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.m[key]
	if e == nil {
		return fmt.Errorf("%w: %s", ErrNotLocked, key)
	}
	select {
	case <-e.held:
	default:
		return fmt.Errorf("%w: %s", ErrNotLocked, key)
	}
	l.drop(key, e)
	return nil
}

// drop forgets one holder or waiter of e. l.mu must be held.
func (l *idLocks) drop(key string, e *idLock) {
	e.refs--
	if e.refs == 0 {
		delete(l.m, key)
	}
}
