package postgres

import (
	"context"
	"time"

	"github.com/starling-fed/starling/store"
)

var _ store.ActivityCounter = (*Store)(nil)

// touchActivityCountsSQL creates an activity's tally if absent and moves
// its enqueue time up to $2. It runs in Enqueue's transaction.
const touchActivityCountsSQL = `INSERT INTO activity_counts (activity_id, enqueued) VALUES ($1, $2)
	ON CONFLICT (activity_id) DO UPDATE SET enqueued = GREATEST(activity_counts.enqueued, EXCLUDED.enqueued)`

// activityCountsSQL reads the delivered tally and counts the queued and
// dead jobs in one statement, so one snapshot: a Complete, which deletes
// its job and raises the tally in one transaction, is never seen half done.
const activityCountsSQL = `SELECT
	COALESCE((SELECT delivered FROM activity_counts WHERE activity_id = $1), 0),
	COUNT(*) FILTER (WHERE j.state <> 'dead' AND j.last_error = ''),
	COUNT(*) FILTER (WHERE j.state <> 'dead' AND j.last_error <> ''),
	COUNT(*) FILTER (WHERE j.state = 'dead')
	FROM queue_payloads p JOIN jobs j ON j.payload_id = p.id WHERE p.activity_id = $1`

// ActivityCounts implements [store.ActivityCounter].
func (s *Store) ActivityCounts(ctx context.Context, activityID string) (store.ActivityCounts, error) {
	var c store.ActivityCounts
	if err := s.q().QueryRow(ctx, activityCountsSQL, activityID).Scan(&c.Delivered, &c.Pending, &c.Failing, &c.Dead); err != nil {
		return store.ActivityCounts{}, wrapErr("activity counts", err)
	}
	return c, nil
}

// purgeActivityCountsSQL deletes old tallies of activities with no job
// left. It looks for jobs, not payloads: a payload may outlive its last
// job for a while (see freePayloadSQL).
const purgeActivityCountsSQL = `DELETE FROM activity_counts c WHERE c.enqueued < $1
	AND NOT EXISTS (SELECT 1 FROM queue_payloads p JOIN jobs j ON j.payload_id = p.id
		WHERE p.activity_id = c.activity_id)`

// PurgeActivityCounts implements [store.ActivityCounter].
func (s *Store) PurgeActivityCounts(ctx context.Context, before time.Time) (int64, error) {
	tag, err := s.q().Exec(ctx, purgeActivityCountsSQL, before)
	if err != nil {
		return 0, wrapErr("purge activity counts", err)
	}
	return tag.RowsAffected(), nil
}
