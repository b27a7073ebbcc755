package activitypub

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/memory"
)

// pausingStore holds the next read of a remote actor or a block list's
// size between the store's answer and its return to the cache, so a write
// can land in between.
type pausingStore struct {
	store.Store
	read    chan struct{} // closed when the paused read has its answer
	release chan struct{} // closed to let it return
}

func newPausingStore() *pausingStore {
	return &pausingStore{Store: memory.New(), read: make(chan struct{}), release: make(chan struct{})}
}

func (p *pausingStore) pause() {
	select {
	case <-p.read:
		return // paused once already
	default:
	}
	close(p.read)
	<-p.release
}

func (p *pausingStore) GetRemoteActor(ctx context.Context, iri string) (store.RemoteActor, error) {
	a, err := p.Store.GetRemoteActor(ctx, iri)
	p.pause()
	return a, err
}

func (p *pausingStore) CountCollection(ctx context.Context, iri string) (int, error) {
	n, err := p.Store.CountCollection(ctx, iri)
	p.pause()
	return n, err
}

// A read that got its answer before a write and returns after it must not
// cache the state the write replaced: a deleted actor would be served for
// readCacheTTL, a new block ignored as long.
func TestRevSecCacheReadRacingWrite(t *testing.T) {
	ctx := context.Background()
	now := func() time.Time { return time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC) }

	t.Run("remote actor", func(t *testing.T) {
		inner := newPausingStore()
		c := newCachedStore(inner, now, "https://a.example/.starling/actors/")
		actor := store.RemoteActor{IRI: "https://b.example/u/bob", Document: []byte(`{"id":"https://b.example/u/bob"}`),
			Inbox: "https://b.example/u/bob/inbox", Fetched: now()}
		require.NoError(t, inner.Store.PutRemoteActor(ctx, actor))
		done := make(chan error, 1)
		go func() {
			_, err := c.GetRemoteActor(ctx, actor.IRI)
			done <- err
		}()
		<-inner.read
		require.NoError(t, c.DeleteRemoteActor(ctx, actor.IRI))
		close(inner.release)
		require.NoError(t, <-done)
		_, err := c.GetRemoteActor(ctx, actor.IRI)
		assert.ErrorIs(t, err, store.ErrNotFound, "the deleted actor is not served from memory")
	})
	t.Run("block list", func(t *testing.T) {
		inner := newPausingStore()
		c := newCachedStore(inner, now, "https://a.example/.starling/actors/")
		list := blockedIRI("https://a.example/users/alice")
		done := make(chan error, 1)
		go func() {
			_, err := c.CountCollection(ctx, list)
			done <- err
		}()
		<-inner.read
		_, err := c.AddToCollection(ctx, list, "https://evil.example")
		require.NoError(t, err)
		close(inner.release)
		require.NoError(t, <-done)
		n, err := c.CountCollection(ctx, list)
		require.NoError(t, err)
		assert.Equal(t, 1, n, "the new block is seen at once")
	})
}
