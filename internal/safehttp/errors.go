package safehttp

import (
	"errors"
	"net/netip"
)

// Sentinel errors, for errors.Is. The errors an [http.Client] from [New]
// returns are *url.Error values that wrap one of these.
var (
	// ErrPrivateAddress: the host resolves to, or is, an address that is not
	// public unicast (see [CheckAddr]), or is a numeric host name that is
	// not a dotted-decimal IPv4 literal (see [IsNumericHost]).
	ErrPrivateAddress = errors.New("safehttp: address is not public")
	// ErrTooManyRedirects: the redirect limit was reached, or a redirect
	// led back to a URL already visited.
	ErrTooManyRedirects = errors.New("safehttp: too many redirects")
	// ErrSchemeNotAllowed: the URL, or a redirect target, is not https (or
	// http when allowed).
	ErrSchemeNotAllowed = errors.New("safehttp: URL scheme not allowed")
	// ErrBodyTooLarge: the response body is larger than the limit.
	ErrBodyTooLarge = errors.New("safehttp: response body too large")
)

// AddressError reports a refused address. It wraps [ErrPrivateAddress].
type AddressError struct {
	Host   string     // the host name dialled, if it was a name
	Addr   netip.Addr // the refused address
	Reason string     // the range it falls in, such as "loopback"
}

// Error describes the refusal.
func (e *AddressError) Error() string {
	msg := ErrPrivateAddress.Error() + ": " + e.Addr.String() + " is " + e.Reason
	if e.Host != "" {
		msg += " (resolved from " + e.Host + ")"
	}
	return msg
}

// Unwrap returns [ErrPrivateAddress].
func (e *AddressError) Unwrap() error { return ErrPrivateAddress }
