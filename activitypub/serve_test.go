package activitypub

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/vocab"
	"github.com/starling-fed/starling/httpsig"
	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/memory"
)

var noKey httpsig.SigningKey

func TestServeActorDocument(t *testing.T) {
	n := newNode(t, nodeOptions{Users: []Actor{
		{Username: "alice", Name: "Alice", Summary: "<p>bio</p>", Fields: []Field{{Name: "site", Value: "x"}}},
		{Username: "bob", Type: "Service", ManuallyApprovesFollowers: true},
	}})
	id := n.F.ActorIRI("alice")
	a := get(t, id, apAccept, noKey)
	require.Equal(t, http.StatusOK, a.Status, "%s", a.Body)
	assert.Equal(t, ContentType, a.Header.Get("Content-Type"))
	assert.True(t, hasVary(a.Header, "Accept"))
	assert.Contains(t, a.Header.Get("Cache-Control"), "max-age=")

	m := a.JSON(t)
	assert.Equal(t, id, m["id"])
	assert.Equal(t, "Person", m["type"])
	assert.Equal(t, "alice", m["preferredUsername"])
	assert.Equal(t, "Alice", m["name"])
	assert.Equal(t, n.F.InboxIRI("alice"), m["inbox"])
	assert.Equal(t, n.F.OutboxIRI("alice"), m["outbox"])
	assert.Equal(t, n.F.FollowersIRI("alice"), m["followers"])
	assert.Equal(t, n.F.FollowingIRI("alice"), m["following"])
	assert.Equal(t, n.F.FeaturedIRI("alice"), m["featured"])
	assert.Equal(t, n.F.LikedIRI("alice"), m["liked"])
	assert.Equal(t, false, m["manuallyApprovesFollowers"])
	require.IsType(t, map[string]any{}, m["endpoints"])
	assert.Equal(t, n.F.SharedInboxIRI(), m["endpoints"].(map[string]any)["sharedInbox"])
	assert.Contains(t, fmt.Sprint(m["@context"]), vocab.ActivityStreamsContext)

	pk, ok := m["publicKey"].(map[string]any)
	if !ok {
		arr := m["publicKey"].([]any)
		require.Len(t, arr, 1)
		pk = arr[0].(map[string]any)
	}
	assert.Equal(t, id+"#main-key", pk["id"])
	assert.Equal(t, id, pk["owner"])
	assert.True(t, strings.HasPrefix(pk["publicKeyPem"].(string), "-----BEGIN PUBLIC KEY-----"), "%v", pk["publicKeyPem"])

	am, ok := m["assertionMethod"].([]any)
	require.True(t, ok, "assertionMethod: %v", m["assertionMethod"])
	require.Len(t, am, 2)
	for _, k := range am {
		k := k.(map[string]any)
		assert.Equal(t, "Multikey", k["type"])
		assert.Equal(t, id, k["controller"])
		assert.True(t, strings.HasPrefix(k["publicKeyMultibase"].(string), "z"))
	}

	// The document decodes with the package's own decoder, as peers read it.
	o, err := vocab.Unmarshal(a.Body)
	require.NoError(t, err)
	assert.Equal(t, id, o.ID)

	b := get(t, n.F.ActorIRI("bob"), "application/ld+json", noKey).JSON(t)
	assert.Equal(t, "Service", b["type"])
	assert.Equal(t, true, b["manuallyApprovesFollowers"])

	t.Run("HEAD", func(t *testing.T) {
		a := do(t, http.MethodHead, id, apAccept, noKey)
		assert.Equal(t, http.StatusOK, a.Status)
		assert.Equal(t, ContentType, a.Header.Get("Content-Type"))
		assert.Empty(t, a.Body)
	})
	t.Run("instance actor", func(t *testing.T) {
		a := get(t, n.F.InstanceActorIRI(), apAccept, noKey)
		require.Equal(t, http.StatusOK, a.Status)
		m := a.JSON(t)
		assert.Equal(t, "Application", m["type"])
		assert.Equal(t, n.F.InstanceActorIRI(), m["id"])
		assert.NotEmpty(t, m["publicKey"])
	})
}

func TestServeActorMissingAndGone(t *testing.T) {
	n := newNode(t, nodeOptions{Users: []Actor{{Username: "carol"}}})
	ctx := context.Background()
	a := get(t, n.F.ActorIRI("nobody"), apAccept, noKey)
	assert.Equal(t, http.StatusNotFound, a.Status)

	require.NoError(t, n.Store.DeleteObject(ctx, n.F.storedActorIRI("carol"), time.Now()))
	a = get(t, n.F.ActorIRI("carol"), apAccept, noKey)
	require.Equal(t, http.StatusGone, a.Status)
	assert.Equal(t, ContentType, a.Header.Get("Content-Type"))
	m := a.JSON(t)
	assert.Equal(t, "Tombstone", m["type"])
	assert.Equal(t, n.F.ActorIRI("carol"), m["id"])

	for _, p := range []string{"/users/", "/users//", "/users/a/b", "/users/a%2Fb", "/users/%25zz"} {
		a := get(t, n.Origin+p, apAccept, noKey)
		assert.Equal(t, http.StatusNotFound, a.Status, p)
	}
}

// TestServeNegotiation mounts Handler with a fallback standing for the
// host's own pages: browsers get the pages, peers the documents.
func TestServeNegotiation(t *testing.T) {
	n := newNode(t, nodeOptions{Users: []Actor{{Username: "alice"}}})
	alice := n.F.ActorIRI("alice")
	noteIRI := n.F.ObjectIRI("n1")
	putLocal(t, n, note(noteIRI, alice, publicIRI))

	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, "<p>page %s</p>", r.URL.Path)
	})
	// The same Federation behind a second server, whose fallback is the page
	// handler; documents are looked up by path, so both serve the same IRIs.
	ts := httptest.NewServer(n.F.Handler(page))
	t.Cleanup(ts.Close)

	paths := map[string]string{
		"actor":    strings.TrimPrefix(alice, n.Origin),
		"object":   strings.TrimPrefix(noteIRI, n.Origin),
		"instance": strings.TrimPrefix(n.F.InstanceActorIRI(), n.Origin),
		"outbox":   strings.TrimPrefix(n.F.OutboxIRI("alice"), n.Origin),
	}
	for _, tc := range []struct {
		accept string
		ap     bool
	}{
		{apAccept, true},
		{"application/activity+json", true},
		{`application/ld+json; profile="https://www.w3.org/ns/activitystreams"`, true},
		{"application/json", true},
		{"application/activity+json;q=0.9, text/html;q=0.5", true},
		{"text/html, application/activity+json;q=0.5", false},
		{"application/activity+json;q=0", false},
		{browserAccept, false},
		{"*/*", false},
		{"", false},
		{"text/plain", false},
	} {
		for what, p := range paths {
			t.Run(what+"/"+tc.accept, func(t *testing.T) {
				a := get(t, ts.URL+p, tc.accept, noKey)
				require.Equal(t, http.StatusOK, a.Status)
				assert.True(t, hasVary(a.Header, "Accept"), "Vary: %v", a.Header.Values("Vary"))
				if tc.ap {
					assert.Equal(t, ContentType, a.Header.Get("Content-Type"))
				} else {
					assert.Equal(t, "<p>page "+p+"</p>", string(a.Body))
				}
			})
		}
	}

	t.Run("without fallback documents are served to anyone", func(t *testing.T) {
		for what, p := range paths {
			a := get(t, n.Origin+p, browserAccept, noKey)
			assert.Equal(t, http.StatusOK, a.Status, what)
			assert.Equal(t, ContentType, a.Header.Get("Content-Type"), what)
		}
	})
	t.Run("unknown paths go to the fallback", func(t *testing.T) {
		a := get(t, ts.URL+"/about", apAccept, noKey)
		assert.Equal(t, "<p>page /about</p>", string(a.Body))
		a = get(t, ts.URL+"/objects/unknown", apAccept, noKey)
		assert.Equal(t, "<p>page /objects/unknown</p>", string(a.Body))
		a = get(t, n.Origin+"/about", apAccept, noKey)
		assert.Equal(t, http.StatusNotFound, a.Status)
	})
	t.Run("other methods", func(t *testing.T) {
		a := do(t, http.MethodPost, ts.URL+paths["actor"], "", noKey)
		assert.Equal(t, "<p>page "+paths["actor"]+"</p>", string(a.Body))
		a = do(t, http.MethodDelete, n.Origin+paths["actor"], "", noKey)
		assert.Equal(t, http.StatusMethodNotAllowed, a.Status)
		assert.Equal(t, "GET, HEAD", a.Header.Get("Allow"))
		a = do(t, http.MethodGet, n.F.InboxIRI("alice"), apAccept, noKey)
		assert.Equal(t, http.StatusMethodNotAllowed, a.Status)
		assert.Equal(t, "POST", a.Header.Get("Allow"))
	})
}

func TestServeObjects(t *testing.T) {
	var hostObjects = map[string]*vocab.Object{}
	n := newNode(t, nodeOptions{Users: []Actor{{Username: "alice"}}, Configure: func(c *Config) {
		c.Objects = func(ctx context.Context, iri string) (*vocab.Object, error) {
			if strings.HasSuffix(iri, "/articles/deleted") {
				return nil, fmt.Errorf("article: %w", ErrGone)
			}
			if strings.HasSuffix(iri, "/articles/broken") {
				return nil, fmt.Errorf("database down")
			}
			if o, ok := hostObjects[iri]; ok {
				return o, nil
			}
			return nil, ErrNotFound
		}
	}})
	ctx := context.Background()
	alice := n.F.ActorIRI("alice")
	article := note(n.Origin+"/articles/first", alice, publicIRI)
	article.Type = vocab.TypeArticle
	hostObjects[article.ID] = article

	pub := note(n.F.ObjectIRI("pub"), alice, publicIRI)
	pub.Bcc = []vocab.Ref{vocab.IRIRef("https://secret.example/users/x")}
	putLocal(t, n, pub)
	act := create(n.F.ObjectIRI("pub-create"), pub)
	putLocal(t, n, act)
	deleted := note(n.F.ObjectIRI("deleted"), alice, publicIRI)
	putLocal(t, n, deleted)
	require.NoError(t, n.Store.DeleteObject(ctx, deleted.ID, time.Now()))
	// A remote object cached under a local-looking IRI is still not ours.
	cached := note(n.F.ObjectIRI("cached"), alice, publicIRI)
	doc, _ := vocab.Marshal(cached)
	require.NoError(t, n.Store.PutObject(ctx, store.Object{IRI: cached.ID, Type: "Note", Document: doc, Fetched: time.Now(), Updated: time.Now()}))
	internal := n.Origin + "/internal/record"
	require.NoError(t, n.Store.PutObject(ctx, store.Object{IRI: internal, Type: "StarlingInbound", Document: doc, Local: true, Updated: time.Now()}))

	for _, tc := range []struct {
		name   string
		url    string
		status int
		typ    string
	}{
		{"host callback", article.ID, 200, "Article"},
		{"host callback gone", n.Origin + "/articles/deleted", 410, "Tombstone"},
		{"host callback failing", n.Origin + "/articles/broken", 500, ""},
		{"store", pub.ID, 200, "Note"},
		{"activity", act.ID, 200, "Create"},
		{"tombstone", deleted.ID, 410, "Tombstone"},
		{"cached remote", cached.ID, 404, ""},
		{"internal record", internal, 404, ""},
		{"stored actor profile", n.F.storedActorIRI("alice"), 404, ""},
		{"unknown", n.F.ObjectIRI("nothing"), 404, ""},
		{"query ignored", pub.ID + "?x=1", 200, "Note"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := get(t, tc.url, apAccept, noKey)
			require.Equal(t, tc.status, a.Status, "%s", a.Body)
			if tc.typ == "" {
				return
			}
			assert.Equal(t, ContentType, a.Header.Get("Content-Type"))
			m := a.JSON(t)
			assert.Equal(t, tc.typ, m["type"])
			assert.NotContains(t, string(a.Body), "secret.example", "bcc must never be served")
			if tc.status == 410 {
				assert.NotEmpty(t, m["id"])
			}
		})
	}
	a := get(t, deleted.ID, apAccept, noKey)
	assert.Equal(t, "Note", a.JSON(t)["formerType"])
}

// TestServeNonPublicObject: followers-only and direct posts are shown only
// to signed requests from their audience; to everyone else they do not
// exist.
func TestServeNonPublicObject(t *testing.T) {
	users := []Actor{{Username: "alice"}, {Username: "bob"}, {Username: "eve"}, {Username: "fan"}}
	n := newNode(t, nodeOptions{Users: users})
	peer := newNode(t, nodeOptions{Users: []Actor{{Username: "dana"}}})
	// keys resolve for real: local ones from the store, the peer's by a signed fetch
	ctx := context.Background()
	alice, bob := n.F.ActorIRI("alice"), n.F.ActorIRI("bob")
	dana := peer.F.ActorIRI("dana")

	direct := note(n.F.ObjectIRI("direct"), alice, bob, dana)
	putLocal(t, n, direct)
	followersOnly := note(n.F.ObjectIRI("fo"), alice, n.F.FollowersIRI("alice"))
	putLocal(t, n, followersOnly)
	_, err := n.Store.PutFollow(ctx, store.Follow{Follower: n.F.ActorIRI("fan"), Followee: alice, ActivityID: n.F.ObjectIRI("f1"),
		State: store.FollowAccepted, Inbox: n.F.InboxIRI("fan"), Created: time.Now()})
	require.NoError(t, err)
	_, err = n.Store.PutFollow(ctx, store.Follow{Follower: n.F.ActorIRI("eve"), Followee: alice, ActivityID: n.F.ObjectIRI("f2"),
		State: store.FollowPending, Inbox: n.F.InboxIRI("eve"), Created: time.Now()})
	require.NoError(t, err)

	forged := signingKey(t, n, "eve")
	forged.KeyID = n.F.KeyID("bob") // eve's key under bob's key id

	for _, tc := range []struct {
		name   string
		url    string
		key    httpsig.SigningKey
		status int
	}{
		{"direct anonymous", direct.ID, noKey, 404},
		{"direct non-audience signer", direct.ID, signingKey(t, n, "eve"), 404},
		{"direct addressed local signer", direct.ID, signingKey(t, n, "bob"), 200},
		{"direct addressed remote signer", direct.ID, signingKey(t, peer, "dana"), 200},
		{"direct author", direct.ID, signingKey(t, n, "alice"), 200},
		{"direct forged signature", direct.ID, forged, 404},
		{"followers-only anonymous", followersOnly.ID, noKey, 404},
		{"followers-only accepted follower", followersOnly.ID, signingKey(t, n, "fan"), 200},
		{"followers-only pending follower", followersOnly.ID, signingKey(t, n, "eve"), 404},
		{"followers-only stranger", followersOnly.ID, signingKey(t, peer, "dana"), 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := get(t, tc.url, apAccept, tc.key)
			require.Equal(t, tc.status, a.Status, "%s", a.Body)
			if tc.status == 200 {
				assert.Equal(t, "no-store", a.Header.Get("Cache-Control"))
				assert.Equal(t, tc.url, a.JSON(t)["id"])
			}
		})
	}

	t.Run("author blocks the reader", func(t *testing.T) {
		_, err := n.F.st.AddToCollection(ctx, blockedIRI(alice), bob)
		require.NoError(t, err)
		host, err := store.HostOf(dana)
		require.NoError(t, err)
		_, err = n.F.st.AddToCollection(ctx, blockedIRI(alice), "https://"+host)
		require.NoError(t, err)
		defer func() {
			_, _ = n.F.st.RemoveFromCollection(ctx, blockedIRI(alice), bob)
			_, _ = n.F.st.RemoveFromCollection(ctx, blockedIRI(alice), "https://"+host)
		}()
		assert.Equal(t, http.StatusNotFound, get(t, direct.ID, apAccept, signingKey(t, n, "bob")).Status)
		assert.Equal(t, http.StatusNotFound, get(t, direct.ID, apAccept, signingKey(t, peer, "dana")).Status)
		assert.Equal(t, http.StatusOK, get(t, followersOnly.ID, apAccept, signingKey(t, n, "fan")).Status)
	})
	t.Run("blocked domain", func(t *testing.T) {
		m := newNode(t, nodeOptions{Users: users, Configure: func(c *Config) {
			c.Moderation.BlockedDomains = []string{"127.0.0.1"}
		}})

		d := note(m.F.ObjectIRI("direct"), m.F.ActorIRI("alice"), dana)
		putLocal(t, m, d)
		a := get(t, d.ID, apAccept, signingKey(t, peer, "dana"))
		assert.Equal(t, http.StatusNotFound, a.Status)
	})
}

// TestServeAuthorizedFetch: with AuthorizedFetch every object and collection
// needs a signed GET; actors answer unsigned readers with a bare document
// and the instance actor stays whole.
func TestServeAuthorizedFetch(t *testing.T) {
	n := newNode(t, nodeOptions{AuthorizedFetch: true, Users: []Actor{{Username: "alice", Name: "Alice", Summary: "bio"}}})
	peer := newNode(t, nodeOptions{Users: []Actor{{Username: "dana"}}})
	blockedPeer := newNode(t, nodeOptions{Users: []Actor{{Username: "mallory"}}})

	n.F.cfg.Moderation.Blocked = func(ctx context.Context, actorIRI string) (bool, error) {
		return actorIRI == blockedPeer.F.ActorIRI("mallory"), nil
	}
	alice := n.F.ActorIRI("alice")
	pub := note(n.F.ObjectIRI("pub"), alice, publicIRI)
	putLocal(t, n, pub)

	badSig := signingKey(t, peer, "dana")
	badSig.KeyID = peer.F.KeyID("nobody")
	signed := signingKey(t, peer, "dana")
	blocked := signingKey(t, blockedPeer, "mallory")

	for _, tc := range []struct {
		name   string
		url    string
		key    httpsig.SigningKey
		status int
		bare   bool
	}{
		{"actor unsigned", alice, noKey, 200, true},
		{"actor bad signature", alice, badSig, 200, true},
		{"actor blocked signer", alice, blocked, 200, true},
		{"actor signed", alice, signed, 200, false},
		{"instance actor unsigned", n.F.InstanceActorIRI(), noKey, 200, false},
		{"object unsigned", pub.ID, noKey, 401, false},
		{"object bad signature", pub.ID, badSig, 401, false},
		{"object blocked signer", pub.ID, blocked, 403, false},
		{"object signed", pub.ID, signed, 200, false},
		{"unknown object signed", n.F.ObjectIRI("nothing"), signed, 404, false},
		{"outbox unsigned", n.F.OutboxIRI("alice"), noKey, 401, false},
		{"outbox page unsigned", n.F.OutboxIRI("alice") + "?page=true", noKey, 401, false},
		{"outbox signed", n.F.OutboxIRI("alice"), signed, 200, false},
		{"followers unsigned", n.F.FollowersIRI("alice"), noKey, 401, false},
		{"followers blocked signer", n.F.FollowersIRI("alice"), blocked, 403, false},
		{"followers signed", n.F.FollowersIRI("alice") + "?page=true", signed, 200, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := get(t, tc.url, apAccept, tc.key)
			require.Equal(t, tc.status, a.Status, "%s", a.Body)
			if tc.status == 401 {
				assert.Contains(t, a.Header.Get("WWW-Authenticate"), "Signature")
			}
			if tc.status != 200 || tc.url != alice {
				return
			}
			m := a.JSON(t)
			assert.Equal(t, alice, m["id"])
			assert.Equal(t, "alice", m["preferredUsername"])
			assert.NotEmpty(t, m["inbox"])
			assert.NotEmpty(t, m["publicKey"])
			assert.NotEmpty(t, m["assertionMethod"])
			assert.NotEmpty(t, m["endpoints"])
			assert.Contains(t, a.Header.Get("Cache-Control"), "private")
			if tc.bare {
				assert.Nil(t, m["name"])
				assert.Nil(t, m["summary"])
				assert.Nil(t, m["followers"])
			} else {
				assert.Equal(t, "Alice", m["name"])
				assert.Equal(t, "bio", m["summary"])
			}
		})
	}

	t.Run("author blocks the signer", func(t *testing.T) {
		ctx := context.Background()
		_, err := n.Store.AddToCollection(ctx, n.F.OutboxIRI("alice"), pub.ID)
		require.NoError(t, err)
		page := func() []string {
			p := get(t, n.F.OutboxIRI("alice")+"?page=true", apAccept, signed)
			require.Equal(t, http.StatusOK, p.Status)
			return ids(t, p.JSON(t)["orderedItems"])
		}
		require.Equal(t, []string{pub.ID}, page())
		_, err = n.F.st.AddToCollection(ctx, blockedIRI(alice), peer.F.ActorIRI("dana"))
		require.NoError(t, err)
		defer n.F.st.RemoveFromCollection(ctx, blockedIRI(alice), peer.F.ActorIRI("dana"))
		assert.Equal(t, http.StatusNotFound, get(t, pub.ID, apAccept, signed).Status)
		assert.Empty(t, page())
	})
}

// TestServeAuthorizedFetchBothSides: two servers that both require signed
// GETs still verify each other, since actors stay readable unsigned and
// each fetches the other's keys as its instance actor.
func TestServeAuthorizedFetchBothSides(t *testing.T) {
	a := newNode(t, nodeOptions{AuthorizedFetch: true, Users: []Actor{{Username: "alice"}}})
	b := newNode(t, nodeOptions{AuthorizedFetch: true, Users: []Actor{{Username: "bob"}}})
	pub := note(a.F.ObjectIRI("pub"), a.F.ActorIRI("alice"), publicIRI)
	putLocal(t, a, pub)
	direct := note(a.F.ObjectIRI("direct"), a.F.ActorIRI("alice"), b.F.ActorIRI("bob"))
	putLocal(t, a, direct)
	bob := signingKey(t, b, "bob")

	for _, tc := range []struct {
		name    string
		url     string
		rfc9421 bool
		key     httpsig.SigningKey
		status  int
	}{
		{"public, draft-cavage", pub.ID, false, bob, 200},
		{"public, RFC 9421", pub.ID, true, bob, 200},
		{"direct to the signer, RFC 9421", direct.ID, true, bob, 200},
		{"direct, unsigned", direct.ID, false, noKey, 401},
		{"direct, another of the peer's actors", direct.ID, false, b.F.keyOfInstance(t), 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got answer
			if tc.rfc9421 {
				got = getRFC9421(t, tc.url, apAccept, tc.key)
			} else {
				got = get(t, tc.url, apAccept, tc.key)
			}
			require.Equal(t, tc.status, got.Status, "%s", got.Body)
		})
	}
}

// TestServeHostActors serves actors from the host's own accounts through
// Config.Actors.
func TestServeHostActors(t *testing.T) {
	accounts := map[string]*Actor{"ann": {Name: "Ann", Summary: "from the host", ManuallyApprovesFollowers: true}}
	n := newNode(t, nodeOptions{Configure: func(c *Config) {
		c.Actors = func(ctx context.Context, username string) (*Actor, error) {
			switch username {
			case "left":
				return nil, fmt.Errorf("account closed: %w", ErrGone)
			case "broken":
				return nil, fmt.Errorf("database down")
			}
			if a, ok := accounts[username]; ok {
				return a, nil
			}
			return nil, ErrNotFound
		}
	}})
	a := get(t, n.F.ActorIRI("ann"), apAccept, noKey)
	require.Equal(t, http.StatusOK, a.Status, "%s", a.Body)
	m := a.JSON(t)
	assert.Equal(t, "ann", m["preferredUsername"])
	assert.Equal(t, "Ann", m["name"])
	assert.Equal(t, true, m["manuallyApprovesFollowers"])
	assert.NotEmpty(t, m["publicKey"])

	assert.Equal(t, http.StatusGone, get(t, n.F.ActorIRI("left"), apAccept, noKey).Status)
	assert.Equal(t, http.StatusInternalServerError, get(t, n.F.ActorIRI("broken"), apAccept, noKey).Status)
	assert.Equal(t, http.StatusNotFound, get(t, n.F.ActorIRI("nobody"), apAccept, noKey).Status)
	assert.Equal(t, http.StatusGone, get(t, n.F.OutboxIRI("left"), apAccept, noKey).Status)
	assert.Equal(t, http.StatusOK, get(t, n.F.OutboxIRI("ann"), apAccept, noKey).Status)
}

// TestServeInboxRoutes: POSTs to the inboxes reach the inbox, never the
// host's fallback.
func TestServeInboxRoutes(t *testing.T) {
	n := newNode(t, nodeOptions{Users: []Actor{{Username: "alice"}}})
	var fallbackHit atomic.Bool
	ts := httptest.NewServer(n.F.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fallbackHit.Store(true)
		w.WriteHeader(http.StatusTeapot)
	})))
	t.Cleanup(ts.Close)
	for _, iri := range []string{n.F.InboxIRI("alice"), n.F.SharedInboxIRI(), n.F.InstanceActorIRI() + "/inbox"} {
		p := strings.TrimPrefix(iri, n.Origin)
		req, err := http.NewRequest(http.MethodPost, ts.URL+p, strings.NewReader(`{"type":"Like"}`))
		require.NoError(t, err)
		req.Header.Set("Content-Type", ContentType)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, p) // unsigned
	}
	assert.False(t, fallbackHit.Load())
}

// FuzzServeRequest sends arbitrary paths, queries and Accept headers
// through Handler: every answer is one of the expected statuses, never a
// panic or a 500.
func FuzzServeRequest(f *testing.F) {
	fed, err := New(Config{Origin: "https://social.example", Store: memory.New()})
	require.NoError(f, err)
	ctx := context.Background()
	require.NoError(f, fed.CreateActor(ctx, Actor{Username: "alice"}))
	o := note(fed.ObjectIRI("n1"), fed.ActorIRI("alice"), publicIRI)
	doc, err := vocab.Marshal(o)
	require.NoError(f, err)
	require.NoError(f, fed.Store().PutObject(ctx, store.Object{IRI: o.ID, Type: "Note", Document: doc, Local: true, Updated: time.Now()}))
	_, err = fed.Store().AddToCollection(ctx, fed.OutboxIRI("alice"), o.ID)
	require.NoError(f, err)
	h := fed.Handler(nil)
	for _, seed := range [][3]string{
		{"/users/alice", "", apAccept},
		{"/users/alice/outbox", "page=true&cursor=abc", apAccept},
		{"/users/alice/followers", "page=%zz", ""},
		{"/objects/n1", "", browserAccept},
		{"/.well-known/webfinger", "resource=acct:alice@social.example", ""},
		{"/.well-known/nodeinfo", "", ""},
		{"/users/%2e%2e/outbox", "", "application/json"},
	} {
		f.Add(seed[0], seed[1], seed[2])
	}
	f.Fuzz(func(t *testing.T, path, query, accept string) {
		req := httptest.NewRequest(http.MethodGet, "https://social.example/", nil)
		req.URL.Path, req.URL.RawPath, req.URL.RawQuery = "/"+path, "", query
		req.Header.Set("Accept", accept)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusNotFound, http.StatusGone:
		default:
			t.Fatalf("GET %q ? %q: status %d: %s", path, query, rec.Code, rec.Body)
		}
	})
}
