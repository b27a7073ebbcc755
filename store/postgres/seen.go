package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/starling-fed/starling/store"
)

var _ store.Seen = (*Store)(nil)

// MarkSeen implements [store.Seen] as one upsert: a row comes back only
// when it was inserted or its expired record replaced. Concurrent callers
// on one id queue on the row, and exactly one gets it back.
func (s *Store) MarkSeen(ctx context.Context, activityID string, now, expires time.Time) (bool, error) {
	if err := store.ValidateIRI(activityID); err != nil {
		return false, err
	}
	if !expires.After(now) {
		return false, fmt.Errorf("%w: expiry %v is not after now %v", store.ErrInvalid, expires, now)
	}
	rows, err := s.q().Query(ctx, `INSERT INTO seen_activities (activity_id, expires) VALUES ($1, $2)
		ON CONFLICT (activity_id) DO UPDATE SET expires = EXCLUDED.expires
		WHERE seen_activities.expires <= $3
		RETURNING true`, activityID, expires, now)
	if err != nil {
		return false, wrapErr("mark seen", err)
	}
	first := rows.Next()
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, wrapErr("mark seen", err)
	}
	return first, nil
}

// PurgeSeen implements [store.Seen].
func (s *Store) PurgeSeen(ctx context.Context, now time.Time) (int, error) {
	tag, err := s.q().Exec(ctx, `DELETE FROM seen_activities WHERE expires <= $1`, now)
	if err != nil {
		return 0, wrapErr("purge seen", err)
	}
	return int(tag.RowsAffected()), nil
}
