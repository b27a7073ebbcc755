package webfinger

import (
	"errors"
	"fmt"

	"github.com/starling-fed/starling/internal/safehttp"
)

// Sentinel errors for errors.Is. A host's lookup returns [ErrNotFound] or
// [ErrGone]; the client's errors wrap one of these inside an [*Error].
var (
	// ErrInvalidAddress: an address or resource could not be parsed, is
	// too long, or is of a kind the operation does not accept.
	ErrInvalidAddress = errors.New("webfinger: invalid address")
	// ErrNotFound: the resource is unknown (HTTP 404).
	ErrNotFound = errors.New("webfinger: not found")
	// ErrGone: the resource existed and was deleted (HTTP 410).
	ErrGone = errors.New("webfinger: gone")
	// ErrBadResponse: the server answered with an unexpected status, content
	// type or document, or a JRD without a usable subject or self link.
	ErrBadResponse = errors.New("webfinger: bad response")
	// ErrMismatch: the JRD names a different subject or actor than the one
	// asked about, and the subject does not confirm itself.
	ErrMismatch = errors.New("webfinger: subject or actor does not match")

	// ErrPrivateAddress: the host is, or resolves to, a private, loopback
	// or reserved address (see Client.InsecureAllowPrivateAddresses).
	ErrPrivateAddress = safehttp.ErrPrivateAddress
	// ErrTooManyRedirects: more redirects than allowed, or a redirect loop.
	ErrTooManyRedirects = safehttp.ErrTooManyRedirects
	// ErrSchemeNotAllowed: a URL or redirect is not https (see
	// Client.InsecureAllowHTTP).
	ErrSchemeNotAllowed = safehttp.ErrSchemeNotAllowed
	// ErrBodyTooLarge: the response is larger than Client.MaxBodyBytes.
	ErrBodyTooLarge = safehttp.ErrBodyTooLarge
)

// Error is a failed request to a remote server. Err wraps one of the
// package's sentinels or a network error.
type Error struct {
	URL    string // the URL requested last
	Status int    // the HTTP status, 0 if no response was read
	Err    error  // the reason
}

// Error describes the failure.
func (e *Error) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("%v (GET %s: status %d)", e.Err, e.URL, e.Status)
	}
	return fmt.Sprintf("%v (GET %s)", e.Err, e.URL)
}

// Unwrap returns the reason.
func (e *Error) Unwrap() error { return e.Err }

// statusError maps an HTTP status to a sentinel.
func statusError(status int) error {
	switch status {
	case 404:
		return ErrNotFound
	case 410:
		return ErrGone
	default:
		return ErrBadResponse
	}
}
