// Package postgres is Starling's store for deployments that outgrow one
// machine: several app instances share one PostgreSQL database, which holds
// everything federation needs kept (keys, objects, collections, follows,
// the remote-actor cache, seen activity ids) and the delivery queue, so
// any instance can answer any request and deliver any job. It uses
// github.com/jackc/pgx/v5 and its pool.
//
// Open a database and hand the store to the federation engine:
//
//	s, err := postgres.Open(ctx, "postgres://app@db.internal:5432/app", postgres.Config{Schema: "starling"})
//	if err != nil {
//		return err
//	}
//	defer s.Close()
//
// *Store implements [store.Store] and the optional [store.Transactor],
// [store.JobNotifier] (LISTEN/NOTIFY, so an enqueue in one instance wakes
// workers in all) and [store.ActivityCounter] (counts every instance
// shares). It passes the conformance suite in package storetest.
//
// # Config defaults
//
// The zero Config works: tables go in the server's default schema (usually
// "public"), the pool has pgxpool's default size (the larger of 4 and the
// number of CPUs, or pool_max_conns from the URL), and nothing is logged.
// Config.Schema keeps the tables in a schema of their own, created if
// missing and put first on every connection's search_path; that is also
// how several deployments, or test runs, share one database.
//
// # Migrations
//
// The schema is a numbered series of SQL scripts embedded in the binary.
// Open applies the ones the database has not seen in one transaction under
// an advisory lock, recording them in schema_migrations, so instances that
// start together apply each script exactly once and a failing script
// leaves the database as it was. A schema migrated by a newer build is
// refused with a *SchemaTooNewError; roll out new builds before old ones
// are restarted.
//
// # Scale-out and SKIP LOCKED
//
// Instances coordinate only through the database. Claim leases due jobs in
// one statement: it walks a partial index on the jobs' due time, locks the
// rows it takes with FOR UPDATE SKIP LOCKED (rows another instance is
// claiming at that moment are passed over, not waited for) and marks them
// leased until now+lease. A worker that dies simply lets its lease run
// out, and the job becomes claimable again. Other races are settled by the
// database too: unique indexes for "exactly one creator" rules (keys,
// follows, seen activity ids), row locks for read-modify-writes (host
// circuit-breaker state), and per-collection and per-actor counter rows
// that make positions in collections and follow listings commit in
// order, so paging stays stable while members are added.
//
// # Durability
//
// Writes commit with the server's synchronous_commit setting, except
// claims and lease endings (Claim, Complete, Retry, Bury), which commit
// without waiting for the WAL flush: a server crash can take back the last
// moments of them, which at worst delivers a job once more (delivery is
// at-least-once anyway), and the queue is not held to the disk's flush
// rate. An acknowledged Enqueue is durable.
//
// Payloads are stored once per activity and deleted after their last job,
// by a cleanup that runs once the job's deletion has committed (pipelined
// in the same round trip). Should a cleanup be lost, say to a dropped
// connection, a later Claim that finds the queue short sweeps up payloads
// no job refers to.
//
// An activity's delivered tally (table activity_counts, migration 2) is
// raised by the statement that deletes the completed job, so it commits
// with it, relaxed like it; the jobs of one activity completed at once
// take turns on that one row for the moment of the update. Tallies stay
// until PurgeActivityCounts deletes them.
package postgres
