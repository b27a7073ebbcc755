-- Per-activity delivery tallies. Pending, failing and dead jobs are counted
-- from the jobs table; delivered jobs are deleted, so their number is kept
-- here, raised in the transaction of each Complete. enqueued is the latest
-- enqueue time (Unix microseconds), used to purge old tallies.
CREATE TABLE activity_counts (
	activity_id TEXT PRIMARY KEY,
	delivered   INTEGER NOT NULL DEFAULT 0,
	enqueued    INTEGER NOT NULL
) STRICT;
CREATE INDEX activity_counts_enqueued ON activity_counts (enqueued);
