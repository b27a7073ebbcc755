package gofedpub

import (
	"context"
	"fmt"
	"net/url"
	"reflect"
	"testing"

	"github.com/go-fed/activity/pub"
	"github.com/go-fed/activity/streams"
	"github.com/go-fed/activity/streams/vocab"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	require.NoError(t, err)
	return u
}

func TestIDLocks(t *testing.T) {
	ctx := context.Background()
	db := newMemDB(newLocalIRIs("example.com", "/actor"), 20)
	id := mustURL(t, "https://remote.example/notes/1")
	other := mustURL(t, "https://remote.example/notes/2")

	require.NoError(t, db.Lock(ctx, id))
	require.NoError(t, db.Lock(ctx, other), "ids lock independently")

	// A second Lock of id waits until it is unlocked, or until its
	// context ends, and then it has not taken the lock.
	waiting, cancel := context.WithCancel(ctx)
	errc := make(chan error, 1)
	go func() { errc <- db.Lock(waiting, id) }()
	cancel()
	require.ErrorIs(t, <-errc, context.Canceled)

	acquired := make(chan error, 1)
	go func() { acquired <- db.Lock(ctx, id) }()
	require.NoError(t, db.Unlock(ctx, id))
	require.NoError(t, <-acquired, "the waiter gets the lock once it is free")
	require.NoError(t, db.Unlock(ctx, id))
	require.NoError(t, db.Unlock(ctx, other))

	assert.ErrorIs(t, db.Unlock(ctx, id), ErrNotLocked)
	assert.Empty(t, db.locks.m, "no lock entry outlives its holders")
	assert.ErrorIs(t, db.Lock(ctx, nil), ErrNilIRI)
}

func TestInboxPages(t *testing.T) {
	ctx := context.Background()
	db := newMemDB(newLocalIRIs("example.com", "/actor"), 2)
	inbox := mustURL(t, "https://example.com/actor/inbox")

	// Prepend three activities, one at a time, as go-fed does.
	for i := range 3 {
		page, err := db.GetInbox(ctx, inbox)
		require.NoError(t, err)
		id := mustURL(t, fmt.Sprintf("https://remote.example/activities/%d", i))
		contains, err := db.InboxContains(ctx, inbox, id)
		require.NoError(t, err)
		require.False(t, contains)
		items := page.GetActivityStreamsOrderedItems()
		items.PrependIRI(id)
		page.SetActivityStreamsOrderedItems(items)
		require.NoError(t, db.SetInbox(ctx, page))
		contains, err = db.InboxContains(ctx, inbox, id)
		require.NoError(t, err)
		require.True(t, contains)
	}
	_, received := db.counts()
	assert.Equal(t, 3, received)

	// The first page holds the newest two, newest first.
	page, err := db.GetInbox(ctx, inbox)
	require.NoError(t, err)
	var got []string
	items := page.GetActivityStreamsOrderedItems()
	for it := items.Begin(); it != items.End(); it = it.Next() {
		got = append(got, it.GetIRI().String())
	}
	assert.Equal(t, []string{"https://remote.example/activities/2", "https://remote.example/activities/1"}, got)

	_, err = db.GetInbox(ctx, mustURL(t, "https://other.example/actor/inbox"))
	assert.ErrorIs(t, err, ErrNotFound)
	_, err = db.GetInbox(ctx, mustURL(t, "https://example.com/actor/outbox"))
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestObjects(t *testing.T) {
	ctx := context.Background()
	db := newMemDB(newLocalIRIs("example.com", "/actor"), 20)
	id := mustURL(t, "https://remote.example/notes/1")
	note := streams.NewActivityStreamsNote()
	note.SetJSONLDId(idProperty(id))

	exists, err := db.Exists(ctx, id)
	require.NoError(t, err)
	require.False(t, exists)
	_, err = db.Get(ctx, id)
	require.ErrorIs(t, err, ErrNotFound)

	require.NoError(t, db.Create(ctx, note))
	require.NoError(t, db.Create(ctx, note), "go-fed may create an object twice")
	require.NoError(t, db.Update(ctx, note))
	notes, _ := db.counts()
	assert.Equal(t, 1, notes)
	got, err := db.Get(ctx, id)
	require.NoError(t, err)
	assert.Same(t, vocab.Type(note), got)

	require.NoError(t, db.Delete(ctx, id))
	notes, _ = db.counts()
	assert.Zero(t, notes)
	assert.ErrorIs(t, db.Create(ctx, streams.NewActivityStreamsNote()), ErrNilIRI, "no id")
	assert.ErrorIs(t, db.Create(ctx, nil), ErrNilValue)
}

func TestOwnership(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		host, iri string
		owns      bool
	}{
		{"example.com", "https://example.com/actor", true},
		{"example.com", "https://example.com/actor/followers", true},
		{"example.com", "https://example.com/actor/objects/7", true},
		{"example.com", "https://other.example/actor", false},
		{"example.com", "https://example.com/someone", false},
		{"example.com", pub.PublicActivityPubIRI, false},
		{"", "https://anything.example/actor/inbox", true},
		{"", "https://remote.example/users/alice/followers", false},
	}
	for _, tt := range tests {
		t.Run(tt.host+" "+tt.iri, func(t *testing.T) {
			db := newMemDB(newLocalIRIs(tt.host, "/actor"), 20)
			owns, err := db.Owns(ctx, mustURL(t, tt.iri))
			require.NoError(t, err)
			assert.Equal(t, tt.owns, owns)
		})
	}

	db := newMemDB(newLocalIRIs("example.com", "/actor"), 20)
	inbox := mustURL(t, "https://example.com/actor/inbox")
	actor, err := db.ActorForInbox(ctx, inbox)
	require.NoError(t, err)
	assert.Equal(t, "https://example.com/actor", actor.String())
	outbox, err := db.OutboxForInbox(ctx, inbox)
	require.NoError(t, err)
	assert.Equal(t, "https://example.com/actor/outbox", outbox.String())
	actor, err = db.ActorForOutbox(ctx, outbox)
	require.NoError(t, err)
	assert.Equal(t, "https://example.com/actor", actor.String())
	_, err = db.ActorForInbox(ctx, mustURL(t, "https://remote.example/inbox"))
	assert.ErrorIs(t, err, ErrNotFound)

	followers, err := db.Followers(ctx, actor)
	require.NoError(t, err)
	assert.Equal(t, "https://example.com/actor/followers", followers.GetJSONLDId().Get().String())
	person, err := db.Get(ctx, actor)
	require.NoError(t, err)
	assert.Equal(t, "Person", person.GetTypeName())

	newID, err := db.NewID(ctx, streams.NewActivityStreamsNote())
	require.NoError(t, err)
	owns, err := db.Owns(ctx, newID)
	require.NoError(t, err)
	assert.True(t, owns, "NewID makes local ids: %s", newID)
}

// TestInterfaceSizes records how much an application must write to run
// go-fed's pub federating actor: every method of these four interfaces.
func TestInterfaceSizes(t *testing.T) {
	sizes := map[string]int{}
	total := 0
	for name, v := range map[string]any{
		"CommonBehavior":     (*pub.CommonBehavior)(nil),
		"FederatingProtocol": (*pub.FederatingProtocol)(nil),
		"Database":           (*pub.Database)(nil),
		"Clock":              (*pub.Clock)(nil),
	} {
		n := reflect.TypeOf(v).Elem().NumMethod()
		sizes[name] = n
		total += n
	}
	assert.Equal(t, map[string]int{"CommonBehavior": 4, "FederatingProtocol": 9, "Database": 20, "Clock": 1}, sizes)
	assert.Equal(t, 34, total)
}
