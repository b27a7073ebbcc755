package storetest

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store"
)

// remoteActor returns a cached actor document with one key per name.
func remoteActor(id string, fetched time.Time, keyNames ...string) store.RemoteActor {
	a := store.RemoteActor{
		IRI:         id,
		Document:    fmt.Appendf(nil, `{"id":%q,"type":"Person", "inbox":%q}`, id, id+"/inbox"),
		Inbox:       id + "/inbox",
		SharedInbox: remote + "/inbox",
		Fetched:     fetched,
	}
	for _, n := range keyNames {
		a.Keys = append(a.Keys, store.PublicKey{KeyID: id + "#" + n, PEM: []byte("-----BEGIN PUBLIC KEY-----\n" + n + "\n-----END PUBLIC KEY-----\n")})
	}
	return a
}

func assertRemoteActor(t *testing.T, want, got store.RemoteActor) {
	t.Helper()
	assert.Equal(t, want.IRI, got.IRI)
	assert.True(t, bytes.Equal(want.Document, got.Document), "Document byte for byte")
	assert.Equal(t, want.Inbox, got.Inbox)
	assert.Equal(t, want.SharedInbox, got.SharedInbox)
	assert.True(t, want.Fetched.Equal(got.Fetched), "Fetched: want %v, got %v", want.Fetched, got.Fetched)
	require.Len(t, got.Keys, len(want.Keys))
	ids := map[string][]byte{}
	for _, k := range got.Keys {
		ids[k.KeyID] = k.PEM
		assert.Equal(t, want.IRI, k.Owner, "key owner")
	}
	for _, k := range want.Keys {
		assert.Equal(t, k.PEM, ids[k.KeyID], "key %s", k.KeyID)
	}
}

var remoteRules = []rule{
	{"PutRemoteActor then GetRemoteActor and RemotePublicKey round-trip", func(t *testing.T, s store.Store) {
		a := remoteActor(carol, at(-time.Hour), "main-key", "ed25519-key")
		require.NoError(t, s.PutRemoteActor(ctx(t), a))
		got, err := s.GetRemoteActor(ctx(t), carol)
		require.NoError(t, err)
		assertRemoteActor(t, a, got)
		k, err := s.RemotePublicKey(ctx(t), carol+"#ed25519-key")
		require.NoError(t, err)
		assert.Equal(t, carol, k.Owner)
		assert.Equal(t, a.Keys[1].PEM, k.PEM)
		assert.True(t, a.Fetched.Equal(k.Fetched), "a key's Fetched is its actor's")
	}},
	{"unknown remote actors and keys are ErrNotFound", func(t *testing.T, s store.Store) {
		_, err := s.GetRemoteActor(ctx(t), carol)
		assert.ErrorIs(t, err, store.ErrNotFound)
		_, err = s.RemotePublicKey(ctx(t), carol+"#main-key")
		assert.ErrorIs(t, err, store.ErrNotFound)
	}},
	{"PutRemoteActor replaces the document and the whole key set", func(t *testing.T, s store.Store) {
		require.NoError(t, s.PutRemoteActor(ctx(t), remoteActor(carol, t0, "old-key")))
		a := remoteActor(carol, at(time.Hour), "new-key")
		a.SharedInbox = ""
		require.NoError(t, s.PutRemoteActor(ctx(t), a))
		got, err := s.GetRemoteActor(ctx(t), carol)
		require.NoError(t, err)
		assertRemoteActor(t, a, got)
		_, err = s.RemotePublicKey(ctx(t), carol+"#old-key")
		assert.ErrorIs(t, err, store.ErrNotFound, "a key no longer listed is forgotten")
		k, err := s.RemotePublicKey(ctx(t), carol+"#new-key")
		require.NoError(t, err)
		assert.True(t, at(time.Hour).Equal(k.Fetched))
	}},
	{"a key id owned by another actor is ErrConflict and stores nothing", func(t *testing.T, s store.Store) {
		require.NoError(t, s.PutRemoteActor(ctx(t), remoteActor(carol, t0, "main-key")))
		dave := remote + "/users/dave"
		a := remoteActor(dave, t0, "main-key")
		a.Keys = append(a.Keys, store.PublicKey{KeyID: carol + "#main-key", PEM: []byte("stolen")})
		require.ErrorIs(t, s.PutRemoteActor(ctx(t), a), store.ErrConflict)
		_, err := s.GetRemoteActor(ctx(t), dave)
		assert.ErrorIs(t, err, store.ErrNotFound)
		_, err = s.RemotePublicKey(ctx(t), dave+"#main-key")
		assert.ErrorIs(t, err, store.ErrNotFound)
		k, err := s.RemotePublicKey(ctx(t), carol+"#main-key")
		require.NoError(t, err)
		assert.Equal(t, carol, k.Owner)
	}},
	{"DeleteRemoteActor forgets the actor and its keys, idempotently", func(t *testing.T, s store.Store) {
		require.NoError(t, s.PutRemoteActor(ctx(t), remoteActor(carol, t0, "main-key")))
		require.NoError(t, s.DeleteRemoteActor(ctx(t), carol))
		require.NoError(t, s.DeleteRemoteActor(ctx(t), carol))
		_, err := s.GetRemoteActor(ctx(t), carol)
		assert.ErrorIs(t, err, store.ErrNotFound)
		_, err = s.RemotePublicKey(ctx(t), carol+"#main-key")
		assert.ErrorIs(t, err, store.ErrNotFound)
		dave := remote + "/users/dave"
		a := remoteActor(dave, t0)
		a.Keys = []store.PublicKey{{KeyID: carol + "#main-key", PEM: []byte("k")}}
		require.NoError(t, s.PutRemoteActor(ctx(t), a), "a forgotten key id may be claimed again")
	}},
	{"bad remote actors are refused and store nothing", func(t *testing.T, s store.Store) {
		var cases []store.RemoteActor
		for _, bad := range invalidIRIs {
			a := remoteActor(carol, t0, "main-key")
			a.IRI = bad
			cases = append(cases, a)
			a = remoteActor(carol, t0, "main-key")
			a.Inbox = bad
			cases = append(cases, a)
			a = remoteActor(carol, t0, "main-key")
			a.Keys[0].KeyID = bad
			cases = append(cases, a)
		}
		for _, a := range cases {
			assert.ErrorIs(t, s.PutRemoteActor(ctx(t), a), store.ErrInvalidIRI, "%+v", a)
		}
		big := remoteActor(carol, t0, "main-key")
		big.Document = bigDocument(store.MaxDocumentSize + 1)
		assert.ErrorIs(t, s.PutRemoteActor(ctx(t), big), store.ErrTooLarge)
		notJSON := remoteActor(carol, t0, "main-key")
		notJSON.Document = []byte("<html>")
		assert.ErrorIs(t, s.PutRemoteActor(ctx(t), notJSON), store.ErrInvalid)
		dup := remoteActor(carol, t0, "main-key", "main-key")
		dup.Keys[1].PEM = []byte("other")
		assert.ErrorIs(t, s.PutRemoteActor(ctx(t), dup), store.ErrInvalid, "a key id listed twice")
		noPEM := remoteActor(carol, t0, "main-key")
		noPEM.Keys[0].PEM = nil
		assert.ErrorIs(t, s.PutRemoteActor(ctx(t), noPEM), store.ErrInvalid, "a key without PEM")
		_, err := s.GetRemoteActor(ctx(t), carol)
		assert.ErrorIs(t, err, store.ErrNotFound)
		_, err = s.RemotePublicKey(ctx(t), carol+"#main-key")
		assert.ErrorIs(t, err, store.ErrNotFound)
	}},
}
