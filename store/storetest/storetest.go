package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/starling-fed/starling/store"
)

// rule is one rule of the contract and the test that checks it on a fresh
// store.
type rule struct {
	name string
	test func(t *testing.T, s store.Store)
}

// Run checks every rule of the store contract on the Store implementation
// newStore opens. newStore must return a new, empty store on every call and
// arrange its own cleanup (t.Cleanup). Each rule runs as a subtest named
// "<Concern>/<rule>", so a failure names the rule broken.
//
// Rules for optional capabilities ([store.Transactor], [store.JobNotifier],
// [store.ActivityCounter]) are skipped when the store does not implement them.
func Run(t *testing.T, newStore func(t *testing.T) store.Store) {
	t.Helper()
	groups := []struct {
		name  string
		rules []rule
	}{
		{"Keys", keyRules},
		{"Objects", objectRules},
		{"Collections", collectionRules},
		{"Follows", followRules},
		{"RemoteActors", remoteRules},
		{"Seen", seenRules},
		{"Queue", slices.Concat(queueRules, hostRules)},
		{"Optional", optionalRules},
		{"ActivityCounter", activityCounterRules},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, r := range g.rules {
				t.Run(r.name, func(t *testing.T) {
					s := newStore(t)
					if s == nil {
						t.Fatal("newStore returned nil")
					}
					r.test(t, s)
				})
			}
		})
	}
}

// t0 is the suite's "now". Times are whole milliseconds so every backend
// stores them exactly.
var t0 = time.Date(2026, time.March, 14, 15, 9, 26, 535_000_000, time.UTC)

// at returns t0 plus d.
func at(d time.Duration) time.Time { return t0.Add(d) }

// ctx returns the test's context.
func ctx(t testing.TB) context.Context { return t.Context() }

// Well-known IRIs of the suite.
const (
	local  = "https://local.example"
	remote = "https://remote.example"
	alice  = local + "/users/alice"
	bob    = local + "/users/bob"
	carol  = remote + "/users/carol"
)

// iri returns a unique IRI under base.
func iri(base string, format string, args ...any) string {
	return base + fmt.Sprintf(format, args...)
}

// invalidIRIs are IRIs every method must refuse with store.ErrInvalidIRI.
var invalidIRIs = []string{
	"",
	"/relative/path",
	"acct:alice@local.example",
	"ftp://local.example/x",
	"https://local.example/with space",
	"https://user@local.example/x",
}

// parallel runs fn(i) for i in [0, n) on n goroutines started together and
// waits for them.
func parallel(n int, fn func(i int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			fn(i)
		})
	}
	close(start)
	wg.Wait()
}

// tamper returns cursors derived from good that a store must refuse:
// garbage, truncation, and every single-character change.
func tamper(good string) []string {
	out := []string{"x", "not a cursor", "%%%", good[:len(good)/2], good + "A", "=" + good}
	for i := range len(good) {
		c := byte('A')
		if good[i] == 'A' {
			c = 'B'
		}
		out = append(out, good[:i]+string(c)+good[i+1:])
	}
	return out
}
