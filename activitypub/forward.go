package activitypub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"

	"github.com/starling-fed/starling/activitypub/delivery"
	"github.com/starling-fed/starling/activitypub/vocab"
	"github.com/starling-fed/starling/store"
)

// maxForwardDepth bounds how far forward follows inReplyTo, object, target
// and tag through cached objects looking for a local one.
const maxForwardDepth = 4

// forward implements inbox forwarding (ActivityPub §7.1.2): a remote
// activity seen for the first time (the inbox drops duplicates before side
// effects run) that addresses the followers collection of a local actor,
// and that refers — directly or through cached objects, at most
// maxForwardDepth levels deep — to an object that local actor wrote, is
// sent as received, byte for byte, to that actor's followers, signed by
// that actor. The author's own inboxes are left out.
//
// Requiring the local object to be the collection owner's keeps a remote
// actor from reaching the followers of someone whose post it did not
// answer. The receivers see a request signed by another actor than the
// activity's: they must not trust the body, but fetch the activity from its
// origin (its id) and process that copy.
func (f *Federation) forward(ctx context.Context, in *Inbound) error {
	return f.forwardTo(ctx, in, f.forwardOwners(ctx, in))
}

// forwardOwners returns the local actors whose followers in's activity
// must be forwarded to: those whose followers collection it addresses and
// whose object it refers to.
func (f *Federation) forwardOwners(ctx context.Context, in *Inbound) []string {
	act, actor := in.Activity, in.Actor.ID
	if f.IsLocal(actor) || len(in.Raw) == 0 || act.ID == "" {
		return nil
	}
	aud := audience(act)
	if o := in.Object; o != nil && sameHost(o.ID, actor) {
		aud = append(aud, audience(o)...)
	}
	var owners []string
	for _, iri := range aud {
		if name, ok := match(f.cfg.Origin, f.paths.Followers, "{name}", iri); ok {
			if owner := f.ActorIRI(name); !slices.Contains(owners, owner) {
				owners = append(owners, owner)
			}
		}
	}
	if len(owners) == 0 {
		return nil
	}
	authors := f.localAuthorsReached(ctx, in)
	return slices.DeleteFunc(owners, func(owner string) bool { return !slices.Contains(authors, owner) })
}

// forwardTo sends in's raw activity to the followers of each owner, signed
// by the owner, leaving out the inboxes of the activity's actor and local
// ones.
func (f *Federation) forwardTo(ctx context.Context, in *Inbound, owners []string) error {
	act := in.Activity
	exclude := []string{in.Actor.Inbox, sharedInbox(in.Actor)}
	ordering := vocab.First(act.Object).ID()
	for _, owner := range owners {
		var inboxes []string
		for inbox, err := range f.st.FollowerInboxes(ctx, owner) {
			if err != nil {
				return err
			}
			if inbox != "" && !slices.Contains(exclude, inbox) && !f.IsLocal(inbox) {
				inboxes = append(inboxes, inbox)
			}
		}
		if len(inboxes) == 0 {
			continue
		}
		if _, err := f.delivery.Publish(ctx, delivery.Message{
			ActivityID: act.ID, Activity: in.Raw, Sender: owner, Inboxes: inboxes, OrderingKey: ordering,
		}); err != nil {
			return err
		}
		f.log.LogAttrs(ctx, slog.LevelDebug, "forwarded activity",
			slog.String("activity_id", act.ID), slog.String("actor", owner), slog.Int("inboxes", len(inboxes)))
	}
	return nil
}

// localAuthorsReached returns the local actors who wrote a local object the
// activity refers to through inReplyTo, object, target or tag, directly or
// through cached remote objects. Only trusted copies are read: the
// dereferenced object of the activity, and cached objects; other embedded
// objects are not.
func (f *Federation) localAuthorsReached(ctx context.Context, in *Inbound) []string {
	var authors []string
	seen := map[string]bool{}
	level := refsOf(in.Activity)
	for depth := 0; depth <= maxForwardDepth && len(level) > 0; depth++ {
		var next []string
		for _, id := range level {
			if id == "" || seen[id] {
				continue
			}
			seen[id] = true
			if f.IsLocal(id) {
				if _, isActor := f.Username(id); isActor {
					continue
				}
				o, err := f.localObject(ctx, id)
				if err != nil {
					continue
				}
				for _, a := range vocab.IDs(o.AttributedTo) {
					if _, ok := f.Username(a); ok && !slices.Contains(authors, a) {
						authors = append(authors, a)
					}
				}
				continue
			}
			var o *vocab.Object
			if in.Object != nil && in.Object.ID == id {
				o = in.Object
			} else if cached, _, err := f.cachedRemote(ctx, id); err == nil {
				o = cached
			}
			if o != nil {
				next = append(next, refsOf(o)...)
			}
		}
		level = next
	}
	return authors
}

// refsOf returns the ids an object refers to that forwarding follows.
func refsOf(o *vocab.Object) []string {
	var out []string
	for _, refs := range [][]vocab.Ref{o.InReplyTo, o.Object, o.Target, o.Tag} {
		for _, r := range refs {
			if r.Object != nil && r.Object.IsLink() && r.Object.Type != vocab.TypeLink {
				continue // a Mention or Hashtag names no object
			}
			out = append(out, r.ID())
		}
	}
	return out
}

// ForwardedActivity checks an activity that arrived signed by another
// actor than its own — forwarded by a server its author answered, as
// ActivityPub §7.1.2 asks — and returns what may be processed in its place.
// The signer vouches for nothing, so the forwarded body is not trusted:
//
//   - the activity is fetched from its id's origin, which must be its
//     actor's host, and the fetched copy (same id, type and actor) is
//     returned, raw and decoded;
//   - a Delete that its origin no longer serves is accepted when the object
//     it deletes is gone from its origin too (410, or 404 for an object
//     that a 404 proves gone: see notFoundMeansGone): it is returned with
//     its object reduced to the object's id, so nothing embedded in it is
//     taken on trust. A Delete of something not kept here fails with
//     errNotHeld before anything is fetched: it would change nothing, and
//     accepting it would only mark its id seen, which lets anyone who can
//     sign a request suppress a future activity whose id they guess.
//
// Anything else fails: an error wrapping ErrForbidden or ErrOriginMismatch,
// or the fetch's error. The inbox calls it when the key that signed a
// request is not the activity actor's, and records what it returns instead
// of the body.
func (f *Federation) forwardedActivity(ctx context.Context, act *vocab.Object) ([]byte, *vocab.Object, error) {
	actor := vocab.First(act.Actor).ID()
	switch {
	case act.ID == "" || actor == "" || len(act.Actor) != 1:
		return nil, nil, fmt.Errorf("%w: forwarded activity without one actor and an id", ErrInvalidActivity)
	case f.IsLocal(act.ID) || f.IsLocal(actor):
		return nil, nil, fmt.Errorf("%w: forwarded activity %s claims a local actor", ErrForbidden, act.ID)
	case !sameHost(act.ID, actor):
		return nil, nil, fmt.Errorf("%w: forwarded activity %s is not on the host of %s", ErrOriginMismatch, act.ID, actor)
	}
	fetched, raw, err := f.fetch(ctx, act.ID)
	if err == nil {
		if fetched.Type != act.Type || len(fetched.Actor) != 1 || vocab.First(fetched.Actor).ID() != actor {
			return nil, nil, fmt.Errorf("%w: forwarded %s %s by %s is a %s by %v at its origin",
				ErrForbidden, act.Type, act.ID, actor, fetched.Type, vocab.IDs(fetched.Actor))
		}
		return raw, fetched, nil
	}
	if act.Type != vocab.TypeDelete || !(errors.Is(err, ErrNotFound) || errors.Is(err, ErrGone)) {
		return nil, nil, fmt.Errorf("%w: forwarded activity %s could not be had from its origin: %w", ErrForbidden, act.ID, err)
	}
	object := vocab.First(act.Object).ID()
	if object == "" || len(act.Object) != 1 || !sameHost(object, actor) {
		return nil, nil, fmt.Errorf("%w: forwarded Delete %s of %q", ErrForbidden, act.ID, object)
	}
	if err := f.holds(ctx, object); err != nil {
		return nil, nil, fmt.Errorf("forwarded Delete %s of %s: %w", act.ID, object, err)
	}
	_, _, oerr := f.fetch(ctx, object)
	if !(errors.Is(oerr, ErrNotFound) || errors.Is(oerr, ErrGone)) {
		if oerr == nil {
			oerr = errors.New("the object is still there")
		}
		return nil, nil, fmt.Errorf("%w: forwarded Delete %s of %s: %w", ErrForbidden, act.ID, object, oerr)
	}
	if !errors.Is(oerr, ErrGone) {
		if err := f.notFoundMeansGone(ctx, object, actor); err != nil {
			return nil, nil, fmt.Errorf("%w: forwarded Delete %s of %s: %w", ErrForbidden, act.ID, object, err)
		}
	}
	del := *act
	del.Object = []vocab.Ref{vocab.IRIRef(object)}
	raw, err = vocab.Marshal(&del)
	if err != nil {
		return nil, nil, err
	}
	return raw, &del, nil
}

// notFoundMeansGone reports (nil) whether a 404 from the origin of object,
// deleted by actor, proves it gone. Servers answer 404 to a fetcher that
// may not see a post (followers-only or direct), and our instance actor is
// no follower: such a post we hold, an object we hold that cannot be read,
// and an actor (a deleted actor answers 410) are not proved gone by a 404,
// and a forwarded Delete of them is refused. A public post, or one we do
// not hold (its Delete changes nothing here), is.
func (f *Federation) notFoundMeansGone(ctx context.Context, object, actor string) error {
	if object == actor {
		return errors.New("an actor answers 404, not 410")
	}
	if _, err := f.st.GetRemoteActor(ctx, object); err == nil {
		return errors.New("an actor we hold answers 404, not 410")
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	so, err := f.st.GetObject(ctx, object)
	switch {
	case errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrGone):
		return nil
	case err != nil:
		return err
	}
	held, err := f.decoder.Decode(ctx, so.Document)
	if err != nil {
		return fmt.Errorf("the copy we hold: %w", err)
	}
	if !isPublic(held) {
		return errors.New("a 404 does not prove a non-public object gone")
	}
	return nil
}

// errNotHeld reports a forwarded Delete of an object or actor not kept
// here. The inbox answers it 202 and drops it.
var errNotHeld = errors.New("activitypub: forwarded Delete of nothing kept here")

// holds reports (nil) whether object is a remote object or actor kept
// here, errNotHeld if it is neither, or the store's failure.
func (f *Federation) holds(ctx context.Context, object string) error {
	_, err := f.st.GetRemoteActor(ctx, object)
	if err == nil || !errors.Is(err, store.ErrNotFound) {
		return err
	}
	_, err = f.st.GetObject(ctx, object)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrGone) {
		return errNotHeld
	}
	return err
}
