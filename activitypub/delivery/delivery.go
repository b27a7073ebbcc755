package delivery

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/starling-fed/starling/httpsig"
	"github.com/starling-fed/starling/internal/safehttp"
	"github.com/starling-fed/starling/store"
)

// Delivery sends queued activities to remote inboxes. Create it with
// [New], enqueue with [Delivery.Publish], run its workers with
// [Delivery.Start] and stop them with [Delivery.Shutdown]. Its methods are
// safe for concurrent use.
type Delivery struct {
	cfg    Config
	store  store.Store
	client *http.Client
	signer *httpsig.Transport
	bo     backoff
	br     *breaker
	track  *tracker
	log    *slog.Logger
	wake   chan struct{}
	freed  chan struct{} // a held job finished

	mu        sync.Mutex
	started   bool
	stopping  bool
	stopClaim chan struct{} // closed by Shutdown: claim no more
	cancelRun context.CancelFunc
	runCtx    context.Context
	dispDone  chan struct{} // closed when the dispatcher returns
	idle      chan struct{} // closed and replaced when held drops to 0
	held      int           // jobs claimed and not yet finished
	running   int
	hosts     map[string]*hostSlot
}

// hostSlot is one host's share of the pool.
type hostSlot struct {
	running int
	waiting []store.Job
}

// keyContext carries the signing key of one attempt to the signer.
type keyContext struct{}

// New checks cfg and returns a Delivery that is not yet running.
func New(cfg Config) (*Delivery, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	base := cfg.Transport
	if base == nil {
		c, err := safehttp.New(safehttp.Config{
			InsecureAllowPrivateAddresses: cfg.InsecureAllowPrivateAddresses,
			InsecureAllowHTTP:             cfg.InsecureAllowPrivateAddresses,
			MaxRedirects:                  -1,
			Timeout:                       -1, // each attempt has its own deadline
			UserAgent:                     cfg.UserAgent,
			Logger:                        cfg.Logger,
		})
		if err != nil {
			return nil, fmt.Errorf("delivery: building HTTP client: %w", err)
		}
		base = c.Transport
	}
	signer := &httpsig.Transport{
		Base:         base,
		PreferCavage: cfg.PreferCavage,
		MaxBodyBytes: store.MaxDocumentSize,
		Now:          cfg.Clock,
		Logger:       cfg.Logger,
		KeyFunc: func(r *http.Request) (httpsig.SigningKey, error) {
			k, ok := r.Context().Value(keyContext{}).(httpsig.SigningKey)
			if !ok {
				return k, fmt.Errorf("delivery: no signing key in request context")
			}
			return k, nil
		},
	}
	d := &Delivery{
		cfg:   cfg,
		store: cfg.Store,
		client: &http.Client{
			Transport:     signer,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		signer: signer,
		bo:     newBackoff(cfg),
		br:     newBreaker(cfg),
		track:  newTracker(),
		log:    cfg.Logger,
		wake:   make(chan struct{}, 1),
		freed:  make(chan struct{}, 1),
		idle:   make(chan struct{}),
		hosts:  make(map[string]*hostSlot),
	}
	return d, nil
}

// Start runs the workers until [Delivery.Shutdown] is called or ctx ends.
// When ctx ends, attempts in flight are abandoned and their jobs released
// to the queue. Start returns at once; it fails if called twice.
func (d *Delivery) Start(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.started {
		return ErrStarted
	}
	d.started = true
	d.runCtx, d.cancelRun = context.WithCancel(ctx)
	d.stopClaim = make(chan struct{})
	d.dispDone = make(chan struct{})
	var notify <-chan struct{}
	if n, ok := d.store.(store.JobNotifier); ok {
		notify = n.NotifyJobs(d.runCtx)
	}
	go d.dispatch(notify)
	return nil
}

// Shutdown stops claiming jobs, returns the jobs claimed but not started
// to the queue at once and waits for the attempts in flight to finish. If
// ctx ends first, those attempts are cancelled and their jobs released
// for another worker, and ctx's error is returned. A released job keeps
// its attempt count.
func (d *Delivery) Shutdown(ctx context.Context) error {
	d.mu.Lock()
	if !d.started {
		d.mu.Unlock()
		return ErrNotStarted
	}
	if !d.stopping {
		d.stopping = true
		close(d.stopClaim)
	}
	d.mu.Unlock()
	<-d.dispDone // no claim can add jobs after this
	d.mu.Lock()
	var waiting []store.Job
	for _, h := range d.hosts {
		waiting = append(waiting, h.waiting...)
		h.waiting = nil
	}
	d.mu.Unlock()
	for _, j := range waiting {
		d.release(j)
		d.finished(j)
	}
	err := d.waitIdle(ctx)
	if err != nil {
		d.cancelRun()
		_ = d.waitIdle(context.Background())
	}
	d.cancelRun()
	return err
}

// waitIdle waits until no job is held or ctx ends.
func (d *Delivery) waitIdle(ctx context.Context) error {
	for {
		d.mu.Lock()
		n, ch := d.held, d.idle
		d.mu.Unlock()
		if n == 0 {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Wake makes the workers look for due jobs now rather than at the next
// poll, for instance after the clock given in [Config.Clock] moved.
func (d *Delivery) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// MarkHostAlive forgets the failures of host ("example.com" or
// "example.com:8443"), closing its circuit and ending its unavailability.
// The engine calls it when the host sends a request with a valid
// signature, as Mastodon does.
func (d *Delivery) MarkHostAlive(ctx context.Context, host string) error {
	host = normHost(host)
	if host == "" {
		return fmt.Errorf("%w: empty host", store.ErrInvalid)
	}
	before, err := d.br.get(ctx, host, d.cfg.Clock())
	if err != nil {
		return err
	}
	if len(before.Failures) == 0 && len(before.FailureDays) == 0 && before.OpenUntil.IsZero() {
		return nil
	}
	if err := d.br.alive(ctx, host, d.cfg.Clock()); err != nil {
		return err
	}
	d.log.InfoContext(ctx, "delivery: host marked alive", "host", host)
	d.Wake()
	return nil
}

// dispatch claims due jobs while there is room and hands them to workers.
func (d *Delivery) dispatch(notify <-chan struct{}) {
	defer close(d.dispDone)
	ctx := d.runCtx
	room := 4 * d.cfg.Workers
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-d.stopClaim:
			return
		case <-ctx.Done():
			return
		default:
		}
		d.mu.Lock()
		free := room - d.held
		d.mu.Unlock()
		full := false
		// Claim in batches, once half the room is free: a claim is a
		// store query whose cost barely depends on its limit.
		if free >= room/2 {
			jobs, err := d.store.Claim(ctx, d.cfg.Clock(), d.cfg.Lease, free)
			if err != nil {
				if ctx.Err() == nil {
					d.log.ErrorContext(ctx, "delivery: claiming jobs", "error", err)
				}
			}
			for _, j := range jobs {
				d.hold(j)
			}
			full = len(jobs) == free
		}
		if full {
			continue // more may be due
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(d.cfg.PollInterval)
		select {
		case <-d.stopClaim:
			return
		case <-ctx.Done():
			return
		case <-d.wake:
		case <-notify:
		case <-d.freed:
		case <-timer.C:
		}
	}
}
