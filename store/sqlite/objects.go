package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/starling-fed/starling/store"
)

var _ store.Objects = (*Store)(nil)

// PutObject implements [store.Objects].
func (s *Store) PutObject(ctx context.Context, obj store.Object) error {
	if err := store.ValidateIRI(obj.IRI); err != nil {
		return err
	}
	if obj.Type == "" {
		return fmt.Errorf("%w: object %s has no type", store.ErrInvalid, obj.IRI)
	}
	if err := store.ValidateDocument(obj.Document); err != nil {
		return err
	}
	return s.write(ctx, "put object", func(tx querier) error {
		// The upsert skips tombstoned rows, so a late update cannot
		// resurrect a deleted object.
		res, err := tx.ExecContext(ctx, `INSERT INTO objects (iri, type, document, local, fetched, updated)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (iri) DO UPDATE SET type = excluded.type, document = excluded.document,
				local = excluded.local, fetched = excluded.fetched, updated = excluded.updated
			WHERE objects.deleted IS NULL`,
			obj.IRI, obj.Type, obj.Document, boolInt(obj.Local), micros(obj.Fetched), micros(obj.Updated))
		if err != nil {
			return wrapErr("put object", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return wrapErr("put object", err)
		} else if n == 0 {
			return fmt.Errorf("sqlite: put object %s: %w", obj.IRI, store.ErrGone)
		}
		return nil
	})
}

// GetObject implements [store.Objects].
func (s *Store) GetObject(ctx context.Context, iri string) (store.Object, error) {
	if err := store.ValidateIRI(iri); err != nil {
		return store.Object{}, err
	}
	var o store.Object
	var local int
	var fetched, updated, deleted sql.NullInt64
	err := s.reader().QueryRowContext(ctx, `SELECT iri, type, document, local, fetched, updated, former_type, deleted
		FROM objects WHERE iri = ?`, iri).Scan(&o.IRI, &o.Type, &o.Document, &local, &fetched, &updated, &o.FormerType, &deleted)
	if err != nil {
		return store.Object{}, wrapErr("get object", err)
	}
	o.Local = local == 1
	o.Fetched, o.Updated, o.Deleted = fromMicros(fetched), fromMicros(updated), fromMicros(deleted)
	if deleted.Valid {
		return o, fmt.Errorf("sqlite: get object %s: %w", iri, store.ErrGone)
	}
	return o, nil
}

// DeleteObject implements [store.Objects].
func (s *Store) DeleteObject(ctx context.Context, iri string, deleted time.Time) error {
	if err := store.ValidateIRI(iri); err != nil {
		return err
	}
	if deleted.IsZero() {
		return fmt.Errorf("%w: zero deletion time", store.ErrInvalid)
	}
	return s.write(ctx, "delete object", func(tx querier) error {
		var typ string
		var was sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT type, deleted FROM objects WHERE iri = ?`, iri).Scan(&typ, &was)
		if err != nil {
			return wrapErr("delete object", err)
		}
		if was.Valid {
			return nil // already a Tombstone
		}
		_, err = tx.ExecContext(ctx, `UPDATE objects SET type = 'Tombstone', document = ?, former_type = ?,
			deleted = ?, updated = ? WHERE iri = ?`,
			store.TombstoneDocument(iri, typ, deleted), typ, micros(deleted), micros(deleted), iri)
		if err != nil {
			return wrapErr("delete object", err)
		}
		return nil
	})
}

// PurgeObject implements [store.Objects].
func (s *Store) PurgeObject(ctx context.Context, iri string) error {
	if err := store.ValidateIRI(iri); err != nil {
		return err
	}
	return s.write(ctx, "purge object", func(tx querier) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM objects WHERE iri = ?`, iri); err != nil {
			return wrapErr("purge object", err)
		}
		return nil
	})
}
