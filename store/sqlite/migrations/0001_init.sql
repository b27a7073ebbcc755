-- Starling store schema, version 1.
--
-- Times are INTEGER microseconds since the Unix epoch (UTC); NULL stands for
-- the zero time.Time. Every table is STRICT so a wrong type fails loudly.

-- Local actors' key pairs. At most one current key per (owner, algorithm);
-- retired keys stay until their grace period (expires) ends.
CREATE TABLE actor_keys (
	key_id      TEXT PRIMARY KEY,
	owner       TEXT NOT NULL,
	algorithm   TEXT NOT NULL,
	private_pem BLOB NOT NULL,
	public_pem  BLOB NOT NULL,
	created     INTEGER,
	expires     INTEGER,
	current     INTEGER NOT NULL CHECK (current IN (0, 1))
) STRICT;
CREATE UNIQUE INDEX actor_keys_current ON actor_keys (owner, algorithm) WHERE current = 1;
CREATE INDEX actor_keys_owner ON actor_keys (owner);

-- JSON documents by IRI. A deleted object is a Tombstone row (deleted NOT NULL).
CREATE TABLE objects (
	iri         TEXT PRIMARY KEY,
	type        TEXT NOT NULL,
	document    BLOB NOT NULL,
	local       INTEGER NOT NULL CHECK (local IN (0, 1)),
	fetched     INTEGER,
	updated     INTEGER,
	former_type TEXT NOT NULL DEFAULT '',
	deleted     INTEGER
) STRICT;

-- Collection membership. seq orders additions across the whole table; a
-- page walks (collection, seq) downwards.
CREATE TABLE collection_items (
	seq        INTEGER PRIMARY KEY AUTOINCREMENT,
	collection TEXT NOT NULL,
	item       TEXT NOT NULL,
	UNIQUE (collection, item)
) STRICT;
CREATE INDEX collection_items_page ON collection_items (collection, seq);

-- Follow relationships. seq is the first-store order the listings page by;
-- delivery_inbox is where deliveries to the follower go.
CREATE TABLE follows (
	seq            INTEGER PRIMARY KEY AUTOINCREMENT,
	follower       TEXT NOT NULL,
	followee       TEXT NOT NULL,
	activity_id    TEXT NOT NULL UNIQUE,
	state          TEXT NOT NULL CHECK (state IN ('pending', 'accepted')),
	inbox          TEXT NOT NULL,
	shared_inbox   TEXT NOT NULL DEFAULT '',
	delivery_inbox TEXT NOT NULL GENERATED ALWAYS AS (CASE WHEN shared_inbox <> '' THEN shared_inbox ELSE inbox END) VIRTUAL,
	created        INTEGER,
	UNIQUE (follower, followee)
) STRICT;
CREATE INDEX follows_followers ON follows (followee, state, seq);
CREATE INDEX follows_following ON follows (follower, state, seq);
CREATE INDEX follows_inboxes ON follows (followee, state, delivery_inbox);

-- Cached remote actors and the public keys they publish.
CREATE TABLE remote_actors (
	iri          TEXT PRIMARY KEY,
	document     BLOB NOT NULL,
	inbox        TEXT NOT NULL,
	shared_inbox TEXT NOT NULL DEFAULT '',
	fetched      INTEGER
) STRICT;
CREATE TABLE remote_keys (
	key_id TEXT PRIMARY KEY,
	owner  TEXT NOT NULL REFERENCES remote_actors (iri) ON DELETE CASCADE,
	ord    INTEGER NOT NULL,
	pem    BLOB NOT NULL
) STRICT;
CREATE INDEX remote_keys_owner ON remote_keys (owner, ord);

-- Activity ids seen by the inbox, until they expire.
CREATE TABLE seen_activities (
	activity_id TEXT PRIMARY KEY,
	expires     INTEGER NOT NULL
) STRICT;
CREATE INDEX seen_activities_expires ON seen_activities (expires);

-- Delivery queue. An activity's payload is stored once in queue_payloads
-- and shared by its jobs; it is deleted with its last job.
CREATE TABLE queue_payloads (
	id          INTEGER PRIMARY KEY,
	activity_id TEXT NOT NULL UNIQUE,
	payload     BLOB NOT NULL
) STRICT;

-- due is when the job can next be claimed: next_attempt while pending,
-- lease_until while leased, NULL when dead. Claim walks the partial index
-- on (due, id) from the oldest, so it never scans jobs that are not due.
CREATE TABLE jobs (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	payload_id   INTEGER NOT NULL REFERENCES queue_payloads (id),
	inbox        TEXT NOT NULL,
	host         TEXT NOT NULL,
	sender       TEXT NOT NULL,
	ordering_key TEXT NOT NULL DEFAULT '',
	state        TEXT NOT NULL CHECK (state IN ('pending', 'leased', 'dead')),
	attempts     INTEGER NOT NULL DEFAULT 0,
	next_attempt INTEGER NOT NULL,
	lease_until  INTEGER,
	due          INTEGER,
	last_error   TEXT NOT NULL DEFAULT '',
	created      INTEGER NOT NULL,
	UNIQUE (payload_id, inbox)
) STRICT;
CREATE INDEX jobs_due ON jobs (due, id) WHERE due IS NOT NULL;
CREATE INDEX jobs_ordering ON jobs (inbox, ordering_key, id) WHERE ordering_key <> '';
CREATE INDEX jobs_host ON jobs (host, state);
CREATE INDEX jobs_dead ON jobs (id) WHERE state = 'dead';

-- Per-host circuit-breaker state, kept for the delivery layer as JSON.
CREATE TABLE host_states (
	host  TEXT PRIMARY KEY,
	state BLOB NOT NULL
) STRICT;
