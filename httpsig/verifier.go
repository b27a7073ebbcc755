package httpsig

import (
	"bytes"
	"context"
	"crypto"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"
)

// DefaultMaxBodyBytes is the body size [Verifier] accepts when MaxBodyBytes
// is zero: 1 MiB, far above any activity a server sends (Misskey caps its
// inbox at 64 KiB).
const DefaultMaxBodyBytes = 1 << 20

// Verifier checks the signatures of incoming requests, of either family.
// Its zero value, given a Resolver, applies Mastodon's rules. A Verifier is
// safe for concurrent use; do not change its fields while it is in use.
type Verifier struct {
	// Resolver finds the public key named by a signature. Required. If it
	// is a [Refresher] (as [CachingResolver] is), a signature that fails
	// with a cached key (it does not verify, or names an algorithm the
	// key's type cannot do) is retried once with the key fetched again.
	Resolver KeyResolver

	// Cavage is the policy for draft-cavage signatures; the zero value is
	// Mastodon's.
	Cavage CavagePolicy

	// RFC9421 is the policy for RFC 9421 signatures; the zero value is
	// Mastodon's.
	RFC9421 RFC9421Policy

	// MaxBodyBytes caps the body Verify reads. If zero, DefaultMaxBodyBytes
	// (1 MiB). A larger body fails with ErrBodyTooLarge.
	MaxBodyBytes int64

	// Now returns the current time. If set, it replaces the Now of both
	// policies; if nil, theirs (by default time.Now) are used.
	Now func() time.Time

	// Logger receives a debug record for each rejected request, with the
	// full reason the HTTP answer leaves out. If nil, nothing is logged.
	Logger *slog.Logger

	// Optional lets Middleware pass requests that carry no signature at
	// all on to the next handler, without a Verified in their context, for
	// the handler to decide (a public actor document, say). Requests whose
	// signature fails are still refused.
	Optional bool
}

// Verify checks the signature of r. It picks RFC 9421 when r has a
// Signature-Input header and draft-cavage otherwise.
//
// Verify reads the body, up to MaxBodyBytes, to check its digest, and puts
// an equivalent reader back in r.Body so the next handler can read it.
// A request without a signature fails with ErrNoSignature before its body is
// touched. Every error is a [*VerifyError] saying what failed.
func (v *Verifier) Verify(ctx context.Context, r *http.Request) (*Verified, error) {
	rfc9421 := r.Header.Get("Signature-Input") != ""
	if !rfc9421 && len(r.Header.Values("Signature")) == 0 {
		return nil, &VerifyError{Err: ErrNoSignature}
	}
	family := Cavage
	if rfc9421 {
		family = RFC9421
	}
	body, err := v.readBody(r)
	if err != nil {
		return nil, v.logged(ctx, r, &VerifyError{Family: family, Err: err})
	}
	verify := func(resolver KeyResolver) (*Verified, error) {
		if rfc9421 {
			return v.verifyRFC9421(ctx, r, body, resolver)
		}
		policy := v.Cavage
		if v.Now != nil {
			policy.Now = v.Now
		}
		return VerifyCavage(ctx, r, body, resolver, policy)
	}
	rec := &recordingResolver{base: v.Resolver}
	if v.Resolver == nil {
		return nil, v.logged(ctx, r, &VerifyError{Family: family, Err: fmt.Errorf("%w: Verifier has no Resolver", ErrUnknownKey)})
	}
	got, err := verify(rec)
	if err != nil && (errors.Is(err, ErrBadSignature) || errors.Is(err, ErrKeyType)) && rec.key != nil {
		if ref, ok := v.Resolver.(Refresher); ok {
			fresh, rerr := ref.RefreshKey(ctx, rec.keyID)
			if rerr == nil && fresh != nil && !sameKey(fresh.Key, rec.key.Key) {
				got, err = verify(&pinnedResolver{keyID: rec.keyID, key: fresh, base: v.Resolver})
			}
		}
	}
	if err != nil {
		return nil, v.logged(ctx, r, err)
	}
	return got, nil
}

// readBody reads r.Body up to the limit and puts it back.
func (v *Verifier) readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	max := v.MaxBodyBytes
	if max <= 0 {
		max = DefaultMaxBodyBytes
	}
	if r.ContentLength > max {
		return nil, fmt.Errorf("%w: Content-Length %d, limit %d", ErrBodyTooLarge, r.ContentLength, max)
	}
	orig := r.Body
	body, err := io.ReadAll(io.LimitReader(orig, max+1))
	if int64(len(body)) > max {
		r.Body = &replayBody{Reader: io.MultiReader(bytes.NewReader(body), orig), orig: orig}
		return nil, fmt.Errorf("%w: limit %d", ErrBodyTooLarge, max)
	}
	r.Body = &replayBody{Reader: bytes.NewReader(body), orig: orig}
	if err != nil {
		return nil, fmt.Errorf("%w: reading body: %v", ErrMalformed, err)
	}
	return body, nil
}

// replayBody serves bytes already read and closes the original body.
type replayBody struct {
	io.Reader
	orig io.Closer
}

func (b *replayBody) Close() error { return b.orig.Close() }

// logged records a rejection at debug level and returns err.
func (v *Verifier) logged(ctx context.Context, r *http.Request, err error) error {
	if v.Logger != nil {
		path := ""
		if r.URL != nil {
			path = r.URL.Path
		}
		attrs := []any{"method", r.Method, "path", path, "error", err.Error()}
		var ve *VerifyError
		if errors.As(err, &ve) && ve.KeyID != "" {
			attrs = append(attrs, "key_id", ve.KeyID)
		}
		v.Logger.DebugContext(ctx, "httpsig: request refused", attrs...)
	}
	return err
}

// recordingResolver remembers the last key it handed out.
type recordingResolver struct {
	base  KeyResolver
	keyID string
	key   *VerificationKey
}

func (r *recordingResolver) ResolveKey(ctx context.Context, keyID string) (*VerificationKey, error) {
	k, err := r.base.ResolveKey(ctx, keyID)
	if err == nil && k != nil {
		r.keyID, r.key = keyID, k
	}
	return k, err
}

// pinnedResolver answers keyID with a refreshed key.
type pinnedResolver struct {
	keyID string
	key   *VerificationKey
	base  KeyResolver
}

func (r *pinnedResolver) ResolveKey(ctx context.Context, keyID string) (*VerificationKey, error) {
	if keyID == r.keyID {
		k := *r.key
		return &k, nil
	}
	return r.base.ResolveKey(ctx, keyID)
}

// sameKey reports whether two keys are equal.
func sameKey(a, b any) bool {
	if ab, ok := a.([]byte); ok {
		bb, ok := b.([]byte)
		return ok && bytes.Equal(ab, bb)
	}
	if e, ok := a.(interface{ Equal(crypto.PublicKey) bool }); ok {
		return e.Equal(b)
	}
	return false
}

// verifyRFC9421 verifies an RFC 9421 signature under the Verifier's policy.
func (v *Verifier) verifyRFC9421(ctx context.Context, r *http.Request, body []byte, resolver KeyResolver) (*Verified, error) {
	policy := v.RFC9421
	if v.Now != nil {
		policy.Now = v.Now
	}
	return VerifyRFC9421(ctx, r, body, resolver, policy)
}
