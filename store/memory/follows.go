package memory

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"sync"

	"github.com/starling-fed/starling/store"
)

// pair keys a follow relationship.
type pair struct{ follower, followee string }

// followRec is a stored relationship and its listing position.
type followRec struct {
	f   store.Follow
	pos int64
}

type followState struct {
	mu         sync.Mutex
	seq        int64
	byPair     map[pair]*followRec
	byActivity map[string]*followRec
	followers  map[string][]*followRec // by followee, oldest first
	following  map[string][]*followRec // by follower, oldest first
	// inboxes counts, per followee, the accepted followers using each
	// delivery inbox.
	inboxes map[string]map[string]int
}

func (f *followState) init() {
	f.byPair = map[pair]*followRec{}
	f.byActivity = map[string]*followRec{}
	f.followers = map[string][]*followRec{}
	f.following = map[string][]*followRec{}
	f.inboxes = map[string]map[string]int{}
}

// countInbox adds delta to the count of r's delivery inbox if r is
// accepted.
func (f *followState) countInbox(r *followRec, delta int) {
	if r.f.State != store.FollowAccepted {
		return
	}
	m := f.inboxes[r.f.Followee]
	if m == nil {
		m = map[string]int{}
		f.inboxes[r.f.Followee] = m
	}
	in := r.f.DeliveryInbox()
	if m[in] += delta; m[in] <= 0 {
		delete(m, in)
		if len(m) == 0 {
			delete(f.inboxes, r.f.Followee)
		}
	}
}

// removeRec deletes r from an ordered list.
func removeRec(list []*followRec, r *followRec) []*followRec {
	i, found := slices.BinarySearchFunc(list, r.pos, func(e *followRec, p int64) int { return cmpInt(e.pos, p) })
	if found {
		list = slices.Delete(list, i, i+1)
	}
	return list
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func checkFollow(f store.Follow) error {
	if err := validateIRIs("follower", f.Follower, "followee", f.Followee, "follow activity", f.ActivityID, "inbox", f.Inbox); err != nil {
		return err
	}
	if f.SharedInbox != "" {
		if err := validateIRIs("shared inbox", f.SharedInbox); err != nil {
			return err
		}
	}
	if !f.State.Valid() {
		return invalid("unknown follow state %q", f.State)
	}
	return nil
}

// PutFollow implements [store.Follows].
func (s *Store) PutFollow(ctx context.Context, f store.Follow) (bool, error) {
	if err := checkFollow(f); err != nil {
		return false, err
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	st := &s.follows
	st.mu.Lock()
	defer st.mu.Unlock()
	key := pair{f.Follower, f.Followee}
	if other, ok := st.byActivity[f.ActivityID]; ok && (other.f.Follower != f.Follower || other.f.Followee != f.Followee) {
		return false, fmt.Errorf("memory: follow activity %q belongs to another pair: %w", f.ActivityID, store.ErrConflict)
	}
	if r, ok := st.byPair[key]; ok {
		st.countInbox(r, -1)
		delete(st.byActivity, r.f.ActivityID)
		f.Created = r.f.Created
		r.f = f
		st.byActivity[f.ActivityID] = r
		st.countInbox(r, +1)
		return false, nil
	}
	st.seq++
	r := &followRec{f: f, pos: st.seq}
	st.byPair[key] = r
	st.byActivity[f.ActivityID] = r
	st.followers[f.Followee] = append(st.followers[f.Followee], r)
	st.following[f.Follower] = append(st.following[f.Follower], r)
	st.countInbox(r, +1)
	return true, nil
}

// GetFollow implements [store.Follows].
func (s *Store) GetFollow(ctx context.Context, follower, followee string) (store.Follow, error) {
	if err := check(ctx, "follower", follower, "followee", followee); err != nil {
		return store.Follow{}, err
	}
	st := &s.follows
	st.mu.Lock()
	defer st.mu.Unlock()
	r, ok := st.byPair[pair{follower, followee}]
	if !ok {
		return store.Follow{}, notFound("follow of", follower+" → "+followee)
	}
	return r.f, nil
}

// FollowByActivity implements [store.Follows].
func (s *Store) FollowByActivity(ctx context.Context, activityID string) (store.Follow, error) {
	if err := check(ctx, "follow activity", activityID); err != nil {
		return store.Follow{}, err
	}
	st := &s.follows
	st.mu.Lock()
	defer st.mu.Unlock()
	r, ok := st.byActivity[activityID]
	if !ok {
		return store.Follow{}, notFound("follow activity", activityID)
	}
	return r.f, nil
}

// SetFollowState implements [store.Follows].
func (s *Store) SetFollowState(ctx context.Context, follower, followee string, state store.FollowState) error {
	if err := validateIRIs("follower", follower, "followee", followee); err != nil {
		return err
	}
	if !state.Valid() {
		return invalid("unknown follow state %q", state)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	st := &s.follows
	st.mu.Lock()
	defer st.mu.Unlock()
	r, ok := st.byPair[pair{follower, followee}]
	if !ok {
		return notFound("follow of", follower+" → "+followee)
	}
	st.countInbox(r, -1)
	r.f.State = state
	st.countInbox(r, +1)
	return nil
}

// DeleteFollow implements [store.Follows].
func (s *Store) DeleteFollow(ctx context.Context, follower, followee string) (bool, error) {
	if err := check(ctx, "follower", follower, "followee", followee); err != nil {
		return false, err
	}
	st := &s.follows
	st.mu.Lock()
	defer st.mu.Unlock()
	key := pair{follower, followee}
	r, ok := st.byPair[key]
	if !ok {
		return false, nil
	}
	st.countInbox(r, -1)
	delete(st.byPair, key)
	delete(st.byActivity, r.f.ActivityID)
	if l := removeRec(st.followers[followee], r); len(l) > 0 {
		st.followers[followee] = l
	} else {
		delete(st.followers, followee)
	}
	if l := removeRec(st.following[follower], r); len(l) > 0 {
		st.following[follower] = l
	} else {
		delete(st.following, follower)
	}
	return true, nil
}

// Followers implements [store.Follows].
func (s *Store) Followers(ctx context.Context, actorIRI string, state store.FollowState, cursor string, limit int) (store.FollowPage, error) {
	return s.listFollows(ctx, "followers", actorIRI, state, cursor, limit)
}

// Following implements [store.Follows].
func (s *Store) Following(ctx context.Context, actorIRI string, state store.FollowState, cursor string, limit int) (store.FollowPage, error) {
	return s.listFollows(ctx, "following", actorIRI, state, cursor, limit)
}

func (s *Store) listFollows(ctx context.Context, kind, actorIRI string, state store.FollowState, cursor string, limit int) (store.FollowPage, error) {
	if err := validateIRIs("actor", actorIRI); err != nil {
		return store.FollowPage{}, err
	}
	if !state.Valid() {
		return store.FollowPage{}, invalid("unknown follow state %q", state)
	}
	limit, err := checkLimit(limit)
	if err != nil {
		return store.FollowPage{}, err
	}
	scope := kind + "\x00" + actorIRI + "\x00" + string(state)
	before, err := decodeBefore(cursor, scope)
	if err != nil {
		return store.FollowPage{}, err
	}
	if err := ctx.Err(); err != nil {
		return store.FollowPage{}, err
	}
	st := &s.follows
	st.mu.Lock()
	defer st.mu.Unlock()
	list := st.followers[actorIRI]
	if kind == "following" {
		list = st.following[actorIRI]
	}
	i, _ := slices.BinarySearchFunc(list, before, func(e *followRec, p int64) int { return cmpInt(e.pos, p) })
	var page store.FollowPage
	var last int64
	for i--; i >= 0; i-- {
		r := list[i]
		if r.f.State != state {
			continue
		}
		if len(page.Follows) == limit {
			page.Next = store.EncodeCursor(store.Cursor{Scope: scope, Position: last})
			break
		}
		page.Follows = append(page.Follows, r.f)
		last = r.pos
	}
	return page, nil
}

// CountFollowers implements [store.Follows].
func (s *Store) CountFollowers(ctx context.Context, actorIRI string, state store.FollowState) (int, error) {
	return s.countFollows(ctx, "followers", actorIRI, state)
}

// CountFollowing implements [store.Follows].
func (s *Store) CountFollowing(ctx context.Context, actorIRI string, state store.FollowState) (int, error) {
	return s.countFollows(ctx, "following", actorIRI, state)
}

func (s *Store) countFollows(ctx context.Context, kind, actorIRI string, state store.FollowState) (int, error) {
	if err := validateIRIs("actor", actorIRI); err != nil {
		return 0, err
	}
	if !state.Valid() {
		return 0, invalid("unknown follow state %q", state)
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	st := &s.follows
	st.mu.Lock()
	defer st.mu.Unlock()
	list := st.followers[actorIRI]
	if kind == "following" {
		list = st.following[actorIRI]
	}
	n := 0
	for _, r := range list {
		if r.f.State == state {
			n++
		}
	}
	return n, nil
}

// FollowerInboxes implements [store.Follows]. It copies the distinct
// inboxes (string headers, not bytes) under the lock and yields them with
// the lock released, so the caller may write to the store while ranging.
func (s *Store) FollowerInboxes(ctx context.Context, actorIRI string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		if err := validateIRIs("actor", actorIRI); err != nil {
			yield("", err)
			return
		}
		st := &s.follows
		st.mu.Lock()
		m := st.inboxes[actorIRI]
		inboxes := make([]string, 0, len(m))
		for in := range m {
			inboxes = append(inboxes, in)
		}
		st.mu.Unlock()
		slices.Sort(inboxes)
		for _, in := range inboxes {
			if err := ctx.Err(); err != nil {
				yield("", err)
				return
			}
			if !yield(in, nil) {
				return
			}
		}
	}
}
