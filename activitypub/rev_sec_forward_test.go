package activitypub

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/vocab"
	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/memory"
)

// A forwarded Delete is taken on the word of a 404 from the object's
// origin. Servers answer 404 to a fetcher that may not see a post
// (followers-only or direct), so a 404 proves nothing about such a post:
// anyone able to sign a request could otherwise have us tombstone any
// non-public post we hold, or forget an actor and its follows.
func TestRevSecForwardedDeleteNeedsProofOfGone(t *testing.T) {
	e := newEffects(t)
	cache := func(t *testing.T, n *vocab.Object) {
		t.Helper()
		doc, err := vocab.Marshal(n)
		require.NoError(t, err)
		require.NoError(t, e.st.PutObject(e.ctx, store.Object{IRI: n.ID, Type: n.Type, Document: doc, Fetched: time.Now(), Updated: time.Now()}))
	}

	// bob's followers-only post, held here (a local actor follows bob);
	// bob's server answers 404 to our instance actor, as it must.
	private := e.note(e.bob, "for my followers")
	private.To = []vocab.Ref{vocab.IRIRef(e.bob.Followers)}
	private.Cc = nil
	cache(t, private)
	// bob's public post, held here and deleted at its origin (404).
	public := e.note(e.bob, "public, since deleted")
	cache(t, public)

	// An actor we hold whose document answers 404 (not 410).
	zed := e.remoteActor(e.p, "zed", nil)
	e.p.mu.Lock()
	delete(e.p.docs, strings.TrimPrefix(zed.ID, e.p.ts.URL))
	e.p.mu.Unlock()

	for _, tc := range []struct {
		name string
		act  *vocab.Object
		want error // nil: accepted
	}{
		{"a non-public post we hold", e.activity(e.bob, vocab.TypeDelete, vocab.IRIRef(private.ID)), ErrForbidden},
		{"an actor that answers 404", e.activity(zed, vocab.TypeDelete, vocab.IRIRef(zed.ID)), ErrForbidden},
		{"a public post we hold", e.activity(e.bob, vocab.TypeDelete, vocab.IRIRef(public.ID)), nil},
		// Nothing to delete: accepting it would only mark its id seen.
		{"a post we do not hold", e.activity(e.bob, vocab.TypeDelete, vocab.IRIRef(e.bob.ID+"/notes/unknown")), errNotHeld},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, got, err := e.f.forwardedActivity(e.ctx, tc.act)
			if tc.want == nil {
				require.NoError(t, err)
				assert.Equal(t, tc.act.ID, got.ID)
				return
			}
			assert.ErrorIs(t, err, tc.want)
			assert.Nil(t, got)
		})
	}
}

// An actor deleting itself is proved gone by 410 only: the Delete removes
// every follow it had here.
func TestRevSecForwardedActorDeleteNeeds410(t *testing.T) {
	e := newEffects(t)
	g := e.remoteActor(e.p, "ghost", nil)
	e.p.mu.Lock()
	delete(e.p.docs, strings.TrimPrefix(g.ID, e.p.ts.URL)) // held here, 404 at its origin
	e.p.mu.Unlock()
	ghost := g.ID
	del := &vocab.Object{ID: ghost + "/activities/1", Type: vocab.TypeDelete,
		Actor: []vocab.Ref{vocab.IRIRef(ghost)}, Object: []vocab.Ref{vocab.IRIRef(ghost)}}
	e.follow(ghost, e.alice, store.FollowAccepted)
	_, got, err := e.f.forwardedActivity(e.ctx, del)
	assert.ErrorIs(t, err, ErrForbidden)
	assert.Nil(t, got)
	assert.Equal(t, store.FollowAccepted, e.followState(ghost, e.alice))
}

// A forwarded Delete of nothing kept here is answered 202 and dropped
// without marking its id seen: anyone able to sign a request could
// otherwise pick the id of an activity its author has yet to send
// (sequential ids are common) and have the real one dropped as a
// duplicate when it comes.
func TestRevSecForwardedDeleteDoesNotMarkSeen(t *testing.T) {
	e := newHostileEnv(t, memory.New())
	future := e.A.Origin + "/activities/next" // alice's next activity, not sent yet: 404
	body := doc("id", future, "type", "Delete", "actor", e.alice, "object", e.A.Origin+"/objects/never")
	require.Equal(t, http.StatusAccepted, send(t, e.C, "carol", e.B, inboxPath(e.B, ""), body, sendOptions{}))
	waitIdle(t, e.B)
	first, err := e.B.Store.MarkSeen(context.Background(), future, time.Now(), time.Now().Add(time.Hour))
	require.NoError(t, err)
	assert.True(t, first, "the id is still free for alice's own activity")
}
