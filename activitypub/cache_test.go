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

// countingStore counts the reads that reach the store.
type countingStore struct {
	store.Store
	actorReads, objectReads int
}

func (c *countingStore) GetRemoteActor(ctx context.Context, iri string) (store.RemoteActor, error) {
	c.actorReads++
	return c.Store.GetRemoteActor(ctx, iri)
}

func (c *countingStore) GetObject(ctx context.Context, iri string) (store.Object, error) {
	c.objectReads++
	return c.Store.GetObject(ctx, iri)
}

func TestCachedStore(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	inner := &countingStore{Store: memory.New()}
	c := newCachedStore(inner, func() time.Time { return now }, "https://a.example/.starling/actors/")
	actor := store.RemoteActor{IRI: "https://b.example/u/bob", Document: []byte(`{"id":"https://b.example/u/bob"}`), Inbox: "https://b.example/u/bob/inbox", Fetched: now}
	require.NoError(t, c.PutRemoteActor(ctx, actor))

	t.Run("actor reads are served from memory until the TTL", func(t *testing.T) {
		for range 3 {
			got, err := c.GetRemoteActor(ctx, actor.IRI)
			require.NoError(t, err)
			assert.Equal(t, actor.Document, got.Document)
		}
		assert.Equal(t, 1, inner.actorReads)
		now = now.Add(readCacheTTL)
		_, err := c.GetRemoteActor(ctx, actor.IRI)
		require.NoError(t, err)
		assert.Equal(t, 2, inner.actorReads, "an expired entry is read again")
	})
	t.Run("writes through the cache are seen at once", func(t *testing.T) {
		updated := actor
		updated.Document = []byte(`{"id":"https://b.example/u/bob","name":"Bob"}`)
		require.NoError(t, c.PutRemoteActor(ctx, updated))
		got, err := c.GetRemoteActor(ctx, actor.IRI)
		require.NoError(t, err)
		assert.Equal(t, updated.Document, got.Document)
		require.NoError(t, c.DeleteRemoteActor(ctx, actor.IRI))
		_, err = c.GetRemoteActor(ctx, actor.IRI)
		assert.ErrorIs(t, err, store.ErrNotFound)
	})
	t.Run("only profiles among objects are cached", func(t *testing.T) {
		profile := store.Object{IRI: "https://a.example/.starling/actors/alice", Type: storedActorType, Document: []byte(`{}`), Updated: now}
		other := store.Object{IRI: "https://a.example/objects/1", Type: "Note", Document: []byte(`{}`), Local: true, Updated: now}
		require.NoError(t, c.PutObject(ctx, profile))
		require.NoError(t, c.PutObject(ctx, other))
		inner.objectReads = 0
		for range 3 {
			_, err := c.GetObject(ctx, profile.IRI)
			require.NoError(t, err)
			_, err = c.GetObject(ctx, other.IRI)
			require.NoError(t, err)
		}
		assert.Equal(t, 4, inner.objectReads, "one profile read, three of the other object")
		require.NoError(t, c.DeleteObject(ctx, profile.IRI, now))
		_, err := c.GetObject(ctx, profile.IRI)
		assert.ErrorIs(t, err, store.ErrGone, "a deleted profile is not served from memory")
		require.NoError(t, c.PurgeObject(ctx, profile.IRI))
		_, err = c.GetObject(ctx, profile.IRI)
		assert.ErrorIs(t, err, store.ErrNotFound)
	})
	t.Run("misses are not cached and the cache stays bounded", func(t *testing.T) {
		before := inner.actorReads
		for range 2 {
			_, err := c.GetRemoteActor(ctx, "https://b.example/u/nobody")
			assert.ErrorIs(t, err, store.ErrNotFound)
		}
		assert.Equal(t, before+2, inner.actorReads)
		for i := range readCacheMax + 10 {
			cachePut(c, c.actors, string(rune('a'+i%26))+time.Duration(i).String(), store.RemoteActor{}, c.generation())
		}
		assert.LessOrEqual(t, len(c.actors), readCacheMax)
	})
}

func TestCachedStoreBlockLists(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	c := newCachedStore(memory.New(), func() time.Time { return now }, "https://a.example/.starling/actors/")
	list := blockedIRI("https://a.example/users/alice")
	n, err := c.CountCollection(ctx, list)
	require.NoError(t, err)
	assert.Zero(t, n)
	in, err := c.CollectionContains(ctx, list, "https://b.example/u/eve")
	require.NoError(t, err)
	assert.False(t, in)

	// A block through the cache is seen at once by both reads.
	_, err = c.AddToCollection(ctx, list, "https://b.example/u/eve")
	require.NoError(t, err)
	n, err = c.CountCollection(ctx, list)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	in, err = c.CollectionContains(ctx, list, "https://b.example/u/eve")
	require.NoError(t, err)
	assert.True(t, in)

	_, err = c.RemoveFromCollection(ctx, list, "https://b.example/u/eve")
	require.NoError(t, err)
	in, err = c.CollectionContains(ctx, list, "https://b.example/u/eve")
	require.NoError(t, err)
	assert.False(t, in)

	// A write by another process sharing the store is seen within the TTL.
	n, err = c.CountCollection(ctx, list)
	require.NoError(t, err)
	assert.Zero(t, n)
	_, err = c.Store.AddToCollection(ctx, list, "https://c.example/u/mallory")
	require.NoError(t, err)
	n, err = c.CountCollection(ctx, list)
	require.NoError(t, err)
	assert.Zero(t, n, "served from memory")
	now = now.Add(readCacheTTL)
	n, err = c.CountCollection(ctx, list)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
}
