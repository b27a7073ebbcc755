package delivery

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/starling-fed/starling/store"
)

// ContentType is the media type deliveries are posted with.
const ContentType = "application/activity+json"

// hold takes a claimed job: it starts at once if the pool and its host
// have room, else it waits in its host's line.
func (d *Delivery) hold(j store.Job) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.held++
	if isFanout(j) {
		d.running++
		go d.run(j, false)
		return
	}
	h := d.hosts[j.Host]
	if h == nil {
		h = &hostSlot{}
		d.hosts[j.Host] = h
	}
	if d.running < d.cfg.Workers && h.running < d.cfg.PerHostLimit && len(h.waiting) == 0 {
		d.startLocked(h, j)
		return
	}
	h.waiting = append(h.waiting, j)
}

// startLocked runs j on a new worker goroutine. d.mu is held.
func (d *Delivery) startLocked(h *hostSlot, j store.Job) {
	d.running++
	h.running++
	go d.run(j, true)
}

// finished accounts for a job leaving the pool and starts waiting jobs
// that now fit.
func (d *Delivery) finished(j store.Job) {
	d.mu.Lock()
	d.held--
	if d.held == 0 {
		close(d.idle)
		d.idle = make(chan struct{})
	}
	d.mu.Unlock()
	select {
	case d.freed <- struct{}{}:
	default:
	}
}

// ran accounts for the end of a running job and starts the next ones.
func (d *Delivery) ran(j store.Job, counted bool) {
	d.mu.Lock()
	d.running--
	if counted {
		h := d.hosts[j.Host]
		h.running--
		if !d.stopping {
			d.fillLocked(h, j.Host)
		}
		if h.running == 0 && len(h.waiting) == 0 {
			delete(d.hosts, j.Host)
		}
	}
	d.mu.Unlock()
	d.finished(j)
}

// fillLocked starts waiting jobs, the freed host's first. d.mu is held.
func (d *Delivery) fillLocked(first *hostSlot, host string) {
	for d.running < d.cfg.Workers && first.running < d.cfg.PerHostLimit && len(first.waiting) > 0 {
		next := first.waiting[0]
		first.waiting = first.waiting[1:]
		d.startLocked(first, next)
	}
	for name, h := range d.hosts {
		if d.running >= d.cfg.Workers {
			return
		}
		if name == host {
			continue
		}
		for d.running < d.cfg.Workers && h.running < d.cfg.PerHostLimit && len(h.waiting) > 0 {
			next := h.waiting[0]
			h.waiting = h.waiting[1:]
			d.startLocked(h, next)
		}
	}
}

// run delivers one job and ends its lease.
func (d *Delivery) run(j store.Job, counted bool) {
	defer d.ran(j, counted)
	ctx := d.runCtx
	if isFanout(j) {
		d.expand(ctx, j)
		return
	}
	now := d.cfg.Clock()
	if !j.LeaseUntil.IsZero() && j.LeaseUntil.Sub(now) < d.cfg.Timeout {
		// The job waited in its host's line until its lease could end
		// mid-attempt, when another worker may claim and send it too:
		// hand it back to be claimed afresh.
		d.log.DebugContext(ctx, "delivery: lease too short to start, job released", "job", j.ID,
			"inbox", j.Inbox, "lease_until", j.LeaseUntil)
		d.release(j)
		return
	}
	adm, until, err := d.br.admit(ctx, j.Host, now)
	if err != nil {
		d.log.ErrorContext(ctx, "delivery: reading host state", "host", j.Host, "error", err)
	}
	switch adm {
	case admitWait:
		d.end(ctx, j, "retry", func(ctx context.Context) error {
			return d.store.Retry(ctx, j, until, j.LastError)
		})
		return
	case admitBury:
		if d.end(ctx, j, "bury", func(ctx context.Context) error {
			return d.store.Bury(ctx, j, ErrHostUnavailable.Error())
		}) {
			d.track.dead(j)
			d.log.WarnContext(ctx, "delivery: host unavailable, job dead-lettered",
				"inbox", j.Inbox, "activity_id", j.ActivityID, "host", j.Host, "job", j.ID)
		}
		return
	}
	probe := adm == admitProbe
	start := time.Now()
	derr := d.attempt(ctx, j)
	took := time.Since(start)
	if ctx.Err() != nil {
		if derr == nil {
			// Accepted just as a hard shutdown began: the inbox has
			// it, so record that rather than send it again.
			if d.end(ctx, j, "complete", func(ctx context.Context) error { return d.store.Complete(ctx, j) }) {
				d.track.delivered(j)
			}
			return
		}
		// Shutting down hard: hand the job back untouched.
		d.release(j)
		return
	}
	now = d.cfg.Clock()
	var e *Error
	if derr != nil && !errors.As(derr, &e) {
		e = &Error{Inbox: j.Inbox, Err: derr}
	}
	switch {
	case e == nil:
		if !d.end(ctx, j, "complete", func(ctx context.Context) error { return d.store.Complete(ctx, j) }) {
			return
		}
		d.track.delivered(j)
		before, err := d.br.success(ctx, j.Host, now)
		if err != nil {
			d.log.ErrorContext(ctx, "delivery: recording host success", "host", j.Host, "error", err)
		}
		if before != BreakerClosed {
			d.log.InfoContext(ctx, "delivery: host back", "host", j.Host, "was", string(before))
		}
		d.log.DebugContext(ctx, "delivery: delivered", "inbox", j.Inbox, "activity_id", j.ActivityID,
			"attempt", j.Attempts, "duration", took, "probe", probe)
	case e.Gone():
		if !d.end(ctx, j, "bury", func(ctx context.Context) error { return d.store.Bury(ctx, j, e.Error()) }) {
			return
		}
		d.track.gone(j)
		d.log.InfoContext(ctx, "delivery: inbox gone", "inbox", j.Inbox, "activity_id", j.ActivityID, "status", e.Status)
		if d.cfg.OnGone != nil {
			d.cfg.OnGone(ctx, j.Inbox, j.ActivityID)
		}
		d.hostReached(ctx, j.Host, now)
	case e.Permanent:
		if !d.end(ctx, j, "bury", func(ctx context.Context) error { return d.store.Bury(ctx, j, e.Error()) }) {
			return
		}
		d.track.dead(j)
		d.log.WarnContext(ctx, "delivery: permanent failure, job dead-lettered", "inbox", j.Inbox,
			"activity_id", j.ActivityID, "status", e.Status, "attempt", j.Attempts)
		d.hostReached(ctx, j.Host, now)
	default:
		if hostFault(e) {
			s, err := d.br.failure(ctx, j.Host, now, probe)
			if err != nil {
				d.log.ErrorContext(ctx, "delivery: recording host failure", "host", j.Host, "error", err)
			} else if st := d.br.stateOf(s, now); st != BreakerClosed {
				d.log.WarnContext(ctx, "delivery: host circuit "+string(st), "host", j.Host,
					"open_until", s.OpenUntil, "failure_days", len(s.FailureDays))
			}
		}
		next, ok := d.bo.next(j.Created, now, j.Attempts, e)
		if !ok {
			if d.end(ctx, j, "bury", func(ctx context.Context) error {
				return d.store.Bury(ctx, j, ErrExpired.Error()+": "+e.Error())
			}) {
				d.track.dead(j)
				d.log.WarnContext(ctx, "delivery: retries exhausted, job dead-lettered", "inbox", j.Inbox,
					"activity_id", j.ActivityID, "attempt", j.Attempts, "error", e.Error())
			}
			return
		}
		if d.end(ctx, j, "retry", func(ctx context.Context) error { return d.store.Retry(ctx, j, next, e.Error()) }) {
			d.track.failing(j)
			d.log.WarnContext(ctx, "delivery: attempt failed", "inbox", j.Inbox, "activity_id", j.ActivityID,
				"status", e.Status, "attempt", j.Attempts, "next", next, "error", e.Error(), "duration", took)
		}
	}
}

// hostReached records that a host answered, even if the answer was a
// refusal about one inbox: the host itself is up.
func (d *Delivery) hostReached(ctx context.Context, host string, now time.Time) {
	if _, err := d.br.success(ctx, host, now); err != nil {
		d.log.ErrorContext(ctx, "delivery: recording host success", "host", host, "error", err)
	}
}

// end ends a lease with fn, reporting whether it did. A lost lease means
// another worker owns the job now: it is dropped quietly.
func (d *Delivery) end(ctx context.Context, j store.Job, what string, fn func(context.Context) error) bool {
	if ctx.Err() != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
	}
	err := fn(ctx)
	switch {
	case err == nil:
		return true
	case errors.Is(err, store.ErrLeaseLost):
		d.log.InfoContext(ctx, "delivery: lease lost", "job", j.ID, "inbox", j.Inbox, "op", what)
	default:
		d.log.ErrorContext(ctx, "delivery: ending lease", "job", j.ID, "inbox", j.Inbox, "op", what, "error", err)
	}
	return false
}

// release returns a claimed job to the queue, due now, as it was.
func (d *Delivery) release(j store.Job) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(d.runCtx), 10*time.Second)
	defer cancel()
	d.end(ctx, j, "release", func(ctx context.Context) error {
		return d.store.Retry(ctx, j, d.cfg.Clock(), j.LastError)
	})
}

// maxAnswer is how much of an answer is read so the connection can be
// reused.
const maxAnswer = 64 << 10

// attempt signs and posts j once.
func (d *Delivery) attempt(ctx context.Context, j store.Job) error {
	ctx, cancel := context.WithTimeout(ctx, d.cfg.Timeout)
	defer cancel()
	key, err := d.cfg.Keys(ctx, j.Sender)
	if err != nil {
		return &Error{Inbox: j.Inbox, Err: fmt.Errorf("signing key of %s: %w", j.Sender, err), local: true}
	}
	ctx = context.WithValue(ctx, keyContext{}, key)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, j.Inbox, bytes.NewReader(j.Activity))
	if err != nil {
		return &Error{Inbox: j.Inbox, Err: err, Permanent: true, Status: 0}
	}
	req.Header.Set("Content-Type", ContentType)
	req.Header.Set("Accept", ContentType)
	req.Header.Set("User-Agent", d.cfg.UserAgent)
	resp, err := d.client.Do(req)
	if err != nil {
		return &Error{Inbox: j.Inbox, Err: err}
	}
	_, _ = io.CopyN(io.Discard, resp.Body, maxAnswer)
	_ = resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	e := &Error{Inbox: j.Inbox, Status: resp.StatusCode, Permanent: permanentStatus(resp.StatusCode)}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		e.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), d.cfg.Clock())
	}
	return e
}
