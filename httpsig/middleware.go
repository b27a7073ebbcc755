package httpsig

import (
	"context"
	"errors"
	"net/http"
)

// contextKey is the type of the context key holding a *Verified.
type contextKey struct{}

// NewContext returns a copy of ctx carrying v, as Middleware does.
func NewContext(ctx context.Context, v *Verified) context.Context {
	return context.WithValue(ctx, contextKey{}, v)
}

// FromContext returns the verified signature Middleware stored in ctx.
func FromContext(ctx context.Context) (*Verified, bool) {
	v, ok := ctx.Value(contextKey{}).(*Verified)
	return v, ok && v != nil
}

// Middleware verifies each request before passing it to next, with the
// result in its context (see [FromContext]) and its body readable again.
//
// A request that fails is answered 401 Unauthorized with a one-line,
// plain-text reason such as "signature expired", or 413 Request Entity Too
// Large when its body exceeds MaxBodyBytes; the details go to the Logger,
// never to the peer. With Optional set, a request carrying no signature is
// passed on without a Verified.
//
// Its signature fits func(http.Handler) http.Handler, so it composes with
// other middleware.
func (v *Verifier) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, err := v.Verify(r.Context(), r)
		if err != nil {
			if v.Optional && errors.Is(err, ErrNoSignature) {
				next.ServeHTTP(w, r)
				return
			}
			status := http.StatusUnauthorized
			if errors.Is(err, ErrBodyTooLarge) {
				status = http.StatusRequestEntityTooLarge
			}
			http.Error(w, PublicReason(err), status)
			return
		}
		next.ServeHTTP(w, r.WithContext(NewContext(r.Context(), got)))
	})
}

// PublicReason returns a short text saying why a verification failed, fit
// to send to the peer: it names the kind of failure and nothing else (no
// key fetch errors, no addresses). Errors that wrap none of the package's
// sentinels, such as a key resolver's network failure, give "signature
// could not be checked".
func PublicReason(err error) string {
	switch {
	case errors.Is(err, ErrNoSignature):
		return "request is not signed"
	case errors.Is(err, ErrBodyTooLarge):
		return "body too large"
	case errors.Is(err, ErrTooManySignatures):
		return "too many signatures"
	case errors.Is(err, ErrMalformed):
		return "malformed signature"
	case errors.Is(err, ErrUnknownAlgorithm):
		return "unsupported signature algorithm"
	case errors.Is(err, ErrMissingComponent):
		return "signature does not cover required headers"
	case errors.Is(err, ErrMissingHeader):
		return "signed header missing"
	case errors.Is(err, ErrDigestMismatch):
		return "digest does not match body"
	case errors.Is(err, ErrExpired):
		return "signature expired"
	case errors.Is(err, ErrNotYetValid):
		return "signature not yet valid"
	case errors.Is(err, ErrUnknownKey):
		return "unknown key"
	case errors.Is(err, ErrKeyType):
		return "key does not fit the signature"
	case errors.Is(err, ErrBadSignature):
		return "signature does not verify"
	}
	return "signature could not be checked"
}
