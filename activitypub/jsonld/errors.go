package jsonld

import (
	"errors"
	"fmt"
)

// Sentinel errors, for errors.Is. Errors returned by this package wrap one of
// them, or a *FetchError, or a *ProcessingError.
var (
	// ErrContextNotAllowed means a document referenced a context URL that is
	// neither embedded nor supplied in Loader.Extra, and the Loader may not
	// fetch it (Loader.InsecureAllowNetwork is false, or the URL is not http(s)).
	// No request was sent.
	ErrContextNotAllowed = errors.New("jsonld: context not allowed")
	// ErrInvalidJSON means the input is not a single well-formed JSON
	// object or array.
	ErrInvalidJSON = errors.New("jsonld: invalid JSON")
	// ErrTooLarge means a document or a fetched context exceeds its size cap.
	ErrTooLarge = errors.New("jsonld: document too large")
	// ErrTooDeep means a document nests objects and arrays deeper than
	// Processor.MaxDepth.
	ErrTooDeep = errors.New("jsonld: document nested too deeply")
	// ErrContextCycle means a context includes itself, directly or through
	// other contexts.
	ErrContextCycle = errors.New("jsonld: context includes itself")
	// ErrTooManyContexts means processing one document loaded more remote
	// contexts than the per-document limit allows.
	ErrTooManyContexts = errors.New("jsonld: too many remote contexts")
	// ErrTooComplex means a document would cost too much to process: its
	// scoped contexts (contexts inside term definitions), its own or those
	// of the contexts it loads, would be applied to too many objects, or
	// (for Canonicalize) its blank nodes are so alike that labelling them
	// canonically would take exponential time.
	ErrTooComplex = errors.New("jsonld: document too costly to process")
	// ErrInvalidContext means a context document is not a JSON object with
	// an "@context" member.
	ErrInvalidContext = errors.New("jsonld: invalid context document")
)

// FetchError reports a failed network fetch of a context (only possible with
// Loader.InsecureAllowNetwork).
type FetchError struct {
	// URL is the context URL requested.
	URL string
	// StatusCode is the HTTP status received, or 0 if no response arrived.
	StatusCode int
	// Err is the underlying error, if any.
	Err error
}

// Error implements error.
func (e *FetchError) Error() string {
	if e.StatusCode != 0 {
		return fmt.Sprintf("jsonld: fetching context %s: HTTP status %d", e.URL, e.StatusCode)
	}
	return fmt.Sprintf("jsonld: fetching context %s: %v", e.URL, e.Err)
}

// Unwrap returns the underlying error.
func (e *FetchError) Unwrap() error { return e.Err }

// ProcessingError reports a document that the JSON-LD algorithms reject, such
// as an invalid term definition or a malformed value object. Code is the
// JSON-LD error code ("invalid local context", "invalid @id value", ...).
type ProcessingError struct {
	// Op is the operation that failed: "expand", "compact" or "canonicalize".
	Op string
	// Code is the JSON-LD API error code.
	Code string
	// Err is the error reported by the processor.
	Err error
}

// Error implements error.
func (e *ProcessingError) Error() string {
	return fmt.Sprintf("jsonld: %s: %v", e.Op, e.Err)
}

// Unwrap returns the underlying error.
func (e *ProcessingError) Unwrap() error { return e.Err }
