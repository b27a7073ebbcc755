package delivery

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/starling-fed/starling/httpsig"
	"github.com/starling-fed/starling/store"
)

// Defaults applied by [New] for zero [Config] fields.
const (
	DefaultWorkers          = 16
	DefaultPerHostLimit     = 4
	DefaultLease            = 5 * time.Minute
	DefaultTimeout          = 30 * time.Second
	DefaultPollInterval     = time.Second
	DefaultExpandThreshold  = 1000
	DefaultBreakerThreshold = 5
	DefaultBreakerWindow    = 10 * time.Minute
	DefaultBreakerOpenFor   = 30 * time.Minute
	DefaultUnavailableDays  = 7
	DefaultMaxRetryAfter    = 24 * time.Hour
	DefaultJitter           = 0.2
)

// DefaultSchedule returns the retry delays used when [Config.Schedule] is
// empty: 17 delays growing from 30 seconds to 18 hours that add up to
// about 80 hours, close to Mastodon's count⁴ + 15 s curve. The n-th
// failure of a job waits the n-th delay (the last one repeats) with
// jitter; a job whose next attempt would fall after the sum of the
// schedule, counted from its enqueue time, is given up.
func DefaultSchedule() []time.Duration {
	return []time.Duration{
		30 * time.Second, time.Minute, 2 * time.Minute, 5 * time.Minute,
		10 * time.Minute, 20 * time.Minute, 40 * time.Minute, time.Hour,
		2 * time.Hour, 3 * time.Hour, 4 * time.Hour, 6 * time.Hour,
		8 * time.Hour, 10 * time.Hour, 12 * time.Hour, 15 * time.Hour,
		18 * time.Hour,
	}
}

// KeyFunc returns the key that signs deliveries for sender, the
// [store.Job.Sender] given to [Delivery.Publish] (an actor IRI or key id).
// It is called once per attempt and must be safe for concurrent use; cache
// parsed keys in it if loading them is costly.
type KeyFunc func(ctx context.Context, sender string) (httpsig.SigningKey, error)

// Config configures a [Delivery]. Only Store and Keys are required; every
// other field documents what its zero value means.
type Config struct {
	// Store holds the queue, the per-host breaker state and the follower
	// lists that "all followers of X" audiences expand from. Required.
	Store store.Store

	// Keys finds the signing key of a sender. Required.
	Keys KeyFunc

	// Transport sends the signed requests. If nil, the SSRF-guarded
	// transport of Starling's safe HTTP client is used: public addresses
	// and https only, with connection reuse per host (HTTP/1.1 keep-alive
	// and HTTP/2), a 10 s connect and a 20 s response-header timeout. A
	// Transport set here is used as given, without that guard.
	Transport http.RoundTripper

	// InsecureAllowPrivateAddresses lets the default transport deliver to
	// loopback, private and reserved addresses, and over plain http. Only
	// for tests and single-machine demos; ignored when Transport is set.
	InsecureAllowPrivateAddresses bool

	// PreferCavage makes draft-cavage the first signature tried with hosts
	// not yet known; by default RFC 9421 is tried first and a refusal
	// (400, 401, 404) is retried with draft-cavage, remembering per host.
	PreferCavage bool

	// UserAgent is sent with every delivery. If empty, "Starling".
	UserAgent string

	// Workers bounds the deliveries in flight in this process. If zero,
	// DefaultWorkers.
	Workers int

	// PerHostLimit bounds the deliveries in flight to one host from this
	// process. If zero, DefaultPerHostLimit. The default transport keeps
	// up to four idle connections per host, matching the default.
	PerHostLimit int

	// Lease is how long a claimed job is reserved for this process; a
	// process that dies leaves its jobs to others once their leases end.
	// It must exceed Timeout comfortably. A job that waited for a free
	// worker until less than Timeout of its lease is left is handed back
	// and claimed afresh rather than sent. If zero, DefaultLease.
	Lease time.Duration

	// Timeout bounds one attempt: finding the signing key, connecting,
	// sending (twice when a peer refuses the first signature), waiting
	// for the headers and reading the answer. It must be shorter than
	// Lease. If zero, DefaultTimeout.
	Timeout time.Duration

	// PollInterval is how often the queue is polled when nothing signals
	// new work (a [store.JobNotifier] and Publish in this process both
	// do). If zero, DefaultPollInterval.
	PollInterval time.Duration

	// Schedule lists the delays between attempts; see [DefaultSchedule],
	// used when it is empty.
	Schedule []time.Duration

	// Jitter is the fraction by which each delay is randomly lengthened
	// or shortened. If zero, DefaultJitter (±20 %); if negative, none;
	// above 1 (which could make a delay negative) is refused.
	Jitter float64

	// MaxRetryAfter caps the wait a peer may ask for with Retry-After. If
	// zero, DefaultMaxRetryAfter.
	MaxRetryAfter time.Duration

	// ExpandThreshold: an audience naming a followers collection with
	// more accepted followers than this is expanded by a queued job rather
	// than inside Publish. If zero, DefaultExpandThreshold; if negative,
	// always by a job.
	ExpandThreshold int

	// BreakerThreshold failures of one host within BreakerWindow open its
	// circuit for BreakerOpenFor; then one probe decides whether it closes.
	// Zero values mean DefaultBreakerThreshold, DefaultBreakerWindow and
	// DefaultBreakerOpenFor.
	BreakerThreshold int
	BreakerWindow    time.Duration
	BreakerOpenFor   time.Duration

	// UnavailableDays: a host whose deliveries failed on this many
	// distinct days is unavailable: its jobs are dead-lettered without
	// being tried until a delivery to it succeeds or [Delivery.MarkHostAlive]
	// is called. If zero, DefaultUnavailableDays.
	UnavailableDays int

	// OnGone is called when an inbox answers 410 Gone, so the host can
	// drop that follower. If nil, the job is only recorded as gone.
	OnGone func(ctx context.Context, inbox, activityID string)

	// Clock returns the current time for due times, backoff, breaker state
	// and signatures. If nil, time.Now.
	Clock func() time.Time

	// Logger receives a record per attempt (debug for success, warn for
	// failures) and per state change. If nil, nothing is logged.
	Logger *slog.Logger
}

// ErrConfig is wrapped by [New] when the configuration is unusable.
var ErrConfig = errors.New("delivery: invalid config")

// withDefaults validates c and fills its zero fields.
func (c Config) withDefaults() (Config, error) {
	if c.Store == nil {
		return c, fmt.Errorf("%w: Store is required", ErrConfig)
	}
	if c.Keys == nil {
		return c, fmt.Errorf("%w: Keys is required", ErrConfig)
	}
	for name, v := range map[string]int{"Workers": c.Workers, "PerHostLimit": c.PerHostLimit,
		"BreakerThreshold": c.BreakerThreshold, "UnavailableDays": c.UnavailableDays} {
		if v < 0 {
			return c, fmt.Errorf("%w: %s is negative", ErrConfig, name)
		}
	}
	for name, v := range map[string]time.Duration{"Lease": c.Lease, "Timeout": c.Timeout,
		"PollInterval": c.PollInterval, "MaxRetryAfter": c.MaxRetryAfter, "BreakerWindow": c.BreakerWindow,
		"BreakerOpenFor": c.BreakerOpenFor} {
		if v < 0 {
			return c, fmt.Errorf("%w: %s is negative", ErrConfig, name)
		}
	}
	for _, d := range c.Schedule {
		if d <= 0 {
			return c, fmt.Errorf("%w: Schedule has a non-positive delay", ErrConfig)
		}
	}
	def := func(p *int, v int) {
		if *p == 0 {
			*p = v
		}
	}
	defD := func(p *time.Duration, v time.Duration) {
		if *p == 0 {
			*p = v
		}
	}
	def(&c.Workers, DefaultWorkers)
	def(&c.PerHostLimit, DefaultPerHostLimit)
	def(&c.ExpandThreshold, DefaultExpandThreshold)
	def(&c.BreakerThreshold, DefaultBreakerThreshold)
	def(&c.UnavailableDays, DefaultUnavailableDays)
	defD(&c.Lease, DefaultLease)
	defD(&c.Timeout, DefaultTimeout)
	defD(&c.PollInterval, DefaultPollInterval)
	defD(&c.MaxRetryAfter, DefaultMaxRetryAfter)
	defD(&c.BreakerWindow, DefaultBreakerWindow)
	defD(&c.BreakerOpenFor, DefaultBreakerOpenFor)
	if c.Timeout >= c.Lease {
		return c, fmt.Errorf("%w: Timeout %v must be shorter than Lease %v", ErrConfig, c.Timeout, c.Lease)
	}
	if len(c.Schedule) == 0 {
		c.Schedule = DefaultSchedule()
	} else {
		c.Schedule = append([]time.Duration(nil), c.Schedule...)
	}
	switch {
	case c.Jitter == 0:
		c.Jitter = DefaultJitter
	case c.Jitter < 0:
		c.Jitter = 0
	case c.Jitter > 1:
		return c, fmt.Errorf("%w: Jitter above 1", ErrConfig)
	}
	if c.UserAgent == "" {
		c.UserAgent = "Starling"
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c, nil
}
