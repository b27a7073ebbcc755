package activitypub

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/starling-fed/starling/store"
)

// Bounds of the in-memory read cache in front of the store.
const (
	// readCacheTTL bounds how long a cached read is served. Processes
	// sharing a store see each other's writes at most this late.
	readCacheTTL = 30 * time.Second
	// readCacheMax bounds the entries of each kind kept.
	readCacheMax = 4096
)

// cachedStore keeps recent reads of the records every received activity
// needs — the sender's cached actor document, a Store-held local actor's
// profile, and the size and members of local actors' block lists — in
// memory for a short while. Writes through it
// update or drop the cached copy at once; writes by other processes sharing
// the store are seen within readCacheTTL. Everything else goes straight to
// the store.
type cachedStore struct {
	store.Store
	now        func() time.Time
	profileIRI string // prefix of Store-held actor profiles
	// forgetKey, if set, drops a key id from the verifier's in-memory
	// key cache; writes of a remote actor call it for the keys the
	// actor had, so a replaced key or a deleted actor's key stops
	// verifying at once.
	forgetKey func(keyID string)

	mu sync.Mutex
	// gen counts the writes through the cache. A read caches what the
	// store answered only if no write came between the read's start and
	// its end: else the answer may be the state the write replaced.
	gen      uint64
	actors   map[string]cached[store.RemoteActor]
	profiles map[string]cached[store.Object]
	blocks   map[string]cached[int]  // block list IRI -> member count
	members  map[string]cached[bool] // block list IRI + "\x00" + item -> member?
}

type cached[T any] struct {
	v     T
	until time.Time
}

func newCachedStore(st store.Store, now func() time.Time, profileIRI string) *cachedStore {
	return &cachedStore{
		Store: st, now: now, profileIRI: profileIRI,
		actors:   make(map[string]cached[store.RemoteActor]),
		profiles: make(map[string]cached[store.Object]),
		blocks:   make(map[string]cached[int]),
		members:  make(map[string]cached[bool]),
	}
}

// cacheGet returns a live entry of m.
func cacheGet[T any](c *cachedStore, m map[string]cached[T], key string) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := m[key]
	if !ok || !c.now().Before(e.until) {
		var zero T
		return zero, false
	}
	return e.v, true
}

// generation returns the count of writes so far, for cachePut.
func (c *cachedStore) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// cachePut stores v, read from the store since generation gen, in m,
// making room when m is full; it does nothing when a write came since.
func cachePut[T any](c *cachedStore, m map[string]cached[T], key string, v T, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if len(m) >= readCacheMax {
		n := 0
		for k := range m { // map order is random: drop an arbitrary eighth
			delete(m, k)
			if n++; n >= readCacheMax/8 {
				break
			}
		}
	}
	m[key] = cached[T]{v: v, until: c.now().Add(readCacheTTL)}
}

func cacheDrop[T any](c *cachedStore, m map[string]cached[T], key string) {
	c.mu.Lock()
	c.gen++
	delete(m, key)
	c.mu.Unlock()
}

func (c *cachedStore) GetRemoteActor(ctx context.Context, actorIRI string) (store.RemoteActor, error) {
	if a, ok := cacheGet(c, c.actors, actorIRI); ok && ctx.Err() == nil {
		return a, nil
	}
	gen := c.generation()
	a, err := c.Store.GetRemoteActor(ctx, actorIRI)
	if err == nil {
		cachePut(c, c.actors, actorIRI, a, gen)
	}
	return a, err
}

// Writes drop the cached copy before and after the write: a read racing
// the write may have cached the old state in between. Each drop also
// counts as a write for generation, so a read that began before the write
// and ends after it caches nothing.

func (c *cachedStore) PutRemoteActor(ctx context.Context, a store.RemoteActor) error {
	cacheDrop(c, c.actors, a.IRI)
	defer cacheDrop(c, c.actors, a.IRI)
	defer c.forgetKeysOf(ctx, a.IRI)()
	return c.Store.PutRemoteActor(ctx, a)
}

func (c *cachedStore) DeleteRemoteActor(ctx context.Context, actorIRI string) error {
	cacheDrop(c, c.actors, actorIRI)
	defer cacheDrop(c, c.actors, actorIRI)
	defer c.forgetKeysOf(ctx, actorIRI)()
	return c.Store.DeleteRemoteActor(ctx, actorIRI)
}

// forgetKeysOf reads the keys actorIRI has in the store before a write of
// it and returns what drops them from the verifier's key cache after the
// write.
func (c *cachedStore) forgetKeysOf(ctx context.Context, actorIRI string) func() {
	if c.forgetKey == nil {
		return func() {}
	}
	old, err := c.Store.GetRemoteActor(ctx, actorIRI)
	if err != nil {
		return func() {}
	}
	return func() {
		for _, k := range old.Keys {
			c.forgetKey(k.KeyID)
		}
	}
}

func (c *cachedStore) isProfile(iri string) bool { return strings.HasPrefix(iri, c.profileIRI) }

func (c *cachedStore) GetObject(ctx context.Context, iri string) (store.Object, error) {
	if !c.isProfile(iri) {
		return c.Store.GetObject(ctx, iri)
	}
	if o, ok := cacheGet(c, c.profiles, iri); ok && ctx.Err() == nil {
		return o, nil
	}
	gen := c.generation()
	o, err := c.Store.GetObject(ctx, iri)
	if err == nil {
		cachePut(c, c.profiles, iri, o, gen)
	}
	return o, err
}

func (c *cachedStore) PutObject(ctx context.Context, obj store.Object) error {
	if c.isProfile(obj.IRI) {
		cacheDrop(c, c.profiles, obj.IRI)
		defer cacheDrop(c, c.profiles, obj.IRI)
	}
	return c.Store.PutObject(ctx, obj)
}

func (c *cachedStore) DeleteObject(ctx context.Context, iri string, deleted time.Time) error {
	if c.isProfile(iri) {
		cacheDrop(c, c.profiles, iri)
		defer cacheDrop(c, c.profiles, iri)
	}
	return c.Store.DeleteObject(ctx, iri, deleted)
}

func (c *cachedStore) PurgeObject(ctx context.Context, iri string) error {
	if c.isProfile(iri) {
		cacheDrop(c, c.profiles, iri)
		defer cacheDrop(c, c.profiles, iri)
	}
	return c.Store.PurgeObject(ctx, iri)
}

// isBlockList reports whether a collection is a block list (see state.go),
// whose reads are cached.
func isBlockList(iri string) bool { return strings.HasSuffix(iri, blockedSuffix) }

// forgetBlockList drops every cached read of a block list.
func (c *cachedStore) forgetBlockList(iri string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.blocks, iri)
	prefix := iri + "\x00"
	for k := range c.members {
		if strings.HasPrefix(k, prefix) {
			delete(c.members, k)
		}
	}
}

func (c *cachedStore) CountCollection(ctx context.Context, iri string) (int, error) {
	if !isBlockList(iri) {
		return c.Store.CountCollection(ctx, iri)
	}
	if n, ok := cacheGet(c, c.blocks, iri); ok && ctx.Err() == nil {
		return n, nil
	}
	gen := c.generation()
	n, err := c.Store.CountCollection(ctx, iri)
	if err == nil {
		cachePut(c, c.blocks, iri, n, gen)
	}
	return n, err
}

func (c *cachedStore) CollectionContains(ctx context.Context, iri, item string) (bool, error) {
	if !isBlockList(iri) {
		return c.Store.CollectionContains(ctx, iri, item)
	}
	key := iri + "\x00" + item
	if in, ok := cacheGet(c, c.members, key); ok && ctx.Err() == nil {
		return in, nil
	}
	gen := c.generation()
	in, err := c.Store.CollectionContains(ctx, iri, item)
	if err == nil {
		cachePut(c, c.members, key, in, gen)
	}
	return in, err
}

func (c *cachedStore) AddToCollection(ctx context.Context, iri, item string) (bool, error) {
	if isBlockList(iri) {
		c.forgetBlockList(iri)
		defer c.forgetBlockList(iri)
	}
	return c.Store.AddToCollection(ctx, iri, item)
}

func (c *cachedStore) RemoveFromCollection(ctx context.Context, iri, item string) (bool, error) {
	if isBlockList(iri) {
		c.forgetBlockList(iri)
		defer c.forgetBlockList(iri)
	}
	return c.Store.RemoveFromCollection(ctx, iri, item)
}
