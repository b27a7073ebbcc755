package storetest

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store"
)

// note returns a Note object stored under id.
func note(id string, local bool, content string) store.Object {
	o := store.Object{
		IRI:      id,
		Type:     "Note",
		Document: fmt.Appendf(nil, `{"id":%q,  "type":"Note","content":%q}`, id, content),
		Local:    local,
		Updated:  t0,
	}
	if !local {
		o.Fetched = at(-time.Minute)
	}
	return o
}

func assertObject(t *testing.T, want, got store.Object) {
	t.Helper()
	assert.Equal(t, want.IRI, got.IRI, "IRI")
	assert.Equal(t, want.Type, got.Type, "Type")
	assert.True(t, bytes.Equal(want.Document, got.Document), "Document must come back byte for byte:\nwant %s\ngot  %s", want.Document, got.Document)
	assert.Equal(t, want.Local, got.Local, "Local")
	assert.True(t, want.Fetched.Equal(got.Fetched), "Fetched: want %v, got %v", want.Fetched, got.Fetched)
	assert.True(t, want.Updated.Equal(got.Updated), "Updated: want %v, got %v", want.Updated, got.Updated)
}

var objectRules = []rule{
	{"PutObject then GetObject round-trips every field", func(t *testing.T, s store.Store) {
		for _, o := range []store.Object{note(alice+"/notes/1", true, "hi"), note(carol+"/notes/1", false, "hello")} {
			require.NoError(t, s.PutObject(ctx(t), o))
			got, err := s.GetObject(ctx(t), o.IRI)
			require.NoError(t, err)
			assertObject(t, o, got)
		}
	}},
	{"PutObject replaces the stored object", func(t *testing.T, s store.Store) {
		o := note(carol+"/notes/1", false, "v1")
		require.NoError(t, s.PutObject(ctx(t), o))
		o2 := note(o.IRI, false, "v2")
		o2.Fetched, o2.Updated = at(time.Hour), at(time.Hour)
		require.NoError(t, s.PutObject(ctx(t), o2))
		got, err := s.GetObject(ctx(t), o.IRI)
		require.NoError(t, err)
		assertObject(t, o2, got)
	}},
	{"GetObject of an unknown IRI is ErrNotFound", func(t *testing.T, s store.Store) {
		_, err := s.GetObject(ctx(t), alice+"/notes/404")
		assert.ErrorIs(t, err, store.ErrNotFound)
		assert.ErrorIs(t, err, fs.ErrNotExist)
		assert.NotErrorIs(t, err, store.ErrGone)
	}},
	{"DeleteObject leaves a Tombstone that GetObject returns with ErrGone", func(t *testing.T, s store.Store) {
		o := note(alice+"/notes/1", true, "bye")
		require.NoError(t, s.PutObject(ctx(t), o))
		deleted := at(time.Hour)
		require.NoError(t, s.DeleteObject(ctx(t), o.IRI, deleted))
		got, err := s.GetObject(ctx(t), o.IRI)
		require.ErrorIs(t, err, store.ErrGone)
		assert.NotErrorIs(t, err, store.ErrNotFound, "a tombstone is gone, not missing")
		assert.Equal(t, o.IRI, got.IRI)
		assert.Equal(t, "Tombstone", got.Type)
		assert.Equal(t, "Note", got.FormerType)
		assert.True(t, got.Local, "a Tombstone keeps Local, so a server answers 410 only for its own objects")
		assert.True(t, deleted.Equal(got.Deleted), "Deleted: want %v, got %v", deleted, got.Deleted)
		assert.Equal(t, string(store.TombstoneDocument(o.IRI, "Note", deleted)), string(got.Document),
			"the Tombstone document is store.TombstoneDocument's")
	}},
	{"DeleteObject is idempotent on a Tombstone and ErrNotFound on an unknown IRI", func(t *testing.T, s store.Store) {
		o := note(alice+"/notes/1", true, "bye")
		require.NoError(t, s.PutObject(ctx(t), o))
		require.NoError(t, s.DeleteObject(ctx(t), o.IRI, at(time.Hour)))
		require.NoError(t, s.DeleteObject(ctx(t), o.IRI, at(2*time.Hour)), "deleting again is a no-op")
		got, err := s.GetObject(ctx(t), o.IRI)
		require.ErrorIs(t, err, store.ErrGone)
		assert.Equal(t, "Note", got.FormerType, "a second delete keeps the former type")
		assert.ErrorIs(t, s.DeleteObject(ctx(t), alice+"/notes/404", t0), store.ErrNotFound)
	}},
	{"DeleteObject with a zero time is refused and deletes nothing", func(t *testing.T, s store.Store) {
		// A Tombstone is known by its deletion time; a zero one would
		// leave a Tombstone that reads as a live object.
		o := note(alice+"/notes/1", true, "still here")
		require.NoError(t, s.PutObject(ctx(t), o))
		assert.ErrorIs(t, s.DeleteObject(ctx(t), o.IRI, time.Time{}), store.ErrInvalid)
		got, err := s.GetObject(ctx(t), o.IRI)
		require.NoError(t, err, "the object is untouched")
		assert.Equal(t, "Note", got.Type)
	}},
	{"PutObject does not resurrect a Tombstone", func(t *testing.T, s store.Store) {
		o := note(carol+"/notes/1", false, "v1")
		require.NoError(t, s.PutObject(ctx(t), o))
		require.NoError(t, s.DeleteObject(ctx(t), o.IRI, at(time.Hour)))
		require.ErrorIs(t, s.PutObject(ctx(t), note(o.IRI, false, "late update")), store.ErrGone)
		got, err := s.GetObject(ctx(t), o.IRI)
		require.ErrorIs(t, err, store.ErrGone)
		assert.Equal(t, "Tombstone", got.Type)
		assert.False(t, got.Local, "a remote object's Tombstone is not local")

		// Only DeleteObject makes a Tombstone: PutObject ignores the
		// Tombstone fields of what it is given.
		live := note(carol+"/notes/2", false, "x")
		live.Deleted, live.FormerType = at(time.Hour), "Note"
		require.NoError(t, s.PutObject(ctx(t), live))
		got, err = s.GetObject(ctx(t), live.IRI)
		require.NoError(t, err, "PutObject with Deleted set stores a live object")
		assert.True(t, got.Deleted.IsZero())
		assert.Empty(t, got.FormerType)
	}},
	{"PurgeObject forgets the object and its Tombstone", func(t *testing.T, s store.Store) {
		o := note(carol+"/notes/1", false, "v1")
		require.NoError(t, s.PutObject(ctx(t), o))
		require.NoError(t, s.DeleteObject(ctx(t), o.IRI, at(time.Hour)))
		require.NoError(t, s.PurgeObject(ctx(t), o.IRI))
		_, err := s.GetObject(ctx(t), o.IRI)
		require.ErrorIs(t, err, store.ErrNotFound)
		require.NoError(t, s.PurgeObject(ctx(t), o.IRI), "purging an absent IRI is a no-op")
		require.NoError(t, s.PutObject(ctx(t), o), "a purged IRI may be stored again")
	}},
	{"documents are copied in and out, never shared with the caller", func(t *testing.T, s store.Store) {
		o := note(alice+"/notes/1", true, "original")
		want := bytes.Clone(o.Document)
		require.NoError(t, s.PutObject(ctx(t), o))
		clear(o.Document)
		got, err := s.GetObject(ctx(t), o.IRI)
		require.NoError(t, err)
		require.Equal(t, string(want), string(got.Document), "changing the slice passed to PutObject changed the store")
		clear(got.Document)
		again, err := s.GetObject(ctx(t), o.IRI)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(again.Document), "changing a returned slice changed the store")

		a := remoteActor(carol, t0, "main-key")
		wantDoc, wantPEM := bytes.Clone(a.Document), bytes.Clone(a.Keys[0].PEM)
		require.NoError(t, s.PutRemoteActor(ctx(t), a))
		clear(a.Document)
		clear(a.Keys[0].PEM)
		ra, err := s.GetRemoteActor(ctx(t), carol)
		require.NoError(t, err)
		assert.Equal(t, string(wantDoc), string(ra.Document))
		require.Len(t, ra.Keys, 1)
		assert.Equal(t, string(wantPEM), string(ra.Keys[0].PEM))

		b := batch(alice+"/activities/1", "https://a.example/inbox")
		wantAct := bytes.Clone(b.Activity)
		enqueue(t, s, b)
		clear(b.Activity)
		jobs := claim(t, s, t0, time.Minute, 1)
		require.Len(t, jobs, 1)
		assert.Equal(t, string(wantAct), string(jobs[0].Activity), "changing the slice passed to Enqueue changed the queue")
		clear(jobs[0].Activity)
		job, err := s.Job(ctx(t), jobs[0].ID)
		require.NoError(t, err)
		assert.Equal(t, string(wantAct), string(job.Activity), "changing a claimed job's Activity changed the queue")

		kp := keyPair(alice+"#ed", store.AlgorithmEd25519, t0)
		wantPriv, wantPub := bytes.Clone(kp.PrivateKeyPEM), bytes.Clone(kp.PublicKeyPEM)
		got2, err := s.GetOrCreateKey(ctx(t), alice, store.AlgorithmEd25519, func() (store.KeyPair, error) { return kp, nil })
		require.NoError(t, err)
		clear(kp.PrivateKeyPEM)
		clear(got2.PublicKeyPEM)
		cur, err := s.CurrentKey(ctx(t), alice, store.AlgorithmEd25519)
		require.NoError(t, err)
		assert.Equal(t, string(wantPriv), string(cur.PrivateKeyPEM), "changing the key passed in changed the store")
		assert.Equal(t, string(wantPub), string(cur.PublicKeyPEM), "changing a returned key changed the store")
	}},
	{"a cancelled context fails the call and stores nothing", func(t *testing.T, s store.Store) {
		c, cancel := context.WithCancel(ctx(t))
		cancel()
		assert.Error(t, s.PutObject(c, note(alice+"/notes/1", true, "x")), "PutObject")
		_, err := s.AddToCollection(c, outbox, alice+"/notes/1")
		assert.Error(t, err, "AddToCollection")
		_, err = s.Enqueue(c, batch(alice+"/activities/1", "https://a.example/inbox"))
		assert.Error(t, err, "Enqueue")
		_, err = s.GetObject(ctx(t), alice+"/notes/1")
		assert.ErrorIs(t, err, store.ErrNotFound)
		n, err := s.CountCollection(ctx(t), outbox)
		require.NoError(t, err)
		assert.Zero(t, n)
		assert.Zero(t, counts(t, s, "").Total())

		// A worker shutting down must not lease jobs it will never run,
		// and an inbox must not mark as seen an activity it did not take.
		enqueue(t, s, batch(alice+"/activities/2", "https://a.example/inbox"))
		_, err = s.Claim(c, t0, time.Minute, 10)
		assert.Error(t, err, "Claim")
		assert.Equal(t, store.QueueCounts{Pending: 1}, counts(t, s, ""), "a cancelled Claim leases nothing")
		_, err = s.MarkSeen(c, carol+"/activities/1", t0, at(time.Hour))
		assert.Error(t, err, "MarkSeen")
		assert.True(t, markSeen(t, s, carol+"/activities/1", t0, at(time.Hour)), "a cancelled MarkSeen records nothing")
		jobs := claim(t, s, t0, time.Minute, 10)
		require.Len(t, jobs, 1)
		assert.Error(t, s.Complete(c, jobs[0]), "Complete")
		assert.Equal(t, store.QueueCounts{Leased: 1}, counts(t, s, ""), "a cancelled Complete keeps the job")
	}},
	{"a document of exactly MaxDocumentSize is stored", func(t *testing.T, s store.Store) {
		o := note(alice+"/notes/big", true, "")
		o.Document = bigDocument(store.MaxDocumentSize)
		require.NoError(t, s.PutObject(ctx(t), o))
		got, err := s.GetObject(ctx(t), o.IRI)
		require.NoError(t, err)
		assert.Len(t, got.Document, store.MaxDocumentSize)
	}},
	{"bad objects are refused and nothing is stored half-way", func(t *testing.T, s store.Store) {
		good := note(alice+"/notes/1", true, "kept")
		require.NoError(t, s.PutObject(ctx(t), good))
		cases := []struct {
			name string
			obj  store.Object
			want error
		}{
			{"too large", withDoc(good, bigDocument(store.MaxDocumentSize+1)), store.ErrTooLarge},
			{"not JSON", withDoc(good, []byte(`{"type":"Note"`)), store.ErrInvalid},
			{"empty document", withDoc(good, nil), store.ErrInvalid},
			{"no type", store.Object{IRI: good.IRI, Document: good.Document}, store.ErrInvalid},
		}
		for _, bad := range invalidIRIs {
			o := good
			o.IRI = bad
			cases = append(cases, struct {
				name string
				obj  store.Object
				want error
			}{"IRI " + bad, o, store.ErrInvalidIRI})
		}
		for _, c := range cases {
			assert.ErrorIs(t, s.PutObject(ctx(t), c.obj), c.want, c.name)
		}
		got, err := s.GetObject(ctx(t), good.IRI)
		require.NoError(t, err)
		assertObject(t, good, got)
		for _, bad := range invalidIRIs {
			_, err := s.GetObject(ctx(t), bad)
			assert.ErrorIs(t, err, store.ErrInvalidIRI, "get %q", bad)
			assert.ErrorIs(t, s.DeleteObject(ctx(t), bad, t0), store.ErrInvalidIRI, "delete %q", bad)
		}
	}},
}

// withDoc returns o with doc as its document.
func withDoc(o store.Object, doc []byte) store.Object {
	o.Document = doc
	return o
}

// bigDocument returns a JSON string document of exactly n bytes.
func bigDocument(n int) []byte {
	b := bytes.Repeat([]byte("a"), n)
	b[0], b[n-1] = '"', '"'
	return b
}
