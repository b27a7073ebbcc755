-- Per-activity delivery tallies. Pending, failing and dead jobs are counted
-- from the jobs table; delivered jobs are deleted, so their number is kept
-- here, raised in the transaction that deletes each completed job.
-- enqueued is the latest enqueue time, used to purge old tallies.
CREATE TABLE activity_counts (
	activity_id text PRIMARY KEY,
	delivered   bigint NOT NULL DEFAULT 0,
	enqueued    timestamptz NOT NULL
);
CREATE INDEX activity_counts_enqueued ON activity_counts (enqueued);
