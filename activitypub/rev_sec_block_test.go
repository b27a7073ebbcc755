package activitypub

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A local actor's domain block ("https://host" in its blocked collection)
// must hold however the blocked server spells its actors' IRIs: with the
// default port, in capitals, or with a trailing dot on the host name. The
// server chooses its actors' ids, so each spelling is open to it.
func TestRevSecDomainBlockSpellings(t *testing.T) {
	ctx := context.Background()
	f := newFetchFed(t, nil)
	me := f.ActorIRI("alice")
	_, err := f.st.AddToCollection(ctx, blockedIRI(me), "https://evil.example")
	require.NoError(t, err)
	_, err = f.st.AddToCollection(ctx, blockedIRI(me), "https://other.example:8443")
	require.NoError(t, err)
	for _, tc := range []struct {
		actor   string
		blocked bool
	}{
		{"https://evil.example/users/x", true},
		{"https://evil.example:443/users/x", true},
		{"https://EVIL.Example/users/x", true},
		{"https://evil.example./users/x", true},
		{"https://evil.example.:443/users/x", true},
		{"http://evil.example/users/x", true},
		{"https://other.example:8443/users/x", true},
		{"https://notevil.example/users/x", false},
		{"https://evil.example.org/users/x", false},
	} {
		t.Run(tc.actor, func(t *testing.T) {
			got, err := f.blockedBy(ctx, me, tc.actor)
			require.NoError(t, err)
			assert.Equal(t, tc.blocked, got)
		})
	}
}
