package memory

import (
	"context"
	"slices"
	"sync"

	"github.com/starling-fed/starling/store"
)

// entry is one member at its position.
type entry struct {
	pos  int64
	item string
}

// collection keeps members in position order (oldest first) and an index
// from member to position.
type collection struct {
	entries []entry
	pos     map[string]int64
}

type collectionState struct {
	mu   sync.Mutex
	seq  int64 // last position handed out, shared by all collections
	byID map[string]*collection
}

func (c *collectionState) init() { c.byID = map[string]*collection{} }

// findPos returns the index of the first entry at or after pos.
func findPos(entries []entry, pos int64) int {
	i, _ := slices.BinarySearchFunc(entries, pos, func(e entry, p int64) int {
		switch {
		case e.pos < p:
			return -1
		case e.pos > p:
			return 1
		}
		return 0
	})
	return i
}

// AddToCollection implements [store.Collections].
func (s *Store) AddToCollection(ctx context.Context, collectionIRI, itemIRI string) (bool, error) {
	if err := check(ctx, "collection", collectionIRI, "item", itemIRI); err != nil {
		return false, err
	}
	c := &s.collections
	c.mu.Lock()
	defer c.mu.Unlock()
	coll := c.byID[collectionIRI]
	if coll == nil {
		coll = &collection{pos: map[string]int64{}}
		c.byID[collectionIRI] = coll
	}
	if _, ok := coll.pos[itemIRI]; ok {
		return false, nil
	}
	c.seq++
	coll.pos[itemIRI] = c.seq
	coll.entries = append(coll.entries, entry{c.seq, itemIRI})
	return true, nil
}

// RemoveFromCollection implements [store.Collections].
func (s *Store) RemoveFromCollection(ctx context.Context, collectionIRI, itemIRI string) (bool, error) {
	if err := check(ctx, "collection", collectionIRI, "item", itemIRI); err != nil {
		return false, err
	}
	c := &s.collections
	c.mu.Lock()
	defer c.mu.Unlock()
	coll := c.byID[collectionIRI]
	if coll == nil {
		return false, nil
	}
	pos, ok := coll.pos[itemIRI]
	if !ok {
		return false, nil
	}
	delete(coll.pos, itemIRI)
	i := findPos(coll.entries, pos)
	coll.entries = slices.Delete(coll.entries, i, i+1)
	if len(coll.entries) == 0 {
		delete(c.byID, collectionIRI)
	}
	return true, nil
}

// CollectionContains implements [store.Collections].
func (s *Store) CollectionContains(ctx context.Context, collectionIRI, itemIRI string) (bool, error) {
	if err := check(ctx, "collection", collectionIRI, "item", itemIRI); err != nil {
		return false, err
	}
	c := &s.collections
	c.mu.Lock()
	defer c.mu.Unlock()
	coll := c.byID[collectionIRI]
	if coll == nil {
		return false, nil
	}
	_, ok := coll.pos[itemIRI]
	return ok, nil
}

// CountCollection implements [store.Collections].
func (s *Store) CountCollection(ctx context.Context, collectionIRI string) (int, error) {
	if err := check(ctx, "collection", collectionIRI); err != nil {
		return 0, err
	}
	c := &s.collections
	c.mu.Lock()
	defer c.mu.Unlock()
	if coll := c.byID[collectionIRI]; coll != nil {
		return len(coll.entries), nil
	}
	return 0, nil
}

// CollectionPage implements [store.Collections]. Cursors are
// [store.EncodeCursor]s scoped by the collection IRI.
func (s *Store) CollectionPage(ctx context.Context, collectionIRI, cursor string, limit int) (store.Page, error) {
	if err := validateIRIs("collection", collectionIRI); err != nil {
		return store.Page{}, err
	}
	limit, err := checkLimit(limit)
	if err != nil {
		return store.Page{}, err
	}
	before, err := decodeBefore(cursor, collectionIRI)
	if err != nil {
		return store.Page{}, err
	}
	if err := ctx.Err(); err != nil {
		return store.Page{}, err
	}
	c := &s.collections
	c.mu.Lock()
	defer c.mu.Unlock()
	var page store.Page
	coll := c.byID[collectionIRI]
	if coll == nil {
		return page, nil
	}
	i := findPos(coll.entries, before) - 1
	for ; i >= 0 && len(page.Items) < limit; i-- {
		page.Items = append(page.Items, coll.entries[i].item)
	}
	if i >= 0 {
		page.Next = store.EncodeCursor(store.Cursor{Scope: collectionIRI, Position: coll.entries[i+1].pos})
	}
	return page, nil
}

// decodeBefore returns the position a listing resumes below: the cursor's,
// or the largest position for the first page.
func decodeBefore(cursor, scope string) (int64, error) {
	if cursor == "" {
		return 1<<63 - 1, nil
	}
	c, err := store.DecodeCursor(cursor, scope)
	if err != nil {
		return 0, errCursor(err)
	}
	return c.Position, nil
}
