package activitypub

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store"
)

// A local actor's IRI spelled with a capitalised scheme is still local: it
// must be answered with the local document and never land in the remote
// actor cache, where a remote Move's target (chosen by the remote actor)
// could otherwise put it.
func TestRevSecLocalActorOtherSpellingNotCachedAsRemote(t *testing.T) {
	ctx := context.Background()
	f := newFetchFed(t, nil)
	require.NoError(t, f.CreateActor(ctx, Actor{Username: "alice"}))
	alice := f.ActorIRI("alice")
	for _, iri := range []string{"HTTP://starling.test/users/alice", "Http://starling.test/users/alice"} {
		t.Run(iri, func(t *testing.T) {
			doc, err := f.FetchActor(ctx, iri)
			require.NoError(t, err)
			assert.Equal(t, alice, doc.ID)
			_, err = f.st.GetRemoteActor(ctx, alice)
			assert.ErrorIs(t, err, store.ErrNotFound, "a local actor is no remote actor")
			_, err = f.st.GetRemoteActor(ctx, iri)
			assert.ErrorIs(t, err, store.ErrNotFound)
		})
	}
}
