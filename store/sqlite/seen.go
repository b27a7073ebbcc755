package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/starling-fed/starling/store"
)

var _ store.Seen = (*Store)(nil)

// MarkSeen implements [store.Seen] as one upsert: the row comes back only
// when it was inserted or its expired record replaced.
func (s *Store) MarkSeen(ctx context.Context, activityID string, now, expires time.Time) (bool, error) {
	if err := store.ValidateIRI(activityID); err != nil {
		return false, err
	}
	if !expires.After(now) {
		return false, fmt.Errorf("%w: expiry %v is not after now %v", store.ErrInvalid, expires, now)
	}
	var first bool
	err := s.write(ctx, "mark seen", func(tx querier) error {
		rows, err := tx.QueryContext(ctx, `INSERT INTO seen_activities (activity_id, expires) VALUES (?, ?)
			ON CONFLICT (activity_id) DO UPDATE SET expires = excluded.expires
			WHERE seen_activities.expires <= ?
			RETURNING 1`, activityID, expires.UnixMicro(), now.UnixMicro())
		if err != nil {
			return wrapErr("mark seen", err)
		}
		first = rows.Next()
		if err := rows.Close(); err != nil {
			return wrapErr("mark seen", err)
		}
		return wrapNil("mark seen", rows.Err())
	})
	return first, err
}

// PurgeSeen implements [store.Seen].
func (s *Store) PurgeSeen(ctx context.Context, now time.Time) (int, error) {
	var n int64
	err := s.write(ctx, "purge seen", func(tx querier) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM seen_activities WHERE expires <= ?`, now.UnixMicro())
		if err != nil {
			return wrapErr("purge seen", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// wrapNil is wrapErr for an error that may be nil.
func wrapNil(op string, err error) error {
	if err == nil {
		return nil
	}
	return wrapErr(op, err)
}
