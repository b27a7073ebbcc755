// Package pgtest holds what Starling's PostgreSQL tests share: where the
// server is, what to do when there is none, and a throwaway schema per
// test.
//
// # Configuration
//
// STARLING_POSTGRES_URL names the server, e.g.
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable. Without it the
// tests skip with a message saying how to run them. With
// STARLING_REQUIRE_POSTGRES=1, as continuous integration sets it, a missing
// or unreachable server fails the test instead, so the tests can never
// pass there by skipping.
package pgtest
