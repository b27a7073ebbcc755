package activitypub

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/vocab"
	"github.com/starling-fed/starling/httpsig"
	"github.com/starling-fed/starling/store"
)

// walk reads a collection and every page after its first, checking the
// shape of each, and returns the collection, the ids of the items in order
// and the number of pages.
func walk(t *testing.T, collection string, key httpsig.SigningKey) (map[string]any, []string, int) {
	t.Helper()
	a := get(t, collection, apAccept, key)
	require.Equal(t, http.StatusOK, a.Status, "%s", a.Body)
	require.Equal(t, ContentType, a.Header.Get("Content-Type"))
	c := a.JSON(t)
	require.Equal(t, "OrderedCollection", c["type"])
	require.Equal(t, collection, c["id"])
	require.IsType(t, float64(0), c["totalItems"])
	next, _ := c["first"].(string)
	require.Equal(t, collection+"?page=true", next)
	var items []string
	pages := 0
	for next != "" {
		require.Less(t, pages, 100, "page loop")
		a := get(t, next, apAccept, key)
		require.Equal(t, http.StatusOK, a.Status, "%s: %s", next, a.Body)
		p := a.JSON(t)
		assert.Equal(t, "OrderedCollectionPage", p["type"])
		assert.Equal(t, next, p["id"])
		assert.Equal(t, collection, p["partOf"])
		items = append(items, ids(t, p["orderedItems"])...)
		next, _ = p["next"].(string)
		pages++
	}
	return c, items, pages
}

func TestServeCollections(t *testing.T) {
	n := newNode(t, nodeOptions{Users: []Actor{{Username: "alice"}, {Username: "fan"}, {Username: "gone"}}, Configure: func(c *Config) {
		c.PageSize = 20
	}})
	ctx := context.Background()
	alice := n.F.ActorIRI("alice")
	outbox := n.F.OutboxIRI("alice")

	// 45 public activities, 3 for followers only, one whose note was deleted
	// since, added oldest first.
	var public, all []string
	for i := range 49 {
		to := []string{publicIRI}
		if i%16 == 5 {
			to = []string{n.F.FollowersIRI("alice")}
		}
		o := note(n.F.ObjectIRI(fmt.Sprintf("note-%d", i)), alice, to...)
		act := create(n.F.ObjectIRI(fmt.Sprintf("create-%d", i)), o)
		putLocal(t, n, o)
		putLocal(t, n, act)
		_, err := n.Store.AddToCollection(ctx, outbox, act.ID)
		require.NoError(t, err)
		if i == 30 {
			require.NoError(t, n.Store.DeleteObject(ctx, o.ID, time.Now()))
			continue
		}
		all = append([]string{act.ID}, all...)
		if to[0] == publicIRI {
			public = append([]string{act.ID}, public...)
		}
	}
	require.Len(t, public, 45)

	t.Run("outbox anonymous", func(t *testing.T) {
		c, items, pages := walk(t, outbox, noKey)
		assert.EqualValues(t, 49, c["totalItems"])
		assert.Equal(t, public, items)
		assert.Equal(t, 3, pages)
	})
	t.Run("outbox items are embedded activities", func(t *testing.T) {
		p := get(t, outbox+"?page=true", apAccept, noKey).JSON(t)
		first := p["orderedItems"].([]any)[0].(map[string]any)
		assert.Equal(t, "Create", first["type"])
		assert.Nil(t, first["@context"])
		assert.Equal(t, "Note", first["object"].(map[string]any)["type"])
	})
	t.Run("outbox as an accepted follower", func(t *testing.T) {

		_, err := n.Store.PutFollow(ctx, store.Follow{Follower: n.F.ActorIRI("fan"), Followee: alice,
			ActivityID: n.F.ObjectIRI("follow-fan"), State: store.FollowAccepted, Inbox: n.F.InboxIRI("fan"), Created: time.Now()})
		require.NoError(t, err)
		defer n.Store.DeleteFollow(ctx, n.F.ActorIRI("fan"), alice)
		_, items, _ := walk(t, outbox, signingKey(t, n, "fan"))
		assert.Equal(t, all, items)
	})

	t.Run("followers and following", func(t *testing.T) {
		var followers []string
		for i := range 28 {
			who := fmt.Sprintf("https://remote%d.example/users/u%d", i%3, i)
			state := store.FollowAccepted
			if i%10 == 9 {
				state = store.FollowPending
			}
			_, err := n.Store.PutFollow(ctx, store.Follow{Follower: who, Followee: alice, ActivityID: who + "/follow",
				State: state, Inbox: who + "/inbox", Created: time.Now()})
			require.NoError(t, err)
			if state == store.FollowAccepted {
				followers = append([]string{who}, followers...)
			}
			if i < 3 {
				_, err := n.Store.PutFollow(ctx, store.Follow{Follower: alice, Followee: who, ActivityID: n.F.ObjectIRI(fmt.Sprintf("f%d", i)),
					State: store.FollowAccepted, Inbox: who + "/inbox", Created: time.Now()})
				require.NoError(t, err)
			}
		}
		c, items, pages := walk(t, n.F.FollowersIRI("alice"), noKey)
		assert.EqualValues(t, len(followers), c["totalItems"])
		assert.Equal(t, followers, items)
		assert.Equal(t, 2, pages)

		c, items, _ = walk(t, n.F.FollowingIRI("alice"), noKey)
		assert.EqualValues(t, 3, c["totalItems"])
		assert.ElementsMatch(t, []string{"https://remote0.example/users/u0", "https://remote1.example/users/u1", "https://remote2.example/users/u2"}, items)
	})

	t.Run("liked lists IRIs", func(t *testing.T) {
		liked := []string{"https://remote.example/notes/1", "https://remote.example/notes/2"}
		for _, iri := range liked {
			_, err := n.Store.AddToCollection(ctx, n.F.LikedIRI("alice"), iri)
			require.NoError(t, err)
		}
		p := get(t, n.F.LikedIRI("alice")+"?page=true", apAccept, noKey).JSON(t)
		assert.Equal(t, []any{liked[1], liked[0]}, p["orderedItems"])
	})

	t.Run("featured embeds visible objects inline", func(t *testing.T) {
		for _, i := range []int{1, 5, 2} { // note-5 is for followers only
			_, err := n.Store.AddToCollection(ctx, n.F.FeaturedIRI("alice"), n.F.ObjectIRI(fmt.Sprintf("note-%d", i)))
			require.NoError(t, err)
		}
		a := get(t, n.F.FeaturedIRI("alice"), apAccept, noKey)
		require.Equal(t, http.StatusOK, a.Status)
		c := a.JSON(t)
		assert.Equal(t, "OrderedCollection", c["type"])
		assert.EqualValues(t, 3, c["totalItems"])
		assert.Equal(t, []string{n.F.ObjectIRI("note-2"), n.F.ObjectIRI("note-1")}, ids(t, c["orderedItems"]))
		assert.Equal(t, "Note", c["orderedItems"].([]any)[0].(map[string]any)["type"])
	})

	t.Run("instance actor outbox is empty", func(t *testing.T) {
		c := get(t, n.F.InstanceActorIRI()+"/outbox", apAccept, noKey).JSON(t)
		assert.EqualValues(t, 0, c["totalItems"])
		p := get(t, n.F.InstanceActorIRI()+"/outbox?page=true", apAccept, noKey).JSON(t)
		assert.Empty(t, p["orderedItems"])
		assert.Nil(t, p["next"])
	})

	t.Run("refused queries", func(t *testing.T) {
		p := get(t, outbox+"?page=true", apAccept, noKey).JSON(t)
		next, err := url.Parse(p["next"].(string))
		require.NoError(t, err)
		cursor := next.Query().Get("cursor")
		require.NotEmpty(t, cursor)
		require.NoError(t, n.Store.DeleteObject(ctx, n.F.storedActorIRI("gone"), time.Now()))
		for _, tc := range []struct {
			name   string
			url    string
			status int
		}{
			{"altered cursor", outbox + "?page=true&cursor=" + url.QueryEscape(cursor[:len(cursor)-1]+"A"), 400},
			{"cursor of another collection", n.F.LikedIRI("alice") + "?page=true&cursor=" + url.QueryEscape(cursor), 400},
			{"garbage cursor", outbox + "?cursor=%00%01", 400},
			{"cursor twice", outbox + "?page=true&cursor=a&cursor=b", 400},
			{"page not a boolean", outbox + "?page=maybe", 400},
			{"bad escape", outbox + "?page=%zz", 400},
			{"page=false is the collection", outbox + "?page=false", 200},
			{"unknown parameters ignored", outbox + "?min_id=0&page=true", 200},
			{"unknown actor", n.F.OutboxIRI("nobody"), 404},
			{"gone actor", n.F.FollowersIRI("gone"), 410},
			{"cursor accepted", outbox + "?cursor=" + url.QueryEscape(cursor), 200},
		} {
			t.Run(tc.name, func(t *testing.T) {
				a := get(t, tc.url, apAccept, noKey)
				assert.Equal(t, tc.status, a.Status, "%s", a.Body)
			})
		}
	})
}

func TestParsePageQuery(t *testing.T) {
	long := make([]byte, store.MaxCursorLength+1)
	for i := range long {
		long[i] = 'a'
	}
	for _, tc := range []struct {
		raw    string
		want   pageQuery
		errors bool
	}{
		{"", pageQuery{}, false},
		{"page=true", pageQuery{page: true}, false},
		{"page=1", pageQuery{page: true}, false},
		{"page=false", pageQuery{}, false},
		{"page=0&cursor=", pageQuery{}, false},
		{"cursor=abc", pageQuery{page: true, cursor: "abc"}, false},
		{"page=true&cursor=a%2Bb", pageQuery{page: true, cursor: "a+b"}, false},
		{"min_id=0&page=true", pageQuery{page: true}, false},
		{"page=yes", pageQuery{}, true},
		{"page=true&page=true", pageQuery{}, true},
		{"cursor=a&cursor=b", pageQuery{}, true},
		{"cursor=" + string(long), pageQuery{}, true},
		{"page=%zz", pageQuery{}, true},
		{"a;b", pageQuery{}, true},
	} {
		t.Run(tc.raw, func(t *testing.T) {
			got, err := parsePageQuery(tc.raw)
			if tc.errors {
				require.ErrorIs(t, err, errBadQuery)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func FuzzParsePageQuery(f *testing.F) {
	for _, s := range []string{"", "page=true", "page=1&cursor=abc", "cursor=%00", "page=%zz", "a;b", "cursor=a&cursor=b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := parsePageQuery(raw)
		if err != nil {
			require.ErrorIs(t, err, errBadQuery)
			return
		}
		require.LessOrEqual(t, len(q.cursor), store.MaxCursorLength)
		if q.cursor != "" {
			require.True(t, q.page)
			// The next link carries the cursor back unchanged.
			u, err := url.Parse(pageIRI("https://example.com/users/a/outbox", q.cursor))
			require.NoError(t, err)
			require.Equal(t, q.cursor, u.Query().Get("cursor"))
		}
	})
}

func TestStripBlind(t *testing.T) {
	inner := &vocab.Object{ID: "https://a.example/n", Type: "Note", Bto: []vocab.Ref{vocab.IRIRef("https://b.example/x")}}
	act := &vocab.Object{ID: "https://a.example/c", Type: "Create", Bcc: []vocab.Ref{vocab.IRIRef("https://b.example/y")},
		Object: []vocab.Ref{vocab.ObjectRef(inner), vocab.IRIRef("https://a.example/other")}}
	got := stripBlind(act)
	assert.Empty(t, got.Bcc)
	assert.Empty(t, got.Object[0].Object.Bto)
	assert.Equal(t, "https://a.example/other", got.Object[1].IRI)
	// The original is untouched.
	assert.Len(t, act.Bcc, 1)
	assert.Len(t, inner.Bto, 1)
	plain := &vocab.Object{ID: "https://a.example/p"}
	assert.Same(t, plain, stripBlind(plain))
	assert.True(t, slices.Equal(vocab.IDs(got.Object), vocab.IDs(act.Object)))
}
