package postgres_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/postgres"
)

// A created key whose id another actor holds is an ErrConflict naming the
// backend and the operation.
func TestGetOrCreateKeyTakenIDNamesTheOperation(t *testing.T) {
	s := openTest(t, postgres.Config{})
	ctx := context.Background()
	key := func() (store.KeyPair, error) {
		return store.KeyPair{KeyID: "https://local.example/keys/1", Algorithm: store.AlgorithmEd25519,
			PrivateKeyPEM: []byte("private"), PublicKeyPEM: []byte("public"), Created: time.Unix(1, 0)}, nil
	}
	_, err := s.GetOrCreateKey(ctx, "https://local.example/users/a", store.AlgorithmEd25519, key)
	require.NoError(t, err)
	_, err = s.GetOrCreateKey(ctx, "https://local.example/users/b", store.AlgorithmEd25519, key)
	require.ErrorIs(t, err, store.ErrConflict)
	require.True(t, strings.HasPrefix(err.Error(), "postgres: get or create key: "), err.Error())
}
