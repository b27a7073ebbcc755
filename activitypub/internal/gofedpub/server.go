package gofedpub

import (
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-fed/activity/pub"
)

// Errors of the package. Refusals of an inbox POST are logged with the
// error that caused them and answered with the status each one names.
var (
	// ErrInvalidConfig reports a Config that NewServer cannot use.
	ErrInvalidConfig = errors.New("gofedpub: invalid config")
	// ErrInvalidKnownActor reports an AddKnownActor or Block argument
	// that is not an absolute IRI or a usable key.
	ErrInvalidKnownActor = errors.New("gofedpub: invalid known actor")
	// ErrNilIRI reports a nil IRI handed to the database, or a value
	// without the id the database keys it by.
	ErrNilIRI = errors.New("gofedpub: nil IRI")
	// ErrNilValue reports a nil value handed to the database.
	ErrNilValue = errors.New("gofedpub: nil value")
	// ErrNotFound reports an IRI the database has no entry for.
	ErrNotFound = errors.New("gofedpub: not found")
	// ErrNotLocked reports an Unlock of an id whose lock is not held.
	ErrNotLocked = errors.New("gofedpub: id not locked")
	// ErrNoDelivery reports that go-fed asked for an outgoing transport:
	// the server never sends requests (no delivery, no dereferencing).
	ErrNoDelivery = errors.New("gofedpub: outgoing requests are disabled")

	// ErrNoSignature reports an inbox POST without a parsable Signature
	// header (401).
	ErrNoSignature = errors.New("gofedpub: no valid Signature header")
	// ErrUnknownKey reports a signature by a key id that is not among the
	// known actors' (401).
	ErrUnknownKey = errors.New("gofedpub: unknown key id")
	// ErrBadDate reports a missing Date header or one outside the clock
	// skew (401).
	ErrBadDate = errors.New("gofedpub: Date header missing or out of range")
	// ErrBadDigest reports a missing Digest header or one that does not
	// match the body (401).
	ErrBadDigest = errors.New("gofedpub: Digest header missing or wrong")
	// ErrBadSignature reports a signature that does not verify (401).
	ErrBadSignature = errors.New("gofedpub: signature does not verify")
	// ErrActorMismatch reports an activity whose actor is not the owner of
	// the key that signed it (403).
	ErrActorMismatch = errors.New("gofedpub: activity actor is not the signer")
)

// Defaults for the zero values of Config.
const (
	defaultActorPath    = "/actor"
	defaultMaxBodyBytes = 1 << 20
	defaultClockSkew    = time.Hour
	defaultPageSize     = 20
	// signatureValidity is how long after its Date a signature stays
	// valid, before the clock skew is added.
	signatureValidity = 5 * time.Minute
	// maxRecursionDepth bounds go-fed's inbox forwarding and delivery
	// recursion (zero would mean unbounded).
	maxRecursionDepth = 4
)

// Config configures a Server. The zero value serves an actor at /actor on
// any host.
type Config struct {
	// Host is the host, with its port if any, of the server's IRIs, such
	// as "example.com" or "127.0.0.1:8080". go-fed names the inbox after
	// the Host a request arrives with, so Host must be what peers send.
	// If empty, every host is taken for this server's: an IRI is local
	// when its path is one of the actor's.
	Host string

	// ActorPath is the path of the only local actor. Its inbox is at
	// ActorPath+"/inbox", its outbox at ActorPath+"/outbox", and so on.
	// If empty, "/actor" is used.
	ActorPath string

	// MaxBodyBytes caps the body of an inbox POST; a larger one is
	// refused with 413. If zero, 1 MiB.
	MaxBodyBytes int64

	// ClockSkew is how far the Date header of a signed request may lie
	// from the server's clock: a request is accepted from Date - ClockSkew
	// to Date + 5 min + ClockSkew. If zero, one hour.
	ClockSkew time.Duration

	// InboxPageSize is how many items the first inbox (and outbox) page
	// holds when go-fed loads it to prepend an activity. If zero, 20.
	InboxPageSize int

	// Now returns the current time, for go-fed's clock and the Date check.
	// If nil, time.Now is used.
	Now func() time.Time

	// Logger receives refusals and errors. If nil, nothing is logged.
	Logger *slog.Logger
}

// Server is a go-fed pub federating actor with an in-memory database,
// serving one local actor's inbox and outbox. It is safe for concurrent
// use.
type Server struct {
	actor   pub.FederatingActor
	db      *memDB
	local   localIRIs
	maxBody int64
	skew    time.Duration
	now     func() time.Time
	log     *slog.Logger

	mu      sync.RWMutex
	keys    map[string]knownKey // by key id
	blocked map[string]struct{} // actor IRIs
}

// knownKey is a cached public key and the actor that owns it.
type knownKey struct {
	owner *url.URL
	pub   *rsa.PublicKey
}

// NewServer checks cfg and returns a Server. Its errors wrap
// ErrInvalidConfig.
func NewServer(cfg Config) (*Server, error) {
	if strings.ContainsAny(cfg.Host, "/?#@ ") {
		return nil, fmt.Errorf("%w: Host %q is not a host[:port]", ErrInvalidConfig, cfg.Host)
	}
	actorPath := cfg.ActorPath
	if actorPath == "" {
		actorPath = defaultActorPath
	}
	if !strings.HasPrefix(actorPath, "/") || strings.HasSuffix(actorPath, "/") || strings.ContainsAny(actorPath, "?# ") {
		return nil, fmt.Errorf("%w: ActorPath %q must start with / and not end with /", ErrInvalidConfig, actorPath)
	}
	if cfg.MaxBodyBytes < 0 || cfg.ClockSkew < 0 || cfg.InboxPageSize < 0 {
		return nil, fmt.Errorf("%w: MaxBodyBytes, ClockSkew and InboxPageSize must not be negative", ErrInvalidConfig)
	}
	s := &Server{
		local:   newLocalIRIs(cfg.Host, actorPath),
		maxBody: orDefault(cfg.MaxBodyBytes, defaultMaxBodyBytes),
		skew:    orDefault(cfg.ClockSkew, defaultClockSkew),
		now:     cfg.Now,
		log:     cfg.Logger,
		keys:    make(map[string]knownKey),
		blocked: make(map[string]struct{}),
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.db = newMemDB(s.local, orDefault(cfg.InboxPageSize, defaultPageSize))
	p := &protocol{s: s}
	s.actor = pub.NewFederatingActor(p, p, s.db, clock(s.now))
	return s, nil
}

// AddKnownActor caches the public key keyID of the actor actorIRI, so that
// requests it signs are verified without fetching anything.
func (s *Server) AddKnownActor(actorIRI, keyID string, key *rsa.PublicKey) error {
	owner, err := absoluteIRI(actorIRI)
	if err != nil {
		return err
	}
	if keyID == "" || key == nil {
		return fmt.Errorf("%w: empty key id or nil key", ErrInvalidKnownActor)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys[keyID] = knownKey{owner: owner, pub: key}
	return nil
}

// Block makes go-fed refuse, with 403, activities whose actor is actorIRI.
func (s *Server) Block(actorIRI string) error {
	iri, err := absoluteIRI(actorIRI)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blocked[iri.String()] = struct{}{}
	return nil
}

// InboxPath is the path of the local actor's inbox, where peers POST.
func (s *Server) InboxPath() string { return s.local.inbox }

// ActorPath is the path of the local actor.
func (s *Server) ActorPath() string { return s.local.actor }

// Stored returns the number of Notes in the database.
func (s *Server) Stored() int {
	n, _ := s.db.counts()
	return n
}

// Received returns the number of activities in the inbox.
func (s *Server) Received() int {
	_, n := s.db.counts()
	return n
}

// Has reports whether the database holds an object with the id iri.
func (s *Server) Has(iri string) bool {
	u, err := url.Parse(iri)
	return err == nil && s.db.has(u)
}

// ServeHTTP runs go-fed's handlers: POST to the inbox (PostInbox), GET of
// the inbox and outbox (GetInbox, GetOutbox). Other paths get 404 and
// other methods 405.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var (
		handled bool
		err     error
	)
	switch {
	case r.URL.Path == s.local.inbox && r.Method == http.MethodPost:
		r.Body = http.MaxBytesReader(w, r.Body, s.maxBody)
		handled, err = s.actor.PostInbox(ctx, w, r)
		if !handled && err == nil {
			http.Error(w, "gofedpub: Content-Type must be an ActivityStreams type", http.StatusUnsupportedMediaType)
			return
		}
	case r.URL.Path == s.local.inbox && r.Method == http.MethodGet:
		handled, err = s.actor.GetInbox(ctx, w, r)
	case r.URL.Path == s.local.outbox && r.Method == http.MethodGet:
		handled, err = s.actor.GetOutbox(ctx, w, r)
	case r.URL.Path == s.local.inbox || r.URL.Path == s.local.outbox:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "gofedpub: method not allowed", http.StatusMethodNotAllowed)
		return
	default:
		http.NotFound(w, r)
		return
	}
	if err != nil {
		status := errorStatus(err)
		s.log.LogAttrs(ctx, slog.LevelWarn, "gofedpub: request failed",
			slog.String("path", r.URL.Path), slog.Int("status", status), slog.Any("err", err))
		http.Error(w, err.Error(), status)
		return
	}
	if !handled {
		http.Error(w, "gofedpub: Accept must name an ActivityStreams type", http.StatusNotAcceptable)
	}
}

// errorStatus maps an error go-fed returned from a handler to a status.
// go-fed leaves the response unwritten when it returns an error.
func errorStatus(err error) int {
	var (
		syntax    *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
		maxBytes  *http.MaxBytesError
		errStatus = http.StatusInternalServerError
	)
	switch {
	case errors.Is(err, ErrActorMismatch):
		errStatus = http.StatusForbidden
	case errors.As(err, &maxBytes):
		errStatus = http.StatusRequestEntityTooLarge
	case errors.As(err, &syntax), errors.As(err, &typeErr):
		errStatus = http.StatusBadRequest
	}
	return errStatus
}

// absoluteIRI parses an actor IRI for AddKnownActor and Block.
func absoluteIRI(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return nil, fmt.Errorf("%w: %q is not an absolute IRI", ErrInvalidKnownActor, s)
	}
	return u, nil
}

func orDefault[T int | int64 | time.Duration](v, def T) T {
	if v == 0 {
		return def
	}
	return v
}

// clock is go-fed's pub.Clock over a time function.
type clock func() time.Time

var _ pub.Clock = clock(nil)

// Now returns the current time.
func (c clock) Now() time.Time { return c() }
