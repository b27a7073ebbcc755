package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/internal/sqlutil"
)

var _ store.RemoteActors = (*Store)(nil)

// PutRemoteActor implements [store.RemoteActors]. A key id taken by another
// actor, even one cached concurrently, violates the key table's primary key
// and rolls everything back with ErrConflict. Keys are inserted in key id
// order (their listing order is kept in ord), so two actors cached at once
// with shared keys wait for one another in one direction only, and the
// later gets ErrConflict rather than a deadlock.
func (s *Store) PutRemoteActor(ctx context.Context, a store.RemoteActor) error {
	if err := sqlutil.ValidateRemoteActor(a); err != nil {
		return err
	}
	ids := make([]string, len(a.Keys))
	pems := make([][]byte, len(a.Keys))
	for i, k := range a.Keys {
		ids[i], pems[i] = k.KeyID, k.PEM
	}
	return s.write(ctx, "put remote actor", func(tx pgx.Tx) error {
		var owner string
		err := tx.QueryRow(ctx, `SELECT owner FROM remote_keys WHERE key_id = ANY($1) AND owner <> $2 LIMIT 1`,
			ids, a.IRI).Scan(&owner)
		if err == nil {
			return fmt.Errorf("postgres: put remote actor: %w: a key of %s belongs to %s", store.ErrConflict, a.IRI, owner)
		}
		if err != pgx.ErrNoRows {
			return wrapErr("put remote actor", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO remote_actors (iri, document, inbox, shared_inbox, fetched)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (iri) DO UPDATE SET document = EXCLUDED.document, inbox = EXCLUDED.inbox,
				shared_inbox = EXCLUDED.shared_inbox, fetched = EXCLUDED.fetched`,
			a.IRI, a.Document, a.Inbox, a.SharedInbox, ts(a.Fetched)); err != nil {
			return wrapErr("put remote actor", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM remote_keys WHERE owner = $1`, a.IRI); err != nil {
			return wrapErr("put remote actor", err)
		}
		if len(ids) > 0 {
			if _, err := tx.Exec(ctx, `INSERT INTO remote_keys (key_id, owner, ord, pem)
				SELECT k.id, $1, k.ord, k.pem FROM unnest($2::text[], $3::bytea[]) WITH ORDINALITY AS k(id, pem, ord)
				ORDER BY k.id COLLATE "C"`,
				a.IRI, ids, pems); err != nil {
				return wrapErr("put remote actor", err)
			}
		}
		return nil
	})
}

// GetRemoteActor implements [store.RemoteActors]: the actor and its keys in
// one statement, so they are read from one snapshot.
func (s *Store) GetRemoteActor(ctx context.Context, actorIRI string) (store.RemoteActor, error) {
	if err := store.ValidateIRI(actorIRI); err != nil {
		return store.RemoteActor{}, err
	}
	var a store.RemoteActor
	var fetched pgtype.Timestamptz
	var ids []string
	var pems [][]byte
	err := s.q().QueryRow(ctx, `SELECT a.iri, a.document, a.inbox, a.shared_inbox, a.fetched,
			COALESCE((SELECT array_agg(k.key_id ORDER BY k.ord) FROM remote_keys k WHERE k.owner = a.iri), '{}'),
			COALESCE((SELECT array_agg(k.pem ORDER BY k.ord) FROM remote_keys k WHERE k.owner = a.iri), '{}')
		FROM remote_actors a WHERE a.iri = $1`, actorIRI).
		Scan(&a.IRI, &a.Document, &a.Inbox, &a.SharedInbox, &fetched, &ids, &pems)
	if err != nil {
		return store.RemoteActor{}, wrapErr("get remote actor", err)
	}
	a.Fetched = fromTS(fetched)
	a.Keys = make([]store.PublicKey, len(ids))
	for i := range ids {
		a.Keys[i] = store.PublicKey{KeyID: ids[i], Owner: a.IRI, PEM: pems[i], Fetched: a.Fetched}
	}
	return a, nil
}

// RemotePublicKey implements [store.RemoteActors].
func (s *Store) RemotePublicKey(ctx context.Context, keyID string) (store.PublicKey, error) {
	if err := store.ValidateIRI(keyID); err != nil {
		return store.PublicKey{}, err
	}
	var k store.PublicKey
	var fetched pgtype.Timestamptz
	err := s.q().QueryRow(ctx, `SELECT k.key_id, k.owner, k.pem, a.fetched
		FROM remote_keys k JOIN remote_actors a ON a.iri = k.owner WHERE k.key_id = $1`, keyID).
		Scan(&k.KeyID, &k.Owner, &k.PEM, &fetched)
	if err != nil {
		return store.PublicKey{}, wrapErr("remote public key", err)
	}
	k.Fetched = fromTS(fetched)
	return k, nil
}

// DeleteRemoteActor implements [store.RemoteActors].
func (s *Store) DeleteRemoteActor(ctx context.Context, actorIRI string) error {
	if err := store.ValidateIRI(actorIRI); err != nil {
		return err
	}
	if _, err := s.q().Exec(ctx, `DELETE FROM remote_actors WHERE iri = $1`, actorIRI); err != nil {
		return wrapErr("delete remote actor", err)
	}
	return nil
}
