package store

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxDocumentSize is the largest JSON document, in bytes, a store accepts:
// objects, remote actor documents and queued activity payloads. Larger
// writes fail with [ErrTooLarge] and store nothing.
const MaxDocumentSize = 1 << 20

// MaxIRILength is the longest IRI, in bytes, a store accepts.
const MaxIRILength = 4096

// ValidateIRI reports whether s is an IRI a store may key data by: an
// absolute http or https IRI with a host, no user information, at most
// [MaxIRILength] bytes of valid UTF-8 without spaces or control characters.
// A fragment is allowed (key ids such as "https://example.com/u/a#main-key").
// The error wraps [ErrInvalidIRI] and says what is wrong.
func ValidateIRI(s string) error {
	switch {
	case s == "":
		return fmt.Errorf("%w: empty", ErrInvalidIRI)
	case len(s) > MaxIRILength:
		return fmt.Errorf("%w: %d bytes, longer than %d", ErrInvalidIRI, len(s), MaxIRILength)
	case !utf8.ValidString(s):
		return fmt.Errorf("%w: %s: not valid UTF-8", ErrInvalidIRI, quoteShort(s))
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
			return fmt.Errorf("%w: %s: contains space or control character", ErrInvalidIRI, quoteShort(s))
		}
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrInvalidIRI, quoteShort(s), err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("%w: %s: scheme must be http or https", ErrInvalidIRI, quoteShort(s))
	case u.Opaque != "":
		return fmt.Errorf("%w: %s: not hierarchical", ErrInvalidIRI, quoteShort(s))
	case u.User != nil:
		return fmt.Errorf("%w: %s: user information is not allowed", ErrInvalidIRI, quoteShort(s))
	case u.Hostname() == "":
		return fmt.Errorf("%w: %s: no host", ErrInvalidIRI, quoteShort(s))
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("%w: %s: port out of range", ErrInvalidIRI, quoteShort(s))
		}
	}
	return nil
}

// HostOf returns the lower-cased host of an IRI that passes
// [ValidateIRI], with its port unless that is the scheme's default (443
// for https, 80 for http) or empty, so that one server is one host
// however its IRIs spell it. Delivery jobs are grouped by it.
func HostOf(iri string) (string, error) {
	if err := ValidateIRI(iri); err != nil {
		return "", err
	}
	u, _ := url.Parse(iri) // cannot fail after ValidateIRI
	host := strings.ToLower(u.Host)
	switch {
	case u.Scheme == "https" && strings.HasSuffix(host, ":443"):
		host = strings.TrimSuffix(host, ":443")
	case u.Scheme == "http" && strings.HasSuffix(host, ":80"):
		host = strings.TrimSuffix(host, ":80")
	}
	return strings.TrimSuffix(host, ":"), nil
}

// ValidateDocument reports whether doc may be stored as a JSON document: at
// most [MaxDocumentSize] bytes (else [ErrTooLarge]) and syntactically valid
// JSON (else [ErrInvalid]).
func ValidateDocument(doc []byte) error {
	if len(doc) > MaxDocumentSize {
		return fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(doc), MaxDocumentSize)
	}
	if len(doc) == 0 || !json.Valid(doc) {
		return fmt.Errorf("%w: document is not valid JSON", ErrInvalid)
	}
	return nil
}

// quoteShort quotes s for an error message, cutting it to a readable length.
func quoteShort(s string) string {
	const max = 80
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return fmt.Sprintf("%q…", s[:cut])
	}
	return fmt.Sprintf("%q", s)
}
