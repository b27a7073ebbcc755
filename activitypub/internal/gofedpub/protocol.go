package gofedpub

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/go-fed/activity/pub"
	"github.com/go-fed/activity/streams/vocab"
	"github.com/go-fed/httpsig"
)

// protocol is the application side go-fed asks for: its CommonBehavior and
// FederatingProtocol, over a Server.
type protocol struct{ s *Server }

var (
	_ pub.CommonBehavior     = (*protocol)(nil)
	_ pub.FederatingProtocol = (*protocol)(nil)
)

// signerKey is the context key of the IRI of the actor whose key signed
// the inbox POST being handled.
type signerKey struct{}

// AuthenticatePostInbox verifies the HTTP signature of an inbox POST the
// way go-fed applications do: go-fed/httpsig parses the Signature header,
// the key of its keyId comes from the cache of known actors, and the
// signature must verify as rsa-sha256 (go-fed/httpsig ignores the
// algorithm parameter, so "hs2019" is taken for RSA-SHA256). go-fed's pub
// checks neither Date nor Digest, so this does: Date must lie in the
// clock skew and the SHA-256 Digest must match the body, which is read
// here and put back for go-fed to read again.
func (p *protocol) AuthenticatePostInbox(ctx context.Context, w http.ResponseWriter, r *http.Request) (context.Context, bool, error) {
	signer, err := p.s.authenticate(r)
	if err != nil {
		status := http.StatusUnauthorized
		var maxBytes *http.MaxBytesError
		switch {
		case errors.As(err, &maxBytes):
			status = http.StatusRequestEntityTooLarge
		case errors.Is(err, errReadBody):
			status = http.StatusBadRequest
		}
		p.s.log.LogAttrs(ctx, slog.LevelInfo, "gofedpub: inbox POST refused",
			slog.Int("status", status), slog.Any("err", err))
		http.Error(w, err.Error(), status)
		return ctx, false, nil
	}
	return context.WithValue(ctx, signerKey{}, signer), true, nil
}

// errReadBody marks a failure to read the request body.
var errReadBody = errors.New("gofedpub: reading body")

// authenticate checks r's signature, Date and Digest and returns the IRI of
// the actor owning the key that signed it.
func (s *Server) authenticate(r *http.Request) (*url.URL, error) {
	v, err := httpsig.NewVerifier(r)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNoSignature, err)
	}
	s.mu.RLock()
	k, ok := s.keys[v.KeyId()]
	s.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownKey, v.KeyId())
	}
	if err := s.checkDate(r.Header.Get("Date")); err != nil {
		return nil, err
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errReadBody, err)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err := checkDigest(r.Header.Values("Digest"), body); err != nil {
		return nil, err
	}
	if err := v.Verify(k.pub, httpsig.RSA_SHA256); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadSignature, err)
	}
	return k.owner, nil
}

// checkDate checks that the Date header lies in the accepted window.
func (s *Server) checkDate(header string) error {
	if header == "" {
		return fmt.Errorf("%w: no Date header", ErrBadDate)
	}
	date, err := http.ParseTime(header)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBadDate, err)
	}
	now := s.now()
	if date.After(now.Add(s.skew)) || now.After(date.Add(signatureValidity+s.skew)) {
		return fmt.Errorf("%w: Date %s, now %s", ErrBadDate, header, now.UTC().Format(http.TimeFormat))
	}
	return nil
}

// checkDigest checks that a Digest header (RFC 3230) carries the SHA-256
// of body.
func checkDigest(headers []string, body []byte) error {
	for _, h := range headers {
		for part := range strings.SplitSeq(h, ",") {
			alg, value, ok := strings.Cut(strings.TrimSpace(part), "=")
			if !ok || !strings.EqualFold(alg, "SHA-256") {
				continue
			}
			want, err := base64.StdEncoding.DecodeString(value)
			if err != nil {
				return fmt.Errorf("%w: %w", ErrBadDigest, err)
			}
			got := sha256.Sum256(body)
			if subtle.ConstantTimeCompare(got[:], want) != 1 {
				return fmt.Errorf("%w: SHA-256 does not match the body", ErrBadDigest)
			}
			return nil
		}
	}
	return fmt.Errorf("%w: no SHA-256 Digest header", ErrBadDigest)
}

// PostInboxRequestBodyHook checks that every actor of the activity is the
// owner of the key that signed the request, which go-fed leaves to the
// application.
func (p *protocol) PostInboxRequestBodyHook(ctx context.Context, _ *http.Request, activity pub.Activity) (context.Context, error) {
	signer, _ := ctx.Value(signerKey{}).(*url.URL)
	actors := activity.GetActivityStreamsActor()
	if signer == nil || actors == nil || actors.Len() == 0 {
		return ctx, fmt.Errorf("%w: no actor or no signer", ErrActorMismatch)
	}
	for it := actors.Begin(); it != actors.End(); it = it.Next() {
		id, err := pub.ToId(it)
		if err != nil {
			return ctx, fmt.Errorf("%w: %w", ErrActorMismatch, err)
		}
		if id.String() != signer.String() {
			return ctx, fmt.Errorf("%w: actor %s, signed by %s", ErrActorMismatch, id, signer)
		}
	}
	return ctx, nil
}

// Blocked reports whether any of the actors is blocked.
func (p *protocol) Blocked(_ context.Context, actorIRIs []*url.URL) (bool, error) {
	p.s.mu.RLock()
	defer p.s.mu.RUnlock()
	for _, iri := range actorIRIs {
		if _, ok := p.s.blocked[iri.String()]; ok {
			return true, nil
		}
	}
	return false, nil
}

// FederatingCallbacks keeps go-fed's default side effects (Create stores
// the object, Follow does nothing, ...) and adds none.
func (p *protocol) FederatingCallbacks(context.Context) (pub.FederatingWrappedCallbacks, []any, error) {
	return pub.FederatingWrappedCallbacks{OnFollow: pub.OnFollowDoNothing}, nil, nil
}

// DefaultCallback accepts activity types go-fed has no side effects for,
// doing nothing more than go-fed's inbox bookkeeping.
func (p *protocol) DefaultCallback(ctx context.Context, activity pub.Activity) error {
	p.s.log.LogAttrs(ctx, slog.LevelDebug, "gofedpub: activity without side effects",
		slog.String("type", activity.GetTypeName()))
	return nil
}

// MaxInboxForwardingRecursionDepth bounds go-fed's search for local
// objects when deciding on inbox forwarding.
func (p *protocol) MaxInboxForwardingRecursionDepth(context.Context) int {
	return maxRecursionDepth
}

// MaxDeliveryRecursionDepth bounds go-fed's expansion of collections when
// delivering.
func (p *protocol) MaxDeliveryRecursionDepth(context.Context) int {
	return maxRecursionDepth
}

// FilterForwarding forwards to every collection go-fed found.
func (p *protocol) FilterForwarding(_ context.Context, potential []*url.URL, _ pub.Activity) ([]*url.URL, error) {
	return potential, nil
}

// GetInbox returns the first page of the inbox for go-fed's GET handler.
func (p *protocol) GetInbox(ctx context.Context, r *http.Request) (vocab.ActivityStreamsOrderedCollectionPage, error) {
	iri := requestIRI(r)
	if err := p.s.db.Lock(ctx, iri); err != nil {
		return nil, err
	}
	defer func() { _ = p.s.db.Unlock(ctx, iri) }()
	return p.s.db.GetInbox(ctx, iri)
}

// GetOutbox returns the first page of the outbox for go-fed's GET handler.
func (p *protocol) GetOutbox(ctx context.Context, r *http.Request) (vocab.ActivityStreamsOrderedCollectionPage, error) {
	iri := requestIRI(r)
	if err := p.s.db.Lock(ctx, iri); err != nil {
		return nil, err
	}
	defer func() { _ = p.s.db.Unlock(ctx, iri) }()
	return p.s.db.GetOutbox(ctx, iri)
}

// AuthenticateGetInbox lets anyone read the inbox.
func (p *protocol) AuthenticateGetInbox(ctx context.Context, _ http.ResponseWriter, _ *http.Request) (context.Context, bool, error) {
	return ctx, true, nil
}

// AuthenticateGetOutbox lets anyone read the outbox.
func (p *protocol) AuthenticateGetOutbox(ctx context.Context, _ http.ResponseWriter, _ *http.Request) (context.Context, bool, error) {
	return ctx, true, nil
}

// NewTransport refuses: the server sends no requests, so a Create whose
// object is only an IRI (which go-fed would dereference) fails.
func (p *protocol) NewTransport(context.Context, *url.URL, string) (pub.Transport, error) {
	return nil, ErrNoDelivery
}

// requestIRI is the IRI a request addresses, named the way go-fed names
// the inbox it posts to: https, the request's Host and its path.
func requestIRI(r *http.Request) *url.URL {
	return &url.URL{Scheme: "https", Host: r.Host, Path: r.URL.Path}
}
