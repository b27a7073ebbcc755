package activitypub

import (
	"errors"
	"fmt"

	"github.com/starling-fed/starling/store"
)

// Sentinel errors, compared with errors.Is.
var (
	// ErrNotFound: no such actor or object. It matches store.ErrNotFound
	// (and so fs.ErrNotExist) too.
	ErrNotFound = fmt.Errorf("activitypub: not found: %w", store.ErrNotFound)
	// ErrGone: the actor or object was deleted.
	ErrGone = fmt.Errorf("activitypub: gone: %w", store.ErrGone)
	// ErrInvalidConfig: New was given an unusable Config.
	ErrInvalidConfig = errors.New("activitypub: invalid config")
	// ErrBlocked: the actor or its domain is blocked.
	ErrBlocked = errors.New("activitypub: blocked")
	// ErrForbidden: the sender may not do what the activity asks, such as
	// deleting another actor's post.
	ErrForbidden = errors.New("activitypub: forbidden")
	// ErrOriginMismatch: an id is not on the host it must be on (an
	// activity id on another host than its actor's, a fetched document
	// whose id names another host than the URL it came from).
	ErrOriginMismatch = errors.New("activitypub: id not on its origin")
	// ErrInvalidActivity: the activity lacks what it needs (id, type,
	// actor, object) or is otherwise unusable.
	ErrInvalidActivity = errors.New("activitypub: invalid activity")
	// ErrUnsupportedMediaType: a request or response has the wrong
	// content type.
	ErrUnsupportedMediaType = errors.New("activitypub: unsupported media type")
	// ErrTooDeep: a chain of fetches (replies, key owners) went past its
	// limit.
	ErrTooDeep = errors.New("activitypub: fetch recursion too deep")
	// ErrIgnored: an activity concerns nothing this server keeps (a Like
	// of a post not ours, a post addressed to nobody here): its default
	// side effect dropped it, and the host's hook is not called.
	ErrIgnored = errors.New("activitypub: activity ignored")
	// ErrNotRunning: the Federation was not started or was shut down.
	ErrNotRunning = errors.New("activitypub: not running")
	// ErrStarted: Start was called on a Federation already started.
	ErrStarted = errors.New("activitypub: already started")
	// ErrShutdown: Start was called after Shutdown. A Federation runs
	// once; to run again, build a new one with [New] on the same store,
	// which resumes everything the first left unfinished.
	ErrShutdown = errors.New("activitypub: shut down")
)

// FetchError is a failed fetch of a remote document.
type FetchError struct {
	URL    string // the URL asked for
	Status int    // the HTTP status, 0 if no response was read
	Err    error  // the reason
}

// Error says which URL failed, with its status when one was read.
func (e *FetchError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("activitypub: fetch %s: status %d: %v", e.URL, e.Status, e.Err)
	}
	return fmt.Sprintf("activitypub: fetch %s: %v", e.URL, e.Err)
}

// Unwrap returns the reason, for errors.Is and errors.As.
func (e *FetchError) Unwrap() error { return e.Err }
