package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/starling-fed/starling/store"
)

var _ store.ActivityCounter = (*Store)(nil)

// touchActivityCounts creates the tally of activityID if absent and moves
// its enqueue time up to now. It runs in Enqueue's transaction.
func touchActivityCounts(ctx context.Context, tx querier, activityID string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO activity_counts (activity_id, enqueued) VALUES (?1, ?2)
		ON CONFLICT (activity_id) DO UPDATE SET enqueued = max(enqueued, ?2)`, activityID, now.UnixMicro())
	if err != nil {
		return wrapErr("enqueue", err)
	}
	return nil
}

// countDelivered raises the delivered tally of the payload's activity. It
// runs in Complete's transaction, before the payload may be freed. A job
// enqueued before the tallies existed creates its tally, dated by its
// enqueue time.
func countDelivered(ctx context.Context, tx querier, payloadID, created int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO activity_counts (activity_id, delivered, enqueued)
		SELECT activity_id, 1, ?2 FROM queue_payloads WHERE id = ?1
		ON CONFLICT (activity_id) DO UPDATE SET delivered = delivered + 1`, payloadID, created)
	if err != nil {
		return wrapErr("complete", err)
	}
	return nil
}

// activityJobCountsSQL counts an activity's queued and dead jobs through
// the jobs (payload_id, inbox) unique index.
const activityJobCountsSQL = `SELECT
	COALESCE(SUM(state <> 'dead' AND last_error = ''), 0),
	COALESCE(SUM(state <> 'dead' AND last_error <> ''), 0),
	COALESCE(SUM(state = 'dead'), 0)
	FROM jobs WHERE payload_id = (SELECT id FROM queue_payloads WHERE activity_id = ?)`

// ActivityCounts implements [store.ActivityCounter]. Both reads share one
// transaction, so a Complete is never seen half done.
func (s *Store) ActivityCounts(ctx context.Context, activityID string) (store.ActivityCounts, error) {
	var c store.ActivityCounts
	err := s.readTx(ctx, func(q querier) error {
		err := q.QueryRowContext(ctx, `SELECT delivered FROM activity_counts WHERE activity_id = ?`, activityID).
			Scan(&c.Delivered)
		if err != nil && err != sql.ErrNoRows {
			return err
		}
		return q.QueryRowContext(ctx, activityJobCountsSQL, activityID).Scan(&c.Pending, &c.Failing, &c.Dead)
	})
	if err != nil {
		return store.ActivityCounts{}, wrapErr("activity counts", err)
	}
	return c, nil
}

// PurgeActivityCounts implements [store.ActivityCounter].
func (s *Store) PurgeActivityCounts(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := s.write(ctx, "purge activity counts", func(tx querier) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM activity_counts WHERE enqueued < ?
			AND NOT EXISTS (SELECT 1 FROM queue_payloads p WHERE p.activity_id = activity_counts.activity_id)`,
			before.UnixMicro())
		if err != nil {
			return wrapErr("purge activity counts", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
