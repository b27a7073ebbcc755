package activitypub

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/vocab"
	"github.com/starling-fed/starling/store"
)

// TestSelfDeliveryInProcess: a post to followers that include local actors
// reaches them through our own shared inbox without a request on the
// network, signed and verified all the same.
func TestSelfDeliveryInProcess(t *testing.T) {
	ctx := context.Background()
	var overNetwork atomic.Int64
	a := newNode(t, nodeOptions{
		Users: []Actor{{Username: "alice"}, {Username: "amy"}},
		Wrap: func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodPost {
					overNetwork.Add(1)
				}
				h.ServeHTTP(w, r)
			})
		},
	})
	alice, amy := a.F.ActorIRI("alice"), a.F.ActorIRI("amy")
	_, err := a.F.Follow(ctx, "amy", alice)
	require.NoError(t, err)
	requireFollow(t, a.Store, amy, alice, store.FollowAccepted)

	note := vocab.NewNote("", alice, "<p>to my followers</p>", time.Time{})
	note.Address(vocab.VisibilityFollowers, a.F.FollowersIRI("alice"))
	act, err := a.F.Publish(ctx, "alice", note)
	require.NoError(t, err)
	got := a.waitEvent(func(e event) bool { return e.Hook == "Create" && e.ID == act.ID })
	assert.Equal(t, alice, got.Actor)
	requireMember(t, a.Store, a.F.InboxIRI("amy"), act.ID, true)
	idle(t, a)
	st, err := a.F.Delivery().StatusContext(ctx, act.ID)
	require.NoError(t, err)
	assert.Equal(t, 1, st.Delivered, "delivered once, to our own shared inbox")
	assert.Zero(t, overNetwork.Load(), "a request to our own origin went over the network")
}

// TestSelfTransportPassesOthersOn: requests for other origins go to the
// next transport untouched.
func TestSelfTransportPassesOthersOn(t *testing.T) {
	a := newNode(t, nodeOptions{})
	var seen []string
	next := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		seen = append(seen, r.URL.String())
		return &http.Response{StatusCode: http.StatusTeapot, Body: http.NoBody, Request: r}, nil
	})
	tr := &selfTransport{f: a.F, next: next}
	req, err := http.NewRequest(http.MethodGet, "https://elsewhere.example/x", nil)
	require.NoError(t, err)
	resp, err := tr.RoundTrip(req)
	require.NoError(t, err)
	assert.Equal(t, http.StatusTeapot, resp.StatusCode)
	assert.Equal(t, []string{"https://elsewhere.example/x"}, seen)

	// Our own origin is answered in-process: the actor, as JSON.
	req, err = http.NewRequest(http.MethodGet, a.Origin+"/actor", nil)
	require.NoError(t, err)
	req.Header.Set("Accept", "application/activity+json")
	resp, err = tr.RoundTrip(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.True(t, strings.HasPrefix(resp.Header.Get("Content-Type"), "application/activity+json"))
	assert.Len(t, seen, 1)
}
