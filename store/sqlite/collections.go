package sqlite

import (
	"context"

	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/internal/sqlutil"
)

var _ store.Collections = (*Store)(nil)

// AddToCollection implements [store.Collections].
func (s *Store) AddToCollection(ctx context.Context, collectionIRI, itemIRI string) (bool, error) {
	if err := sqlutil.ValidateIRIs(collectionIRI, itemIRI); err != nil {
		return false, err
	}
	var added bool
	err := s.write(ctx, "add to collection", func(tx querier) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO collection_items (collection, item) VALUES (?, ?)
			ON CONFLICT (collection, item) DO NOTHING`, collectionIRI, itemIRI)
		if err != nil {
			return wrapErr("add to collection", err)
		}
		n, err := res.RowsAffected()
		added = n == 1
		return err
	})
	return added, err
}

// RemoveFromCollection implements [store.Collections].
func (s *Store) RemoveFromCollection(ctx context.Context, collectionIRI, itemIRI string) (bool, error) {
	if err := sqlutil.ValidateIRIs(collectionIRI, itemIRI); err != nil {
		return false, err
	}
	var removed bool
	err := s.write(ctx, "remove from collection", func(tx querier) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM collection_items WHERE collection = ? AND item = ?`, collectionIRI, itemIRI)
		if err != nil {
			return wrapErr("remove from collection", err)
		}
		n, err := res.RowsAffected()
		removed = n == 1
		return err
	})
	return removed, err
}

// CollectionContains implements [store.Collections].
func (s *Store) CollectionContains(ctx context.Context, collectionIRI, itemIRI string) (bool, error) {
	if err := sqlutil.ValidateIRIs(collectionIRI, itemIRI); err != nil {
		return false, err
	}
	var n int
	err := s.reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM collection_items WHERE collection = ? AND item = ?`,
		collectionIRI, itemIRI).Scan(&n)
	if err != nil {
		return false, wrapErr("collection contains", err)
	}
	return n > 0, nil
}

// CountCollection implements [store.Collections].
func (s *Store) CountCollection(ctx context.Context, collectionIRI string) (int, error) {
	if err := store.ValidateIRI(collectionIRI); err != nil {
		return 0, err
	}
	var n int
	if err := s.reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM collection_items WHERE collection = ?`,
		collectionIRI).Scan(&n); err != nil {
		return 0, wrapErr("count collection", err)
	}
	return n, nil
}

// CollectionPage implements [store.Collections]. The cursor is the seq of
// the last member returned, bound to the collection IRI.
func (s *Store) CollectionPage(ctx context.Context, collectionIRI, cursor string, limit int) (store.Page, error) {
	if err := store.ValidateIRI(collectionIRI); err != nil {
		return store.Page{}, err
	}
	limit, err := sqlutil.PageLimit(limit)
	if err != nil {
		return store.Page{}, err
	}
	below, err := sqlutil.DecodePosition(cursor, collectionIRI)
	if err != nil {
		return store.Page{}, err
	}
	rows, err := s.reader().QueryContext(ctx, `SELECT seq, item FROM collection_items
		WHERE collection = ? AND seq < ? ORDER BY seq DESC LIMIT ?`, collectionIRI, below, limit+1)
	if err != nil {
		return store.Page{}, wrapErr("collection page", err)
	}
	defer rows.Close()
	page := store.Page{Items: []string{}}
	var last int64
	for rows.Next() {
		var seq int64
		var item string
		if err := rows.Scan(&seq, &item); err != nil {
			return store.Page{}, wrapErr("collection page", err)
		}
		if len(page.Items) == limit {
			page.Next = store.EncodeCursor(store.Cursor{Scope: collectionIRI, Position: last})
			break
		}
		page.Items = append(page.Items, item)
		last = seq
	}
	if err := rows.Err(); err != nil {
		return store.Page{}, wrapErr("collection page", err)
	}
	return page, nil
}
