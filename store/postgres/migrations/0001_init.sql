-- Starling store schema, version 1.
--
-- Tables live in the schema first on the search_path (Config.Schema).
-- Documents and payloads are bytea, kept byte for byte (jsonb would reorder
-- keys and break signatures). Times are timestamptz; NULL stands for the
-- zero time.Time. IRIs compared for order use the "C" collation, so order is
-- byte order whatever the database's locale.

-- Local actors' key pairs. At most one current key per (owner, algorithm);
-- retired keys stay until their grace period (expires) ends.
CREATE TABLE actor_keys (
	key_id      text PRIMARY KEY,
	owner       text NOT NULL,
	algorithm   text NOT NULL,
	private_pem bytea NOT NULL,
	public_pem  bytea NOT NULL,
	created     timestamptz,
	expires     timestamptz,
	current     boolean NOT NULL
);
CREATE UNIQUE INDEX actor_keys_current ON actor_keys (owner, algorithm) WHERE current;
CREATE INDEX actor_keys_owner ON actor_keys (owner);

-- JSON documents by IRI. A deleted object is a Tombstone row (deleted NOT NULL).
CREATE TABLE objects (
	iri         text PRIMARY KEY,
	type        text NOT NULL,
	document    bytea NOT NULL,
	local       boolean NOT NULL,
	fetched     timestamptz,
	updated     timestamptz,
	former_type text NOT NULL DEFAULT '',
	deleted     timestamptz
);

-- Collections and their members. Adding a member bumps the collection's
-- last_pos under its row lock, so positions within a collection commit in
-- increasing order and a page walk never meets a member added behind it.
CREATE TABLE collections (
	iri      text PRIMARY KEY,
	last_pos bigint NOT NULL
);
CREATE TABLE collection_items (
	collection text NOT NULL,
	item       text NOT NULL,
	pos        bigint NOT NULL,
	PRIMARY KEY (collection, item)
);
CREATE UNIQUE INDEX collection_items_page ON collection_items (collection, pos);

-- Follow relationships. followers_pos and following_pos are the
-- relationship's positions in the followee's followers listing and the
-- follower's following listing, taken from follow_counters under its row
-- lock as collections do; delivery_inbox is where deliveries to the
-- follower go.
CREATE TABLE follow_counters (
	kind     text NOT NULL CHECK (kind IN ('followers', 'following')),
	actor    text NOT NULL,
	last_pos bigint NOT NULL,
	PRIMARY KEY (kind, actor)
);
CREATE TABLE follows (
	follower       text NOT NULL,
	followee       text NOT NULL,
	activity_id    text NOT NULL UNIQUE,
	state          text NOT NULL CHECK (state IN ('pending', 'accepted')),
	inbox          text NOT NULL,
	shared_inbox   text NOT NULL DEFAULT '',
	delivery_inbox text COLLATE "C" NOT NULL
		GENERATED ALWAYS AS (CASE WHEN shared_inbox <> '' THEN shared_inbox ELSE inbox END) STORED,
	created        timestamptz,
	followers_pos  bigint NOT NULL,
	following_pos  bigint NOT NULL,
	PRIMARY KEY (follower, followee)
);
CREATE INDEX follows_followers ON follows (followee, state, followers_pos);
CREATE INDEX follows_following ON follows (follower, state, following_pos);
CREATE INDEX follows_inboxes ON follows (followee, state, delivery_inbox);

-- Cached remote actors and the public keys they publish.
CREATE TABLE remote_actors (
	iri          text PRIMARY KEY,
	document     bytea NOT NULL,
	inbox        text NOT NULL,
	shared_inbox text NOT NULL DEFAULT '',
	fetched      timestamptz
);
CREATE TABLE remote_keys (
	key_id text PRIMARY KEY,
	owner  text NOT NULL REFERENCES remote_actors (iri) ON DELETE CASCADE,
	ord    integer NOT NULL,
	pem    bytea NOT NULL
);
CREATE INDEX remote_keys_owner ON remote_keys (owner, ord);

-- Activity ids seen by the inbox, until they expire.
CREATE TABLE seen_activities (
	activity_id text PRIMARY KEY,
	expires     timestamptz NOT NULL
);
CREATE INDEX seen_activities_expires ON seen_activities (expires);

-- Delivery queue. An activity's payload is stored once in queue_payloads
-- and shared by its jobs; it is deleted with its last job.
CREATE TABLE queue_payloads (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	activity_id text NOT NULL UNIQUE,
	payload     bytea NOT NULL
);

-- due is when the job can next be claimed: next_attempt while pending,
-- lease_until while leased, NULL when dead. Claim walks the partial index
-- on (due, id) from the oldest and skips rows other claimers hold locked,
-- so it never scans jobs that are not due.
CREATE TABLE jobs (
	id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	payload_id   bigint NOT NULL REFERENCES queue_payloads (id),
	inbox        text NOT NULL,
	host         text NOT NULL,
	sender       text NOT NULL,
	ordering_key text NOT NULL DEFAULT '',
	state        text NOT NULL CHECK (state IN ('pending', 'leased', 'dead')),
	attempts     integer NOT NULL DEFAULT 0,
	next_attempt timestamptz NOT NULL,
	lease_until  timestamptz,
	due          timestamptz,
	last_error   text NOT NULL DEFAULT '',
	created      timestamptz NOT NULL,
	UNIQUE (payload_id, inbox)
);
CREATE INDEX jobs_due ON jobs (due, id) WHERE due IS NOT NULL;
CREATE INDEX jobs_ordering ON jobs (inbox, ordering_key, id) WHERE ordering_key <> '';
CREATE INDEX jobs_host ON jobs (host, state);
CREATE INDEX jobs_dead ON jobs (id) WHERE state = 'dead';

-- Per-host circuit-breaker state, kept for the delivery layer as JSON.
CREATE TABLE host_states (
	host  text PRIMARY KEY,
	state jsonb NOT NULL
);
