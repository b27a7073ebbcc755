package postgres

import (
	"context"
	"fmt"
	"iter"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/internal/sqlutil"
)

var _ store.Follows = (*Store)(nil)

const followColumns = `follower, followee, activity_id, state, inbox, shared_inbox, created`

func scanFollow(row pgx.Row) (int64, store.Follow, error) {
	var f store.Follow
	var seq int64
	var state string
	var created pgtype.Timestamptz
	if err := row.Scan(&seq, &f.Follower, &f.Followee, &f.ActivityID, &state, &f.Inbox, &f.SharedInbox, &created); err != nil {
		return 0, store.Follow{}, err
	}
	f.State = store.FollowState(state)
	f.Created = fromTS(created)
	return seq, f, nil
}

// PutFollow implements [store.Follows]. A new relationship takes its
// positions in the followee's followers listing and the follower's
// following listing from counter rows locked until commit, so positions in
// each listing commit in increasing order and a page walk never meets a
// follow stored behind it. (Counter rows are always locked followers
// first, so two creations cannot deadlock.) An activity id held by another
// pair violates its unique index and reports ErrConflict.
func (s *Store) PutFollow(ctx context.Context, f store.Follow) (bool, error) {
	if err := sqlutil.ValidateFollow(f); err != nil {
		return false, err
	}
	var created bool
	err := s.write(ctx, "put follow", func(tx pgx.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM follows WHERE follower = $1 AND followee = $2)`,
			f.Follower, f.Followee).Scan(&exists); err != nil {
			return wrapErr("put follow", err)
		}
		var followersPos, followingPos int64
		if !exists {
			for _, c := range []struct {
				kind, actor string
				pos         *int64
			}{{"followers", f.Followee, &followersPos}, {"following", f.Follower, &followingPos}} {
				if err := tx.QueryRow(ctx, `INSERT INTO follow_counters (kind, actor, last_pos) VALUES ($1, $2, 1)
					ON CONFLICT (kind, actor) DO UPDATE SET last_pos = follow_counters.last_pos + 1
					RETURNING last_pos`, c.kind, c.actor).Scan(c.pos); err != nil {
					return wrapErr("put follow", err)
				}
			}
		}
		err := tx.QueryRow(ctx, `INSERT INTO follows
			(follower, followee, activity_id, state, inbox, shared_inbox, created, followers_pos, following_pos)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (follower, followee) DO UPDATE SET activity_id = EXCLUDED.activity_id, state = EXCLUDED.state,
				inbox = EXCLUDED.inbox, shared_inbox = EXCLUDED.shared_inbox
			RETURNING xmax = 0`,
			f.Follower, f.Followee, f.ActivityID, string(f.State), f.Inbox, f.SharedInbox, ts(f.Created),
			followersPos, followingPos).Scan(&created)
		if err != nil {
			return wrapErr("put follow", err)
		}
		return nil
	})
	return created, err
}

// GetFollow implements [store.Follows].
func (s *Store) GetFollow(ctx context.Context, follower, followee string) (store.Follow, error) {
	if err := sqlutil.ValidateIRIs(follower, followee); err != nil {
		return store.Follow{}, err
	}
	_, f, err := scanFollow(s.q().QueryRow(ctx, `SELECT followers_pos, `+followColumns+` FROM follows
		WHERE follower = $1 AND followee = $2`, follower, followee))
	if err != nil {
		return store.Follow{}, wrapErr("get follow", err)
	}
	return f, nil
}

// FollowByActivity implements [store.Follows].
func (s *Store) FollowByActivity(ctx context.Context, activityID string) (store.Follow, error) {
	if err := store.ValidateIRI(activityID); err != nil {
		return store.Follow{}, err
	}
	_, f, err := scanFollow(s.q().QueryRow(ctx, `SELECT followers_pos, `+followColumns+` FROM follows
		WHERE activity_id = $1`, activityID))
	if err != nil {
		return store.Follow{}, wrapErr("follow by activity", err)
	}
	return f, nil
}

// SetFollowState implements [store.Follows].
func (s *Store) SetFollowState(ctx context.Context, follower, followee string, state store.FollowState) error {
	if err := sqlutil.ValidateIRIs(follower, followee); err != nil {
		return err
	}
	if !state.Valid() {
		return fmt.Errorf("%w: follow state %q", store.ErrInvalid, state)
	}
	tag, err := s.q().Exec(ctx, `UPDATE follows SET state = $1 WHERE follower = $2 AND followee = $3`,
		string(state), follower, followee)
	if err != nil {
		return wrapErr("set follow state", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: set follow state: %w", store.ErrNotFound)
	}
	return nil
}

// DeleteFollow implements [store.Follows].
func (s *Store) DeleteFollow(ctx context.Context, follower, followee string) (bool, error) {
	if err := sqlutil.ValidateIRIs(follower, followee); err != nil {
		return false, err
	}
	tag, err := s.q().Exec(ctx, `DELETE FROM follows WHERE follower = $1 AND followee = $2`, follower, followee)
	if err != nil {
		return false, wrapErr("delete follow", err)
	}
	return tag.RowsAffected() == 1, nil
}

// Followers implements [store.Follows].
func (s *Store) Followers(ctx context.Context, actorIRI string, state store.FollowState, cursor string, limit int) (store.FollowPage, error) {
	return s.followPage(ctx, "followers", "followee", "followers_pos", actorIRI, state, cursor, limit)
}

// Following implements [store.Follows].
func (s *Store) Following(ctx context.Context, actorIRI string, state store.FollowState, cursor string, limit int) (store.FollowPage, error) {
	return s.followPage(ctx, "following", "follower", "following_pos", actorIRI, state, cursor, limit)
}

// followPage lists follows whose column (followee or follower) is
// actorIRI, by their position posColumn in that listing.
func (s *Store) followPage(ctx context.Context, listing, column, posColumn, actorIRI string, state store.FollowState, cursor string, limit int) (store.FollowPage, error) {
	if err := store.ValidateIRI(actorIRI); err != nil {
		return store.FollowPage{}, err
	}
	if !state.Valid() {
		return store.FollowPage{}, fmt.Errorf("%w: follow state %q", store.ErrInvalid, state)
	}
	limit, err := sqlutil.PageLimit(limit)
	if err != nil {
		return store.FollowPage{}, err
	}
	scope := strings.Join([]string{listing, actorIRI, string(state)}, "\x00")
	below, err := sqlutil.DecodePosition(cursor, scope)
	if err != nil {
		return store.FollowPage{}, err
	}
	rows, err := s.q().Query(ctx, `SELECT `+posColumn+`, `+followColumns+` FROM follows
		WHERE `+column+` = $1 AND state = $2 AND `+posColumn+` < $3 ORDER BY `+posColumn+` DESC LIMIT $4`,
		actorIRI, string(state), below, limit+1)
	if err != nil {
		return store.FollowPage{}, wrapErr(listing, err)
	}
	defer rows.Close()
	page := store.FollowPage{Follows: []store.Follow{}}
	var last int64
	for rows.Next() {
		seq, f, err := scanFollow(rows)
		if err != nil {
			return store.FollowPage{}, wrapErr(listing, err)
		}
		if len(page.Follows) == limit {
			page.Next = store.EncodeCursor(store.Cursor{Scope: scope, Position: last})
			break
		}
		page.Follows = append(page.Follows, f)
		last = seq
	}
	if err := rows.Err(); err != nil {
		return store.FollowPage{}, wrapErr(listing, err)
	}
	return page, nil
}

// CountFollowers implements [store.Follows].
func (s *Store) CountFollowers(ctx context.Context, actorIRI string, state store.FollowState) (int, error) {
	return s.countFollows(ctx, "followee", actorIRI, state)
}

// CountFollowing implements [store.Follows].
func (s *Store) CountFollowing(ctx context.Context, actorIRI string, state store.FollowState) (int, error) {
	return s.countFollows(ctx, "follower", actorIRI, state)
}

func (s *Store) countFollows(ctx context.Context, column, actorIRI string, state store.FollowState) (int, error) {
	if err := store.ValidateIRI(actorIRI); err != nil {
		return 0, err
	}
	if !state.Valid() {
		return 0, fmt.Errorf("%w: follow state %q", store.ErrInvalid, state)
	}
	var n int
	if err := s.q().QueryRow(ctx, `SELECT COUNT(*) FROM follows WHERE `+column+` = $1 AND state = $2`,
		actorIRI, string(state)).Scan(&n); err != nil {
		return 0, wrapErr("count follows", err)
	}
	return n, nil
}

// followerInboxBatch is how many inboxes FollowerInboxes reads per query.
const followerInboxBatch = 1000

// FollowerInboxes implements [store.Follows]. It reads in keyset batches and
// holds no rows open while yielding, so the caller may write (e.g. enqueue)
// inside the loop.
func (s *Store) FollowerInboxes(ctx context.Context, actorIRI string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		if err := store.ValidateIRI(actorIRI); err != nil {
			yield("", err)
			return
		}
		after := ""
		for {
			batch, err := s.followerInboxBatch(ctx, actorIRI, after)
			if err != nil {
				yield("", err)
				return
			}
			for _, inbox := range batch {
				if !yield(inbox, nil) {
					return
				}
			}
			if len(batch) < followerInboxBatch {
				return
			}
			after = batch[len(batch)-1]
		}
	}
}

func (s *Store) followerInboxBatch(ctx context.Context, actorIRI, after string) ([]string, error) {
	rows, err := s.q().Query(ctx, `SELECT DISTINCT delivery_inbox FROM follows
		WHERE followee = $1 AND state = 'accepted' AND delivery_inbox > $2
		ORDER BY delivery_inbox LIMIT $3`, actorIRI, after, followerInboxBatch)
	if err != nil {
		return nil, wrapErr("follower inboxes", err)
	}
	defer rows.Close()
	batch := make([]string, 0, followerInboxBatch)
	for rows.Next() {
		var inbox string
		if err := rows.Scan(&inbox); err != nil {
			return nil, wrapErr("follower inboxes", err)
		}
		batch = append(batch, inbox)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapErr("follower inboxes", err)
	}
	return batch, nil
}
