package storetest_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/memory"
	"github.com/starling-fed/starling/store/storetest"
)

// meteredStore is a custom adapter: it wraps any store and counts the jobs
// claimed through it, as a metrics layer would. Embedding store.Store
// passes every other method through.
type meteredStore struct {
	store.Store
	claimed *atomic.Int64
}

func (m meteredStore) Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]store.Job, error) {
	jobs, err := m.Store.Claim(ctx, now, lease, limit)
	m.claimed.Add(int64(len(jobs)))
	return jobs, err
}

// TestCustomAdapter runs the conformance suite on an adapter, as any
// third-party backend would.
func TestCustomAdapter(t *testing.T) {
	var claimed atomic.Int64
	storetest.Run(t, func(t *testing.T) store.Store {
		s := memory.New()
		t.Cleanup(func() { s.Close() })
		return meteredStore{Store: s, claimed: &claimed}
	})
	assert.Positive(t, claimed.Load(), "the suite claimed jobs through the adapter")
}

// Broken stores, each breaking one rule; TestSuiteNamesBrokenRules checks
// that the suite fails them and names the rule.

type alwaysFirstSeen struct{ store.Store }

func (s alwaysFirstSeen) MarkSeen(ctx context.Context, id string, now, expires time.Time) (bool, error) {
	_, err := s.Store.MarkSeen(ctx, id, now, expires)
	return err == nil, err
}

// leakyClaim hands jobs out but leaves them claimable at once.
type leakyClaim struct{ store.Store }

func (s leakyClaim) Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]store.Job, error) {
	jobs, err := s.Store.Claim(ctx, now, lease, limit)
	for _, j := range jobs {
		_ = s.Store.Retry(ctx, j, now, "")
	}
	return jobs, err
}

type lenientCursor struct{ store.Store }

func (s lenientCursor) CollectionPage(ctx context.Context, coll, cursor string, limit int) (store.Page, error) {
	p, err := s.Store.CollectionPage(ctx, coll, cursor, limit)
	if errors.Is(err, store.ErrInvalidCursor) {
		return s.Store.CollectionPage(ctx, coll, "", limit)
	}
	return p, err
}

type silentTombstone struct{ store.Store }

func (s silentTombstone) GetObject(ctx context.Context, iri string) (store.Object, error) {
	o, err := s.Store.GetObject(ctx, iri)
	if errors.Is(err, store.ErrGone) {
		err = nil
	}
	return o, err
}

type alwaysCreatedFollow struct{ store.Store }

func (s alwaysCreatedFollow) PutFollow(ctx context.Context, f store.Follow) (bool, error) {
	_, err := s.Store.PutFollow(ctx, f)
	return err == nil, err
}

// nonAtomicTx claims to be a Transactor but runs fn straight on the store,
// so nothing is rolled back.
type nonAtomicTx struct{ store.Store }

func (s nonAtomicTx) InTx(ctx context.Context, fn func(ctx context.Context, tx store.Store) error) error {
	return fn(ctx, s.Store)
}

// contextFreeClaim ignores its context, so a worker that is shutting down
// still leases jobs.
type contextFreeClaim struct{ store.Store }

func (s contextFreeClaim) Claim(_ context.Context, now time.Time, lease time.Duration, limit int) ([]store.Job, error) {
	return s.Store.Claim(context.Background(), now, lease, limit)
}

// caseSensitiveHosts counts only the jobs of a host spelled in lower case.
type caseSensitiveHosts struct{ store.Store }

func (s caseSensitiveHosts) CountJobs(ctx context.Context, host string) (store.QueueCounts, error) {
	if host != strings.ToLower(host) {
		return store.QueueCounts{}, nil
	}
	return s.Store.CountJobs(ctx, host)
}

// nanoTimes keeps expiries as int64 nanoseconds, which wrap around
// outside the years 1678 to 2262.
type nanoTimes struct{ store.Store }

func (s nanoTimes) MarkSeen(ctx context.Context, id string, now, expires time.Time) (bool, error) {
	return s.Store.MarkSeen(ctx, id, time.Unix(0, now.UnixNano()), time.Unix(0, expires.UnixNano()))
}

var broken = map[string]struct {
	wrap     func(store.Store) store.Store
	group    string
	wantFail string
	wantPass string
}{
	"seen":   {func(s store.Store) store.Store { return alwaysFirstSeen{s} }, "Seen", "Seen/racing_MarkSeen_of_one_id:_exactly_one_wins", ""},
	"claim":  {func(s store.Store) store.Store { return leakyClaim{s} }, "Queue", "Queue/a_leased_job_is_not_claimed_again_until_its_lease_expires", ""},
	"cursor": {func(s store.Store) store.Store { return lenientCursor{s} }, "Collections", "Collections/tampered_or_foreign_cursors_are_ErrInvalidCursor", ""},
	"gone":   {func(s store.Store) store.Store { return silentTombstone{s} }, "Objects", "Objects/DeleteObject_leaves_a_Tombstone_that_GetObject_returns_with_ErrGone", ""},
	"follow": {func(s store.Store) store.Store { return alwaysCreatedFollow{s} }, "Follows", "Follows/racing_PutFollow_of_one_pair:_exactly_one_created,_one_record", ""},
	"ctx":    {func(s store.Store) store.Store { return contextFreeClaim{s} }, "Objects", "Objects/a_cancelled_context_fails_the_call_and_stores_nothing", ""},
	"hosts":  {func(s store.Store) store.Store { return caseSensitiveHosts{s} }, "Queue", "Queue/hosts_are_matched_without_regard_to_case,_and_an_empty_host_is_refused", ""},
	"times":  {func(s store.Store) store.Store { return nanoTimes{s} }, "Seen", "Seen/MarkSeen_keeps_expiries_centuries_away", ""},
	"tx": {func(s store.Store) store.Store { return nonAtomicTx{s} }, "Optional",
		"Optional/Transactor_keeps_nothing_when_fn_fails_or_panics", "Optional/Transactor_commits_when_fn_succeeds"},
}

const brokenEnv = "STORETEST_BROKEN_STORE"

// TestBrokenStore runs the suite on the broken store named by brokenEnv;
// it is started by TestSuiteNamesBrokenRules in a child process and
// skipped otherwise.
func TestBrokenStore(t *testing.T) {
	b, ok := broken[os.Getenv(brokenEnv)]
	if !ok {
		t.Skip("run by TestSuiteNamesBrokenRules")
	}
	storetest.Run(t, func(t *testing.T) store.Store {
		s := memory.New()
		t.Cleanup(func() { s.Close() })
		return b.wrap(s)
	})
}

func TestSuiteNamesBrokenRules(t *testing.T) {
	if os.Getenv(brokenEnv) != "" {
		t.Skip("inside a child process")
	}
	for name, b := range broken {
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestBrokenStore$/^"+b.group+"$", "-test.v", "-test.count=1")
			cmd.Env = append(os.Environ(), brokenEnv+"="+name)
			out, err := cmd.CombinedOutput()
			require.Error(t, err, "the suite passed a store that breaks a rule:\n%s", out)
			assert.Contains(t, string(out), "--- FAIL: TestBrokenStore/"+b.wantFail, "the failure names the rule")
			if b.wantPass != "" {
				assert.Contains(t, string(out), "--- PASS: TestBrokenStore/"+b.wantPass, "a rule the store keeps passes")
			}
		})
	}
}
