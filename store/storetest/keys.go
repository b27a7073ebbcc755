package storetest

import (
	"errors"
	"fmt"
	"io/fs"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store"
)

// keyPair returns a stand-in key pair; the store never parses PEM.
func keyPair(keyID, alg string, created time.Time) store.KeyPair {
	return store.KeyPair{
		KeyID:         keyID,
		Algorithm:     alg,
		PrivateKeyPEM: fmt.Appendf(nil, "-----BEGIN PRIVATE KEY-----\n%s\n-----END PRIVATE KEY-----\n", keyID),
		PublicKeyPEM:  fmt.Appendf(nil, "-----BEGIN PUBLIC KEY-----\n%s\n-----END PUBLIC KEY-----\n", keyID),
		Created:       created,
	}
}

// creator returns a create func that makes keyPair(keyID, alg) and counts
// its calls.
func creator(keyID, alg string, calls *atomic.Int32) func() (store.KeyPair, error) {
	return func() (store.KeyPair, error) {
		if calls != nil {
			calls.Add(1)
		}
		return keyPair(keyID, alg, t0), nil
	}
}

func assertKey(t *testing.T, want store.KeyPair, owner string, got store.KeyPair) {
	t.Helper()
	assert.Equal(t, want.KeyID, got.KeyID, "KeyID")
	assert.Equal(t, owner, got.Owner, "Owner is set by the store")
	assert.Equal(t, want.Algorithm, got.Algorithm, "Algorithm")
	assert.Equal(t, want.PrivateKeyPEM, got.PrivateKeyPEM, "PrivateKeyPEM")
	assert.Equal(t, want.PublicKeyPEM, got.PublicKeyPEM, "PublicKeyPEM")
	assert.True(t, want.Created.Equal(got.Created), "Created: want %v, got %v", want.Created, got.Created)
}

var keyRules = []rule{
	{"GetOrCreateKey creates once and then returns the stored key", func(t *testing.T, s store.Store) {
		var calls atomic.Int32
		want := keyPair(alice+"#main-key", store.AlgorithmRSA2048, t0)
		got, err := s.GetOrCreateKey(ctx(t), alice, store.AlgorithmRSA2048, creator(want.KeyID, want.Algorithm, &calls))
		require.NoError(t, err)
		assertKey(t, want, alice, got)
		again, err := s.GetOrCreateKey(ctx(t), alice, store.AlgorithmRSA2048, func() (store.KeyPair, error) {
			t.Error("create called although a key exists")
			return keyPair(alice+"#other", store.AlgorithmRSA2048, t0), nil
		})
		require.NoError(t, err)
		assertKey(t, want, alice, again)
		cur, err := s.CurrentKey(ctx(t), alice, store.AlgorithmRSA2048)
		require.NoError(t, err)
		assertKey(t, want, alice, cur)
		assert.True(t, cur.Expires.IsZero(), "a current key has no Expires")
		assert.EqualValues(t, 1, calls.Load())
	}},
	{"GetOrCreateKey racing callers all get the same winner", func(t *testing.T, s store.Store) {
		const n = 16
		for _, sameID := range []bool{false, true} {
			actor := alice
			if sameID {
				actor = bob // every caller makes a key with the same id, as real callers do
			}
			got := make([]store.KeyPair, n)
			errs := make([]error, n)
			parallel(n, func(i int) {
				id := fmt.Sprintf("%s#key-%d", actor, i)
				if sameID {
					id = actor + "#main-key"
				}
				create := func() (store.KeyPair, error) {
					k := keyPair(id, store.AlgorithmEd25519, t0)
					k.PrivateKeyPEM = fmt.Appendf(k.PrivateKeyPEM, "caller %d", i)
					return k, nil
				}
				got[i], errs[i] = s.GetOrCreateKey(ctx(t), actor, store.AlgorithmEd25519, create)
			})
			for i := range n {
				require.NoError(t, errs[i], "caller %d (same key id: %v)", i, sameID)
				assert.Equal(t, got[0].KeyID, got[i].KeyID, "caller %d got another key than caller 0", i)
				assert.Equal(t, got[0].PrivateKeyPEM, got[i].PrivateKeyPEM, "caller %d got another key than caller 0", i)
			}
			cur, err := s.CurrentKey(ctx(t), actor, store.AlgorithmEd25519)
			require.NoError(t, err)
			assert.Equal(t, got[0].PrivateKeyPEM, cur.PrivateKeyPEM, "the stored key is the one returned")
			keys, err := s.ActorKeys(ctx(t), actor, t0)
			require.NoError(t, err)
			assert.Len(t, keys, 1, "losers' keys are not stored")
		}
	}},
	{"GetOrCreateKey returns create's error and stores nothing", func(t *testing.T, s store.Store) {
		boom := errors.New("entropy ran out")
		_, err := s.GetOrCreateKey(ctx(t), alice, store.AlgorithmRSA2048, func() (store.KeyPair, error) {
			return store.KeyPair{}, boom
		})
		require.ErrorIs(t, err, boom)
		_, err = s.CurrentKey(ctx(t), alice, store.AlgorithmRSA2048)
		assert.ErrorIs(t, err, store.ErrNotFound)
	}},
	{"keys are kept per actor and algorithm", func(t *testing.T, s store.Store) {
		rsa, err := s.GetOrCreateKey(ctx(t), alice, store.AlgorithmRSA2048, creator(alice+"#main-key", store.AlgorithmRSA2048, nil))
		require.NoError(t, err)
		ed, err := s.GetOrCreateKey(ctx(t), alice, store.AlgorithmEd25519, creator(alice+"#ed25519-key", store.AlgorithmEd25519, nil))
		require.NoError(t, err)
		bobs, err := s.GetOrCreateKey(ctx(t), bob, store.AlgorithmRSA2048, creator(bob+"#main-key", store.AlgorithmRSA2048, nil))
		require.NoError(t, err)
		assert.NotEqual(t, rsa.KeyID, ed.KeyID)
		assert.Equal(t, bob, bobs.Owner)
		keys, err := s.ActorKeys(ctx(t), alice, t0)
		require.NoError(t, err)
		assert.Len(t, keys, 2)
		k, err := s.KeyByID(ctx(t), ed.KeyID, t0)
		require.NoError(t, err)
		assertKey(t, ed, alice, k)
	}},
	{"unknown keys are ErrNotFound, which matches fs.ErrNotExist", func(t *testing.T, s store.Store) {
		_, err := s.CurrentKey(ctx(t), alice, store.AlgorithmRSA2048)
		assert.ErrorIs(t, err, store.ErrNotFound)
		assert.ErrorIs(t, err, fs.ErrNotExist)
		_, err = s.KeyByID(ctx(t), alice+"#main-key", t0)
		assert.ErrorIs(t, err, store.ErrNotFound)
		keys, err := s.ActorKeys(ctx(t), alice, t0)
		require.NoError(t, err, "an actor without keys is not an error")
		assert.Empty(t, keys)
	}},
	{"RotateKey keeps the old key readable until the grace period ends", func(t *testing.T, s store.Store) {
		old, err := s.GetOrCreateKey(ctx(t), alice, store.AlgorithmRSA2048, creator(alice+"#key-1", store.AlgorithmRSA2048, nil))
		require.NoError(t, err)
		next := keyPair(alice+"#key-2", store.AlgorithmRSA2048, at(time.Hour))
		grace := at(48 * time.Hour)
		require.NoError(t, s.RotateKey(ctx(t), alice, next, grace))

		cur, err := s.CurrentKey(ctx(t), alice, store.AlgorithmRSA2048)
		require.NoError(t, err)
		assertKey(t, next, alice, cur)
		k, err := s.KeyByID(ctx(t), old.KeyID, at(47*time.Hour))
		require.NoError(t, err, "the old key is readable within the grace period")
		assert.True(t, grace.Equal(k.Expires), "the old key expires at the end of the grace period, got %v", k.Expires)
		keys, err := s.ActorKeys(ctx(t), alice, at(2*time.Hour))
		require.NoError(t, err)
		require.Len(t, keys, 2)
		assert.Equal(t, next.KeyID, keys[0].KeyID, "current key first")
		assert.Equal(t, old.KeyID, keys[1].KeyID)

		_, err = s.KeyByID(ctx(t), old.KeyID, grace)
		assert.ErrorIs(t, err, store.ErrNotFound, "the old key is gone once the grace period ended")
		keys, err = s.ActorKeys(ctx(t), alice, grace)
		require.NoError(t, err)
		require.Len(t, keys, 1)
		assert.Equal(t, next.KeyID, keys[0].KeyID)
		_, err = s.KeyByID(ctx(t), next.KeyID, at(1000*time.Hour))
		assert.NoError(t, err, "a current key never expires")

		got, err := s.GetOrCreateKey(ctx(t), alice, store.AlgorithmRSA2048, creator(alice+"#key-3", store.AlgorithmRSA2048, nil))
		require.NoError(t, err)
		assert.Equal(t, next.KeyID, got.KeyID, "GetOrCreateKey returns the rotated key")
	}},
	{"RotateKey refuses a zero grace period end, and now retires at once", func(t *testing.T, s store.Store) {
		// A zero graceUntil would leave the old key with a zero Expires:
		// readable for ever and indistinguishable from a current key,
		// which defeats a rotation meant to revoke it.
		old, err := s.GetOrCreateKey(ctx(t), alice, store.AlgorithmRSA2048, creator(alice+"#key-1", store.AlgorithmRSA2048, nil))
		require.NoError(t, err)
		err = s.RotateKey(ctx(t), alice, keyPair(alice+"#key-2", store.AlgorithmRSA2048, t0), time.Time{})
		require.ErrorIs(t, err, store.ErrInvalid, "a zero graceUntil")
		cur, err := s.CurrentKey(ctx(t), alice, store.AlgorithmRSA2048)
		require.NoError(t, err)
		assert.Equal(t, old.KeyID, cur.KeyID, "a refused rotation changes nothing")
		_, err = s.KeyByID(ctx(t), alice+"#key-2", t0)
		assert.ErrorIs(t, err, store.ErrNotFound, "a refused rotation stores nothing")

		require.NoError(t, s.RotateKey(ctx(t), alice, keyPair(alice+"#key-3", store.AlgorithmRSA2048, t0), t0))
		_, err = s.KeyByID(ctx(t), old.KeyID, t0)
		assert.ErrorIs(t, err, store.ErrNotFound, "a grace period ending now retires the old key at once")
		keys, err := s.ActorKeys(ctx(t), alice, t0)
		require.NoError(t, err)
		require.Len(t, keys, 1)
		assert.Equal(t, alice+"#key-3", keys[0].KeyID)
	}},
	{"RotateKey on an actor without a key makes it current", func(t *testing.T, s store.Store) {
		next := keyPair(alice+"#key-1", store.AlgorithmEd25519, t0)
		require.NoError(t, s.RotateKey(ctx(t), alice, next, at(time.Hour)))
		cur, err := s.CurrentKey(ctx(t), alice, store.AlgorithmEd25519)
		require.NoError(t, err)
		assertKey(t, next, alice, cur)
	}},
	{"key ids are unique across actors", func(t *testing.T, s store.Store) {
		_, err := s.GetOrCreateKey(ctx(t), alice, store.AlgorithmRSA2048, creator(alice+"#main-key", store.AlgorithmRSA2048, nil))
		require.NoError(t, err)
		_, err = s.GetOrCreateKey(ctx(t), bob, store.AlgorithmRSA2048, creator(alice+"#main-key", store.AlgorithmRSA2048, nil))
		require.ErrorIs(t, err, store.ErrConflict)
		_, err = s.CurrentKey(ctx(t), bob, store.AlgorithmRSA2048)
		assert.ErrorIs(t, err, store.ErrNotFound, "nothing stored for bob")
		err = s.RotateKey(ctx(t), alice, keyPair(alice+"#main-key", store.AlgorithmRSA2048, t0), at(time.Hour))
		require.ErrorIs(t, err, store.ErrConflict, "rotating to a key id in use")
		k, err := s.KeyByID(ctx(t), alice+"#main-key", t0)
		require.NoError(t, err)
		assert.Equal(t, alice, k.Owner)
		assert.True(t, k.Expires.IsZero(), "a failed rotation changes nothing")
	}},
	{"bad key input is refused and stores nothing", func(t *testing.T, s store.Store) {
		for _, bad := range invalidIRIs {
			_, err := s.GetOrCreateKey(ctx(t), bad, store.AlgorithmRSA2048, creator(alice+"#k", store.AlgorithmRSA2048, nil))
			assert.ErrorIs(t, err, store.ErrInvalidIRI, "actor %q", bad)
			_, err = s.GetOrCreateKey(ctx(t), alice, store.AlgorithmRSA2048, creator(bad, store.AlgorithmRSA2048, nil))
			assert.ErrorIs(t, err, store.ErrInvalidIRI, "key id %q", bad)
			err = s.RotateKey(ctx(t), bad, keyPair(alice+"#k", store.AlgorithmRSA2048, t0), t0)
			assert.ErrorIs(t, err, store.ErrInvalidIRI, "rotate actor %q", bad)
		}
		_, err := s.GetOrCreateKey(ctx(t), alice, "dsa-1024", creator(alice+"#k", "dsa-1024", nil))
		assert.ErrorIs(t, err, store.ErrInvalid, "unknown algorithm")
		_, err = s.GetOrCreateKey(ctx(t), alice, store.AlgorithmRSA2048, creator(alice+"#k", store.AlgorithmEd25519, nil))
		assert.ErrorIs(t, err, store.ErrInvalid, "create returned another algorithm")
		_, err = s.GetOrCreateKey(ctx(t), alice, store.AlgorithmRSA2048, func() (store.KeyPair, error) {
			k := keyPair(alice+"#k", store.AlgorithmRSA2048, t0)
			k.PrivateKeyPEM = nil
			return k, nil
		})
		assert.ErrorIs(t, err, store.ErrInvalid, "no private key")
		err = s.RotateKey(ctx(t), alice, store.KeyPair{KeyID: alice + "#k", Algorithm: store.AlgorithmRSA2048}, t0)
		assert.ErrorIs(t, err, store.ErrInvalid, "rotate to a key without PEM")
		keys, err := s.ActorKeys(ctx(t), alice, t0)
		require.NoError(t, err)
		assert.Empty(t, keys, "nothing was stored")
	}},
}
