package sqlutil

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store"
)

func TestPageArguments(t *testing.T) {
	n, err := PageLimit(store.MaxPageSize + 1)
	require.NoError(t, err)
	assert.Equal(t, store.MaxPageSize, n)
	_, err = PageLimit(0)
	assert.ErrorIs(t, err, store.ErrInvalid)

	top, err := DecodePosition("", "scope")
	require.NoError(t, err)
	assert.Equal(t, int64(1<<63-1), top)
	c := store.EncodeCursor(store.Cursor{Scope: "scope", Position: 42})
	p, err := DecodePosition(c, "scope")
	require.NoError(t, err)
	assert.Equal(t, int64(42), p)
	_, err = DecodePosition(c, "other")
	assert.ErrorIs(t, err, store.ErrInvalidCursor)
}

func TestValidateBatch(t *testing.T) {
	good := store.Batch{
		ActivityID: "https://local.example/a/1", Activity: []byte(`{}`), Sender: "https://local.example/u#k",
		Inboxes: []string{"https://A.example/i", "https://b.example/i", "https://A.example/i"},
		Now:     time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	inboxes, hosts, err := ValidateBatch(good)
	require.NoError(t, err)
	assert.Equal(t, []string{"https://A.example/i", "https://b.example/i"}, inboxes, "duplicates dropped, order kept")
	assert.Equal(t, []string{"a.example", "b.example"}, hosts)

	for name, c := range map[string]struct {
		mutate func(*store.Batch)
		want   error
	}{
		"bad inbox":    {func(b *store.Batch) { b.Inboxes = append(b.Inboxes, "ftp://x") }, store.ErrInvalidIRI},
		"bad activity": {func(b *store.Batch) { b.ActivityID = "" }, store.ErrInvalidIRI},
		"bad sender":   {func(b *store.Batch) { b.Sender = "alice" }, store.ErrInvalidIRI},
		"not json":     {func(b *store.Batch) { b.Activity = []byte("{") }, store.ErrInvalid},
		"too large":    {func(b *store.Batch) { b.Activity = make([]byte, store.MaxDocumentSize+1) }, store.ErrTooLarge},
		"no time":      {func(b *store.Batch) { b.Now = time.Time{} }, store.ErrInvalid},
	} {
		t.Run(name, func(t *testing.T) {
			b := good
			b.Inboxes = append([]string(nil), good.Inboxes...)
			c.mutate(&b)
			_, _, err := ValidateBatch(b)
			assert.ErrorIs(t, err, c.want)
		})
	}
}

func TestValidateKeysFollowsActors(t *testing.T) {
	key := store.KeyPair{KeyID: "https://l.example/u#k", Algorithm: store.AlgorithmEd25519, PrivateKeyPEM: []byte("x"), PublicKeyPEM: []byte("y")}
	require.NoError(t, ValidateKeyPair(key))
	bad := key
	bad.Algorithm = "dsa"
	assert.ErrorIs(t, ValidateKeyPair(bad), store.ErrInvalid)
	bad = key
	bad.PublicKeyPEM = nil
	assert.ErrorIs(t, ValidateKeyPair(bad), store.ErrInvalid)

	f := store.Follow{Follower: "https://r.example/u", Followee: "https://l.example/u", ActivityID: "https://r.example/f/1",
		State: store.FollowPending, Inbox: "https://r.example/u/inbox"}
	require.NoError(t, ValidateFollow(f))
	f.State = "maybe"
	assert.ErrorIs(t, ValidateFollow(f), store.ErrInvalid)
	f.State, f.SharedInbox = store.FollowAccepted, "not an iri"
	assert.ErrorIs(t, ValidateFollow(f), store.ErrInvalidIRI)

	a := store.RemoteActor{IRI: "https://r.example/u", Inbox: "https://r.example/u/inbox", Document: []byte(`{}`),
		Keys: []store.PublicKey{{KeyID: "https://r.example/u#k", PEM: []byte("p")}}}
	require.NoError(t, ValidateRemoteActor(a))
	a.Keys = append(a.Keys, a.Keys[0])
	assert.ErrorIs(t, ValidateRemoteActor(a), store.ErrInvalid, "a key listed twice")
}
