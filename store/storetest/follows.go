package storetest

import (
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store"
)

// follow returns a relationship from follower to followee; the follower's
// inbox lives under its own IRI.
func follow(follower, followee string, state store.FollowState) store.Follow {
	return store.Follow{
		Follower:   follower,
		Followee:   followee,
		ActivityID: follower + "/follows/" + fmt.Sprint(len(followee)) + "-" + lastSegment(followee),
		State:      state,
		Inbox:      follower + "/inbox",
		Created:    t0,
	}
}

func lastSegment(s string) string {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '/' {
			return s[i+1:]
		}
	}
	return s
}

func assertFollow(t *testing.T, want, got store.Follow) {
	t.Helper()
	assert.Equal(t, want.Follower, got.Follower, "Follower")
	assert.Equal(t, want.Followee, got.Followee, "Followee")
	assert.Equal(t, want.ActivityID, got.ActivityID, "ActivityID")
	assert.Equal(t, want.State, got.State, "State")
	assert.Equal(t, want.Inbox, got.Inbox, "Inbox")
	assert.Equal(t, want.SharedInbox, got.SharedInbox, "SharedInbox")
	assert.True(t, want.Created.Equal(got.Created), "Created: want %v, got %v", want.Created, got.Created)
}

// remoteFollower returns the i-th remote follower of followee.
func remoteFollower(i int, followee string, state store.FollowState) store.Follow {
	f := follow(fmt.Sprintf("https://host%d.example/users/u%d", i%7, i), followee, state)
	f.Created = at(time.Duration(i) * time.Second)
	return f
}

// followerIRIs returns the followers of a page.
func followerIRIs(p store.FollowPage) []string {
	out := make([]string, len(p.Follows))
	for i, f := range p.Follows {
		out[i] = f.Follower
	}
	return out
}

// inboxes collects FollowerInboxes.
func inboxes(t *testing.T, s store.Store, actor string) []string {
	t.Helper()
	var out []string
	for inbox, err := range s.FollowerInboxes(ctx(t), actor) {
		require.NoError(t, err)
		out = append(out, inbox)
	}
	return out
}

var followRules = []rule{
	{"PutFollow then GetFollow and FollowByActivity round-trip", func(t *testing.T, s store.Store) {
		f := follow(carol, alice, store.FollowPending)
		f.SharedInbox = remote + "/inbox"
		created, err := s.PutFollow(ctx(t), f)
		require.NoError(t, err)
		assert.True(t, created)
		got, err := s.GetFollow(ctx(t), carol, alice)
		require.NoError(t, err)
		assertFollow(t, f, got)
		got, err = s.FollowByActivity(ctx(t), f.ActivityID)
		require.NoError(t, err)
		assertFollow(t, f, got)
	}},
	{"follows in both directions are kept apart", func(t *testing.T, s store.Store) {
		in := follow(carol, alice, store.FollowAccepted) // a remote actor follows alice
		out := follow(alice, carol, store.FollowPending) // alice asked to follow carol
		out.ActivityID = alice + "/follows/carol"
		for _, f := range []store.Follow{in, out} {
			_, err := s.PutFollow(ctx(t), f)
			require.NoError(t, err)
		}
		p, err := s.Followers(ctx(t), alice, store.FollowAccepted, "", 10)
		require.NoError(t, err)
		assert.Equal(t, []string{carol}, followerIRIs(p))
		p, err = s.Following(ctx(t), alice, store.FollowPending, "", 10)
		require.NoError(t, err)
		require.Len(t, p.Follows, 1)
		assert.Equal(t, carol, p.Follows[0].Followee)
		p, err = s.Following(ctx(t), alice, store.FollowAccepted, "", 10)
		require.NoError(t, err)
		assert.Empty(t, p.Follows, "alice's own follow is still pending")
		n, err := s.CountFollowing(ctx(t), carol, store.FollowAccepted)
		require.NoError(t, err)
		assert.Equal(t, 1, n)
		n, err = s.CountFollowers(ctx(t), carol, store.FollowPending)
		require.NoError(t, err)
		assert.Equal(t, 1, n)
	}},
	{"PutFollow on an existing pair replaces it but keeps Created", func(t *testing.T, s store.Store) {
		f := follow(carol, alice, store.FollowPending)
		_, err := s.PutFollow(ctx(t), f)
		require.NoError(t, err)
		f2 := f
		f2.ActivityID = carol + "/follows/again"
		f2.State = store.FollowAccepted
		f2.SharedInbox = remote + "/inbox"
		f2.Created = at(time.Hour)
		created, err := s.PutFollow(ctx(t), f2)
		require.NoError(t, err)
		assert.False(t, created)
		got, err := s.GetFollow(ctx(t), carol, alice)
		require.NoError(t, err)
		f2.Created = t0
		assertFollow(t, f2, got)
		_, err = s.FollowByActivity(ctx(t), f.ActivityID)
		assert.ErrorIs(t, err, store.ErrNotFound, "the replaced Follow id no longer finds the pair")
	}},
	{"racing PutFollow of one pair: exactly one created, one record", func(t *testing.T, s store.Store) {
		var wins atomic.Int32
		parallel(16, func(int) {
			created, err := s.PutFollow(ctx(t), follow(carol, alice, store.FollowAccepted))
			assert.NoError(t, err)
			if created {
				wins.Add(1)
			}
		})
		assert.EqualValues(t, 1, wins.Load())
		n, err := s.CountFollowers(ctx(t), alice, store.FollowAccepted)
		require.NoError(t, err)
		assert.Equal(t, 1, n)
		assert.Equal(t, []string{carol + "/inbox"}, inboxes(t, s, alice))
	}},
	{"a Follow activity id belongs to one pair", func(t *testing.T, s store.Store) {
		f := follow(carol, alice, store.FollowPending)
		_, err := s.PutFollow(ctx(t), f)
		require.NoError(t, err)
		g := follow(carol, bob, store.FollowPending)
		g.ActivityID = f.ActivityID
		_, err = s.PutFollow(ctx(t), g)
		require.ErrorIs(t, err, store.ErrConflict)
		_, err = s.GetFollow(ctx(t), carol, bob)
		assert.ErrorIs(t, err, store.ErrNotFound, "nothing stored")
	}},
	{"SetFollowState approves a pending follow", func(t *testing.T, s store.Store) {
		_, err := s.PutFollow(ctx(t), follow(carol, alice, store.FollowPending))
		require.NoError(t, err)
		require.NoError(t, s.SetFollowState(ctx(t), carol, alice, store.FollowAccepted))
		require.NoError(t, s.SetFollowState(ctx(t), carol, alice, store.FollowAccepted), "same state again is a no-op")
		got, err := s.GetFollow(ctx(t), carol, alice)
		require.NoError(t, err)
		assert.Equal(t, store.FollowAccepted, got.State)
		assert.ErrorIs(t, s.SetFollowState(ctx(t), bob, alice, store.FollowAccepted), store.ErrNotFound)
		assert.ErrorIs(t, s.SetFollowState(ctx(t), carol, alice, "rejected"), store.ErrInvalid)
	}},
	{"DeleteFollow removes the pair and reports whether it existed", func(t *testing.T, s store.Store) {
		f := follow(carol, alice, store.FollowAccepted)
		_, err := s.PutFollow(ctx(t), f)
		require.NoError(t, err)
		deleted, err := s.DeleteFollow(ctx(t), carol, alice)
		require.NoError(t, err)
		assert.True(t, deleted)
		deleted, err = s.DeleteFollow(ctx(t), carol, alice)
		require.NoError(t, err)
		assert.False(t, deleted)
		_, err = s.GetFollow(ctx(t), carol, alice)
		assert.ErrorIs(t, err, store.ErrNotFound)
		_, err = s.FollowByActivity(ctx(t), f.ActivityID)
		assert.ErrorIs(t, err, store.ErrNotFound)
		assert.Empty(t, inboxes(t, s, alice))
	}},
	{"Followers pages by state, newest first, with counts", func(t *testing.T, s store.Store) {
		var accepted []string
		for i := range 23 {
			state := store.FollowAccepted
			if i%4 == 0 {
				state = store.FollowPending
			}
			f := remoteFollower(i, alice, state)
			_, err := s.PutFollow(ctx(t), f)
			require.NoError(t, err)
			if state == store.FollowAccepted {
				accepted = append(accepted, f.Follower)
			}
		}
		n, err := s.CountFollowers(ctx(t), alice, store.FollowAccepted)
		require.NoError(t, err)
		assert.Equal(t, len(accepted), n)
		n, err = s.CountFollowers(ctx(t), alice, store.FollowPending)
		require.NoError(t, err)
		assert.Equal(t, 23-len(accepted), n)
		var got []string
		cursor := ""
		for range 100 {
			p, err := s.Followers(ctx(t), alice, store.FollowAccepted, cursor, 5)
			require.NoError(t, err)
			require.LessOrEqual(t, len(p.Follows), 5)
			got = append(got, followerIRIs(p)...)
			if p.Next == "" {
				break
			}
			cursor = p.Next
		}
		assert.Equal(t, newestFirst(accepted), got)
		_, err = s.Followers(ctx(t), alice, store.FollowAccepted, "", 0)
		assert.ErrorIs(t, err, store.ErrInvalid, "limit 0")
	}},
	{"Followers paging is stable while follows are added, accepted and removed", func(t *testing.T, s store.Store) {
		var all []string
		for i := range 20 {
			f := remoteFollower(i, alice, store.FollowAccepted)
			_, err := s.PutFollow(ctx(t), f)
			require.NoError(t, err)
			all = append(all, f.Follower)
		}
		p, err := s.Followers(ctx(t), alice, store.FollowAccepted, "", 6)
		require.NoError(t, err)
		got := followerIRIs(p)
		for i := 100; i < 105; i++ { // newer than the walk
			_, err := s.PutFollow(ctx(t), remoteFollower(i, alice, store.FollowAccepted))
			require.NoError(t, err)
		}
		_, err = s.DeleteFollow(ctx(t), all[2], alice)
		require.NoError(t, err)
		again := remoteFollower(5, alice, store.FollowAccepted) // re-put: keeps its place
		again.ActivityID += "/again"
		_, err = s.PutFollow(ctx(t), again)
		require.NoError(t, err)
		for cursor := p.Next; cursor != ""; {
			p, err = s.Followers(ctx(t), alice, store.FollowAccepted, cursor, 6)
			require.NoError(t, err)
			got = append(got, followerIRIs(p)...)
			cursor = p.Next
		}
		want := newestFirst(slices.Delete(slices.Clone(all), 2, 3))
		assert.Equal(t, want, got, "a walk lists exactly the older followers still present, each once, in first-stored order")
	}},
	{"follow cursors are bound to their listing and reject tampering", func(t *testing.T, s store.Store) {
		for i := range 6 {
			_, err := s.PutFollow(ctx(t), remoteFollower(i, alice, store.FollowAccepted))
			require.NoError(t, err)
			_, err = s.PutFollow(ctx(t), remoteFollower(i, bob, store.FollowAccepted))
			require.NoError(t, err)
		}
		p, err := s.Followers(ctx(t), alice, store.FollowAccepted, "", 2)
		require.NoError(t, err)
		require.NotEmpty(t, p.Next)
		for _, bad := range tamper(p.Next) {
			_, err := s.Followers(ctx(t), alice, store.FollowAccepted, bad, 2)
			require.ErrorIs(t, err, store.ErrInvalidCursor, "cursor %q", bad)
		}
		_, err = s.Followers(ctx(t), bob, store.FollowAccepted, p.Next, 2)
		assert.ErrorIs(t, err, store.ErrInvalidCursor, "another actor's cursor")
		_, err = s.Following(ctx(t), alice, store.FollowAccepted, p.Next, 2)
		assert.ErrorIs(t, err, store.ErrInvalidCursor, "a Followers cursor used for Following")
	}},
	{"FollowerInboxes yields distinct shared-or-own inboxes of accepted followers, sorted", func(t *testing.T, s store.Store) {
		want := map[string]bool{}
		for i := range 2500 {
			state := store.FollowAccepted
			if i%10 == 9 {
				state = store.FollowPending
			}
			f := follow(fmt.Sprintf("https://h%02d.example/users/u%d", i%50, i), alice, state)
			if i%5 != 0 {
				f.SharedInbox = fmt.Sprintf("https://h%02d.example/inbox", i%50)
			}
			_, err := s.PutFollow(ctx(t), f)
			require.NoError(t, err)
			if state == store.FollowAccepted {
				want[f.DeliveryInbox()] = true
			}
		}
		_, err := s.PutFollow(ctx(t), follow(carol, bob, store.FollowAccepted))
		require.NoError(t, err)
		got := inboxes(t, s, alice)
		assert.True(t, slices.IsSorted(got), "inboxes come in ascending order")
		assert.Len(t, got, len(want), "each inbox once")
		for _, in := range got {
			assert.True(t, want[in], "unexpected inbox %s", in)
		}
		assert.Empty(t, inboxes(t, s, carol), "an actor without followers")
	}},
	{"FollowerInboxes follows the state of each follow", func(t *testing.T, s store.Store) {
		put := func(f store.Follow) {
			t.Helper()
			_, err := s.PutFollow(ctx(t), f)
			require.NoError(t, err)
		}
		pending := follow("https://p.example/users/pat", alice, store.FollowPending)
		put(pending)
		assert.Empty(t, inboxes(t, s, alice), "a pending follower gets no deliveries")
		require.NoError(t, s.SetFollowState(ctx(t), pending.Follower, alice, store.FollowAccepted))
		assert.Equal(t, []string{pending.Inbox}, inboxes(t, s, alice), "accepted: its inbox is listed")
		require.NoError(t, s.SetFollowState(ctx(t), pending.Follower, alice, store.FollowPending))
		assert.Empty(t, inboxes(t, s, alice), "back to pending: no longer listed")

		// Two followers on one server share its shared inbox; a third
		// names as its own inbox the URL the others use as shared inbox.
		shared := "https://m.example/inbox"
		a := follow("https://m.example/users/a", alice, store.FollowAccepted)
		a.SharedInbox = shared
		b := follow("https://m.example/users/b", alice, store.FollowAccepted)
		b.SharedInbox = shared
		c := follow("https://m.example/users/c", alice, store.FollowAccepted)
		c.Inbox = shared
		put(a)
		put(b)
		put(c)
		assert.Equal(t, []string{shared}, inboxes(t, s, alice), "one delivery for the server, never its followers' own inboxes")
		for _, f := range []store.Follow{a, c} {
			deleted, err := s.DeleteFollow(ctx(t), f.Follower, alice)
			require.NoError(t, err)
			require.True(t, deleted)
		}
		assert.Equal(t, []string{shared}, inboxes(t, s, alice), "still listed while one follower uses it")
		b.SharedInbox = ""
		put(b)
		assert.Equal(t, []string{b.Inbox}, inboxes(t, s, alice), "a follow stored again without a shared inbox uses its own inbox")
	}},
	{"FollowerInboxes allows breaking early and writing while ranging", func(t *testing.T, s store.Store) {
		for i := range 1200 {
			_, err := s.PutFollow(ctx(t), remoteFollower(i, alice, store.FollowAccepted))
			require.NoError(t, err)
		}
		n := 0
		for _, err := range s.FollowerInboxes(ctx(t), alice) {
			require.NoError(t, err)
			if n++; n == 3 {
				break
			}
		}
		var batch []string
		enqueued := 0
		for inbox, err := range s.FollowerInboxes(ctx(t), alice) {
			require.NoError(t, err)
			batch = append(batch, inbox)
			if len(batch) == 100 {
				added, err := s.Enqueue(ctx(t), store.Batch{ActivityID: alice + "/activities/1", Activity: []byte(`{}`),
					Sender: alice + "#main-key", Inboxes: batch, Now: t0})
				require.NoError(t, err, "enqueueing while ranging over FollowerInboxes")
				enqueued += added
				batch = batch[:0]
			}
		}
		assert.Equal(t, 1200, enqueued)
	}},
	{"bad follow input is refused and stores nothing", func(t *testing.T, s store.Store) {
		good := follow(carol, alice, store.FollowPending)
		var cases []store.Follow
		for _, bad := range invalidIRIs {
			for field := range 4 {
				f := good
				switch field {
				case 0:
					f.Follower = bad
				case 1:
					f.Followee = bad
				case 2:
					f.ActivityID = bad
				case 3:
					f.Inbox = bad
				}
				cases = append(cases, f)
			}
			if bad != "" {
				f := good
				f.SharedInbox = bad
				cases = append(cases, f)
			}
		}
		for _, f := range cases {
			_, err := s.PutFollow(ctx(t), f)
			assert.ErrorIs(t, err, store.ErrInvalidIRI, "%+v", f)
		}
		bad := good
		bad.State = "blocked"
		_, err := s.PutFollow(ctx(t), bad)
		assert.ErrorIs(t, err, store.ErrInvalid, "unknown state")
		_, err = s.GetFollow(ctx(t), carol, alice)
		assert.ErrorIs(t, err, store.ErrNotFound)
		for _, st := range []store.FollowState{store.FollowPending, store.FollowAccepted} {
			n, err := s.CountFollowers(ctx(t), alice, st)
			require.NoError(t, err)
			assert.Zero(t, n)
		}
	}},
}
