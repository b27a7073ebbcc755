package vocab

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinel errors. A decoding failure is a *DecodeError wrapping one of them,
// so both errors.Is (what went wrong) and errors.As (where) work.
var (
	// ErrInvalidJSON reports input that is not well-formed JSON.
	ErrInvalidJSON = errors.New("vocab: invalid JSON")
	// ErrInvalidUTF8 reports a string that is not valid UTF-8.
	ErrInvalidUTF8 = errors.New("vocab: invalid UTF-8")
	// ErrWrongType reports a known property holding a JSON value of a type
	// it cannot have, such as a number for "content".
	ErrWrongType = errors.New("vocab: wrong JSON type")
	// ErrInvalidIRI reports an id or reference that is not an absolute
	// http(s) IRI (nor an at:// or did: identifier).
	ErrInvalidIRI = errors.New("vocab: invalid IRI")
	// ErrInvalidValue reports a value of the right JSON type that does not
	// parse, such as a malformed date.
	ErrInvalidValue = errors.New("vocab: invalid value")
	// ErrTooDeep reports nesting deeper than Decoder.MaxDepth.
	ErrTooDeep = errors.New("vocab: nesting too deep")
	// ErrTooLong reports an array longer than Decoder.MaxArrayLen.
	ErrTooLong = errors.New("vocab: array too long")
	// ErrTooManyObjects reports a document holding more objects than
	// Decoder.MaxObjects.
	ErrTooManyObjects = errors.New("vocab: too many objects")
	// ErrTooLarge reports a document larger than Decoder.MaxBytes.
	ErrTooLarge = errors.New("vocab: document too large")
	// ErrUnknownContext reports an "@context" URL this package does not
	// know; it is never fetched. Errors carrying it also match
	// ErrNeedsJSONLD, since a JSON-LD processor with that context could
	// still read the document.
	ErrUnknownContext = errors.New("vocab: unknown @context")
	// ErrNeedsJSONLD reports a document whose "@context" gives terms a
	// meaning other than the usual one, so that reading it directly would
	// misread it, and no Decoder.Normalize hook was set to normalize it.
	ErrNeedsJSONLD = errors.New("vocab: document needs JSON-LD processing")
	// ErrNotObject reports a document whose top level is not a JSON object.
	ErrNotObject = errors.New("vocab: document is not a JSON object")
)

// DecodeError is the error returned for a document that cannot be decoded.
type DecodeError struct {
	// Path locates the offending value, such as "object.tag[2].href";
	// empty for the document itself.
	Path string
	// Offset is the byte offset in the input where the problem was found.
	Offset int
	// Detail says more, such as the offending IRI; may be empty.
	Detail string
	// Err is the sentinel: ErrInvalidJSON, ErrWrongType, ...
	Err error
}

// Error implements error.
func (e *DecodeError) Error() string {
	var b strings.Builder
	b.WriteString(e.Err.Error())
	if e.Path != "" {
		b.WriteString(" at ")
		b.WriteString(e.Path)
	}
	b.WriteString(" (offset ")
	b.WriteString(strconv.Itoa(e.Offset))
	b.WriteString(")")
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	return b.String()
}

// Unwrap returns the sentinel, and for an unknown context also
// ErrNeedsJSONLD.
func (e *DecodeError) Unwrap() []error {
	if e.Err == ErrUnknownContext {
		return []error{e.Err, ErrNeedsJSONLD}
	}
	return []error{e.Err}
}
