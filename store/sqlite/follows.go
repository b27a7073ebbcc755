package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"iter"
	"strings"

	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/internal/sqlutil"
)

var _ store.Follows = (*Store)(nil)

const followColumns = `seq, follower, followee, activity_id, state, inbox, shared_inbox, created`

func scanFollow(row interface{ Scan(...any) error }) (int64, store.Follow, error) {
	var f store.Follow
	var seq int64
	var created sql.NullInt64
	if err := row.Scan(&seq, &f.Follower, &f.Followee, &f.ActivityID, &f.State, &f.Inbox, &f.SharedInbox, &created); err != nil {
		return 0, store.Follow{}, err
	}
	f.Created = fromMicros(created)
	return seq, f, nil
}

// PutFollow implements [store.Follows]. The insert is tried first, as new
// follows are the common case; an activity id held by another pair
// violates its unique index and reports ErrConflict.
func (s *Store) PutFollow(ctx context.Context, f store.Follow) (bool, error) {
	if err := sqlutil.ValidateFollow(f); err != nil {
		return false, err
	}
	var created bool
	err := s.write(ctx, "put follow", func(tx querier) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO follows (follower, followee, activity_id, state, inbox, shared_inbox, created)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (follower, followee) DO NOTHING`,
			f.Follower, f.Followee, f.ActivityID, string(f.State), f.Inbox, f.SharedInbox, micros(f.Created))
		if err != nil {
			return wrapErr("put follow", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			created = true
			return nil
		}
		_, err = tx.ExecContext(ctx, `UPDATE follows SET activity_id = ?, state = ?, inbox = ?, shared_inbox = ?
			WHERE follower = ? AND followee = ?`,
			f.ActivityID, string(f.State), f.Inbox, f.SharedInbox, f.Follower, f.Followee)
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
	_, f, err := scanFollow(s.reader().QueryRowContext(ctx, `SELECT `+followColumns+` FROM follows
		WHERE follower = ? AND followee = ?`, follower, followee))
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
	_, f, err := scanFollow(s.reader().QueryRowContext(ctx, `SELECT `+followColumns+` FROM follows
		WHERE activity_id = ?`, activityID))
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
	return s.write(ctx, "set follow state", func(tx querier) error {
		res, err := tx.ExecContext(ctx, `UPDATE follows SET state = ? WHERE follower = ? AND followee = ?`,
			string(state), follower, followee)
		if err != nil {
			return wrapErr("set follow state", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("sqlite: set follow state: %w", store.ErrNotFound)
		}
		return nil
	})
}

// DeleteFollow implements [store.Follows].
func (s *Store) DeleteFollow(ctx context.Context, follower, followee string) (bool, error) {
	if err := sqlutil.ValidateIRIs(follower, followee); err != nil {
		return false, err
	}
	var deleted bool
	err := s.write(ctx, "delete follow", func(tx querier) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM follows WHERE follower = ? AND followee = ?`, follower, followee)
		if err != nil {
			return wrapErr("delete follow", err)
		}
		n, err := res.RowsAffected()
		deleted = n == 1
		return err
	})
	return deleted, err
}

// Followers implements [store.Follows].
func (s *Store) Followers(ctx context.Context, actorIRI string, state store.FollowState, cursor string, limit int) (store.FollowPage, error) {
	return s.followPage(ctx, "followers", "followee", actorIRI, state, cursor, limit)
}

// Following implements [store.Follows].
func (s *Store) Following(ctx context.Context, actorIRI string, state store.FollowState, cursor string, limit int) (store.FollowPage, error) {
	return s.followPage(ctx, "following", "follower", actorIRI, state, cursor, limit)
}

// followPage lists follows whose column (followee or follower) is actorIRI.
func (s *Store) followPage(ctx context.Context, listing, column, actorIRI string, state store.FollowState, cursor string, limit int) (store.FollowPage, error) {
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
	rows, err := s.reader().QueryContext(ctx, `SELECT `+followColumns+` FROM follows
		WHERE `+column+` = ? AND state = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
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
	if err := s.reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM follows WHERE `+column+` = ? AND state = ?`,
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
	rows, err := s.reader().QueryContext(ctx, `SELECT DISTINCT delivery_inbox FROM follows
		WHERE followee = ? AND state = 'accepted' AND delivery_inbox > ?
		ORDER BY delivery_inbox LIMIT ?`, actorIRI, after, followerInboxBatch)
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
