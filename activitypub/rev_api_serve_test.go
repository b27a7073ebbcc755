package activitypub

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/webfinger"
)

// TestRevAPIAuthorizedFetchLeavesHostPathsAlone: with AuthorizedFetch, a
// GET that names no object of ours reaches the host's handler as it does
// without it; only our own objects ask for a signature.
func TestRevAPIAuthorizedFetchLeavesHostPathsAlone(t *testing.T) {
	n := newNode(t, nodeOptions{AuthorizedFetch: true, Users: []Actor{{Username: "alice"}}})
	alice := n.F.ActorIRI("alice")
	pub := note(n.F.ObjectIRI("pub"), alice, publicIRI)
	putLocal(t, n, pub)
	host := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"host":%q}`, r.URL.Path)
	})
	ts := httptest.NewServer(n.F.Handler(host))
	t.Cleanup(ts.Close)
	signed := n.F.keyOfInstance(t)

	for _, tc := range []struct {
		name, path, accept string
		key                bool
		status             int
		host               bool
	}{
		{"host JSON API", "/api/v1/instance", "application/json", false, 200, true},
		{"host path asked for as ActivityPub", "/about", apAccept, false, 200, true},
		{"unknown object", strings.TrimPrefix(n.F.ObjectIRI("nothing"), n.Origin), apAccept, false, 200, true},
		{"object as HTML", strings.TrimPrefix(pub.ID, n.Origin), browserAccept, false, 200, true},
		{"object unsigned", strings.TrimPrefix(pub.ID, n.Origin), apAccept, false, 401, false},
		{"object signed", strings.TrimPrefix(pub.ID, n.Origin), apAccept, true, 200, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := noKey
			if tc.key {
				key = signed
			}
			a := get(t, ts.URL+tc.path, tc.accept, key)
			require.Equal(t, tc.status, a.Status, "%s", a.Body)
			if tc.host {
				assert.JSONEq(t, fmt.Sprintf(`{"host":%q}`, tc.path), string(a.Body))
			} else if tc.status == 200 {
				assert.Equal(t, pub.ID, a.JSON(t)["id"])
			}
		})
	}
	t.Run("without fallback an unknown object is 404, not 401", func(t *testing.T) {
		assert.Equal(t, http.StatusNotFound, get(t, n.F.ObjectIRI("nothing"), apAccept, noKey).Status)
	})
}

// TestRevAPIOddUsernames: names no store can key, or spelled otherwise than
// the account, are no actor: 404, never a 500, and no key is made for them.
func TestRevAPIOddUsernames(t *testing.T) {
	n := newNode(t, nodeOptions{Configure: func(c *Config) {
		// Like a database whose collation ignores case.
		c.Actors = func(ctx context.Context, username string) (*Actor, error) {
			if strings.EqualFold(username, "alice") {
				return &Actor{Username: "alice", Name: "Alice"}, nil
			}
			return nil, ErrNotFound
		}
	}})
	ctx := context.Background()
	long := strings.Repeat("a", store.MaxIRILength)
	held := newNode(t, nodeOptions{Users: []Actor{{Username: "bob"}}}) // actors kept in the store

	for _, tc := range []struct {
		n    *node
		name string
	}{{n, long}, {held, long}, {held, long[:store.MaxIRILength-len(held.Origin)-len("/users/")]}, {n, "ALICE"}, {n, "Alice"}} {
		n, name := tc.n, tc.name
		t.Run(name[:min(len(name), 8)], func(t *testing.T) {
			for _, iri := range []string{n.F.ActorIRI(name), n.F.OutboxIRI(name), n.F.FollowersIRI(name), n.F.FeaturedIRI(name)} {
				a := get(t, iri, apAccept, noKey)
				assert.Equal(t, http.StatusNotFound, a.Status, "%s: %s", iri[:min(len(iri), 60)], a.Body)
			}
			a := do(t, http.MethodPost, n.F.InboxIRI(name), ContentType, noKey)
			assert.Equal(t, http.StatusNotFound, a.Status, "%s", a.Body)
			_, err := n.F.LocalActor(ctx, name)
			assert.ErrorIs(t, err, ErrNotFound)
			_, err = n.Store.CurrentKey(ctx, n.F.ActorIRI(name), store.AlgorithmRSA2048)
			assert.Error(t, err, "no key made for a name that is no actor")
		})
	}

	t.Run("the account's own spelling is served", func(t *testing.T) {
		a := get(t, n.F.ActorIRI("alice"), apAccept, noKey)
		require.Equal(t, http.StatusOK, a.Status)
		assert.Equal(t, n.F.ActorIRI("alice"), a.JSON(t)["id"])
	})
	t.Run("WebFinger answers other spellings with the account's actor", func(t *testing.T) {
		host := n.TS.Listener.Addr().String()
		for _, user := range []string{"alice", "ALICE", "Alice"} {
			resp, err := http.Get(n.Origin + webfinger.WellKnownPath + "?resource=" + url.QueryEscape("acct:"+user+"@"+host))
			require.NoError(t, err)
			var j webfinger.JRD
			require.Equal(t, http.StatusOK, resp.StatusCode, user)
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&j))
			resp.Body.Close()
			assert.Equal(t, "acct:alice@"+host, j.Subject, user)
			assert.Equal(t, n.F.ActorIRI("alice"), j.ActorIRI(), user)
		}
		resp, err := http.Get(n.Origin + webfinger.WellKnownPath + "?resource=" + url.QueryEscape("acct:"+long+"@"+host))
		require.NoError(t, err)
		resp.Body.Close()
		assert.Contains(t, []int{http.StatusBadRequest, http.StatusNotFound}, resp.StatusCode, "refused, not failed")
	})
}

// TestRevAPICreateActorRefusesOddNames: CreateActor refuses the names that
// could never be served, before storing anything.
func TestRevAPICreateActorRefusesOddNames(t *testing.T) {
	n := newNode(t, nodeOptions{})
	ctx := context.Background()
	for _, name := range []string{"", "a/b", "a?b", "a#b", "a@b", "a b", strings.Repeat("a", store.MaxIRILength)} {
		t.Run(name[:min(len(name), 8)], func(t *testing.T) {
			err := n.F.CreateActor(ctx, Actor{Username: name})
			require.Error(t, err)
			assert.True(t, strings.HasPrefix(err.Error(), "activitypub: invalid username"), "%v", err)
			_, err = n.Store.GetObject(ctx, n.F.storedActorIRI(name))
			assert.Error(t, err, "nothing stored")
		})
	}
	require.NoError(t, n.F.CreateActor(ctx, Actor{Username: "Zoë"}))
	a := get(t, n.F.ActorIRI("Zoë"), apAccept, noKey)
	require.Equal(t, http.StatusOK, a.Status)
	assert.Equal(t, "Zoë", a.JSON(t)["preferredUsername"])
}
