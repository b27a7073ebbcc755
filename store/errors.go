package store

import (
	"errors"
	"io/fs"
)

// Sentinel errors. Implementations wrap them (fmt.Errorf("...: %w", ErrX)) so
// callers test with errors.Is; storetest checks every method that can fail
// this way.
var (
	// ErrNotFound: nothing is stored under the key asked for. It matches
	// fs.ErrNotExist too, so code written against io/fs keeps working:
	// errors.Is(err, fs.ErrNotExist) is true for every not-found error.
	ErrNotFound error = notFoundError{}

	// ErrGone: the object was deleted and a Tombstone stands in its place.
	// [Objects.GetObject] returns the Tombstone together with this error so
	// a handler can answer 410 Gone with the Tombstone as body. ErrGone does
	// not match ErrNotFound.
	ErrGone = errors.New("store: gone")

	// ErrConflict: the write contradicts what is stored, for example an
	// activity enqueued twice with different bytes, or a key id claimed by
	// a second actor. Nothing was written.
	ErrConflict = errors.New("store: conflict")

	// ErrInvalidCursor: a page cursor was not produced by this store for this
	// collection or listing, or was altered. Cursors are opaque.
	ErrInvalidCursor = errors.New("store: invalid cursor")

	// ErrInvalidIRI: an IRI argument is not an absolute http or https IRI
	// (see [ValidateIRI]). Nothing was written.
	ErrInvalidIRI = errors.New("store: invalid IRI")

	// ErrTooLarge: a document or payload exceeds [MaxDocumentSize]. Nothing
	// was written.
	ErrTooLarge = errors.New("store: document too large")

	// ErrInvalid: an argument other than an IRI or cursor is unusable: a
	// document that is not JSON, an unknown state or algorithm, a
	// non-positive limit or lease, an empty required field. Nothing was
	// written.
	ErrInvalid = errors.New("store: invalid argument")

	// ErrLeaseLost: a delivery job was completed, retried or buried by a
	// worker whose lease is no longer current: the lease expired and another
	// claim took the job, or the job already left the leased state. The
	// call changed nothing; the worker must drop the job.
	ErrLeaseLost = errors.New("store: lease lost")
)

// notFoundError is the type of [ErrNotFound]: it reads "store: not found"
// and matches fs.ErrNotExist under errors.Is.
type notFoundError struct{}

func (notFoundError) Error() string { return "store: not found" }

// Is reports whether target is fs.ErrNotExist.
func (notFoundError) Is(target error) bool { return target == fs.ErrNotExist }
