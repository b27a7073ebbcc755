// Package sqlite is Starling's default store: everything federation needs
// kept (keys, objects, collections, follows, the remote-actor cache, seen
// activity ids and the delivery queue) in one SQLite database file, through
// modernc.org/sqlite, so the program needs no cgo and no database server.
//
// Open a file and hand the store to the federation engine:
//
//	s, err := sqlite.Open(ctx, "starling.db", sqlite.Config{})
//	if err != nil {
//		return err
//	}
//	defer s.Close()
//
// *Store implements [store.Store] and the optional [store.Transactor],
// [store.JobNotifier] (notifications stay within the process) and
// [store.ActivityCounter]. It passes
// the conformance suite in package storetest.
//
// # Config defaults
//
// The zero Config works: a 5 s busy timeout (DefaultBusyTimeout), up to
// DefaultMaxReaders or GOMAXPROCS read connections, whichever is larger,
// synchronous=NORMAL, and no logging. See [Config] for each field.
//
// # The database file
//
// Open switches the file to WAL mode (readers never block the writer, nor
// the writer readers) and sets, on every connection, the busy timeout and
// foreign keys. With synchronous=NORMAL a commit survives a crash of the
// process; only an operating-system crash or power loss can take the last
// few commits back. Set Config.SynchronousFull to close that window at a
// large cost in write throughput. The file, with its -wal and -shm
// companions, is all there is to back up; use SQLite's online backup or
// VACUUM INTO rather than copying a live file.
//
// # Migrations
//
// The schema is a numbered series of SQL scripts embedded in the binary.
// Open applies the ones the file has not seen, in one IMMEDIATE
// transaction, and records them in the schema_migrations table, so
// several processes opening one file at once apply each exactly once, and
// a failing script leaves the file as it was. A file migrated by a newer
// build is refused with a *SchemaTooNewError rather than misread.
//
// # Concurrency
//
// A Store is safe for any number of goroutines. Reads use a pool of
// query-only connections. SQLite writes one transaction at a time, and
// a transaction's commit costs far more than its statements, so writes go
// to one goroutine owning the only write connection: it takes every write
// that is waiting (up to 64), runs each in its own SAVEPOINT of a single
// transaction and commits once. A write that fails is rolled back to its
// savepoint alone; each caller is answered after the commit, so a write
// that returned nil is committed, as durable as the sync level makes it
// (see The database file: by default it survives a crash of the process,
// not a power loss). Several processes may open one file (the
// busy timeout arbitrates), but one process with one Store is the intended
// shape; beyond one machine, use store/postgres.
//
// # Delivery queue
//
// An activity's payload is stored once and shared by its delivery jobs,
// and deleted with the last of them. Claim finds due jobs through a
// partial index on their due time, so a large backlog of jobs waiting for
// a later retry costs nothing, and leases them in the same statement
// (UPDATE … RETURNING).
//
// Activity counts read the activity's queued and dead jobs through the
// (payload, inbox) index and a delivered tally per activity (table
// activity_counts, migration 2), raised in each Complete's transaction
// and kept until PurgeActivityCounts deletes it.
package sqlite
