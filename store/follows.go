package store

import (
	"context"
	"iter"
	"time"
)

// FollowState is the state of a follow relationship.
type FollowState string

// Follow states.
const (
	// FollowPending: the Follow was sent or received and awaits an Accept.
	FollowPending FollowState = "pending"
	// FollowAccepted: the followee accepted; the follower gets deliveries.
	FollowAccepted FollowState = "accepted"
)

// Valid reports whether s is a known state.
func (s FollowState) Valid() bool { return s == FollowPending || s == FollowAccepted }

// Follow is one follow relationship, in either direction: a remote actor
// following a local one, or a local actor following a remote one.
type Follow struct {
	// Follower and Followee are actor IRIs.
	Follower string
	Followee string
	// ActivityID is the id of the Follow activity, so an Accept, Reject or
	// Undo that names it finds the relationship.
	ActivityID string
	// State is [FollowPending] or [FollowAccepted].
	State FollowState
	// Inbox is the follower's inbox; SharedInbox its shared inbox, or ""
	// when unknown. Deliveries to the followee's followers go to SharedInbox
	// when set, else Inbox. Inbox is required.
	Inbox       string
	SharedInbox string
	// Created is when the relationship was first stored; the caller sets
	// it and later puts keep the first value.
	Created time.Time
}

// DeliveryInbox returns SharedInbox if set, else Inbox.
func (f Follow) DeliveryInbox() string {
	if f.SharedInbox != "" {
		return f.SharedInbox
	}
	return f.Inbox
}

// FollowPage is one page of follow relationships, newest first.
type FollowPage struct {
	// Follows are the relationships, most recently first stored first.
	Follows []Follow
	// Next is the cursor of the following page, or "" on the last page.
	Next string
}

// Follows keeps follow relationships keyed by (Follower, Followee).
//
// Implementations must be safe for concurrent use and honour ctx.
type Follows interface {
	// PutFollow stores f, replacing the relationship between the same two
	// actors except for its Created time, which stays the first one. It
	// reports created == true when no relationship existed; when callers
	// race to store the same pair, exactly one sees true and one record
	// results. The activity id must not belong to another pair
	// ([ErrConflict]). A put with a new activity id for the same pair (a
	// repeated Follow) replaces the old id: FollowByActivity of the old
	// one then fails with [ErrNotFound], and its position in listings is
	// kept. All IRIs must pass [ValidateIRI] (SharedInbox may be
	// empty), State must be valid.
	PutFollow(ctx context.Context, f Follow) (created bool, err error)

	// GetFollow returns the relationship, or an error wrapping
	// [ErrNotFound].
	GetFollow(ctx context.Context, follower, followee string) (Follow, error)

	// FollowByActivity returns the relationship whose Follow activity has
	// the given id, or an error wrapping [ErrNotFound].
	FollowByActivity(ctx context.Context, activityID string) (Follow, error)

	// SetFollowState changes the state of an existing relationship
	// ([ErrNotFound] if none). Setting the state it already has is a no-op.
	SetFollowState(ctx context.Context, follower, followee string, state FollowState) error

	// DeleteFollow removes the relationship, reporting whether it existed.
	DeleteFollow(ctx context.Context, follower, followee string) (deleted bool, err error)

	// Followers pages through the relationships whose Followee is actorIRI
	// and whose State is state, newest first (by first store). Cursor and
	// limit rules are those of [Collections.CollectionPage].
	Followers(ctx context.Context, actorIRI string, state FollowState, cursor string, limit int) (FollowPage, error)

	// Following pages through the relationships whose Follower is actorIRI
	// and whose State is state, newest first, like Followers.
	Following(ctx context.Context, actorIRI string, state FollowState, cursor string, limit int) (FollowPage, error)

	// CountFollowers and CountFollowing count relationships in state.
	CountFollowers(ctx context.Context, actorIRI string, state FollowState) (int, error)
	CountFollowing(ctx context.Context, actorIRI string, state FollowState) (int, error)

	// FollowerInboxes yields each distinct [Follow.DeliveryInbox] of the
	// actor's accepted followers once, in ascending byte order. It must
	// not load all followers into memory at once: backends read in
	// batches (keyset by inbox), so the sequence may be long and the
	// caller may enqueue while ranging. Inboxes added or removed during the
	// walk may or may not appear. On failure it yields ("", err) once and
	// stops; breaking out early is allowed.
	FollowerInboxes(ctx context.Context, actorIRI string) iter.Seq2[string, error]
}
