package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/internal/sqlutil"
)

var _ store.Collections = (*Store)(nil)

// AddToCollection implements [store.Collections]. The member's position
// comes from the collection's counter row, locked until commit: adders to
// one collection commit in position order, which keeps page walks stable.
func (s *Store) AddToCollection(ctx context.Context, collectionIRI, itemIRI string) (bool, error) {
	if err := sqlutil.ValidateIRIs(collectionIRI, itemIRI); err != nil {
		return false, err
	}
	var added bool
	err := s.write(ctx, "add to collection", func(tx pgx.Tx) error {
		var present bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM collection_items WHERE collection = $1 AND item = $2)`,
			collectionIRI, itemIRI).Scan(&present); err != nil {
			return wrapErr("add to collection", err)
		}
		if present {
			return nil
		}
		var pos int64
		if err := tx.QueryRow(ctx, `INSERT INTO collections (iri, last_pos) VALUES ($1, 1)
			ON CONFLICT (iri) DO UPDATE SET last_pos = collections.last_pos + 1
			RETURNING last_pos`, collectionIRI).Scan(&pos); err != nil {
			return wrapErr("add to collection", err)
		}
		tag, err := tx.Exec(ctx, `INSERT INTO collection_items (collection, item, pos) VALUES ($1, $2, $3)
			ON CONFLICT (collection, item) DO NOTHING`, collectionIRI, itemIRI, pos)
		if err != nil {
			return wrapErr("add to collection", err)
		}
		added = tag.RowsAffected() == 1
		return nil
	})
	return added, err
}

// RemoveFromCollection implements [store.Collections].
func (s *Store) RemoveFromCollection(ctx context.Context, collectionIRI, itemIRI string) (bool, error) {
	if err := sqlutil.ValidateIRIs(collectionIRI, itemIRI); err != nil {
		return false, err
	}
	tag, err := s.q().Exec(ctx, `DELETE FROM collection_items WHERE collection = $1 AND item = $2`, collectionIRI, itemIRI)
	if err != nil {
		return false, wrapErr("remove from collection", err)
	}
	return tag.RowsAffected() == 1, nil
}

// CollectionContains implements [store.Collections].
func (s *Store) CollectionContains(ctx context.Context, collectionIRI, itemIRI string) (bool, error) {
	if err := sqlutil.ValidateIRIs(collectionIRI, itemIRI); err != nil {
		return false, err
	}
	var ok bool
	if err := s.q().QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM collection_items WHERE collection = $1 AND item = $2)`,
		collectionIRI, itemIRI).Scan(&ok); err != nil {
		return false, wrapErr("collection contains", err)
	}
	return ok, nil
}

// CountCollection implements [store.Collections].
func (s *Store) CountCollection(ctx context.Context, collectionIRI string) (int, error) {
	if err := store.ValidateIRI(collectionIRI); err != nil {
		return 0, err
	}
	var n int
	if err := s.q().QueryRow(ctx, `SELECT COUNT(*) FROM collection_items WHERE collection = $1`, collectionIRI).Scan(&n); err != nil {
		return 0, wrapErr("count collection", err)
	}
	return n, nil
}

// CollectionPage implements [store.Collections]. The cursor is the
// position of the last member returned, bound to the collection IRI.
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
	rows, err := s.q().Query(ctx, `SELECT pos, item FROM collection_items
		WHERE collection = $1 AND pos < $2 ORDER BY pos DESC LIMIT $3`, collectionIRI, below, limit+1)
	if err != nil {
		return store.Page{}, wrapErr("collection page", err)
	}
	defer rows.Close()
	page := store.Page{Items: []string{}}
	var last int64
	for rows.Next() {
		var pos int64
		var item string
		if err := rows.Scan(&pos, &item); err != nil {
			return store.Page{}, wrapErr("collection page", err)
		}
		if len(page.Items) == limit {
			page.Next = store.EncodeCursor(store.Cursor{Scope: collectionIRI, Position: last})
			break
		}
		page.Items = append(page.Items, item)
		last = pos
	}
	if err := rows.Err(); err != nil {
		return store.Page{}, wrapErr("collection page", err)
	}
	return page, nil
}
