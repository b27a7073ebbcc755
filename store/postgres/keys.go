package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/internal/sqlutil"
)

var _ store.Keys = (*Store)(nil)

const keyColumns = `key_id, owner, algorithm, private_pem, public_pem, created, expires`

func scanKey(row pgx.Row) (store.KeyPair, error) {
	var k store.KeyPair
	var created, expires pgtype.Timestamptz
	if err := row.Scan(&k.KeyID, &k.Owner, &k.Algorithm, &k.PrivateKeyPEM, &k.PublicKeyPEM, &created, &expires); err != nil {
		return store.KeyPair{}, err
	}
	k.Created, k.Expires = fromTS(created), fromTS(expires)
	return k, nil
}

// GetOrCreateKey implements [store.Keys]. create runs outside any
// transaction; the insert then loses quietly to a concurrent winner (ON
// CONFLICT DO NOTHING, on the one-current-key index or the key id), whose
// key is returned.
func (s *Store) GetOrCreateKey(ctx context.Context, actorIRI, algorithm string, create func() (store.KeyPair, error)) (store.KeyPair, error) {
	if err := store.ValidateIRI(actorIRI); err != nil {
		return store.KeyPair{}, err
	}
	if err := sqlutil.ValidAlgorithm(algorithm); err != nil {
		return store.KeyPair{}, err
	}
	k, err := s.CurrentKey(ctx, actorIRI, algorithm)
	if !errors.Is(err, store.ErrNotFound) {
		return k, err
	}
	created, err := sqlutil.CreateKey(actorIRI, algorithm, create)
	if err != nil {
		return store.KeyPair{}, err
	}
	// ON CONFLICT without a target: racing callers may collide on the
	// current-key index or, when their create funcs chose the same key id,
	// on the primary key. Either way the winner's row is read back below.
	tag, err := s.q().Exec(ctx, `INSERT INTO actor_keys (`+keyColumns+`, current)
		VALUES ($1, $2, $3, $4, $5, $6, NULL, true)
		ON CONFLICT DO NOTHING`,
		created.KeyID, created.Owner, created.Algorithm, created.PrivateKeyPEM, created.PublicKeyPEM, ts(created.Created))
	if err != nil {
		return store.KeyPair{}, wrapErr("get or create key", err)
	}
	if tag.RowsAffected() == 1 {
		return created, nil
	}
	k, err = s.CurrentKey(ctx, actorIRI, algorithm)
	if errors.Is(err, store.ErrNotFound) {
		// Nothing current for this actor, so the insert collided with a
		// key id another actor holds.
		return store.KeyPair{}, fmt.Errorf("postgres: get or create key: %w: key id %q is in use", store.ErrConflict, created.KeyID)
	}
	return k, err
}

// CurrentKey implements [store.Keys].
func (s *Store) CurrentKey(ctx context.Context, actorIRI, algorithm string) (store.KeyPair, error) {
	if err := store.ValidateIRI(actorIRI); err != nil {
		return store.KeyPair{}, err
	}
	k, err := scanKey(s.q().QueryRow(ctx, `SELECT `+keyColumns+` FROM actor_keys
		WHERE owner = $1 AND algorithm = $2 AND current`, actorIRI, algorithm))
	if err != nil {
		return store.KeyPair{}, wrapErr("current key", err)
	}
	return k, nil
}

// RotateKey implements [store.Keys]. The current key's row is locked first,
// so concurrent rotations of one actor run one after the other.
func (s *Store) RotateKey(ctx context.Context, actorIRI string, next store.KeyPair, graceUntil time.Time) error {
	if err := store.ValidateIRI(actorIRI); err != nil {
		return err
	}
	next.Owner = actorIRI
	next.Expires = time.Time{}
	if err := sqlutil.ValidateKeyPair(next); err != nil {
		return err
	}
	if graceUntil.IsZero() {
		return fmt.Errorf("%w: zero grace period end for the retired key", store.ErrInvalid)
	}
	return s.write(ctx, "rotate key", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT 1 FROM actor_keys WHERE owner = $1 AND algorithm = $2 AND current FOR UPDATE`,
			actorIRI, next.Algorithm); err != nil {
			return wrapErr("rotate key", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE actor_keys SET current = false, expires = $1
			WHERE owner = $2 AND algorithm = $3 AND current`, ts(graceUntil), actorIRI, next.Algorithm); err != nil {
			return wrapErr("rotate key", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO actor_keys (`+keyColumns+`, current)
			VALUES ($1, $2, $3, $4, $5, $6, NULL, true)`,
			next.KeyID, next.Owner, next.Algorithm, next.PrivateKeyPEM, next.PublicKeyPEM, ts(next.Created)); err != nil {
			return wrapErr("rotate key", err)
		}
		return nil
	})
}

// KeyByID implements [store.Keys].
func (s *Store) KeyByID(ctx context.Context, keyID string, now time.Time) (store.KeyPair, error) {
	if err := store.ValidateIRI(keyID); err != nil {
		return store.KeyPair{}, err
	}
	k, err := scanKey(s.q().QueryRow(ctx, `SELECT `+keyColumns+` FROM actor_keys
		WHERE key_id = $1 AND (current OR expires IS NULL OR expires > $2)`, keyID, now))
	if err != nil {
		return store.KeyPair{}, wrapErr("key by id", err)
	}
	return k, nil
}

// ActorKeys implements [store.Keys].
func (s *Store) ActorKeys(ctx context.Context, actorIRI string, now time.Time) ([]store.KeyPair, error) {
	if err := store.ValidateIRI(actorIRI); err != nil {
		return nil, err
	}
	rows, err := s.q().Query(ctx, `SELECT `+keyColumns+` FROM actor_keys
		WHERE owner = $1 AND (current OR expires IS NULL OR expires > $2)
		ORDER BY current DESC, created DESC NULLS LAST, key_id`, actorIRI, now)
	if err != nil {
		return nil, wrapErr("actor keys", err)
	}
	keys, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.KeyPair, error) { return scanKey(r) })
	if err != nil {
		return nil, wrapErr("actor keys", err)
	}
	if keys == nil {
		keys = []store.KeyPair{}
	}
	return keys, nil
}
