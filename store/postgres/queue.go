package postgres

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/internal/sqlutil"
)

var _ store.Queue = (*Store)(nil)

// Enqueue implements [store.Queue]: the payload row, then every job in one
// INSERT … SELECT FROM unnest, then the activity's tally, in one
// transaction. That order of locks (payload, jobs, tally) is the one
// Complete follows too (job, tally).
func (s *Store) Enqueue(ctx context.Context, b store.Batch) (int, error) {
	inboxes, hosts, err := sqlutil.ValidateBatch(b)
	if err != nil {
		return 0, err
	}
	if len(inboxes) == 0 {
		return 0, nil
	}
	first := b.Now
	if b.NotBefore.After(first) {
		first = b.NotBefore
	}
	var added int64
	err = s.write(ctx, "enqueue", func(tx pgx.Tx) error {
		payloadID, err := upsertPayload(ctx, tx, b.ActivityID, b.Activity)
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `INSERT INTO jobs
			(payload_id, inbox, host, sender, ordering_key, state, next_attempt, due, created)
			SELECT $1, t.inbox, t.host, $4, $5, 'pending', $6, $6, $7
			FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS t(inbox, host, n)
			ORDER BY t.n
			ON CONFLICT (payload_id, inbox) DO NOTHING`,
			payloadID, inboxes, hosts, b.Sender, b.OrderingKey, first, b.Now)
		if err != nil {
			return wrapErr("enqueue", err)
		}
		added = tag.RowsAffected()
		// The tally row is locked last. A Complete locks its job row,
		// then the tally; the insert above waits for a job row being
		// deleted by such a Complete, so taking the tally first would
		// close a cycle and deadlock.
		if _, err := tx.Exec(ctx, touchActivityCountsSQL, b.ActivityID, b.Now); err != nil {
			return wrapErr("enqueue", err)
		}
		if added > 0 {
			if _, err := tx.Exec(ctx, notifySQL, s.notifyChannel()); err != nil {
				return wrapErr("enqueue", err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return int(added), nil
}

// upsertPayload returns the id of the activity's stored payload, storing it
// if absent, and locks its row until the transaction ends so that it cannot
// be freed meanwhile. A payload some job still refers to must have the same
// bytes; one left without jobs is replaced.
func upsertPayload(ctx context.Context, tx pgx.Tx, activityID string, payload []byte) (int64, error) {
	var id int64
	var stored []byte
	err := tx.QueryRow(ctx, `INSERT INTO queue_payloads (activity_id, payload) VALUES ($1, $2)
		ON CONFLICT (activity_id) DO UPDATE SET activity_id = EXCLUDED.activity_id
		RETURNING id, payload`, activityID, payload).Scan(&id, &stored)
	if err != nil {
		return 0, wrapErr("enqueue", err)
	}
	if bytes.Equal(stored, payload) {
		return id, nil
	}
	var used bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM jobs WHERE payload_id = $1)`, id).Scan(&used); err != nil {
		return 0, wrapErr("enqueue", err)
	}
	if used {
		return 0, fmt.Errorf("postgres: enqueue: %w: activity %s is queued with different bytes", store.ErrConflict, activityID)
	}
	if _, err := tx.Exec(ctx, `UPDATE queue_payloads SET payload = $2 WHERE id = $1`, id, payload); err != nil {
		return 0, wrapErr("enqueue", err)
	}
	return id, nil
}

// claimSQL leases due jobs in one statement. The picked CTE walks the
// partial index jobs_due from the oldest due time, skips rows that
// concurrent claimers (in any instance) hold locked, and stops after $3
// rows; the NOT EXISTS probe uses jobs_ordering and only runs for ordered
// jobs. The result comes back in claim order: earliest due first.
const claimSQL = `WITH picked AS (
		SELECT j.id, j.due FROM jobs j
		WHERE j.due <= $2
		AND (j.ordering_key = '' OR NOT EXISTS (
			SELECT 1 FROM jobs e
			WHERE e.ordering_key <> '' AND e.inbox = j.inbox AND e.ordering_key = j.ordering_key
			AND e.id < j.id AND e.state <> 'dead'))
		ORDER BY j.due, j.id
		LIMIT $3
		FOR UPDATE SKIP LOCKED),
	leased AS (
		UPDATE jobs j SET state = 'leased', attempts = j.attempts + 1, lease_until = $1, due = $1
		FROM picked, queue_payloads p
		WHERE j.id = picked.id AND p.id = j.payload_id
		RETURNING j.id, p.activity_id, p.payload, j.inbox, j.host, j.sender, j.ordering_key, j.attempts,
			j.next_attempt, j.lease_until, j.last_error, j.created)
	SELECT leased.* FROM leased JOIN picked ON picked.id = leased.id ORDER BY picked.due, picked.id`

// Claim implements [store.Queue].
func (s *Store) Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]store.Job, error) {
	if limit <= 0 || lease <= 0 {
		return nil, fmt.Errorf("%w: claim limit %d and lease %v must be positive", store.ErrInvalid, limit, lease)
	}
	var jobs []store.Job
	err := s.relaxed(ctx, claimSQL, []any{now.Add(lease), now, limit}, func(rows pgx.Rows) error {
		var err error
		jobs, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Job, error) {
			var j store.Job
			var nextAttempt, leaseUntil, created pgtype.Timestamptz
			err := r.Scan(&j.ID, &j.ActivityID, &j.Activity, &j.Inbox, &j.Host, &j.Sender, &j.OrderingKey, &j.Attempts,
				&nextAttempt, &leaseUntil, &j.LastError, &created)
			j.State = store.JobLeased
			j.NextAttempt, j.LeaseUntil, j.Created = fromTS(nextAttempt), fromTS(leaseUntil), fromTS(created)
			return j, err
		})
		return err
	})
	if err != nil {
		return nil, wrapErr("claim", err)
	}
	if len(jobs) < limit {
		s.sweepPayloads(ctx, now)
	}
	return jobs, nil
}

// relaxed runs one query in a transaction that commits without waiting
// for its WAL record to reach the disk (synchronous_commit off), sending
// BEGIN, SET LOCAL, the query and COMMIT in one round trip. It is for
// claims and lease endings only: if the server crashes, the last moments
// of them can be lost, which at worst delivers a job once more (delivery
// is at-least-once anyway), while waiting for every one of them to be
// flushed would cap the queue's throughput at the disk's flush rate.
// Enqueues keep full durability. Inside InTx the query runs in the
// surrounding transaction.
func (s *Store) relaxed(ctx context.Context, sql string, args []any, scan func(pgx.Rows) error) error {
	if s.tx != nil {
		rows, err := s.tx.Query(ctx, sql, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		return scan(rows)
	}
	var b pgx.Batch
	b.Queue("BEGIN")
	b.Queue("SET LOCAL synchronous_commit TO OFF")
	var scanErr error
	b.Queue(sql, args...).Query(func(rows pgx.Rows) error {
		scanErr = scan(rows)
		return scanErr
	})
	b.Queue("COMMIT")
	err := s.pool.SendBatch(ctx, &b).Close()
	if scanErr != nil {
		return scanErr
	}
	return err
}

// scanOne reads a single-column, single-row result.
func scanOne(rows pgx.Rows, dst any) error {
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return pgx.ErrNoRows
	}
	if err := rows.Scan(dst); err != nil {
		return err
	}
	rows.Close()
	return rows.Err()
}

// completeSQL deletes the leased job, reporting whether it did, and in
// the same statement raises its activity's delivered tally (see
// activitycounts.go). The payload is still there: it is freed later.
const completeSQL = `WITH done AS (
		DELETE FROM jobs WHERE id = $1 AND attempts = $2 AND state = 'leased' RETURNING payload_id, created),
	counted AS (
		INSERT INTO activity_counts (activity_id, delivered, enqueued)
		SELECT p.activity_id, 1, d.created FROM done d JOIN queue_payloads p ON p.id = d.payload_id
		ON CONFLICT (activity_id) DO UPDATE SET delivered = activity_counts.delivered + 1
		RETURNING 1)
	SELECT COUNT(*) FROM done`

// freePayloadSQL deletes the activity's payload if no job refers to it.
// It runs after the job's deletion has committed, in a transaction of its
// own: of two jobs of one activity completed at once, the later cleanup
// starts after both deletions committed and sees neither job, so the
// payload is freed. A payload row locked by someone else is passed over
// (SKIP LOCKED), not waited for: the locker is an Enqueue reusing it,
// which must keep it, or another cleanup freeing it. Waiting would also
// deadlock a Complete inside InTx, which holds its job and the activity's
// tally, against an Enqueue holding the payload and waiting for either.
// Should an Enqueue reuse the payload after all, the deletion fails on the
// foreign key, which keeps the payload, as it should.
const freePayloadSQL = `DELETE FROM queue_payloads WHERE id IN (
	SELECT p.id FROM queue_payloads p WHERE p.activity_id = $1
	AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.payload_id = p.id)
	FOR UPDATE SKIP LOCKED)`

// Complete implements [store.Queue]. The job's deletion and the payload
// cleanup go to the server in one round trip, each in its own relaxed
// transaction (see relaxed).
func (s *Store) Complete(ctx context.Context, job store.Job) error {
	var n int
	var err error
	if s.tx != nil {
		if err = s.tx.QueryRow(ctx, completeSQL, job.ID, job.Attempts).Scan(&n); err == nil && n > 0 {
			_, err = s.tx.Exec(ctx, freePayloadSQL, job.ActivityID)
		}
	} else {
		n, err = s.completeBatch(ctx, job)
	}
	if err != nil {
		return wrapErr("complete", err)
	}
	if n == 0 {
		return fmt.Errorf("postgres: complete job %d: %w", job.ID, store.ErrLeaseLost)
	}
	return nil
}

// completeBatch pipelines the relaxed deletion of the job and then of its
// payload. A failure of the cleanup is only logged: the job is done.
func (s *Store) completeBatch(ctx context.Context, job store.Job) (int, error) {
	var b pgx.Batch
	b.Queue("BEGIN")
	b.Queue("SET LOCAL synchronous_commit TO OFF")
	b.Queue(completeSQL, job.ID, job.Attempts)
	b.Queue("COMMIT")
	b.Queue("BEGIN")
	b.Queue("SET LOCAL synchronous_commit TO OFF")
	b.Queue(freePayloadSQL, job.ActivityID)
	b.Queue("COMMIT")
	br := s.pool.SendBatch(ctx, &b)
	defer br.Close()
	var n int
	for i := range 4 {
		var err error
		if i == 2 {
			err = br.QueryRow().Scan(&n)
		} else {
			_, err = br.Exec()
		}
		if err != nil {
			return 0, err
		}
	}
	for range 4 {
		if _, err := br.Exec(); err != nil {
			s.log.DebugContext(ctx, "freeing queue payload", "activity_id", job.ActivityID, "error", err)
			break
		}
	}
	return n, nil
}

// sweepInterval is the least logical time between two sweeps of orphaned
// payloads by one Store.
const sweepInterval = time.Minute

// sweepState throttles sweepPayloads.
type sweepState struct {
	mu   sync.Mutex
	last time.Time
}

// sweepPayloads deletes payloads no job refers to (left behind when a
// cleanup after Complete was lost), at most once per
// sweepInterval of the claimers' clock, when the queue has run dry. It is
// housekeeping: errors (such as a concurrent Enqueue reusing a payload)
// are logged and ignored.
func (s *Store) sweepPayloads(ctx context.Context, now time.Time) {
	if s.tx != nil {
		return
	}
	s.sweep.mu.Lock()
	due := s.sweep.last.IsZero() || now.Sub(s.sweep.last) >= sweepInterval || now.Before(s.sweep.last)
	if due {
		s.sweep.last = now
	}
	s.sweep.mu.Unlock()
	if !due {
		return
	}
	tag, err := s.pool.Exec(ctx, `DELETE FROM queue_payloads p
		WHERE NOT EXISTS (SELECT 1 FROM jobs j WHERE j.payload_id = p.id)`)
	if err != nil {
		s.log.DebugContext(ctx, "sweeping queue payloads", "error", err)
		return
	}
	if n := tag.RowsAffected(); n > 0 {
		s.log.DebugContext(ctx, "swept queue payloads", "count", n)
	}
}

// endLease applies a lease-ending update to the job named by (ID,
// Attempts), reporting ErrLeaseLost when that lease is not current.
func (s *Store) endLease(ctx context.Context, op string, job store.Job, set string, args ...any) error {
	var n int
	err := s.relaxed(ctx, `WITH u AS (UPDATE jobs SET `+set+` WHERE id = $1 AND attempts = $2 AND state = 'leased'
		RETURNING 1) SELECT COUNT(*) FROM u`, append([]any{job.ID, job.Attempts}, args...), func(rows pgx.Rows) error {
		return scanOne(rows, &n)
	})
	if err != nil {
		return wrapErr(op, err)
	}
	if n == 0 {
		return fmt.Errorf("postgres: %s job %d: %w", op, job.ID, store.ErrLeaseLost)
	}
	return nil
}

// Retry implements [store.Queue].
func (s *Store) Retry(ctx context.Context, job store.Job, next time.Time, lastErr string) error {
	err := s.endLease(ctx, "retry", job,
		`state = 'pending', next_attempt = $3, due = $3, lease_until = NULL, last_error = $4`, next, lastErr)
	if err == nil {
		s.jobsChanged(ctx)
	}
	return err
}

// Bury implements [store.Queue].
func (s *Store) Bury(ctx context.Context, job store.Job, lastErr string) error {
	return s.endLease(ctx, "bury", job, `state = 'dead', due = NULL, lease_until = NULL, last_error = $3`, lastErr)
}

const jobSelect = `SELECT j.id, p.activity_id, p.payload, j.inbox, j.host, j.sender, j.ordering_key, j.state,
	j.attempts, j.next_attempt, j.lease_until, j.last_error, j.created
	FROM jobs j JOIN queue_payloads p ON p.id = j.payload_id`

func scanJob(row pgx.Row) (store.Job, error) {
	var j store.Job
	var state string
	var nextAttempt, leaseUntil, created pgtype.Timestamptz
	if err := row.Scan(&j.ID, &j.ActivityID, &j.Activity, &j.Inbox, &j.Host, &j.Sender, &j.OrderingKey, &state,
		&j.Attempts, &nextAttempt, &leaseUntil, &j.LastError, &created); err != nil {
		return store.Job{}, err
	}
	j.State = store.JobState(state)
	j.NextAttempt, j.LeaseUntil, j.Created = fromTS(nextAttempt), fromTS(leaseUntil), fromTS(created)
	return j, nil
}

// Job implements [store.Queue].
func (s *Store) Job(ctx context.Context, id int64) (store.Job, error) {
	j, err := scanJob(s.q().QueryRow(ctx, jobSelect+` WHERE j.id = $1`, id))
	if err != nil {
		return store.Job{}, wrapErr(fmt.Sprintf("job %d", id), err)
	}
	return j, nil
}

// deadScope binds dead-letter cursors to that listing.
const deadScope = "dead-jobs"

// DeadJobs implements [store.Queue].
func (s *Store) DeadJobs(ctx context.Context, cursor string, limit int) ([]store.Job, string, error) {
	limit, err := sqlutil.PageLimit(limit)
	if err != nil {
		return nil, "", err
	}
	below, err := sqlutil.DecodePosition(cursor, deadScope)
	if err != nil {
		return nil, "", err
	}
	rows, err := s.q().Query(ctx, jobSelect+` WHERE j.state = 'dead' AND j.id < $1 ORDER BY j.id DESC LIMIT $2`, below, limit+1)
	if err != nil {
		return nil, "", wrapErr("dead jobs", err)
	}
	jobs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Job, error) { return scanJob(r) })
	if err != nil {
		return nil, "", wrapErr("dead jobs", err)
	}
	var next string
	if len(jobs) > limit {
		jobs = jobs[:limit]
		next = store.EncodeCursor(store.Cursor{Scope: deadScope, Position: jobs[limit-1].ID})
	}
	if jobs == nil {
		jobs = []store.Job{}
	}
	return jobs, next, nil
}

// Requeue implements [store.Queue].
func (s *Store) Requeue(ctx context.Context, id int64, next time.Time) error {
	var state string
	err := s.q().QueryRow(ctx, `WITH j AS (SELECT id, state FROM jobs WHERE id = $1 FOR UPDATE),
		u AS (UPDATE jobs SET state = 'pending', next_attempt = $2, due = $2
			FROM j WHERE jobs.id = j.id AND j.state = 'dead' RETURNING 1)
		SELECT state FROM j`, id, next).Scan(&state)
	if err != nil {
		return wrapErr(fmt.Sprintf("requeue job %d", id), err)
	}
	if state != string(store.JobDead) {
		return fmt.Errorf("postgres: requeue job %d: %w: job is %s, not dead", id, store.ErrConflict, state)
	}
	s.jobsChanged(ctx)
	return nil
}

// DeleteJob implements [store.Queue].
func (s *Store) DeleteJob(ctx context.Context, id int64) (bool, error) {
	var activityID string
	err := s.q().QueryRow(ctx, `WITH done AS (DELETE FROM jobs WHERE id = $1 RETURNING payload_id)
		SELECT p.activity_id FROM done JOIN queue_payloads p ON p.id = done.payload_id`, id).Scan(&activityID)
	if err == pgx.ErrNoRows {
		return false, nil
	}
	if err != nil {
		return false, wrapErr("delete job", err)
	}
	if _, err := s.q().Exec(ctx, freePayloadSQL, activityID); err != nil && !isForeignKeyViolation(err) {
		s.log.DebugContext(ctx, "freeing queue payload", "activity_id", activityID, "error", err)
	}
	return true, nil
}

// CountJobs implements [store.Queue].
func (s *Store) CountJobs(ctx context.Context, host string) (store.QueueCounts, error) {
	query := `SELECT COUNT(*) FILTER (WHERE state = 'pending'), COUNT(*) FILTER (WHERE state = 'leased'),
		COUNT(*) FILTER (WHERE state = 'dead') FROM jobs`
	var args []any
	if host != "" {
		query += ` WHERE host = $1`
		args = append(args, strings.ToLower(host))
	}
	var c store.QueueCounts
	err := s.q().QueryRow(ctx, query, args...).Scan(&c.Pending, &c.Leased, &c.Dead)
	if err != nil {
		return store.QueueCounts{}, wrapErr("count jobs", err)
	}
	return c, nil
}
