package store

import "context"

// MaxPageSize is the largest page limit a listing honours; larger limits
// are cut down to it.
const MaxPageSize = 1000

// Page is one page of a collection, newest first.
type Page struct {
	// Items are the member IRIs, most recently added first.
	Items []string
	// Next is the cursor of the following page, or "" on the last page.
	Next string
}

// Collections keeps the ordered membership of collections by collection IRI
// (outbox, inbox, followers, following, liked, likes, shares, featured,
// blocked…). The store does not know what a collection means; it only keeps
// which IRIs are in it and in which order they were added.
//
// Implementations must be safe for concurrent use and honour ctx.
//
// Ordering and paging: each addition takes a position after every earlier
// one in that collection. Pages list members newest first. Paging is stable
// under concurrent writes: once a cursor is issued, the following pages list
// exactly the members older than the cursor that are still present, each
// once, whatever is added meanwhile (new members appear on a fresh first
// page, never in the middle of a walk). A cursor names a position, not a
// member: removing the member a cursor was taken at does not disturb the
// walk, and a member removed and added again during a walk is newer than
// the walk and not listed in it.
type Collections interface {
	// AddToCollection adds itemIRI to the collection. It is idempotent:
	// adding a present member changes nothing (not even its position) and
	// reports added == false. When callers race to add the same member,
	// exactly one sees added == true. Both IRIs must pass [ValidateIRI].
	AddToCollection(ctx context.Context, collectionIRI, itemIRI string) (added bool, err error)

	// RemoveFromCollection removes itemIRI, reporting whether it was there.
	// Removing an absent member is not an error. A member removed and added
	// again takes a new, newest position.
	RemoveFromCollection(ctx context.Context, collectionIRI, itemIRI string) (removed bool, err error)

	// CollectionContains reports whether itemIRI is in the collection.
	CollectionContains(ctx context.Context, collectionIRI, itemIRI string) (bool, error)

	// CountCollection returns the number of members. An unknown collection
	// has zero members; it is not an error.
	CountCollection(ctx context.Context, collectionIRI string) (int, error)

	// CollectionPage returns up to limit members, newest first, starting
	// after cursor ("" for the first page). limit must be positive
	// ([ErrInvalid]) and is cut to [MaxPageSize]. A cursor that this store
	// did not issue for this collection, or that was altered, fails with
	// [ErrInvalidCursor]. The cursor format is the backend's (see
	// [EncodeCursor]); callers treat it as opaque.
	CollectionPage(ctx context.Context, collectionIRI, cursor string, limit int) (Page, error)
}
