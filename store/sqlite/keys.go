package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/internal/sqlutil"
)

var _ store.Keys = (*Store)(nil)

const keyColumns = `key_id, owner, algorithm, private_pem, public_pem, created, expires`

func scanKey(row interface{ Scan(...any) error }) (store.KeyPair, error) {
	var k store.KeyPair
	var created, expires sql.NullInt64
	if err := row.Scan(&k.KeyID, &k.Owner, &k.Algorithm, &k.PrivateKeyPEM, &k.PublicKeyPEM, &created, &expires); err != nil {
		return store.KeyPair{}, err
	}
	k.Created, k.Expires = fromMicros(created), fromMicros(expires)
	return k, nil
}

// insertCurrentKey stores k as the current key of its owner; the caller has
// made sure there is none. A key id already in use is a conflict.
func insertCurrentKey(ctx context.Context, tx querier, k store.KeyPair) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM actor_keys WHERE key_id = ?`, k.KeyID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("%w: key id %s is taken", store.ErrConflict, k.KeyID)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO actor_keys (`+keyColumns+`, current) VALUES (?, ?, ?, ?, ?, ?, NULL, 1)`,
		k.KeyID, k.Owner, k.Algorithm, k.PrivateKeyPEM, k.PublicKeyPEM, micros(k.Created))
	return err
}

// GetOrCreateKey implements [store.Keys]. create runs outside any
// transaction, so slow key generation never holds the write lock.
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
	var out store.KeyPair
	err = s.write(ctx, "get or create key", func(tx querier) error {
		existing, err := scanKey(tx.QueryRowContext(ctx, `SELECT `+keyColumns+` FROM actor_keys
			WHERE owner = ? AND algorithm = ? AND current = 1`, actorIRI, algorithm))
		if err == nil {
			out = existing // another caller won the race
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return wrapErr("get or create key", err)
		}
		if err := insertCurrentKey(ctx, tx, created); err != nil {
			return wrapErr("get or create key", err)
		}
		out = created
		return nil
	})
	return out, err
}

// CurrentKey implements [store.Keys].
func (s *Store) CurrentKey(ctx context.Context, actorIRI, algorithm string) (store.KeyPair, error) {
	if err := store.ValidateIRI(actorIRI); err != nil {
		return store.KeyPair{}, err
	}
	k, err := scanKey(s.reader().QueryRowContext(ctx, `SELECT `+keyColumns+` FROM actor_keys
		WHERE owner = ? AND algorithm = ? AND current = 1`, actorIRI, algorithm))
	if err != nil {
		return store.KeyPair{}, wrapErr("current key", err)
	}
	return k, nil
}

// RotateKey implements [store.Keys].
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
	return s.write(ctx, "rotate key", func(tx querier) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM actor_keys WHERE key_id = ?`, next.KeyID).Scan(&n); err != nil {
			return wrapErr("rotate key", err)
		}
		if n > 0 {
			return fmt.Errorf("sqlite: rotate key: %w: key id %s is taken", store.ErrConflict, next.KeyID)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE actor_keys SET current = 0, expires = ?
			WHERE owner = ? AND algorithm = ? AND current = 1`, micros(graceUntil), actorIRI, next.Algorithm); err != nil {
			return wrapErr("rotate key", err)
		}
		if err := insertCurrentKey(ctx, tx, next); err != nil {
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
	k, err := scanKey(s.reader().QueryRowContext(ctx, `SELECT `+keyColumns+` FROM actor_keys
		WHERE key_id = ? AND (current = 1 OR expires IS NULL OR expires > ?)`, keyID, now.UnixMicro()))
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
	rows, err := s.reader().QueryContext(ctx, `SELECT `+keyColumns+` FROM actor_keys
		WHERE owner = ? AND (current = 1 OR expires IS NULL OR expires > ?)
		ORDER BY current DESC, created DESC, key_id`, actorIRI, now.UnixMicro())
	if err != nil {
		return nil, wrapErr("actor keys", err)
	}
	defer rows.Close()
	keys := []store.KeyPair{}
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return nil, wrapErr("actor keys", err)
		}
		keys = append(keys, k)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapErr("actor keys", err)
	}
	return keys, nil
}
