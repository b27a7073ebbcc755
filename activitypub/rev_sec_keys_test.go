package activitypub

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/httpsig"
)

// The verifier's in-memory key cache must follow the actor cache: a key
// its actor replaced (an Update announcing a new key after the old one
// leaked), or the key of an actor forgotten as deleted, must not keep
// verifying from memory for up to ActorTTL.
func TestRevSecKeyCacheFollowsActorCache(t *testing.T) {
	ctx := context.Background()
	f := newFetchFed(t, nil)
	p := newFakePeer(t)
	r := keyResolver{f}
	pemOf := func(t *testing.T, k *httpsig.VerificationKey) string {
		t.Helper()
		b, err := httpsig.MarshalPublicKeyPEM(k.Key)
		require.NoError(t, err)
		return string(b)
	}

	t.Run("a replaced key", func(t *testing.T) {
		a := p.addActor("bob")
		k, err := r.ResolveKey(ctx, a.KeyID)
		require.NoError(t, err)
		require.Equal(t, a.PEM, pemOf(t, k))
		a.setKey(t)
		a.Doc.PublicKey[0].Object.PublicKeyPem = a.PEM
		p.serveObject("/users/bob", a.Doc)
		_, err = f.remoteActor(ctx, a.ID, true) // as an Update of the actor does
		require.NoError(t, err)
		k, err = r.ResolveKey(ctx, a.KeyID)
		require.NoError(t, err)
		assert.Equal(t, a.PEM, pemOf(t, k), "the new key, not the one in memory")
	})
	t.Run("a deleted actor", func(t *testing.T) {
		a := p.addActor("carl")
		_, err := r.ResolveKey(ctx, a.KeyID)
		require.NoError(t, err)
		p.serveStatus("/users/carl", 410)
		require.NoError(t, f.st.DeleteRemoteActor(ctx, a.ID)) // as a Delete of the actor does
		_, err = r.ResolveKey(ctx, a.KeyID)
		assert.ErrorIs(t, err, ErrGone)
	})
}
