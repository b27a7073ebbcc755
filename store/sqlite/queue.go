package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/internal/sqlutil"
)

var _ store.Queue = (*Store)(nil)

// insertJobsSQL adds one job per [inbox, host] pair of a JSON array, in
// array order, in one statement: the loop runs inside SQLite. ("WHERE
// true" keeps ON CONFLICT from parsing as part of the SELECT's join.)
const insertJobsSQL = `INSERT INTO jobs
	(payload_id, inbox, host, sender, ordering_key, state, next_attempt, due, created)
	SELECT ?1, t.value ->> 0, t.value ->> 1, ?3, ?4, 'pending', ?5, ?5, ?6
	FROM json_each(?2) AS t WHERE true ORDER BY t.key
	ON CONFLICT (payload_id, inbox) DO NOTHING`

// Enqueue implements [store.Queue]: the payload row and every job are
// written in one transaction, the jobs by one statement.
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
	added := 0
	err = s.write(ctx, "enqueue", func(tx querier) error {
		payloadID, err := upsertPayload(ctx, tx, b.ActivityID, b.Activity)
		if err != nil {
			return err
		}
		if err := touchActivityCounts(ctx, tx, b.ActivityID, b.Now); err != nil {
			return err
		}
		pairs := make([][2]string, len(inboxes))
		for i := range inboxes {
			pairs[i] = [2]string{inboxes[i], hosts[i]}
		}
		list, err := json.Marshal(pairs)
		if err != nil {
			return wrapErr("enqueue", err)
		}
		res, err := tx.ExecContext(ctx, insertJobsSQL, payloadID, string(list), b.Sender, b.OrderingKey,
			first.UnixMicro(), b.Now.UnixMicro())
		if err != nil {
			return wrapErr("enqueue", err)
		}
		n, err := res.RowsAffected()
		added = int(n)
		return err
	})
	if err != nil {
		return 0, err
	}
	if added > 0 {
		s.jobsChanged()
	}
	return added, nil
}

// upsertPayload returns the id of the activity's stored payload, storing it
// if absent. A payload still referenced by jobs must have the same bytes.
func upsertPayload(ctx context.Context, tx querier, activityID string, payload []byte) (int64, error) {
	var id int64
	var stored []byte
	err := tx.QueryRowContext(ctx, `SELECT id, payload FROM queue_payloads WHERE activity_id = ?`, activityID).Scan(&id, &stored)
	switch {
	case err == sql.ErrNoRows:
		res, err := tx.ExecContext(ctx, `INSERT INTO queue_payloads (activity_id, payload) VALUES (?, ?)`, activityID, payload)
		if err != nil {
			return 0, wrapErr("enqueue", err)
		}
		return res.LastInsertId()
	case err != nil:
		return 0, wrapErr("enqueue", err)
	case string(stored) != string(payload):
		return 0, fmt.Errorf("sqlite: enqueue: %w: activity %s is queued with different bytes", store.ErrConflict, activityID)
	}
	return id, nil
}

// pickSQL chooses the jobs a claim takes, earliest due first. It walks
// the partial index jobs_due from the oldest due time and stops after
// limit rows; the NOT EXISTS probe uses jobs_ordering and only runs for
// ordered jobs.
const pickSQL = `SELECT j.id FROM jobs j INDEXED BY jobs_due
	WHERE j.due IS NOT NULL AND j.due <= ?1
	AND (j.ordering_key = '' OR NOT EXISTS (
		SELECT 1 FROM jobs e INDEXED BY jobs_ordering
		WHERE e.ordering_key <> '' AND e.inbox = j.inbox AND e.ordering_key = j.ordering_key
		AND e.id < j.id AND e.state <> 'dead'))
	ORDER BY j.due, j.id LIMIT ?2`

// leaseSQL leases the picked jobs (a JSON array of ids) until ?1.
const leaseSQL = `UPDATE jobs SET state = 'leased', attempts = attempts + 1, lease_until = ?1, due = ?1
	WHERE id IN (SELECT value FROM json_each(?2))
	RETURNING id, payload_id, inbox, host, sender, ordering_key, attempts, next_attempt, lease_until, last_error, created`

// Claim implements [store.Queue]. Picking and leasing share one write
// transaction, so no other claim can come between them.
func (s *Store) Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]store.Job, error) {
	if limit <= 0 || lease <= 0 {
		return nil, fmt.Errorf("%w: claim limit %d and lease %v must be positive", store.ErrInvalid, limit, lease)
	}
	var jobs []store.Job
	err := s.write(ctx, "claim", func(tx querier) error {
		jobs = nil
		ids, err := pickJobs(ctx, tx, now, limit)
		if err != nil || len(ids) == 0 {
			return err
		}
		list, err := json.Marshal(ids)
		if err != nil {
			return wrapErr("claim", err)
		}
		rows, err := tx.QueryContext(ctx, leaseSQL, now.Add(lease).UnixMicro(), string(list))
		if err != nil {
			return wrapErr("claim", err)
		}
		order := make(map[int64]int, len(ids))
		for i, id := range ids {
			order[id] = i
		}
		jobs = make([]store.Job, len(ids))
		payloadIDs := make([]int64, len(ids))
		n := 0
		for rows.Next() {
			var j store.Job
			var payloadID int64
			var nextAttempt, leaseUntil, created sql.NullInt64
			if err := rows.Scan(&j.ID, &payloadID, &j.Inbox, &j.Host, &j.Sender, &j.OrderingKey, &j.Attempts,
				&nextAttempt, &leaseUntil, &j.LastError, &created); err != nil {
				_ = rows.Close()
				return wrapErr("claim", err)
			}
			j.State = store.JobLeased
			j.NextAttempt, j.LeaseUntil, j.Created = fromMicros(nextAttempt), fromMicros(leaseUntil), fromMicros(created)
			i := order[j.ID]
			jobs[i], payloadIDs[i] = j, payloadID
			n++
		}
		if err := rows.Close(); err != nil {
			return wrapErr("claim", err)
		}
		if err := rows.Err(); err != nil {
			return wrapErr("claim", err)
		}
		if n != len(ids) {
			return fmt.Errorf("sqlite: claim: leased %d of %d picked jobs", n, len(ids))
		}
		return fillPayloads(ctx, tx, jobs, payloadIDs)
	})
	if err != nil {
		return nil, err
	}
	return jobs, nil
}

// pickJobs returns the ids of up to limit due jobs, in claim order.
func pickJobs(ctx context.Context, tx querier, now time.Time, limit int) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, pickSQL, now.UnixMicro(), limit)
	if err != nil {
		return nil, wrapErr("claim", err)
	}
	defer rows.Close()
	ids := make([]int64, 0, limit)
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, wrapErr("claim", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapErr("claim", err)
	}
	return ids, nil
}

// fillPayloads sets ActivityID and Activity of jobs[i] from payloadIDs[i],
// reading each distinct payload once.
func fillPayloads(ctx context.Context, q querier, jobs []store.Job, payloadIDs []int64) error {
	type payload struct {
		activityID string
		body       []byte
	}
	cache := make(map[int64]payload)
	for i, pid := range payloadIDs {
		p, ok := cache[pid]
		if !ok {
			if err := q.QueryRowContext(ctx, `SELECT activity_id, payload FROM queue_payloads WHERE id = ?`, pid).
				Scan(&p.activityID, &p.body); err != nil {
				return wrapErr("read payload", err)
			}
			cache[pid] = p
		}
		jobs[i].ActivityID, jobs[i].Activity = p.activityID, p.body
	}
	return nil
}

// endLease applies a lease-ending update to the job named by (ID,
// Attempts), reporting ErrLeaseLost when that lease is not current.
func (s *Store) endLease(ctx context.Context, op string, job store.Job, set string, args ...any) error {
	return s.write(ctx, op, func(tx querier) error {
		var payloadID int64
		err := tx.QueryRowContext(ctx, `UPDATE jobs SET `+set+`
			WHERE id = ? AND attempts = ? AND state = 'leased' RETURNING payload_id`,
			append(args, job.ID, job.Attempts)...).Scan(&payloadID)
		if err == sql.ErrNoRows {
			return fmt.Errorf("sqlite: %s job %d: %w", op, job.ID, store.ErrLeaseLost)
		}
		if err != nil {
			return wrapErr(op, err)
		}
		return nil
	})
}

// Complete implements [store.Queue]: the job is deleted, and its payload
// with it when no other job refers to it.
func (s *Store) Complete(ctx context.Context, job store.Job) error {
	return s.write(ctx, "complete", func(tx querier) error {
		var payloadID, created int64
		err := tx.QueryRowContext(ctx, `DELETE FROM jobs WHERE id = ? AND attempts = ? AND state = 'leased'
			RETURNING payload_id, created`, job.ID, job.Attempts).Scan(&payloadID, &created)
		if err == sql.ErrNoRows {
			return fmt.Errorf("sqlite: complete job %d: %w", job.ID, store.ErrLeaseLost)
		}
		if err != nil {
			return wrapErr("complete", err)
		}
		if err := countDelivered(ctx, tx, payloadID, created); err != nil {
			return err
		}
		return freePayload(ctx, tx, payloadID)
	})
}

// freePayload deletes a payload no job refers to any more.
func freePayload(ctx context.Context, tx querier, payloadID int64) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM queue_payloads WHERE id = ?1
		AND NOT EXISTS (SELECT 1 FROM jobs WHERE payload_id = ?1)`, payloadID)
	if err != nil {
		return wrapErr("free payload", err)
	}
	return nil
}

// Retry implements [store.Queue].
func (s *Store) Retry(ctx context.Context, job store.Job, next time.Time, lastErr string) error {
	at := next.UnixMicro()
	err := s.endLease(ctx, "retry", job,
		`state = 'pending', next_attempt = ?, due = ?, lease_until = NULL, last_error = ?`, at, at, lastErr)
	if err == nil {
		s.jobsChanged()
	}
	return err
}

// Bury implements [store.Queue].
func (s *Store) Bury(ctx context.Context, job store.Job, lastErr string) error {
	return s.endLease(ctx, "bury", job, `state = 'dead', due = NULL, lease_until = NULL, last_error = ?`, lastErr)
}

const jobSelect = `SELECT id, payload_id, inbox, host, sender, ordering_key, state, attempts,
	next_attempt, lease_until, last_error, created FROM jobs`

func scanJob(row interface{ Scan(...any) error }) (store.Job, int64, error) {
	var j store.Job
	var payloadID int64
	var nextAttempt, leaseUntil, created sql.NullInt64
	if err := row.Scan(&j.ID, &payloadID, &j.Inbox, &j.Host, &j.Sender, &j.OrderingKey, &j.State, &j.Attempts,
		&nextAttempt, &leaseUntil, &j.LastError, &created); err != nil {
		return store.Job{}, 0, err
	}
	j.NextAttempt, j.LeaseUntil, j.Created = fromMicros(nextAttempt), fromMicros(leaseUntil), fromMicros(created)
	return j, payloadID, nil
}

// Job implements [store.Queue].
func (s *Store) Job(ctx context.Context, id int64) (store.Job, error) {
	var j store.Job
	err := s.readTx(ctx, func(q querier) error {
		var pid int64
		var err error
		j, pid, err = scanJob(q.QueryRowContext(ctx, jobSelect+` WHERE id = ?`, id))
		if err != nil {
			return err
		}
		jobs := []store.Job{j}
		if err := fillPayloads(ctx, q, jobs, []int64{pid}); err != nil {
			return err
		}
		j = jobs[0]
		return nil
	})
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
	var jobs []store.Job
	var next string
	err = s.readTx(ctx, func(q querier) error {
		rows, err := q.QueryContext(ctx, jobSelect+` WHERE state = 'dead' AND id < ? ORDER BY id DESC LIMIT ?`, below, limit+1)
		if err != nil {
			return err
		}
		var pids []int64
		jobs = make([]store.Job, 0, limit)
		for rows.Next() {
			j, pid, err := scanJob(rows)
			if err != nil {
				_ = rows.Close()
				return err
			}
			if len(jobs) == limit {
				next = store.EncodeCursor(store.Cursor{Scope: deadScope, Position: jobs[len(jobs)-1].ID})
				break
			}
			jobs = append(jobs, j)
			pids = append(pids, pid)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return fillPayloads(ctx, q, jobs, pids)
	})
	if err != nil {
		return nil, "", wrapErr("dead jobs", err)
	}
	return jobs, next, nil
}

// Requeue implements [store.Queue].
func (s *Store) Requeue(ctx context.Context, id int64, next time.Time) error {
	err := s.write(ctx, "requeue", func(tx querier) error {
		var state string
		if err := tx.QueryRowContext(ctx, `SELECT state FROM jobs WHERE id = ?`, id).Scan(&state); err != nil {
			return wrapErr(fmt.Sprintf("requeue job %d", id), err)
		}
		if state != string(store.JobDead) {
			return fmt.Errorf("sqlite: requeue job %d: %w: job is %s, not dead", id, store.ErrConflict, state)
		}
		at := next.UnixMicro()
		if _, err := tx.ExecContext(ctx, `UPDATE jobs SET state = 'pending', next_attempt = ?, due = ? WHERE id = ?`, at, at, id); err != nil {
			return wrapErr("requeue", err)
		}
		return nil
	})
	if err == nil {
		s.jobsChanged()
	}
	return err
}

// DeleteJob implements [store.Queue].
func (s *Store) DeleteJob(ctx context.Context, id int64) (bool, error) {
	var deleted bool
	err := s.write(ctx, "delete job", func(tx querier) error {
		var payloadID int64
		err := tx.QueryRowContext(ctx, `DELETE FROM jobs WHERE id = ? RETURNING payload_id`, id).Scan(&payloadID)
		if err == sql.ErrNoRows {
			return nil
		}
		if err != nil {
			return wrapErr("delete job", err)
		}
		deleted = true
		return freePayload(ctx, tx, payloadID)
	})
	return deleted, err
}

// CountJobs implements [store.Queue].
func (s *Store) CountJobs(ctx context.Context, host string) (store.QueueCounts, error) {
	query := `SELECT state, COUNT(*) FROM jobs GROUP BY state`
	var args []any
	if host != "" {
		query = `SELECT state, COUNT(*) FROM jobs WHERE host = ? GROUP BY state`
		args = append(args, strings.ToLower(host))
	}
	rows, err := s.reader().QueryContext(ctx, query, args...)
	if err != nil {
		return store.QueueCounts{}, wrapErr("count jobs", err)
	}
	defer rows.Close()
	var c store.QueueCounts
	for rows.Next() {
		var state string
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			return store.QueueCounts{}, wrapErr("count jobs", err)
		}
		switch store.JobState(state) {
		case store.JobPending:
			c.Pending = n
		case store.JobLeased:
			c.Leased = n
		case store.JobDead:
			c.Dead = n
		}
	}
	if err := rows.Err(); err != nil {
		return store.QueueCounts{}, wrapErr("count jobs", err)
	}
	return c, nil
}
