package store

import (
	"context"
	"encoding/json"
	"time"
)

// Object is a JSON document stored by IRI: a local object the host keeps no
// table of its own for, or a cached copy of a remote one.
type Object struct {
	// IRI is the object's id. It must pass [ValidateIRI].
	IRI string
	// Type is the object's ActivityStreams type ("Note", "Tombstone", …).
	// Required; the store does not read it from Document.
	Type string
	// Document is the JSON document, at most [MaxDocumentSize] bytes. It is
	// returned byte for byte as stored (not re-encoded).
	Document []byte
	// Local is true for objects this server is the origin of.
	Local bool
	// Fetched is when a remote object was fetched; zero for local ones.
	// Refetch policies compare it with the current time.
	Fetched time.Time
	// Updated is when the object was last written; the caller sets it.
	Updated time.Time
	// FormerType and Deleted are set on Tombstones left by
	// [Objects.DeleteObject]: the type the object had and when it was
	// deleted. Only DeleteObject sets them; [Objects.PutObject] ignores
	// them and stores a live object.
	FormerType string
	Deleted    time.Time
}

// Objects stores JSON documents by IRI.
//
// Implementations must be safe for concurrent use and honour ctx. Writes are
// last-writer-wins per IRI.
type Objects interface {
	// PutObject stores obj under obj.IRI, replacing any live object there
	// (FormerType and Deleted are ignored; see [Object]).
	// Invalid input fails with [ErrInvalidIRI], [ErrTooLarge] or
	// [ErrInvalid] and stores nothing. If obj.IRI is tombstoned, PutObject
	// fails with [ErrGone]: a deleted object is not resurrected by a late
	// update.
	PutObject(ctx context.Context, obj Object) error

	// GetObject returns the object stored under iri. If it was deleted it
	// returns the Tombstone (Type "Tombstone", Document from
	// [TombstoneDocument]) together with an error wrapping [ErrGone]. If
	// nothing was ever stored the error wraps [ErrNotFound].
	GetObject(ctx context.Context, iri string) (Object, error)

	// DeleteObject replaces the object under iri by a Tombstone recording
	// its former type and deleted time. Deleting a Tombstone again is a
	// no-op returning nil; deleting an IRI never stored fails with
	// [ErrNotFound]. A zero deleted time fails with [ErrInvalid]: a
	// Tombstone is known by its Deleted time.
	DeleteObject(ctx context.Context, iri string, deleted time.Time) error

	// PurgeObject forgets iri entirely, Tombstone included, so a later
	// GetObject answers [ErrNotFound]. Purging an absent IRI is a no-op.
	PurgeObject(ctx context.Context, iri string) error
}

// TombstoneDocument returns the JSON document of the Tombstone left in place
// of a deleted object. Every backend returns exactly these bytes, so a 410
// answer looks the same whichever store serves it.
func TombstoneDocument(iri, formerType string, deleted time.Time) []byte {
	doc := struct {
		Context    string `json:"@context"`
		ID         string `json:"id"`
		Type       string `json:"type"`
		FormerType string `json:"formerType,omitempty"`
		Deleted    string `json:"deleted"`
	}{"https://www.w3.org/ns/activitystreams", iri, "Tombstone", formerType, deleted.UTC().Format(time.RFC3339)}
	b, _ := json.Marshal(doc) // cannot fail
	return b
}
