package httpsig

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// countingResolver hands out the current key of each id and counts fetches.
type countingResolver struct {
	mu      sync.Mutex
	keys    map[string]ed25519.PublicKey
	fetches atomic.Int32
	gate    chan struct{} // if set, fetches wait on it
}

func (c *countingResolver) ResolveKey(ctx context.Context, keyID string) (*VerificationKey, error) {
	c.fetches.Add(1)
	if c.gate != nil {
		select {
		case <-c.gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	k, ok := c.keys[keyID]
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrUnknownKey, keyID)
	}
	return &VerificationKey{KeyID: keyID, Key: k}, nil
}

func (c *countingResolver) set(keyID string, k ed25519.PublicKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.keys[keyID] = k
}

func genEd25519(t *testing.T) (ed25519.PublicKey, ed25519.PrivateKey) {
	pub, priv, err := ed25519.GenerateKey(nil)
	require.NoError(t, err)
	return pub, priv
}

func TestCachingResolver(t *testing.T) {
	ctx := context.Background()
	k1, _ := genEd25519(t)
	k2, _ := genEd25519(t)
	up := &countingResolver{keys: map[string]ed25519.PublicKey{"a": k1}}
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	c := &CachingResolver{Resolver: up, Now: func() time.Time { return now }, MaxEntries: 2}

	got, err := c.ResolveKey(ctx, "a")
	require.NoError(t, err)
	assert.Equal(t, k1, got.Key)
	_, err = c.ResolveKey(ctx, "a")
	require.NoError(t, err)
	assert.EqualValues(t, 1, up.fetches.Load(), "second lookup is served from the cache")

	// Unknown keys are not cached.
	_, err = c.ResolveKey(ctx, "missing")
	require.ErrorIs(t, err, ErrUnknownKey)
	_, err = c.ResolveKey(ctx, "missing")
	require.ErrorIs(t, err, ErrUnknownKey)
	assert.EqualValues(t, 3, up.fetches.Load())

	// The key rotates: a refresh within MinRefresh keeps the cached key...
	up.set("a", k2)
	got, err = c.RefreshKey(ctx, "a")
	require.NoError(t, err)
	assert.Equal(t, k1, got.Key)
	assert.EqualValues(t, 3, up.fetches.Load())
	// ...and after it fetches the new one, which the cache then serves.
	now = now.Add(2 * time.Minute)
	got, err = c.RefreshKey(ctx, "a")
	require.NoError(t, err)
	assert.Equal(t, k2, got.Key)
	got, err = c.ResolveKey(ctx, "a")
	require.NoError(t, err)
	assert.Equal(t, k2, got.Key)
	assert.EqualValues(t, 4, up.fetches.Load())

	// The TTL expires.
	now = now.Add(61 * time.Minute)
	_, err = c.ResolveKey(ctx, "a")
	require.NoError(t, err)
	assert.EqualValues(t, 5, up.fetches.Load())

	// Forget drops it.
	c.Forget("a")
	_, err = c.ResolveKey(ctx, "a")
	require.NoError(t, err)
	assert.EqualValues(t, 6, up.fetches.Load())

	// The cache stays within MaxEntries, dropping the least recently used.
	up.set("b", k1)
	up.set("c", k1)
	_, _ = c.ResolveKey(ctx, "b")
	_, _ = c.ResolveKey(ctx, "a")
	_, _ = c.ResolveKey(ctx, "c") // evicts b
	c.mu.Lock()
	assert.Len(t, c.entries, 2)
	assert.NotContains(t, c.entries, "b")
	c.mu.Unlock()

	// A caller changing the returned key does not change the cache.
	got, _ = c.ResolveKey(ctx, "a")
	got.Owner = "changed"
	again, _ := c.ResolveKey(ctx, "a")
	assert.Empty(t, again.Owner)
}

func TestCachingResolverSharesFetches(t *testing.T) {
	k1, _ := genEd25519(t)
	up := &countingResolver{keys: map[string]ed25519.PublicKey{"a": k1}, gate: make(chan struct{})}
	c := &CachingResolver{Resolver: up}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			_, err := c.ResolveKey(context.Background(), "a")
			errs <- err
		})
	}
	// Wait until the one fetch has started, then let it finish.
	for up.fetches.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	close(up.gate)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.EqualValues(t, 1, up.fetches.Load(), "eight lookups, one fetch")

	// A waiter whose context ends stops waiting.
	up2 := &countingResolver{keys: map[string]ed25519.PublicKey{"a": k1}, gate: make(chan struct{})}
	c2 := &CachingResolver{Resolver: up2}
	leaderDone := make(chan struct{})
	go func() {
		defer close(leaderDone)
		_, _ = c2.ResolveKey(context.Background(), "a")
	}()
	for up2.fetches.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c2.ResolveKey(ctx, "a")
	require.True(t, errors.Is(err, context.Canceled))
	close(up2.gate)
	<-leaderDone

	_, err = (&CachingResolver{}).ResolveKey(context.Background(), "a")
	require.ErrorIs(t, err, ErrUnknownKey)
}

func TestCachingResolverNegativeTTL(t *testing.T) {
	ctx := context.Background()
	k1, _ := genEd25519(t)
	up := &countingResolver{keys: map[string]ed25519.PublicKey{}}
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	c := &CachingResolver{Resolver: up, NegativeTTL: time.Minute, Now: func() time.Time { return now }}

	for range 3 {
		_, err := c.ResolveKey(ctx, "gone")
		require.ErrorIs(t, err, ErrUnknownKey)
	}
	assert.EqualValues(t, 1, up.fetches.Load(), "one fetch for a burst from a deleted actor")

	// Refresh asks again; so does a lookup once NegativeTTL has passed.
	up.set("gone", k1)
	got, err := c.RefreshKey(ctx, "gone")
	require.NoError(t, err)
	assert.Equal(t, k1, got.Key)
	c.Forget("gone")
	up.mu.Lock()
	delete(up.keys, "gone")
	up.mu.Unlock()
	_, err = c.ResolveKey(ctx, "gone")
	require.ErrorIs(t, err, ErrUnknownKey)
	now = now.Add(2 * time.Minute)
	up.set("gone", k1)
	got, err = c.ResolveKey(ctx, "gone")
	require.NoError(t, err)
	assert.Equal(t, k1, got.Key)

	// Other failures are never cached.
	boom := errors.New("connection refused")
	var calls int
	c2 := &CachingResolver{NegativeTTL: time.Hour, Resolver: KeyResolverFunc(func(context.Context, string) (*VerificationKey, error) {
		calls++
		return nil, boom
	})}
	for range 2 {
		_, err := c2.ResolveKey(ctx, "k")
		require.ErrorIs(t, err, boom)
	}
	assert.Equal(t, 2, calls)
}

// TestCachingResolverSurvivesPanic checks that a resolver panicking in a
// shared fetch does not leave it in flight, which would make every later
// lookup of that key id wait until its context ends.
func TestCachingResolverSurvivesPanic(t *testing.T) {
	k1, _ := genEd25519(t)
	var calls atomic.Int32
	c := &CachingResolver{Resolver: KeyResolverFunc(func(_ context.Context, keyID string) (*VerificationKey, error) {
		if calls.Add(1) == 1 {
			panic("resolver bug")
		}
		return &VerificationKey{KeyID: keyID, Key: k1}, nil
	})}
	assert.Panics(t, func() { _, _ = c.ResolveKey(context.Background(), "a") })

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // a safety net, not a timing check
	defer cancel()
	got, err := c.ResolveKey(ctx, "a")
	require.NoError(t, err)
	assert.Equal(t, k1, got.Key)
}

// TestCachingResolverLeaderGivesUp checks that a caller sharing another's
// fetch is not failed by the other's context ending.
func TestCachingResolverLeaderGivesUp(t *testing.T) {
	k1, _ := genEd25519(t)
	up := &countingResolver{keys: map[string]ed25519.PublicKey{"a": k1}, gate: make(chan struct{})}
	c := &CachingResolver{Resolver: up}

	leaderCtx, cancelLeader := context.WithCancel(context.Background())
	leaderDone := make(chan error, 1)
	go func() {
		_, err := c.ResolveKey(leaderCtx, "a")
		leaderDone <- err
	}()
	for up.fetches.Load() == 0 {
		runtime.Gosched()
	}
	waiterStarted := make(chan struct{})
	waiterDone := make(chan error, 1)
	go func() {
		close(waiterStarted)
		_, err := c.ResolveKey(context.Background(), "a")
		waiterDone <- err
	}()
	<-waiterStarted
	time.Sleep(20 * time.Millisecond) // let the waiter join the fetch; the test holds either way
	cancelLeader()
	require.ErrorIs(t, <-leaderDone, context.Canceled)
	close(up.gate)
	require.NoError(t, <-waiterDone)
}

// TestCachingResolverRefreshFindsKeyGone checks that a key whose refetch
// says it no longer exists stops being served from the cache.
func TestCachingResolverRefreshFindsKeyGone(t *testing.T) {
	k1, _ := genEd25519(t)
	up := &countingResolver{keys: map[string]ed25519.PublicKey{"a": k1}}
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	c := &CachingResolver{Resolver: up, Now: func() time.Time { return now }}
	_, err := c.ResolveKey(context.Background(), "a")
	require.NoError(t, err)

	up.mu.Lock()
	delete(up.keys, "a")
	up.mu.Unlock()
	now = now.Add(2 * time.Minute)
	_, err = c.RefreshKey(context.Background(), "a")
	require.ErrorIs(t, err, ErrUnknownKey)
	_, err = c.ResolveKey(context.Background(), "a")
	require.ErrorIs(t, err, ErrUnknownKey, "the deleted key is not served from the cache")
}

// A lookup that missed the cache just before another caller's fetch filled
// it must not fetch again: fetch looks at the cache once more.
func TestCachingResolverFetchRechecksCache(t *testing.T) {
	k1, _ := genEd25519(t)
	up := &countingResolver{keys: map[string]ed25519.PublicKey{"a": k1}}
	c := &CachingResolver{Resolver: up}
	_, err := c.ResolveKey(context.Background(), "a")
	require.NoError(t, err)
	require.EqualValues(t, 1, up.fetches.Load())
	// What a caller that saw no entry does next:
	got, err := c.fetch(context.Background(), "a", time.Hour)
	require.NoError(t, err)
	assert.Equal(t, "a", got.KeyID)
	assert.EqualValues(t, 1, up.fetches.Load(), "the key fetched meanwhile is used")
	// A refresh past MinRefresh still fetches.
	got, err = c.fetch(context.Background(), "a", 0)
	require.NoError(t, err)
	assert.Equal(t, "a", got.KeyID)
	assert.EqualValues(t, 2, up.fetches.Load())
}
