// Package storetest is the conformance suite of the store contract: any
// implementation of [store.Store] proves itself by passing it, and each
// failure names the rule it broke.
//
// # Running the suite
//
// Call [Run] from a test in the backend's package with a function that
// opens a new, empty store and registers its cleanup:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store {
//			s, err := mybackend.Open(mybackend.Config{})
//			if err != nil {
//				t.Fatal(err)
//			}
//			t.Cleanup(func() { s.Close() })
//			return s
//		})
//	}
//
// Subtests are named "<Concern>/<rule>", e.g.
// "Queue/racing_workers_never_claim_a_job_twice_and_lose_none", so
// `go test -run 'Conformance/Queue'` runs one concern.
//
// # What is checked
//
// Every rule stated in the store package's doc comments: not-found and
// gone errors, idempotent adds and removes, tombstones, key rotation with
// its grace period, paging newest first and stable under concurrent
// inserts, cursor tampering, bad input refused with nothing stored
// half-way (invalid IRIs, oversized or non-JSON documents), and the
// concurrency rules: racing GetOrCreateKey callers get one key, racing
// adds of one follower or member leave one record, racing MarkSeen calls
// have exactly one winner, racing workers never claim a job twice and
// lose none, racing host-state updates lose none. It also checks what the
// delivery engine relies on beyond the obvious: a call with a cancelled
// context changes nothing, times centuries away keep their order, an
// expired lease is claimed again by its LeaseUntil, hosts are matched
// without regard to case, and a random sequence of queue operations agrees
// with a model of the queue. Rules of optional capabilities are skipped
// when a store lacks them.
//
// The suite passes times explicitly (the contract never reads a clock), so
// it never sleeps. Concurrency rules use up to 16 goroutines.
//
// # Benchmarks
//
// [BenchEnqueue], [BenchClaimComplete], [BenchClaimBacklog],
// [BenchFollowerInboxes] and [BenchMarkSeen] run the same workloads on any
// backend:
//
//	func BenchmarkEnqueue(b *testing.B) { storetest.BenchEnqueue(b, open) }
//
// where open is a func(testing.TB) store.Store.
package storetest
