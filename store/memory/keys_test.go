package memory_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/memory"
)

// GetOrCreateKey must not hold its lock while create runs: key generation
// is slow, and a create that reads the store would otherwise deadlock.
func TestGetOrCreateKeyRunsCreateUnlocked(t *testing.T) {
	s := memory.New()
	defer s.Close()
	const alice = "https://local.example/users/alice"
	k, err := s.GetOrCreateKey(t.Context(), alice, store.AlgorithmRSA2048, func() (store.KeyPair, error) {
		_, err := s.ActorKeys(t.Context(), alice, t0)
		require.NoError(t, err)
		return store.KeyPair{KeyID: alice + "#main-key", Algorithm: store.AlgorithmRSA2048, PrivateKeyPEM: []byte("p"), PublicKeyPEM: []byte("q")}, nil
	})
	require.NoError(t, err)
	assert.Equal(t, alice, k.Owner)
}
