package storetest

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store"
)

const (
	outbox   = alice + "/outbox"
	liked    = alice + "/liked"
	featured = bob + "/featured"
)

// addItems adds n items named <coll>/items/<i> and returns them oldest first.
func addItems(t *testing.T, s store.Store, coll string, from, n int) []string {
	t.Helper()
	items := make([]string, 0, n)
	for i := from; i < from+n; i++ {
		it := iri(alice, "/notes/%d", i)
		added, err := s.AddToCollection(ctx(t), coll, it)
		require.NoError(t, err)
		require.True(t, added, "add %s", it)
		items = append(items, it)
	}
	return items
}

// walk pages through the whole collection with limit, checking that only
// the last page has no Next.
func walk(t *testing.T, s store.Store, coll string, limit int) []string {
	t.Helper()
	var all []string
	cursor := ""
	for range 10000 {
		p, err := s.CollectionPage(ctx(t), coll, cursor, limit)
		require.NoError(t, err)
		require.LessOrEqual(t, len(p.Items), limit)
		all = append(all, p.Items...)
		if p.Next == "" {
			return all
		}
		require.NotEmpty(t, p.Items, "a page with a Next cursor holds items")
		cursor = p.Next
	}
	t.Fatal("paging does not end")
	return nil
}

// newestFirst returns items reversed.
func newestFirst(items []string) []string {
	r := slices.Clone(items)
	slices.Reverse(r)
	return r
}

var collectionRules = []rule{
	{"AddToCollection, CollectionContains and CountCollection agree", func(t *testing.T, s store.Store) {
		items := addItems(t, s, outbox, 0, 3)
		n, err := s.CountCollection(ctx(t), outbox)
		require.NoError(t, err)
		assert.Equal(t, 3, n)
		for _, it := range items {
			ok, err := s.CollectionContains(ctx(t), outbox, it)
			require.NoError(t, err)
			assert.True(t, ok, it)
		}
		ok, err := s.CollectionContains(ctx(t), outbox, alice+"/notes/404")
		require.NoError(t, err)
		assert.False(t, ok)
	}},
	{"collections are independent of each other", func(t *testing.T, s store.Store) {
		addItems(t, s, outbox, 0, 2)
		ok, err := s.CollectionContains(ctx(t), liked, alice+"/notes/0")
		require.NoError(t, err)
		assert.False(t, ok)
		n, err := s.CountCollection(ctx(t), liked)
		require.NoError(t, err)
		assert.Zero(t, n, "an unknown collection has no members")
		p, err := s.CollectionPage(ctx(t), liked, "", 10)
		require.NoError(t, err)
		assert.Empty(t, p.Items)
		assert.Empty(t, p.Next)
	}},
	{"adding a present member is a no-op that keeps its position", func(t *testing.T, s store.Store) {
		items := addItems(t, s, outbox, 0, 3)
		added, err := s.AddToCollection(ctx(t), outbox, items[0])
		require.NoError(t, err)
		assert.False(t, added, "second add reports added == false")
		n, err := s.CountCollection(ctx(t), outbox)
		require.NoError(t, err)
		assert.Equal(t, 3, n)
		assert.Equal(t, newestFirst(items), walk(t, s, outbox, 10))
	}},
	{"removing is idempotent and re-adding takes the newest position", func(t *testing.T, s store.Store) {
		items := addItems(t, s, outbox, 0, 3)
		removed, err := s.RemoveFromCollection(ctx(t), outbox, items[0])
		require.NoError(t, err)
		assert.True(t, removed)
		removed, err = s.RemoveFromCollection(ctx(t), outbox, items[0])
		require.NoError(t, err)
		assert.False(t, removed, "removing an absent member reports false")
		ok, err := s.CollectionContains(ctx(t), outbox, items[0])
		require.NoError(t, err)
		assert.False(t, ok)
		assert.Equal(t, []string{items[2], items[1]}, walk(t, s, outbox, 10))
		added, err := s.AddToCollection(ctx(t), outbox, items[0])
		require.NoError(t, err)
		assert.True(t, added)
		assert.Equal(t, []string{items[0], items[2], items[1]}, walk(t, s, outbox, 10))
	}},
	{"pages list members newest first and the last page has no Next", func(t *testing.T, s store.Store) {
		items := addItems(t, s, outbox, 0, 25)
		for _, limit := range []int{1, 5, 10, 25, 100} {
			assert.Equal(t, newestFirst(items), walk(t, s, outbox, limit), "limit %d", limit)
		}
		p, err := s.CollectionPage(ctx(t), outbox, "", 10)
		require.NoError(t, err)
		assert.Equal(t, newestFirst(items)[:10], p.Items)
		p, err = s.CollectionPage(ctx(t), outbox, "", 25)
		require.NoError(t, err)
		assert.Empty(t, p.Next, "a page that reaches the end has no Next")
	}},
	{"a limit above MaxPageSize is capped, a non-positive one refused", func(t *testing.T, s store.Store) {
		addItems(t, s, outbox, 0, 3)
		p, err := s.CollectionPage(ctx(t), outbox, "", store.MaxPageSize*100)
		require.NoError(t, err)
		assert.Len(t, p.Items, 3)
		for _, limit := range []int{0, -1} {
			_, err := s.CollectionPage(ctx(t), outbox, "", limit)
			assert.ErrorIs(t, err, store.ErrInvalid, "limit %d", limit)
		}
	}},
	{"paging is stable while members are added and removed", func(t *testing.T, s store.Store) {
		items := addItems(t, s, outbox, 0, 30)
		p, err := s.CollectionPage(ctx(t), outbox, "", 7)
		require.NoError(t, err)
		seen := slices.Clone(p.Items)
		addItems(t, s, outbox, 100, 10) // newer than the walk: never inside it
		_, err = s.RemoveFromCollection(ctx(t), outbox, items[3])
		require.NoError(t, err)
		// The member the cursor stands on goes and comes back newest: the
		// walk resumes below its old position all the same.
		last := p.Items[len(p.Items)-1]
		_, err = s.RemoveFromCollection(ctx(t), outbox, last)
		require.NoError(t, err)
		_, err = s.AddToCollection(ctx(t), outbox, last)
		require.NoError(t, err)
		for cursor := p.Next; cursor != ""; {
			p, err = s.CollectionPage(ctx(t), outbox, cursor, 7)
			require.NoError(t, err)
			seen = append(seen, p.Items...)
			cursor = p.Next
		}
		want := newestFirst(slices.Delete(slices.Clone(items), 3, 4))
		assert.Equal(t, want, seen, "a walk lists exactly the older members still present, each once")
	}},
	{"paging while other goroutines insert never repeats or skips", func(t *testing.T, s store.Store) {
		old := addItems(t, s, outbox, 0, 200)
		var stop atomic.Bool
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Go(func() {
				for i := 0; !stop.Load() && i < 200; i++ {
					_, err := s.AddToCollection(ctx(t), outbox, iri(alice, "/new/%d/%d", w, i))
					assert.NoError(t, err)
				}
			})
		}
		for range 3 {
			got := walk(t, s, outbox, 9)
			seen := map[string]bool{}
			for _, it := range got {
				require.False(t, seen[it], "%s listed twice in one walk", it)
				seen[it] = true
			}
			for _, it := range old {
				require.True(t, seen[it], "%s, present before the walk, was skipped", it)
			}
			var tail []string
			for _, it := range got {
				if slices.Contains(old, it) {
					tail = append(tail, it)
				}
			}
			assert.Equal(t, newestFirst(old), tail, "old members keep their order")
		}
		stop.Store(true)
		wg.Wait()
	}},
	{"racing adds of one member: exactly one reports added", func(t *testing.T, s store.Store) {
		const n = 16
		var wins atomic.Int32
		parallel(n, func(int) {
			added, err := s.AddToCollection(ctx(t), featured, alice+"/notes/1")
			assert.NoError(t, err)
			if added {
				wins.Add(1)
			}
		})
		assert.EqualValues(t, 1, wins.Load())
		c, err := s.CountCollection(ctx(t), featured)
		require.NoError(t, err)
		assert.Equal(t, 1, c)
	}},
	{"racing adds of distinct members are all kept", func(t *testing.T, s store.Store) {
		parallel(16, func(i int) {
			for j := range 20 {
				_, err := s.AddToCollection(ctx(t), featured, iri(alice, "/notes/%d-%d", i, j))
				assert.NoError(t, err)
			}
		})
		c, err := s.CountCollection(ctx(t), featured)
		require.NoError(t, err)
		assert.Equal(t, 16*20, c)
		assert.Len(t, walk(t, s, featured, 50), 16*20)
	}},
	{"a collection with a long IRI pages to its end", func(t *testing.T, s store.Store) {
		// The longest IRIs, full of characters that JSON and URLs escape,
		// must still yield cursors the store accepts back.
		coll := alice + "/c?" + strings.Repeat("a&b<c>", (store.MaxIRILength-len(alice)-3)/6)
		require.NoError(t, store.ValidateIRI(coll))
		items := addItems(t, s, coll, 0, 3)
		assert.Equal(t, newestFirst(items), walk(t, s, coll, 1))
		_, err := s.AddToCollection(ctx(t), outbox, items[0])
		require.NoError(t, err)
		assert.Equal(t, items[:1], walk(t, s, outbox, 1))
		p, err := s.CollectionPage(ctx(t), coll, "", 1)
		require.NoError(t, err)
		_, err = s.CollectionPage(ctx(t), outbox, p.Next, 1)
		assert.ErrorIs(t, err, store.ErrInvalidCursor, "a cursor from another collection")
	}},
	{"tampered or foreign cursors are ErrInvalidCursor", func(t *testing.T, s store.Store) {
		addItems(t, s, outbox, 0, 5)
		_, err := s.AddToCollection(ctx(t), liked, alice+"/notes/x")
		require.NoError(t, err)
		_, err = s.AddToCollection(ctx(t), liked, alice+"/notes/y")
		require.NoError(t, err)
		p, err := s.CollectionPage(ctx(t), outbox, "", 2)
		require.NoError(t, err)
		require.NotEmpty(t, p.Next)
		for _, bad := range tamper(p.Next) {
			_, err := s.CollectionPage(ctx(t), outbox, bad, 2)
			require.ErrorIs(t, err, store.ErrInvalidCursor, "cursor %q (from %q)", bad, p.Next)
		}
		_, err = s.CollectionPage(ctx(t), liked, p.Next, 2)
		assert.ErrorIs(t, err, store.ErrInvalidCursor, "a cursor from another collection")
	}},
	{"bad collection input is refused and stores nothing", func(t *testing.T, s store.Store) {
		for _, bad := range invalidIRIs {
			_, err := s.AddToCollection(ctx(t), bad, alice+"/notes/1")
			assert.ErrorIs(t, err, store.ErrInvalidIRI, "collection %q", bad)
			_, err = s.AddToCollection(ctx(t), outbox, bad)
			assert.ErrorIs(t, err, store.ErrInvalidIRI, "item %q", bad)
			_, err = s.CollectionPage(ctx(t), bad, "", 10)
			assert.ErrorIs(t, err, store.ErrInvalidIRI, "page %q", bad)
			_, err = s.CountCollection(ctx(t), bad)
			assert.ErrorIs(t, err, store.ErrInvalidIRI, "count %q", bad)
		}
		n, err := s.CountCollection(ctx(t), outbox)
		require.NoError(t, err)
		assert.Zero(t, n)
	}},
}
