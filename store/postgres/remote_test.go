package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/postgres"
)

// Two actors cached at once, each listing the other's keys in the opposite
// order, end with one owner and one ErrConflict: never a deadlock.
func TestPutRemoteActorsSharingKeys(t *testing.T) {
	s := openTest(t, postgres.Config{MaxConns: 4})
	ctx := context.Background()
	keys := make([]store.PublicKey, 8)
	for i := range keys {
		keys[i] = store.PublicKey{KeyID: fmt.Sprintf("https://shared.example/keys/%d", i), PEM: []byte("pem")}
	}
	reversed := make([]store.PublicKey, len(keys))
	for i, k := range keys {
		reversed[len(keys)-1-i] = k
	}
	for round := range 30 {
		actors := []store.RemoteActor{
			{IRI: fmt.Sprintf("https://a.example/users/a%d", round), Keys: keys},
			{IRI: fmt.Sprintf("https://b.example/users/b%d", round), Keys: reversed},
		}
		errs := make([]error, len(actors))
		var wg sync.WaitGroup
		for i, a := range actors {
			a.Document = []byte(`{"id":"` + a.IRI + `"}`)
			a.Inbox = a.IRI + "/inbox"
			a.Fetched = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			wg.Go(func() { errs[i] = s.PutRemoteActor(ctx, a) })
		}
		wg.Wait()
		var conflicts int
		for _, err := range errs {
			if err != nil {
				require.ErrorIs(t, err, store.ErrConflict, "round %d", round)
				conflicts++
			}
		}
		require.Greater(t, conflicts, 0, "round %d: both actors own the keys", round)
		for _, a := range actors {
			if _, err := s.GetRemoteActor(ctx, a.IRI); err == nil {
				require.NoError(t, s.DeleteRemoteActor(ctx, a.IRI))
			}
		}
	}
}
