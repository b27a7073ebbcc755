package activitypub

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/starling-fed/starling/activitypub/delivery"
	"github.com/starling-fed/starling/activitypub/jsonld"
	"github.com/starling-fed/starling/activitypub/vocab"
	"github.com/starling-fed/starling/httpsig"
	"github.com/starling-fed/starling/internal/safehttp"
	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/webfinger"
)

// Federation is the federation engine a host application mounts: it serves
// actors, objects and collections, receives activities on inboxes, runs their
// side effects, publishes and delivers the host's activities, and fetches
// remote documents safely. Create it with [New], run it with
// [Federation.Start], mount [Federation.Handler], stop it with
// [Federation.Shutdown]. Its methods are safe for concurrent use.
type Federation struct {
	cfg    Config
	origin *url.URL
	host   string // Origin's host, lower-cased, with a non-default port
	paths  Paths
	st     store.Store
	log    *slog.Logger
	now    func() time.Time

	delivery *delivery.Delivery
	base     http.RoundTripper // guarded, unsigned
	signed   *http.Client      // GETs signed as the instance actor, no redirects followed
	wf       *webfinger.Client
	decoder  vocab.Decoder
	jsonld   *jsonld.Processor
	verifier *httpsig.Verifier
	resolver *httpsig.CachingResolver

	keys sync.Map // actor IRI -> *localKeys

	actorFetches flights // one fetch of a remote actor at a time (fetch.go)

	// inbound processing (see inbox.go)
	inq      chan string
	mu       sync.Mutex
	running  bool
	stop     context.CancelFunc
	wg       sync.WaitGroup
	shut     bool // Shutdown stopped a run: the Federation cannot start again
	inflight sync.WaitGroup
	pending  map[string]bool // inbound record IRIs queued or being processed
	handoff  sync.Map        // record IRI -> handoff, for this process's workers
	idle     *sync.Cond
}

// New checks cfg and returns a Federation that is not yet running.
func New(cfg Config) (*Federation, error) {
	if cfg.Store == nil {
		return nil, fmt.Errorf("%w: Store is required", ErrInvalidConfig)
	}
	origin, err := parseOrigin(cfg.Origin, cfg.InsecureAllowPrivateAddresses)
	if err != nil {
		return nil, err
	}
	paths, err := cfg.Paths.withDefaults()
	if err != nil {
		return nil, err
	}
	f := &Federation{
		cfg:    cfg,
		origin: origin,
		host:   strings.ToLower(origin.Host),
		paths:  paths,

		log: cfg.Logger,
		now: cfg.Clock,
	}
	if f.log == nil {
		f.log = slog.New(slog.DiscardHandler)
	}
	if f.now == nil {
		f.now = time.Now
	}
	f.cfg.Origin = origin.String()
	f.st = newCachedStore(cfg.Store, f.now, f.storedActorIRI(""))
	if f.cfg.InboxWorkers <= 0 {
		f.cfg.InboxWorkers = DefaultInboxWorkers
	}
	if f.cfg.MaxInboxBytes <= 0 {
		f.cfg.MaxInboxBytes = DefaultMaxInboxBytes
	}
	if f.cfg.MaxFetchBytes <= 0 {
		f.cfg.MaxFetchBytes = DefaultMaxFetchBytes
	}
	if f.cfg.ActorTTL <= 0 {
		f.cfg.ActorTTL = DefaultActorTTL
	}
	if f.cfg.SeenTTL <= 0 {
		f.cfg.SeenTTL = DefaultSeenTTL
	}
	switch {
	case f.cfg.MaxFetchDepth == 0:
		f.cfg.MaxFetchDepth = DefaultMaxFetchDepth
	case f.cfg.MaxFetchDepth < 0:
		f.cfg.MaxFetchDepth = 0
	}
	if f.cfg.PageSize <= 0 {
		f.cfg.PageSize = DefaultPageSize
	}
	if f.cfg.PageSize > store.MaxPageSize {
		f.cfg.PageSize = store.MaxPageSize
	}
	if f.cfg.InstanceUsername == "" {
		f.cfg.InstanceUsername = origin.Hostname()
	}
	if strings.ContainsFunc(f.cfg.InstanceUsername, func(r rune) bool {
		return r <= ' ' || r == 0x7f || strings.ContainsRune("@/?#%", r)
	}) {
		// It is the user part of the instance actor's acct: address.
		return nil, fmt.Errorf("%w: InstanceUsername %q may not hold @, /, ?, #, %% or white space", ErrInvalidConfig, f.cfg.InstanceUsername)
	}
	if f.cfg.UserAgent == "" {
		f.cfg.UserAgent = "Starling"
	}
	if strings.ContainsFunc(f.cfg.UserAgent, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		// No request could carry it.
		return nil, fmt.Errorf("%w: UserAgent %q holds control characters", ErrInvalidConfig, f.cfg.UserAgent)
	}
	if cfg.CavageOnly {
		f.cfg.PreferCavage = true
	}

	f.base = cfg.Transport
	if f.base == nil {
		c, err := safehttp.New(safehttp.Config{
			InsecureAllowPrivateAddresses: cfg.InsecureAllowPrivateAddresses,
			InsecureAllowHTTP:             cfg.InsecureAllowPrivateAddresses,
			TLSConfig:                     cfg.TLSConfig,
			MaxRedirects:                  -1,
			Timeout:                       -1,
			MaxBodyBytes:                  f.cfg.MaxFetchBytes,
			UserAgent:                     f.cfg.UserAgent,
			Logger:                        f.log,
		})
		if err != nil {
			return nil, fmt.Errorf("activitypub: building HTTP client: %w", err)
		}
		f.base = c.Transport
	}
	f.signed = &http.Client{
		Transport: &httpsig.Transport{
			Base:         f.base,
			PreferCavage: f.cfg.PreferCavage,
			Now:          f.now,
			Logger:       f.log,
			KeyFunc: func(r *http.Request) (httpsig.SigningKey, error) {
				return f.instanceKey(r.Context())
			},
		},
		Timeout: safehttp.DefaultTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse // safehttp.Fetch follows redirects itself, checking each hop
		},
	}
	f.wf = &webfinger.Client{
		HTTPClient: &http.Client{Transport: f.base, Timeout: safehttp.DefaultTimeout},
		// WebFinger asks over one scheme: a test or demo server on plain
		// http asks its peers over http too.
		InsecureAllowHTTP: cfg.InsecureAllowPrivateAddresses && origin.Scheme == "http",
		UserAgent:         f.cfg.UserAgent,
		Logger:            f.log,
	}
	f.jsonld = &jsonld.Processor{}
	f.decoder = vocab.Decoder{Normalize: f.jsonld.Normalize}
	f.resolver = &httpsig.CachingResolver{
		Resolver:    httpsig.KeyResolverFunc(f.resolveKey),
		TTL:         f.cfg.ActorTTL,
		NegativeTTL: time.Minute,
		Now:         f.now,
	}
	if cs, ok := f.st.(*cachedStore); ok {
		cs.forgetKey = f.resolver.Forget // a replaced or deleted actor's keys stop verifying at once
	}
	f.verifier = &httpsig.Verifier{
		Resolver:     keyResolver{f}, // f.resolver, refetching the actor when a signature fails
		MaxBodyBytes: f.cfg.MaxInboxBytes,
		Now:          f.now,
		Logger:       f.log,
	}
	// @target-uri is checked against the public origin's scheme, which a
	// server behind a TLS-terminating proxy cannot see on the request.
	f.verifier.RFC9421.Scheme = f.origin.Scheme

	dc := cfg.Delivery
	if dc.Store == nil {
		dc.Store = cfg.Store
	}
	if dc.Keys == nil {
		dc.Keys = f.deliveryKey
	}
	if dc.Transport == nil {
		// Deliveries to our own inboxes (local followers reached through
		// the shared inbox) are served in-process: a server need not
		// reach its own public address.
		dc.Transport = &selfTransport{f: f, next: f.base}
	}
	if dc.Clock == nil {
		dc.Clock = cfg.Clock
	}
	if dc.Logger == nil {
		dc.Logger = cfg.Logger
	}
	if dc.UserAgent == "" {
		dc.UserAgent = f.cfg.UserAgent
	}
	dc.PreferCavage = dc.PreferCavage || f.cfg.PreferCavage
	dc.InsecureAllowPrivateAddresses = dc.InsecureAllowPrivateAddresses || cfg.InsecureAllowPrivateAddresses
	hostGone := dc.OnGone
	dc.OnGone = func(ctx context.Context, inbox, activityID string) {
		f.inboxGone(ctx, inbox)
		if hostGone != nil {
			hostGone(ctx, inbox, activityID)
		}
	}
	f.delivery, err = delivery.New(dc)
	if err != nil {
		return nil, fmt.Errorf("%w: Delivery: %w", ErrInvalidConfig, err)
	}
	f.pending = make(map[string]bool)
	f.idle = sync.NewCond(&f.mu)
	return f, nil
}

// parseOrigin checks an Origin: an absolute http(s) URL with a host and
// nothing else (no path beyond "/", query, fragment or user information).
func parseOrigin(s string, allowHTTP bool) (*url.URL, error) {
	if s == "" {
		return nil, fmt.Errorf("%w: Origin is required", ErrInvalidConfig)
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("%w: Origin: %v", ErrInvalidConfig, err)
	}
	switch {
	case u.Scheme != "https" && !(u.Scheme == "http" && allowHTTP):
		return nil, fmt.Errorf("%w: Origin %q must be https (http only with InsecureAllowPrivateAddresses)", ErrInvalidConfig, s)
	case u.Host == "" || u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "":
		return nil, fmt.Errorf("%w: Origin %q must be a scheme and host only, like https://social.example.com", ErrInvalidConfig, s)
	}
	host := strings.TrimSuffix(strings.ToLower(u.Host), ":") // an empty port is the default one
	if p := u.Port(); (u.Scheme == "https" && p == "443") || (u.Scheme == "http" && p == "80") {
		host = strings.ToLower(u.Hostname())
	}
	o := &url.URL{Scheme: u.Scheme, Host: host}
	// Every IRI minted starts with the origin: the store must accept it
	// (a port out of range, say, would fail every write later).
	if err := store.ValidateIRI(o.String() + "/"); err != nil {
		return nil, fmt.Errorf("%w: Origin %q: %v", ErrInvalidConfig, s, err)
	}
	return o, nil
}

// Origin returns the server's origin, as "https://host".
func (f *Federation) Origin() string { return f.cfg.Origin }

// Store returns the store the Federation keeps its state in.
//
// The Federation keeps recent reads of remote actors, Store-held actor
// profiles and local actors' block lists in memory for up to 30 seconds: a
// host that writes those records straight to the store is heard within that
// time.
func (f *Federation) Store() store.Store { return f.cfg.Store }

// Delivery returns the delivery queue, for its status, dead letters and host
// states.
func (f *Federation) Delivery() *delivery.Delivery { return f.delivery }

// Start starts the delivery workers and the inbound processors, and resumes
// processing activities that were recorded but not processed before a
// restart. It returns once they run; they stop when ctx is done or at
// Shutdown. Call Shutdown even after ctx is done: until then the inboxes go
// on recording what they receive, for the next Federation on the store to
// process.
//
// Before Start the handlers already serve documents, WebFinger and
// NodeInfo, and Publish queues deliveries, but the inboxes answer 503 so
// that peers retry later. A second Start fails with ErrStarted. A
// Federation runs once: Start after Shutdown fails with ErrShutdown, and a
// host that stops and starts again builds a new Federation with [New] on
// the same store, which picks up what the first left unfinished.
func (f *Federation) Start(ctx context.Context) error {
	f.mu.Lock()
	switch {
	case f.running:
		f.mu.Unlock()
		return ErrStarted
	case f.shut:
		f.mu.Unlock()
		return ErrShutdown
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	if err := f.delivery.Start(runCtx); err != nil {
		f.mu.Unlock()
		cancel()
		return fmt.Errorf("activitypub: starting deliveries: %w", err)
	}
	f.running = true
	f.stop = cancel
	f.inq = make(chan string, 1024)
	f.mu.Unlock()
	go func() {
		select {
		case <-ctx.Done():
			cancel()
		case <-runCtx.Done():
		}
	}()
	for range f.cfg.InboxWorkers {
		f.wg.Add(1)
		go f.inboxWorker(runCtx)
	}
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		f.resumeInbound(runCtx)
	}()
	return nil
}

// Shutdown stops taking new inbound work, waits for the activities being
// processed and the deliveries in flight (until ctx is done), and stops the
// workers. Activities recorded but not processed stay in the store and are
// processed at the next Start of a Federation on the same store. Shutdown
// of a Federation not running does nothing.
func (f *Federation) Shutdown(ctx context.Context) error {
	f.mu.Lock()
	if !f.running {
		f.mu.Unlock()
		return nil
	}
	f.running = false
	f.shut = true
	stop := f.stop
	f.idle.Broadcast()
	f.mu.Unlock()
	done := make(chan struct{})
	go func() {
		f.inflight.Wait()
		close(done)
	}()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = ctx.Err()
	}
	stop()
	f.wg.Wait()
	if derr := f.delivery.Shutdown(ctx); err == nil {
		err = derr
	}
	return err
}

// clientIP-free helpers for IRIs follow.

// ActorIRI returns the IRI of the local actor username.
func (f *Federation) ActorIRI(username string) string {
	return f.cfg.Origin + expand(f.paths.Actor, "{name}", username)
}

// InboxIRI returns the personal inbox of username.
func (f *Federation) InboxIRI(username string) string {
	return f.cfg.Origin + expand(f.paths.Inbox, "{name}", username)
}

// OutboxIRI returns the outbox of username.
func (f *Federation) OutboxIRI(username string) string {
	return f.cfg.Origin + expand(f.paths.Outbox, "{name}", username)
}

// FollowersIRI returns the followers collection of username.
func (f *Federation) FollowersIRI(username string) string {
	return f.cfg.Origin + expand(f.paths.Followers, "{name}", username)
}

// FollowingIRI returns the following collection of username.
func (f *Federation) FollowingIRI(username string) string {
	return f.cfg.Origin + expand(f.paths.Following, "{name}", username)
}

// LikedIRI returns the liked collection of username.
func (f *Federation) LikedIRI(username string) string {
	return f.cfg.Origin + expand(f.paths.Liked, "{name}", username)
}

// FeaturedIRI returns the featured (pinned) collection of username.
func (f *Federation) FeaturedIRI(username string) string {
	return f.cfg.Origin + expand(f.paths.Featured, "{name}", username)
}

// SharedInboxIRI returns the shared inbox.
func (f *Federation) SharedInboxIRI() string { return f.cfg.Origin + f.paths.SharedInbox }

// InstanceActorIRI returns the instance actor, the Application that signs
// GETs.
func (f *Federation) InstanceActorIRI() string { return f.cfg.Origin + f.paths.InstanceActor }

// ObjectIRI returns the IRI Publish gives an object or activity with this
// id (see [Federation.NewID]).
func (f *Federation) ObjectIRI(id string) string {
	return f.cfg.Origin + expand(f.paths.Object, "{id}", id)
}

// NewID returns a fresh object IRI under Paths.Object: time-ordered and
// unguessable.
func (f *Federation) NewID() string { return f.ObjectIRI(newID(f.now())) }

// KeyID returns the key id of username's RSA key, as peers look it up.
func (f *Federation) KeyID(username string) string { return f.ActorIRI(username) + "#main-key" }

// Username returns the username of a local actor IRI, or false if iri names
// no local actor.
func (f *Federation) Username(iri string) (string, bool) {
	iri = f.canonical(iri)
	if iri == f.InstanceActorIRI() {
		return "", false
	}
	return match(f.cfg.Origin, f.paths.Actor, "{name}", iri)
}

// canonical respells a local IRI with the Origin exactly as configured
// ("HTTPS://Social.Example:443/x" becomes "https://social.example/x"), so
// paths can be matched against it. Other IRIs are returned unchanged.
func (f *Federation) canonical(iri string) string {
	if strings.HasPrefix(iri, f.cfg.Origin+"/") || !f.IsLocal(iri) {
		return iri
	}
	u, err := url.Parse(iri)
	if err != nil {
		return iri
	}
	out := f.cfg.Origin + u.EscapedPath()
	if u.ForceQuery || u.RawQuery != "" {
		out += "?" + u.RawQuery
	}
	if u.Fragment != "" {
		out += "#" + u.EscapedFragment()
	}
	return out
}

// IsLocal reports whether iri is on this server's origin.
func (f *Federation) IsLocal(iri string) bool {
	h, err := store.HostOf(iri)
	scheme, _, _ := strings.Cut(iri, ":")
	return err == nil && h == f.host && strings.EqualFold(scheme, f.origin.Scheme)
}
