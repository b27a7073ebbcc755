// Command demo runs two independent fediverse servers on this machine and
// lets them federate: bob on server B follows alice on server A through
// WebFinger, alice posts, bob replies, alice likes the reply. It prints what
// crossed the wire and exits 0 only if every step reached the other side.
//
//	go run ./examples/demo
//
// Each server has its own origin (https on a random loopback port, with a
// throwaway self-signed certificate both trust), its own SQLite file in a
// temporary directory and its own Federation. Nothing is installed and
// nothing leaves the machine.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"time"

	"github.com/starling-fed/starling/activitypub"
	"github.com/starling-fed/starling/activitypub/vocab"
	"github.com/starling-fed/starling/examples/internal/devtls"
)

// timeout bounds the whole demo; it normally takes a second or two.
const timeout = 30 * time.Second

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "demo failed:", err)
		os.Exit(1)
	}
}

// run runs the demo, writing the transcript to w. It returns nil only when
// every step was seen by the receiving server.
func run(ctx context.Context, w io.Writer) (err error) {
	ctx, cancel := context.WithTimeoutCause(ctx, timeout, fmt.Errorf("the demo took longer than %s", timeout))
	defer cancel()

	dir, err := os.MkdirTemp("", "starling-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cert, err := devtls.New("127.0.0.1")
	if err != nil {
		return err
	}

	wr := newWire()
	a, err := startNode(ctx, "A", "alice", "Alice", dir, cert, wr)
	if err != nil {
		return err
	}
	defer stopNode(a, &err)
	b, err := startNode(ctx, "B", "bob", "Bob", dir, cert, wr)
	if err != nil {
		return err
	}
	defer stopNode(b, &err)

	fmt.Fprintf(w, "Two fediverse servers on this machine, each with its own SQLite file in %s:\n", dir)
	fmt.Fprintf(w, "  A = %s   home of %s\n", a.origin, a.address())
	fmt.Fprintf(w, "  B = %s   home of %s\n", b.origin, b.address())
	fmt.Fprintln(w, "Below is each request a server received: sender → receiver (the sender is the server whose")
	fmt.Fprintln(w, "key signed it, ? if unsigned), what it carried, and the answer. 202 Accepted on an inbox")
	fmt.Fprintln(w, "means the receiver verified the signature and recorded the activity; a ✓ means the")
	fmt.Fprintln(w, "receiver's own code (its Hooks) was handed the activity.")

	d := &demo{w: w, wr: wr, a: a, b: b}
	steps := []struct {
		title string
		do    func(context.Context) error
	}{
		{"bob follows " + a.address() + ", found through WebFinger", d.follow},
		{"alice posts a public note", d.post},
		{"bob replies to it", d.reply},
		{"alice likes bob's reply", d.like},
	}
	for i, s := range steps {
		fmt.Fprintf(w, "\n%d. %s\n", i+1, s.title)
		if err := s.do(ctx); err != nil {
			wr.flush(w)
			fmt.Fprintf(w, "\nVerdict: FAIL at step %d (%s): %v\n", i+1, s.title, err)
			return fmt.Errorf("step %d, %s: %w", i+1, s.title, err)
		}
	}
	fmt.Fprintf(w, "\nVerdict: PASS — all %d steps arrived, signed, verified and processed on the receiving side.\n", len(steps))
	return nil
}

// stopNode stops n, adding a failure to *err.
func stopNode(n *node, err *error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if serr := n.stop(ctx); serr != nil {
		*err = errors.Join(*err, fmt.Errorf("stopping server %s: %w", n.label, serr))
	}
}

// demo holds what the steps share.
type demo struct {
	w        io.Writer
	wr       *wire
	a, b     *node
	noteIRI  string // IRI of alice's note
	replyIRI string // IRI of bob's reply
}

func (d *demo) follow(ctx context.Context) error {
	follow, err := d.b.fed.Follow(ctx, d.b.user, d.a.address())
	if err != nil {
		return err
	}
	bob := d.b.fed.ActorIRI(d.b.user)
	if err := d.saw(ctx, d.a, "A received bob's Follow", func(in *activitypub.Inbound) bool {
		return in.Activity.Type == vocab.TypeFollow && firstActor(in) == bob
	}); err != nil {
		return err
	}
	if err := d.saw(ctx, d.b, "B received alice's Accept of it", func(in *activitypub.Inbound) bool {
		return in.Activity.Type == vocab.TypeAccept && firstActor(in) == d.a.fed.ActorIRI(d.a.user)
	}); err != nil {
		return err
	}
	return d.delivered(ctx, d.b, "Follow", follow.ID)
}

func (d *demo) post(ctx context.Context) error {
	alice := d.a.fed.ActorIRI(d.a.user)
	note := vocab.NewNote("", alice, "<p>Hello from server A! Is anyone out there?</p>", time.Now())
	note.Address(vocab.VisibilityPublic, d.a.fed.FollowersIRI(d.a.user))
	create, err := d.a.fed.Publish(ctx, d.a.user, note)
	if err != nil {
		return err
	}
	d.noteIRI = objectIRI(create)
	if err := d.saw(ctx, d.b, "B received alice's note", func(in *activitypub.Inbound) bool {
		return in.Activity.Type == vocab.TypeCreate && in.Object != nil && in.Object.ID == d.noteIRI
	}); err != nil {
		return err
	}
	return d.delivered(ctx, d.a, "Create", create.ID)
}

func (d *demo) reply(ctx context.Context) error {
	create, err := d.b.fed.Reply(ctx, d.b.user, d.noteIRI, "<p>Loud and clear, from server B.</p>")
	if err != nil {
		return err
	}
	d.replyIRI = objectIRI(create)
	if err := d.saw(ctx, d.a, "A received bob's reply to alice's note", func(in *activitypub.Inbound) bool {
		return in.Activity.Type == vocab.TypeCreate && in.Object != nil && in.Object.ID == d.replyIRI &&
			slices.Contains(vocab.IDs(in.Object.InReplyTo), d.noteIRI)
	}); err != nil {
		return err
	}
	return d.delivered(ctx, d.b, "Create", create.ID)
}

func (d *demo) like(ctx context.Context) error {
	like, err := d.a.fed.Like(ctx, d.a.user, d.replyIRI)
	if err != nil {
		return err
	}
	if err := d.saw(ctx, d.b, "B received alice's Like of bob's reply", func(in *activitypub.Inbound) bool {
		return in.Activity.Type == vocab.TypeLike && slices.Contains(vocab.IDs(in.Activity.Object), d.replyIRI)
	}); err != nil {
		return err
	}
	return d.delivered(ctx, d.a, "Like", like.ID)
}

// saw waits until n's hooks were handed an activity matching match, then
// prints the wire so far and a check line naming the actor whose signature
// the receiving Federation verified (Inbound.Actor: every activity handed
// to a hook passed the signature, key-owner and origin checks).
func (d *demo) saw(ctx context.Context, n *node, what string, match func(*activitypub.Inbound) bool) error {
	in, err := n.seen.waitFor(ctx, match)
	d.wr.flush(d.w)
	if err != nil {
		return fmt.Errorf("never seen: %s: %w", what, err)
	}
	signer := "?"
	if in.Actor != nil {
		d.wr.mu.Lock()
		signer = d.wr.short(in.Actor.ID)
		d.wr.mu.Unlock()
	}
	fmt.Fprintf(d.w, "   ✓ %s (signature verified: %s)\n", what, signer)
	return nil
}

// delivered waits until every delivery of the activity id from n reached
// an end, and prints the counts. Any delivery not accepted is a failure.
func (d *demo) delivered(ctx context.Context, n *node, what, id string) error {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		st, err := n.fed.Delivery().StatusContext(ctx, id)
		if err != nil {
			return fmt.Errorf("delivery status of %s: %w", what, err)
		}
		if st.Known && st.Done() {
			fmt.Fprintf(d.w, "   ✓ delivery of the %s from %s: %d of %d inboxes accepted it, %d failed\n",
				what, n.label, st.Delivered, st.Enqueued, st.Dead)
			if st.Dead > 0 || st.Delivered == 0 {
				return fmt.Errorf("the %s was not delivered: %+v", what, st)
			}
			return nil
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			return fmt.Errorf("delivery of the %s never finished (%+v): %w", what, st, context.Cause(ctx))
		}
	}
}

// firstActor is the actor of the received activity.
func firstActor(in *activitypub.Inbound) string { return vocab.First(in.Activity.Actor).ID() }

// objectIRI is the IRI of the object a Create carries.
func objectIRI(create *vocab.Object) string {
	if id := vocab.First(create.Object).ID(); id != "" {
		return id
	}
	return create.ID
}
