package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/starling-fed/starling/store"
)

var _ store.Objects = (*Store)(nil)

// PutObject implements [store.Objects]. The upsert skips tombstoned rows,
// so a late update cannot resurrect a deleted object.
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
	tag, err := s.q().Exec(ctx, `INSERT INTO objects (iri, type, document, local, fetched, updated)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (iri) DO UPDATE SET type = EXCLUDED.type, document = EXCLUDED.document,
			local = EXCLUDED.local, fetched = EXCLUDED.fetched, updated = EXCLUDED.updated
		WHERE objects.deleted IS NULL`,
		obj.IRI, obj.Type, obj.Document, obj.Local, ts(obj.Fetched), ts(obj.Updated))
	if err != nil {
		return wrapErr("put object", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: put object %s: %w", obj.IRI, store.ErrGone)
	}
	return nil
}

// GetObject implements [store.Objects].
func (s *Store) GetObject(ctx context.Context, iri string) (store.Object, error) {
	if err := store.ValidateIRI(iri); err != nil {
		return store.Object{}, err
	}
	var o store.Object
	var fetched, updated, deleted pgtype.Timestamptz
	err := s.q().QueryRow(ctx, `SELECT iri, type, document, local, fetched, updated, former_type, deleted
		FROM objects WHERE iri = $1`, iri).Scan(&o.IRI, &o.Type, &o.Document, &o.Local, &fetched, &updated, &o.FormerType, &deleted)
	if err != nil {
		return store.Object{}, wrapErr("get object", err)
	}
	o.Fetched, o.Updated, o.Deleted = fromTS(fetched), fromTS(updated), fromTS(deleted)
	if deleted.Valid {
		return o, fmt.Errorf("postgres: get object %s: %w", iri, store.ErrGone)
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
	return s.write(ctx, "delete object", func(tx pgx.Tx) error {
		var typ string
		var was pgtype.Timestamptz
		err := tx.QueryRow(ctx, `SELECT type, deleted FROM objects WHERE iri = $1 FOR UPDATE`, iri).Scan(&typ, &was)
		if err != nil {
			return wrapErr("delete object", err)
		}
		if was.Valid {
			return nil // already a Tombstone
		}
		_, err = tx.Exec(ctx, `UPDATE objects SET type = 'Tombstone', document = $1, former_type = $2,
			deleted = $3, updated = $3 WHERE iri = $4`,
			store.TombstoneDocument(iri, typ, deleted), typ, deleted, iri)
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
	if _, err := s.q().Exec(ctx, `DELETE FROM objects WHERE iri = $1`, iri); err != nil {
		return wrapErr("purge object", err)
	}
	return nil
}
