package storetest

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store"
)

// markSeen calls MarkSeen and fails the test on error.
func markSeen(t *testing.T, s store.Store, id string, now, expires time.Time) bool {
	t.Helper()
	first, err := s.MarkSeen(ctx(t), id, now, expires)
	require.NoError(t, err)
	return first
}

var seenRules = []rule{
	{"MarkSeen reports the first time only, until the record expires", func(t *testing.T, s store.Store) {
		id := carol + "/activities/1"
		assert.True(t, markSeen(t, s, id, t0, at(time.Hour)), "first delivery")
		assert.False(t, markSeen(t, s, id, at(time.Minute), at(2*time.Hour)), "redelivery")
		assert.False(t, markSeen(t, s, id, at(59*time.Minute), at(3*time.Hour)), "a repeat does not extend, but the record still holds")
		assert.True(t, markSeen(t, s, id, at(time.Hour), at(2*time.Hour)), "expired at exactly its expiry: first again")
		assert.False(t, markSeen(t, s, id, at(90*time.Minute), at(5*time.Hour)))
		assert.True(t, markSeen(t, s, carol+"/activities/2", at(90*time.Minute), at(2*time.Hour)), "ids are independent")
	}},
	{"MarkSeen keeps expiries centuries away", func(t *testing.T, s store.Store) {
		// "Remember for ever" is a far expiry; it must not wrap around.
		id := carol + "/activities/forever"
		forever := time.Date(2600, time.January, 1, 0, 0, 0, 0, time.UTC)
		assert.True(t, markSeen(t, s, id, t0, forever))
		assert.False(t, markSeen(t, s, id, time.Date(2400, time.January, 1, 0, 0, 0, 0, time.UTC), forever.AddDate(1, 0, 0)), "not expired before 2600")
		assert.True(t, markSeen(t, s, id, forever, forever.AddDate(1, 0, 0)), "expired at 2600")
		old := carol + "/activities/old"
		assert.True(t, markSeen(t, s, old, time.Date(1500, time.January, 1, 0, 0, 0, 0, time.UTC), time.Date(1600, time.January, 1, 0, 0, 0, 0, time.UTC)))
		assert.True(t, markSeen(t, s, old, t0, at(time.Hour)), "a record that expired in 1600 has expired today")
	}},
	{"racing MarkSeen of one id: exactly one wins", func(t *testing.T, s store.Store) {
		for round := range 5 {
			var wins atomic.Int32
			id := iri(carol, "/activities/race-%d", round)
			parallel(16, func(int) {
				first, err := s.MarkSeen(ctx(t), id, t0, at(time.Hour))
				assert.NoError(t, err)
				if first {
					wins.Add(1)
				}
			})
			assert.EqualValues(t, 1, wins.Load(), "round %d", round)
		}
	}},
	{"racing MarkSeen after expiry: exactly one wins again", func(t *testing.T, s store.Store) {
		id := carol + "/activities/1"
		require.True(t, markSeen(t, s, id, t0, at(time.Minute)))
		var wins atomic.Int32
		parallel(16, func(int) {
			first, err := s.MarkSeen(ctx(t), id, at(time.Hour), at(2*time.Hour))
			assert.NoError(t, err)
			if first {
				wins.Add(1)
			}
		})
		assert.EqualValues(t, 1, wins.Load())
	}},
	{"PurgeSeen removes expired records only", func(t *testing.T, s store.Store) {
		for i := range 3 {
			markSeen(t, s, iri(carol, "/short/%d", i), t0, at(time.Hour))
		}
		for i := range 2 {
			markSeen(t, s, iri(carol, "/long/%d", i), t0, at(3*time.Hour))
		}
		n, err := s.PurgeSeen(ctx(t), at(2*time.Hour))
		require.NoError(t, err)
		assert.LessOrEqual(t, n, 3, "only expired records are purged")
		for i := range 2 {
			assert.False(t, markSeen(t, s, iri(carol, "/long/%d", i), at(2*time.Hour), at(4*time.Hour)), "unexpired records survive a purge")
		}
		n, err = s.PurgeSeen(ctx(t), at(2*time.Hour))
		require.NoError(t, err)
		assert.Zero(t, n, "nothing left to purge")

		// A record expiring exactly at the purge time is purged: asked
		// again at an earlier time (a clock behind the purging one's), the
		// id is new.
		edge := carol + "/edge"
		require.True(t, markSeen(t, s, edge, at(3*time.Hour), at(5*time.Hour)))
		n, err = s.PurgeSeen(ctx(t), at(5*time.Hour))
		require.NoError(t, err)
		assert.LessOrEqual(t, n, 3, "at most the two long records and the one expiring exactly now")
		assert.True(t, markSeen(t, s, edge, at(4*time.Hour), at(6*time.Hour)), "a record expiring at the purge time was purged")
	}},
	{"bad MarkSeen input is refused", func(t *testing.T, s store.Store) {
		for _, bad := range invalidIRIs {
			_, err := s.MarkSeen(ctx(t), bad, t0, at(time.Hour))
			assert.ErrorIs(t, err, store.ErrInvalidIRI, "%q", bad)
		}
		_, err := s.MarkSeen(ctx(t), carol+"/activities/1", t0, t0)
		assert.ErrorIs(t, err, store.ErrInvalid, "expires must be after now")
		assert.True(t, markSeen(t, s, carol+"/activities/1", t0, at(time.Hour)), "a refused call records nothing")
	}},
}
