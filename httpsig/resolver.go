package httpsig

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Refresher is implemented by a [KeyResolver] that caches keys and can
// fetch one afresh. When a signature fails to verify with a key a Refresher
// returned, [Verifier] asks it for the key again, once, and retries: the
// remote actor may have rotated its key since it was cached (Mastodon does
// the same). RefreshKey may return the cached key unchanged when it was
// fetched very recently; the Verifier then does not retry.
type Refresher interface {
	RefreshKey(ctx context.Context, keyID string) (*VerificationKey, error)
}

// CachingResolver caches the keys another [KeyResolver] finds. It is safe
// for concurrent use; concurrent lookups of one key id share one fetch.
// Failures are not cached unless NegativeTTL says so. The zero value is not
// usable: set Resolver.
type CachingResolver struct {
	// Resolver fetches keys missing from the cache. Required.
	Resolver KeyResolver

	// TTL is how long a key is served from the cache. If zero, 1 hour.
	TTL time.Duration

	// MinRefresh is the least age a cached key must have before RefreshKey
	// fetches it again; younger keys are returned as they are, so a flood
	// of bad signatures cannot turn into a flood of fetches. If zero,
	// 1 minute.
	MinRefresh time.Duration

	// NegativeTTL, if positive, caches for this long the answer that a key
	// does not exist (an error wrapping ErrUnknownKey), so a burst of
	// requests signed by a deleted actor costs one fetch. Other errors are
	// never cached. If zero, unknown keys are asked for every time.
	NegativeTTL time.Duration

	// MaxEntries bounds the cache; the least recently used key goes first.
	// If zero, 10000.
	MaxEntries int

	// Now returns the current time. If nil, time.Now is used.
	Now func() time.Time

	mu       sync.Mutex
	entries  map[string]*list.Element // of *cacheEntry
	lru      *list.List               // front = most recently used
	inflight map[string]*resolveCall
}

var (
	_ KeyResolver = (*CachingResolver)(nil)
	_ Refresher   = (*CachingResolver)(nil)
)

type cacheEntry struct {
	keyID   string
	key     VerificationKey
	err     error // set for a cached "unknown key"; key is then empty
	fetched time.Time
}

type resolveCall struct {
	done chan struct{}
	key  *VerificationKey
	err  error
}

// ResolveKey returns the cached key for keyID if it is younger than the
// TTL, and otherwise fetches it from c.Resolver and caches it.
func (c *CachingResolver) ResolveKey(ctx context.Context, keyID string) (*VerificationKey, error) {
	c.mu.Lock()
	if e, ok := c.entries[keyID]; ok {
		ce := e.Value.(*cacheEntry)
		if ce.err != nil && c.now().Sub(ce.fetched) < c.NegativeTTL {
			c.lru.MoveToFront(e)
			err := ce.err
			c.mu.Unlock()
			return nil, err
		}
		if ce.err == nil && c.now().Sub(ce.fetched) < orDuration(c.TTL, time.Hour) {
			c.lru.MoveToFront(e)
			k := ce.key
			c.mu.Unlock()
			return &k, nil
		}
	}
	c.mu.Unlock()
	return c.fetch(ctx, keyID, orDuration(c.TTL, time.Hour))
}

// RefreshKey fetches keyID again, unless the cached key is younger than
// MinRefresh, in which case that key is returned.
func (c *CachingResolver) RefreshKey(ctx context.Context, keyID string) (*VerificationKey, error) {
	c.mu.Lock()
	if e, ok := c.entries[keyID]; ok {
		ce := e.Value.(*cacheEntry)
		if ce.err == nil && c.now().Sub(ce.fetched) < orDuration(c.MinRefresh, time.Minute) {
			k := ce.key
			c.mu.Unlock()
			return &k, nil
		}
	}
	c.mu.Unlock()
	return c.fetch(ctx, keyID, orDuration(c.MinRefresh, time.Minute))
}

// Forget drops keyID from the cache, for instance when its actor is
// deleted or announces a new key.
func (c *CachingResolver) Forget(keyID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[keyID]; ok {
		c.lru.Remove(e)
		delete(c.entries, keyID)
	}
}

// fetch asks the upstream resolver, sharing one call among concurrent
// callers for the same key id. The fetch runs under the first caller's
// context; the others stop waiting when their own context ends, and fetch
// again themselves when the first caller's context ended before its fetch
// did.
//
// A key cached less than fresh ago when the fetch would start is returned
// instead: between a caller's look at the cache and its fetch, another
// fetch of the same key may have finished.
func (c *CachingResolver) fetch(ctx context.Context, keyID string, fresh time.Duration) (*VerificationKey, error) {
	if c.Resolver == nil {
		return nil, fmt.Errorf("%w: CachingResolver has no Resolver", ErrUnknownKey)
	}
	for {
		c.mu.Lock()
		call, ok := c.inflight[keyID]
		if !ok {
			break // c.mu stays held for the code below
		}
		c.mu.Unlock()
		select {
		case <-call.done:
			if call.err == nil {
				k := *call.key
				return &k, nil
			}
			if contextErr(call.err) && ctx.Err() == nil {
				continue // another caller gave up, not the resolver
			}
			return nil, call.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if e, ok := c.entries[keyID]; ok {
		if ce := e.Value.(*cacheEntry); ce.err == nil && c.now().Sub(ce.fetched) < fresh {
			k := ce.key
			c.mu.Unlock()
			return &k, nil
		}
	}
	if c.inflight == nil {
		c.inflight = make(map[string]*resolveCall)
	}
	call := &resolveCall{done: make(chan struct{}), err: errResolverPanicked}
	c.inflight[keyID] = call
	c.mu.Unlock()
	c.resolve(ctx, keyID, call)
	if call.err != nil {
		return nil, call.err
	}
	k := *call.key
	return &k, nil
}

// errResolverPanicked is what callers sharing a fetch see when the
// upstream resolver panicked in it.
var errResolverPanicked = errors.New("httpsig: key resolver panicked")

// resolve runs the upstream lookup of call and publishes its outcome, even
// when the resolver panics: a fetch left in flight would make every later
// lookup of keyID wait for nothing.
func (c *CachingResolver) resolve(ctx context.Context, keyID string, call *resolveCall) {
	defer func() {
		c.mu.Lock()
		delete(c.inflight, keyID)
		switch {
		case call.err == nil:
			c.store(keyID, *call.key, nil)
		case !errors.Is(call.err, ErrUnknownKey):
			// A failure to fetch says nothing about the key: keep what
			// is cached.
		case c.NegativeTTL > 0:
			c.store(keyID, VerificationKey{}, call.err)
		default:
			// The key is gone: stop serving the copy cached before.
			if e, ok := c.entries[keyID]; ok {
				c.lru.Remove(e)
				delete(c.entries, keyID)
			}
		}
		c.mu.Unlock()
		close(call.done)
	}()
	key, err := c.Resolver.ResolveKey(ctx, keyID)
	if err == nil && (key == nil || key.Key == nil) {
		err = fmt.Errorf("%w: resolver returned no key", ErrUnknownKey)
	}
	call.key, call.err = key, err
}

// contextErr reports whether err says a context ended.
func contextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// store caches key, or err for an unknown key; c.mu is held.
func (c *CachingResolver) store(keyID string, key VerificationKey, err error) {
	if c.entries == nil {
		c.entries = make(map[string]*list.Element)
		c.lru = list.New()
	}
	if e, ok := c.entries[keyID]; ok {
		ce := e.Value.(*cacheEntry)
		ce.key, ce.err, ce.fetched = key, err, c.now()
		c.lru.MoveToFront(e)
		return
	}
	c.entries[keyID] = c.lru.PushFront(&cacheEntry{keyID: keyID, key: key, err: err, fetched: c.now()})
	max := c.MaxEntries
	if max <= 0 {
		max = 10000
	}
	for c.lru.Len() > max {
		oldest := c.lru.Back()
		c.lru.Remove(oldest)
		delete(c.entries, oldest.Value.(*cacheEntry).keyID)
	}
}

func (c *CachingResolver) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}
