package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/internal/sqlutil"
)

var _ store.RemoteActors = (*Store)(nil)

// PutRemoteActor implements [store.RemoteActors].
func (s *Store) PutRemoteActor(ctx context.Context, a store.RemoteActor) error {
	if err := sqlutil.ValidateRemoteActor(a); err != nil {
		return err
	}
	return s.write(ctx, "put remote actor", func(tx querier) error {
		for _, k := range a.Keys {
			var owner string
			err := tx.QueryRowContext(ctx, `SELECT owner FROM remote_keys WHERE key_id = ?`, k.KeyID).Scan(&owner)
			if err == nil && owner != a.IRI {
				return fmt.Errorf("sqlite: put remote actor: %w: key %s belongs to %s", store.ErrConflict, k.KeyID, owner)
			}
			if err != nil && err != sql.ErrNoRows {
				return wrapErr("put remote actor", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO remote_actors (iri, document, inbox, shared_inbox, fetched)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (iri) DO UPDATE SET document = excluded.document, inbox = excluded.inbox,
				shared_inbox = excluded.shared_inbox, fetched = excluded.fetched`,
			a.IRI, a.Document, a.Inbox, a.SharedInbox, micros(a.Fetched)); err != nil {
			return wrapErr("put remote actor", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM remote_keys WHERE owner = ?`, a.IRI); err != nil {
			return wrapErr("put remote actor", err)
		}
		for i, k := range a.Keys {
			if _, err := tx.ExecContext(ctx, `INSERT INTO remote_keys (key_id, owner, ord, pem) VALUES (?, ?, ?, ?)`,
				k.KeyID, a.IRI, i, k.PEM); err != nil {
				return wrapErr("put remote actor", err)
			}
		}
		return nil
	})
}

// GetRemoteActor implements [store.RemoteActors].
func (s *Store) GetRemoteActor(ctx context.Context, actorIRI string) (store.RemoteActor, error) {
	if err := store.ValidateIRI(actorIRI); err != nil {
		return store.RemoteActor{}, err
	}
	var a store.RemoteActor
	err := s.readTx(ctx, func(q querier) error {
		var fetched sql.NullInt64
		if err := q.QueryRowContext(ctx, `SELECT iri, document, inbox, shared_inbox, fetched FROM remote_actors WHERE iri = ?`,
			actorIRI).Scan(&a.IRI, &a.Document, &a.Inbox, &a.SharedInbox, &fetched); err != nil {
			return err
		}
		a.Fetched = fromMicros(fetched)
		rows, err := q.QueryContext(ctx, `SELECT key_id, pem FROM remote_keys WHERE owner = ? ORDER BY ord`, actorIRI)
		if err != nil {
			return err
		}
		defer rows.Close()
		a.Keys = []store.PublicKey{}
		for rows.Next() {
			k := store.PublicKey{Owner: a.IRI, Fetched: a.Fetched}
			if err := rows.Scan(&k.KeyID, &k.PEM); err != nil {
				return err
			}
			a.Keys = append(a.Keys, k)
		}
		return rows.Err()
	})
	if err != nil {
		return store.RemoteActor{}, wrapErr("get remote actor", err)
	}
	return a, nil
}

// RemotePublicKey implements [store.RemoteActors].
func (s *Store) RemotePublicKey(ctx context.Context, keyID string) (store.PublicKey, error) {
	if err := store.ValidateIRI(keyID); err != nil {
		return store.PublicKey{}, err
	}
	var k store.PublicKey
	var fetched sql.NullInt64
	err := s.reader().QueryRowContext(ctx, `SELECT k.key_id, k.owner, k.pem, a.fetched
		FROM remote_keys k JOIN remote_actors a ON a.iri = k.owner WHERE k.key_id = ?`, keyID).
		Scan(&k.KeyID, &k.Owner, &k.PEM, &fetched)
	if err != nil {
		return store.PublicKey{}, wrapErr("remote public key", err)
	}
	k.Fetched = fromMicros(fetched)
	return k, nil
}

// DeleteRemoteActor implements [store.RemoteActors].
func (s *Store) DeleteRemoteActor(ctx context.Context, actorIRI string) error {
	if err := store.ValidateIRI(actorIRI); err != nil {
		return err
	}
	return s.write(ctx, "delete remote actor", func(tx querier) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM remote_actors WHERE iri = ?`, actorIRI); err != nil {
			return wrapErr("delete remote actor", err)
		}
		return nil
	})
}
