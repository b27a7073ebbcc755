package delivery

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/starling-fed/starling/store"
)

// Message is one activity to deliver.
type Message struct {
	// ActivityID is the activity's id; Activity its JSON, posted byte
	// for byte. Both required.
	ActivityID string
	Activity   []byte

	// Sender is the actor (or key id) whose key, found through
	// [Config.Keys], signs every delivery. Required.
	Sender string

	// Inboxes are recipient inboxes, already reduced to shared inboxes
	// where the recipient has one. Duplicates are dropped.
	Inboxes []string

	// FollowersOf, if set, is a local actor IRI: the distinct delivery
	// inboxes (shared inbox, else inbox) of its accepted followers in the
	// store are added to Inboxes.
	FollowersOf string

	// OrderingKey, if set, keeps this activity's delivery to an inbox
	// behind any earlier queued delivery with the same key to the same
	// inbox. Use the IRI of the object the activity acts on, so a Delete
	// never overtakes its Create, an Update never its Create.
	OrderingKey string

	// NotBefore, if later than now, delays the first attempt.
	NotBefore time.Time
}

// Published says what [Delivery.Publish] did.
type Published struct {
	// Enqueued is the number of delivery jobs added now.
	Enqueued int
	// Expanding reports that the followers of Message.FollowersOf are
	// being expanded by a queued job, which enqueues their deliveries
	// shortly.
	Expanding bool
}

// chunk is how many inboxes an expansion enqueues per store call.
const chunk = 1000

// Publish enqueues m for delivery to every inbox of its audience and
// returns once the jobs are stored; the workers deliver them. Inboxes
// are enqueued in one store call. A followers audience larger than
// [Config.ExpandThreshold] is expanded in two stages: Publish enqueues one
// job that walks the followers and enqueues their deliveries in batches,
// so Publish returns at once however large the audience.
//
// Publishing the same activity again adds jobs only for inboxes it has
// no queued job for.
func (d *Delivery) Publish(ctx context.Context, m Message) (Published, error) {
	var out Published
	if err := store.ValidateIRI(m.ActivityID); err != nil {
		return out, fmt.Errorf("delivery: activity id: %w", err)
	}
	if err := store.ValidateIRI(m.Sender); err != nil {
		return out, fmt.Errorf("delivery: sender: %w", err)
	}
	if err := store.ValidateDocument(m.Activity); err != nil {
		return out, fmt.Errorf("delivery: activity: %w", err)
	}
	now := d.cfg.Clock()
	inboxes := dedupe(m.Inboxes)
	for _, in := range inboxes {
		if err := store.ValidateIRI(in); err != nil {
			return out, fmt.Errorf("delivery: inbox: %w", err)
		}
	}
	if m.FollowersOf != "" {
		if err := store.ValidateIRI(m.FollowersOf); err != nil {
			return out, fmt.Errorf("delivery: followers of: %w", err)
		}
		inline := d.cfg.ExpandThreshold >= 0
		if inline {
			n, err := d.store.CountFollowers(ctx, m.FollowersOf, store.FollowAccepted)
			if err != nil {
				return out, fmt.Errorf("delivery: counting followers: %w", err)
			}
			inline = n <= d.cfg.ExpandThreshold
		}
		if inline {
			seen := make(map[string]struct{}, len(inboxes))
			for _, in := range inboxes {
				seen[in] = struct{}{}
			}
			for in, err := range d.store.FollowerInboxes(ctx, m.FollowersOf) {
				if err != nil {
					return out, fmt.Errorf("delivery: listing followers: %w", err)
				}
				if _, dup := seen[in]; !dup {
					seen[in] = struct{}{}
					inboxes = append(inboxes, in)
				}
			}
		} else {
			out.Expanding = true
		}
	}
	if out.Expanding {
		// The expansion job carries the listed inboxes too: enqueued
		// here, one delivered before the expansion ran could be enqueued
		// again by it as a follower's inbox.
		d.track.expanding(m.ActivityID, true)
		err := d.enqueueFanout(ctx, m, inboxes, now)
		switch {
		case errors.Is(err, store.ErrTooLarge) && len(inboxes) > 0:
			// Activity and inboxes do not fit in one job: enqueue the
			// inboxes here after all, accepting the small chance of a
			// second delivery to one that is also a follower's.
			n, err := d.enqueue(ctx, m, inboxes, now)
			if err != nil {
				d.track.expanding(m.ActivityID, false)
				return out, err
			}
			out.Enqueued = n
			if err := d.enqueueFanout(ctx, m, nil, now); err != nil {
				d.track.expanding(m.ActivityID, false)
				return out, err
			}
		case err != nil:
			d.track.expanding(m.ActivityID, false)
			return out, err
		}
		inboxes = nil
	}
	if len(inboxes) > 0 {
		n, err := d.enqueue(ctx, m, inboxes, now)
		if err != nil {
			return out, err
		}
		out.Enqueued = n
	}
	d.log.DebugContext(ctx, "delivery: published", "activity_id", m.ActivityID, "enqueued", out.Enqueued,
		"expanding", out.Expanding)
	d.Wake()
	return out, nil
}

// enqueue stores one job per inbox for m in one store call.
func (d *Delivery) enqueue(ctx context.Context, m Message, inboxes []string, now time.Time) (int, error) {
	n, err := d.store.Enqueue(ctx, store.Batch{
		ActivityID: m.ActivityID, Activity: m.Activity, Sender: m.Sender, Inboxes: inboxes,
		OrderingKey: m.OrderingKey, Now: now, NotBefore: m.NotBefore,
	})
	if err != nil {
		return 0, fmt.Errorf("delivery: enqueueing: %w", err)
	}
	d.track.enqueued(m.ActivityID, n)
	return n, nil
}

// dedupe drops repeated inboxes, keeping the first of each.
func dedupe(in []string) []string {
	seen := make(map[string]struct{}, len(in))
	out := make([]string, 0, len(in))
	for _, s := range in {
		if _, ok := seen[s]; ok {
			continue
		}
		seen[s] = struct{}{}
		out = append(out, s)
	}
	return out
}

// fanoutMarker begins the fragment of an expansion job's activity id.
const fanoutMarker = "starling-fanout"

// fanoutID is the id under which the expansion job of activityID is
// queued: the activity's id with a marked fragment, so it never collides
// with the activity's own jobs.
func fanoutID(activityID string) string {
	base, frag, _ := strings.Cut(activityID, "#")
	return base + "#" + fanoutMarker + ":" + frag
}

// fanoutPayload is what an expansion job carries.
type fanoutPayload struct {
	Fanout struct {
		ActivityID  string    `json:"activityId"`
		FollowersOf string    `json:"followersOf"`
		OrderingKey string    `json:"orderingKey,omitempty"`
		NotBefore   time.Time `json:"notBefore,omitzero"`
		Inboxes     []string  `json:"inboxes,omitempty"`
	} `json:"starlingFanout"`
	Activity json.RawMessage `json:"activity"`
}

// enqueueFanout queues the job that expands m's followers.
func (d *Delivery) enqueueFanout(ctx context.Context, m Message, inboxes []string, now time.Time) error {
	var p fanoutPayload
	p.Fanout.ActivityID = m.ActivityID
	p.Fanout.FollowersOf = m.FollowersOf
	p.Fanout.OrderingKey = m.OrderingKey
	p.Fanout.NotBefore = m.NotBefore
	p.Fanout.Inboxes = inboxes
	p.Activity = m.Activity
	body, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("delivery: encoding expansion job: %w", err)
	}
	if _, err := d.store.Enqueue(ctx, store.Batch{
		ActivityID: fanoutID(m.ActivityID), Activity: body, Sender: m.Sender,
		Inboxes: []string{m.FollowersOf}, Now: now,
	}); err != nil {
		return fmt.Errorf("delivery: enqueueing expansion job: %w", err)
	}
	return nil
}

// isFanout reports whether j is an expansion job.
func isFanout(j store.Job) bool {
	_, frag, ok := strings.Cut(j.ActivityID, "#")
	return ok && strings.HasPrefix(frag, fanoutMarker+":") && bytes.HasPrefix(j.Activity, []byte(`{"starlingFanout":`))
}

// expand runs an expansion job: it walks the followers and enqueues their
// deliveries in batches. Batches already queued are skipped by the store,
// so an expansion cut short by a crash is safely run again (inboxes
// delivered in between get the activity a second time).
func (d *Delivery) expand(ctx context.Context, j store.Job) {
	var p fanoutPayload
	if err := json.Unmarshal(j.Activity, &p); err != nil {
		d.end(ctx, j, "bury", func(ctx context.Context) error {
			return d.store.Bury(ctx, j, "delivery: unreadable expansion job: "+err.Error())
		})
		return
	}
	f := p.Fanout
	batch := store.Batch{ActivityID: f.ActivityID, Activity: p.Activity, Sender: j.Sender,
		OrderingKey: f.OrderingKey, Now: j.Created, NotBefore: f.NotBefore}
	total := 0
	listed := make(map[string]struct{}, len(f.Inboxes))
	for _, in := range f.Inboxes {
		listed[in] = struct{}{}
	}
	flush := func() error {
		if len(batch.Inboxes) == 0 {
			return nil
		}
		n, err := d.store.Enqueue(ctx, batch)
		total += n
		d.track.enqueued(f.ActivityID, n)
		batch.Inboxes = batch.Inboxes[:0]
		if n > 0 {
			d.Wake()
		}
		return err
	}
	var err error
	for _, in := range f.Inboxes {
		batch.Inboxes = append(batch.Inboxes, in)
		if len(batch.Inboxes) == chunk {
			if err = flush(); err != nil {
				break
			}
		}
	}
	for in, ierr := range d.store.FollowerInboxes(ctx, f.FollowersOf) {
		if err != nil {
			break
		}
		if ierr != nil {
			err = ierr
			break
		}
		if _, dup := listed[in]; dup {
			continue
		}
		batch.Inboxes = append(batch.Inboxes, in)
		if len(batch.Inboxes) == chunk {
			if err = flush(); err != nil {
				break
			}
		}
	}
	if err == nil {
		err = flush()
	}
	if err != nil {
		if ctx.Err() != nil {
			d.release(j)
			return
		}
		next, ok := d.bo.next(j.Created, d.cfg.Clock(), j.Attempts, nil)
		d.log.ErrorContext(ctx, "delivery: expanding followers", "activity_id", f.ActivityID, "error", err)
		if !ok {
			d.end(ctx, j, "bury", func(ctx context.Context) error { return d.store.Bury(ctx, j, err.Error()) })
			return
		}
		d.end(ctx, j, "retry", func(ctx context.Context) error { return d.store.Retry(ctx, j, next, err.Error()) })
		return
	}
	if d.end(ctx, j, "complete", func(ctx context.Context) error { return d.store.Complete(ctx, j) }) {
		d.track.expanding(f.ActivityID, false)
	}
	d.log.DebugContext(ctx, "delivery: followers expanded", "activity_id", f.ActivityID,
		"followers_of", f.FollowersOf, "enqueued", total)
}
