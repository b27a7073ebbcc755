package activitypub

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/starling-fed/starling/activitypub/delivery"
	"github.com/starling-fed/starling/activitypub/vocab"
	"github.com/starling-fed/starling/store"
)

// Publish publishes o as the local actor username and returns the activity
// sent.
//
// A post (Note, Article, Question, ... anything but an activity) gets an id
// from [Federation.NewID] if it has none, is attributed to the actor, gets
// a published time (now) if it has none and, when it is addressed to nobody
// (To, Cc, Bto, Bcc and Audience all empty), is made public: to the public
// collection, cc the actor's followers and the actors its Mention tags name.
// It is then wrapped in a Create.
//
// An activity gets an id if it has none, the actor as its actor and a
// published time; its actor, if set, must be username's (else
// ErrForbidden). A Create's embedded post is completed like a post above,
// taking the Create's addressing when it has none of its own (and giving
// the Create its own when the Create has none).
// An Update or Delete may only name the actor itself or the actor's own
// local objects (else ErrForbidden); it is sent as given, while
// [Federation.UpdatePost] and [Federation.DeletePost] also change the
// stored post.
//
// The post and the activity are stored as local objects and the activity is
// added to the actor's outbox. Its audience is expanded: the actor's
// followers collection to the accepted followers' inboxes, local actors
// receive the activity directly (no HTTP), remote actors (addressed or
// mentioned) at their shared inbox, or their inbox when they have none.
// Recipients that cannot be resolved, and collections other than the
// actor's followers, are logged and skipped. Bto and bcc recipients receive
// the activity but bto and bcc are removed from what is sent.
//
// Publish keeps no state beyond the stored objects and the outbox: a Follow,
// Like or Block published here is sent but not recorded as one; the
// convenience calls ([Federation.Follow], [Federation.Like], ...) do both.
//
// Publish returns once the deliveries are queued; they are made by the
// delivery workers (see [Federation.Start]). Ids given must be on this
// server's origin (ErrOriginMismatch otherwise), new (an id already stored,
// or an actor's, fails with ErrInvalidActivity) and every IRI valid
// (ErrInvalidActivity otherwise). An unknown username fails with
// ErrNotFound, a deleted one with ErrGone.
func (f *Federation) Publish(ctx context.Context, username string, o *vocab.Object) (*vocab.Object, error) {
	if o == nil {
		return nil, fmt.Errorf("%w: nothing to publish", ErrInvalidActivity)
	}
	me, err := f.localActorIRI(ctx, username)
	if err != nil {
		return nil, err
	}
	now := f.now().UTC()
	if !o.IsActivity() {
		post, err := f.preparePost(ctx, username, o, now)
		if err != nil {
			return nil, err
		}
		return f.publishCreate(ctx, username, post, now)
	}

	cp := *o
	act := &cp
	if err := f.prepareActivity(ctx, me, act, now); err != nil {
		return nil, err
	}
	switch act.Type {
	case vocab.TypeCreate:
		inner := vocab.First(act.Object).Object
		if inner == nil || inner.IsActivity() || len(act.Object) != 1 {
			return nil, fmt.Errorf("%w: a Create must embed the one object it creates", ErrInvalidActivity)
		}
		if !addressed(inner) && addressed(act) {
			cp := *inner
			copyAudience(&cp, act)
			inner = &cp
		}
		post, err := f.preparePost(ctx, username, inner, now)
		if err != nil {
			return nil, err
		}
		act.Object = []vocab.Ref{vocab.ObjectRef(post)}
		if !addressed(act) {
			copyAudience(act, post)
		}
		if err := f.putPost(ctx, post, act.ID, now); err != nil {
			return nil, err
		}
	case vocab.TypeUpdate, vocab.TypeDelete:
		for _, r := range act.Object {
			if r.ID() == me {
				continue
			}
			if _, _, err := f.ownObject(ctx, me, r.ID()); err != nil {
				return nil, err
			}
		}
	}
	return f.send(ctx, username, act, publishOptions{})
}

// publishCreate stores a prepared post and sends its Create.
func (f *Federation) publishCreate(ctx context.Context, username string, post *vocab.Object, now time.Time) (*vocab.Object, error) {
	act := post.Create(f.NewID())
	act.Actor = []vocab.Ref{vocab.IRIRef(f.ActorIRI(username))}
	act.Bto = slices.Clone(post.Bto)
	act.Bcc = slices.Clone(post.Bcc)
	act.Audience = slices.Clone(post.Audience)
	if err := checkActivityIRIs(act); err != nil {
		return nil, err
	}
	if err := f.putPost(ctx, post, act.ID, now); err != nil {
		return nil, err
	}
	return f.send(ctx, username, act, publishOptions{})
}

// putPost stores a post being published by the Create createID: the post,
// which Create published it, and the post among the replies of the local
// objects it answers whose authors may see it.
func (f *Federation) putPost(ctx context.Context, post *vocab.Object, createID string, now time.Time) error {
	if err := f.putLocal(ctx, post, now); err != nil {
		return err
	}
	if _, err := f.st.AddToCollection(ctx, createIndexIRI(post.ID), createID); err != nil {
		return err
	}
	for _, parent := range vocab.IDs(post.InReplyTo) {
		if !f.IsLocal(parent) || !f.replyVisibleToParentAuthor(ctx, post, parent) {
			continue
		}
		if _, err := f.st.AddToCollection(ctx, repliesIRI(parent), post.ID); err != nil {
			return err
		}
	}
	return nil
}

// replyVisibleToParentAuthor reports whether the author of the local post
// parent may see reply (see visibleToAuthor). A parent that cannot be read
// is treated as visible: the reply is filed as before.
func (f *Federation) replyVisibleToParentAuthor(ctx context.Context, reply *vocab.Object, parent string) bool {
	po, err := f.localObject(ctx, parent)
	if err != nil {
		return true
	}
	for _, author := range vocab.IDs(po.AttributedTo) {
		if name, ok := f.Username(author); ok && !f.visibleToAuthor(ctx, reply, author, name) {
			return false
		}
	}
	return true
}

// localActorIRI checks that username is a local actor and returns its IRI.
func (f *Federation) localActorIRI(ctx context.Context, username string) (string, error) {
	if _, err := f.LocalActor(ctx, username); err != nil {
		return "", err
	}
	return f.ActorIRI(username), nil
}

// preparePost completes a copy of a post for publishing: id, author,
// published time and default addressing.
func (f *Federation) preparePost(ctx context.Context, username string, o *vocab.Object, now time.Time) (*vocab.Object, error) {
	me := f.ActorIRI(username)
	cp := *o
	post := &cp
	if post.Type == "" {
		return nil, fmt.Errorf("%w: the object to publish has no type", ErrInvalidActivity)
	}
	if post.ID == "" {
		post.ID = f.NewID()
	} else if err := f.checkNewID(ctx, post.ID); err != nil {
		return nil, err
	}
	for _, a := range vocab.IDs(post.AttributedTo) {
		if a != me {
			return nil, fmt.Errorf("%w: object attributed to %s, not %s", ErrForbidden, a, me)
		}
	}
	post.AttributedTo = []vocab.Ref{vocab.IRIRef(me)}
	if post.Published.IsZero() {
		post.Published = now
	}
	post.LDContext = nil
	if !addressed(post) {
		post.Address(vocab.VisibilityPublic, f.FollowersIRI(username), post.Mentioned()...)
	}
	if err := checkObjectIRIs(post); err != nil {
		return nil, err
	}
	return post, nil
}

// prepareActivity gives an activity its id, actor and published time.
func (f *Federation) prepareActivity(ctx context.Context, me string, act *vocab.Object, now time.Time) error {
	if act.ID == "" {
		act.ID = f.NewID()
	} else if err := f.checkNewID(ctx, act.ID); err != nil {
		return err
	}
	for _, a := range vocab.IDs(act.Actor) {
		if a != me {
			return fmt.Errorf("%w: activity by %s published as %s", ErrForbidden, a, me)
		}
	}
	act.Actor = []vocab.Ref{vocab.IRIRef(me)}
	if act.Published.IsZero() {
		act.Published = now
	}
	return checkActivityIRIs(act)
}

// checkNewID checks an id given to Publish: a valid IRI on this origin,
// naming no actor and no object already stored (which Publish would
// otherwise overwrite; edits go through UpdatePost).
func (f *Federation) checkNewID(ctx context.Context, id string) error {
	if !vocab.ValidIRI(id) || store.ValidateIRI(id) != nil {
		return fmt.Errorf("%w: invalid id %q", ErrInvalidActivity, id)
	}
	if !f.IsLocal(id) {
		return fmt.Errorf("%w: id %s is not on %s", ErrOriginMismatch, id, f.cfg.Origin)
	}
	if _, ok := f.Username(id); ok || id == f.InstanceActorIRI() {
		return fmt.Errorf("%w: id %s names an actor", ErrInvalidActivity, id)
	}
	_, err := f.st.GetObject(ctx, id)
	switch {
	case err == nil || errors.Is(err, store.ErrGone):
		return fmt.Errorf("%w: id %s is already used", ErrInvalidActivity, id)
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	return nil
}

// checkObjectIRIs checks the IRIs of a post: its addressing and the
// objects it refers to.
func checkObjectIRIs(o *vocab.Object) error {
	for _, iri := range audience(o) {
		if !vocab.IsPublic(iri) && !vocab.ValidIRI(iri) {
			return fmt.Errorf("%w: invalid recipient %q", ErrInvalidActivity, iri)
		}
	}
	for _, refs := range [][]vocab.Ref{o.InReplyTo, o.AttributedTo} {
		for _, id := range vocab.IDs(refs) {
			if !vocab.ValidIRI(id) {
				return fmt.Errorf("%w: invalid IRI %q", ErrInvalidActivity, id)
			}
		}
	}
	for _, m := range o.Mentioned() {
		if !vocab.ValidIRI(m) {
			return fmt.Errorf("%w: invalid mention %q", ErrInvalidActivity, m)
		}
	}
	return nil
}

// checkActivityIRIs checks an activity's addressing and the IRIs its
// object, target and embedded objects name.
func checkActivityIRIs(act *vocab.Object) error {
	if act.ID == "" || !vocab.ValidIRI(act.ID) {
		return fmt.Errorf("%w: invalid id %q", ErrInvalidActivity, act.ID)
	}
	if err := checkObjectIRIs(act); err != nil {
		return err
	}
	for _, refs := range [][]vocab.Ref{act.Object, act.Target} {
		for _, r := range refs {
			if r.Object != nil {
				if r.Object.ID != "" && !vocab.ValidIRI(r.Object.ID) {
					return fmt.Errorf("%w: invalid object id %q", ErrInvalidActivity, r.Object.ID)
				}
				if err := checkObjectIRIs(r.Object); err != nil {
					return err
				}
				continue
			}
			if !vocab.ValidIRI(r.IRI) {
				return fmt.Errorf("%w: invalid object %q", ErrInvalidActivity, r.IRI)
			}
		}
	}
	return nil
}

// addressed reports whether o names any recipient.
func addressed(o *vocab.Object) bool {
	return len(o.To)+len(o.Cc)+len(o.Bto)+len(o.Bcc)+len(o.Audience) > 0
}

// copyAudience gives dst the addressing of src.
func copyAudience(dst, src *vocab.Object) {
	dst.To = slices.Clone(src.To)
	dst.Cc = slices.Clone(src.Cc)
	dst.Bto = slices.Clone(src.Bto)
	dst.Bcc = slices.Clone(src.Bcc)
	dst.Audience = slices.Clone(src.Audience)
}

// putLocal stores a local object or activity.
func (f *Federation) putLocal(ctx context.Context, o *vocab.Object, now time.Time) error {
	doc, err := vocab.Marshal(o)
	if err != nil {
		return fmt.Errorf("activitypub: encoding %s: %w", o.ID, err)
	}
	if err := f.st.PutObject(ctx, store.Object{IRI: o.ID, Type: o.Type, Document: doc, Local: true, Updated: now}); err != nil {
		return fmt.Errorf("activitypub: storing %s: %w", o.ID, err)
	}
	return nil
}

// publishOptions tune one send.
type publishOptions struct {
	// personal delivers to remote actors' own inboxes rather than their
	// shared inboxes: for activities meant for one actor (Follow, Block).
	personal bool
	// inboxes are delivered to besides the audience's.
	inboxes []string
}

// send stores an activity published by username, adds it to the outbox and
// hands it to local recipients and to delivery. act is complete: id, actor,
// addressing.
func (f *Federation) send(ctx context.Context, username string, act *vocab.Object, opts publishOptions) (*vocab.Object, error) {
	me := f.ActorIRI(username)
	now := f.now()
	if err := f.putLocal(ctx, act, now); err != nil {
		return nil, err
	}
	if _, err := f.st.AddToCollection(ctx, f.OutboxIRI(username), act.ID); err != nil {
		return nil, fmt.Errorf("activitypub: outbox of %s: %w", username, err)
	}

	inboxes, followersOf, locals := f.recipients(ctx, username, act, opts.personal)
	for _, in := range opts.inboxes {
		if in != "" && !f.IsLocal(in) && !slices.Contains(inboxes, in) {
			inboxes = append(inboxes, in)
		}
	}
	sent := sendable(act)
	raw, err := vocab.Marshal(sent)
	if err != nil {
		return nil, fmt.Errorf("activitypub: encoding %s: %w", act.ID, err)
	}
	if len(locals) > 0 {
		// An activity is received once per server: one local recipient
		// gets it as in its own inbox, several as in the shared inbox. A
		// post is the exception: it is taken once per personal inbox, so
		// each local recipient gets it in its own, those named only in
		// bto or bcc (stripped from what is sent) included.
		rcpts := []string{""}
		if len(locals) == 1 || act.Type == vocab.TypeCreate {
			rcpts = locals
		}
		for _, rcpt := range rcpts {
			if err := f.receiveLocal(ctx, raw, sent, rcpt); err != nil {
				f.log.LogAttrs(ctx, slog.LevelWarn, "local delivery failed",
					slog.String("activity_id", act.ID), slog.String("actor", rcpt), slog.Any("error", err))
			}
		}
	}
	if len(inboxes) == 0 && followersOf == "" {
		return act, nil
	}
	_, err = f.delivery.Publish(ctx, delivery.Message{
		ActivityID:  act.ID,
		Activity:    raw,
		Sender:      me,
		Inboxes:     inboxes,
		FollowersOf: followersOf,
		OrderingKey: orderingKey(act),
	})
	if err != nil {
		return nil, fmt.Errorf("activitypub: queueing %s: %w", act.ID, err)
	}
	return act, nil
}

// recipients expands an activity's audience: the remote delivery inboxes,
// the local actor whose followers get it (username's own, if addressed) and
// the local actors that receive it directly.
func (f *Federation) recipients(ctx context.Context, username string, act *vocab.Object, personal bool) (inboxes []string, followersOf string, locals []string) {
	me := f.ActorIRI(username)
	followers := f.FollowersIRI(username)
	iris := audience(act)
	iris = append(iris, act.Mentioned()...)
	for _, r := range act.Object {
		if r.Object != nil {
			iris = append(iris, audience(r.Object)...)
			iris = append(iris, r.Object.Mentioned()...)
		}
	}
	// Blind recipients are not named in what is sent: they are told at
	// their own inbox, where their server knows whom the activity is for.
	blind := blindRecipients(act)
	seen := make(map[string]bool)
	var remote []string
	for _, iri := range iris {
		if seen[iri] || vocab.IsPublic(iri) || iri == me {
			continue
		}
		seen[iri] = true
		switch {
		case iri == followers:
			followersOf = me
		case f.IsLocal(iri):
			name, ok := f.Username(iri)
			if !ok {
				f.log.LogAttrs(ctx, slog.LevelDebug, "recipient skipped: not a local actor",
					slog.String("activity_id", act.ID), slog.String("actor", iri))
				continue
			}
			if _, err := f.LocalActor(ctx, name); err != nil {
				f.log.LogAttrs(ctx, slog.LevelInfo, "recipient skipped",
					slog.String("activity_id", act.ID), slog.String("actor", iri), slog.Any("error", err))
				continue
			}
			locals = append(locals, iri)
		default:
			remote = append(remote, iri)
		}
	}

	// Remote actors are resolved a few at a time: each may be a fetch.
	found := make([]string, len(remote))
	sem := make(chan struct{}, recipientFetches)
	var wg sync.WaitGroup
	for i, iri := range remote {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			found[i] = f.remoteInbox(ctx, act.ID, iri, personal || blind[iri])
		}()
	}
	wg.Wait()
	for _, in := range found {
		if in != "" && !slices.Contains(inboxes, in) {
			inboxes = append(inboxes, in)
		}
	}
	return inboxes, followersOf, locals
}

// blindRecipients returns the IRIs an activity or its embedded objects
// name only in bto or bcc.
func blindRecipients(act *vocab.Object) map[string]bool {
	objects := []*vocab.Object{act}
	for _, r := range act.Object {
		if r.Object != nil {
			objects = append(objects, r.Object)
		}
	}
	named := make(map[string]bool)
	for _, o := range objects {
		for _, refs := range [][]vocab.Ref{o.To, o.Cc, o.Audience} {
			for _, id := range vocab.IDs(refs) {
				named[id] = true
			}
		}
		for _, m := range o.Mentioned() {
			named[m] = true
		}
	}
	blind := make(map[string]bool)
	for _, o := range objects {
		for _, refs := range [][]vocab.Ref{o.Bto, o.Bcc} {
			for _, id := range vocab.IDs(refs) {
				if !named[id] {
					blind[id] = true
				}
			}
		}
	}
	return blind
}

// recipientFetches bounds the remote recipients of one activity resolved at
// once.
const recipientFetches = 8

// remoteInbox returns where to deliver to a remote recipient (its shared
// inbox, or its own with personal set), or "" after logging why not.
func (f *Federation) remoteInbox(ctx context.Context, activityID, iri string, personal bool) string {
	a, err := f.remoteActor(ctx, iri, false)
	if err != nil || !a.IsActor() {
		if err == nil {
			err = fmt.Errorf("%s is a %s, not an actor", iri, a.Type)
		}
		f.log.LogAttrs(ctx, slog.LevelInfo, "recipient skipped",
			slog.String("activity_id", activityID), slog.String("actor", iri), slog.Any("error", err))
		return ""
	}
	in := a.DeliveryInbox()
	if personal && a.Inbox != "" {
		in = a.Inbox
	}
	if in == "" || !vocab.ValidIRI(in) {
		f.log.LogAttrs(ctx, slog.LevelInfo, "recipient skipped: no inbox",
			slog.String("activity_id", activityID), slog.String("actor", iri))
		return ""
	}
	return in
}

// sendable returns a copy of act without bto and bcc, in the activity and
// in its embedded objects, for sending.
func sendable(act *vocab.Object) *vocab.Object {
	cp := *act
	cp.Bto, cp.Bcc = nil, nil
	cp.Extra = withoutBlindExtra(cp.Extra)
	if len(cp.Object) > 0 {
		cp.Object = slices.Clone(cp.Object)
		for i, r := range cp.Object {
			if r.Object != nil {
				inner := *r.Object
				inner.Bto, inner.Bcc = nil, nil
				inner.Extra = withoutBlindExtra(inner.Extra)
				cp.Object[i] = vocab.ObjectRef(&inner)
			}
		}
	}
	return &cp
}

// withoutBlindExtra drops bto and bcc kept verbatim in Extra (which the
// encoder would write).
func withoutBlindExtra(extra map[string]json.RawMessage) map[string]json.RawMessage {
	if extra == nil {
		return nil
	}
	out := make(map[string]json.RawMessage, len(extra))
	for k, v := range extra {
		if k != "bto" && k != "bcc" {
			out[k] = v
		}
	}
	return out
}

// orderingKey is the IRI an activity acts on: deliveries of activities on
// the same object to the same inbox keep their order (a Delete never
// overtakes its Create, an Undo never its Like).
func orderingKey(act *vocab.Object) string {
	first := vocab.First(act.Object)
	if act.Type == vocab.TypeUndo && first.Object != nil && first.Object.IsActivity() {
		return orderingKey(first.Object)
	}
	if id := first.ID(); id != "" {
		return id
	}
	return act.ID
}

// ownObject returns a local object of the actor me: from the store (stored
// true) or the host's Config.Objects. A remote object or one attributed to
// someone else fails with ErrForbidden.
func (f *Federation) ownObject(ctx context.Context, me, iri string) (o *vocab.Object, stored bool, err error) {
	if iri == "" || !vocab.ValidIRI(iri) {
		return nil, false, fmt.Errorf("%w: invalid object %q", ErrInvalidActivity, iri)
	}
	if !f.IsLocal(iri) {
		return nil, false, fmt.Errorf("%w: %s is not a local object", ErrForbidden, iri)
	}
	so, err := f.st.GetObject(ctx, iri)
	switch {
	case err == nil && so.Local:
		if o, err = f.decoder.Decode(ctx, so.Document); err != nil {
			return nil, false, fmt.Errorf("activitypub: stored object %s: %w", iri, err)
		}
		stored = true
	case err == nil:
		return nil, false, fmt.Errorf("%w: %s is not a local object", ErrForbidden, iri)
	case errors.Is(err, store.ErrGone):
		return nil, false, fmt.Errorf("%w: %s", ErrGone, iri)
	case errors.Is(err, store.ErrNotFound) && f.cfg.Objects != nil:
		if o, err = f.cfg.Objects(ctx, iri); err != nil {
			return nil, false, err
		}
		if o == nil {
			return nil, false, fmt.Errorf("%w: %s", ErrNotFound, iri)
		}
	case errors.Is(err, store.ErrNotFound):
		return nil, false, fmt.Errorf("%w: %s", ErrNotFound, iri)
	default:
		return nil, false, err
	}
	if !slices.Contains(vocab.IDs(o.AttributedTo), me) && !slices.Contains(vocab.IDs(o.Actor), me) {
		return nil, false, fmt.Errorf("%w: %s is not by %s", ErrForbidden, iri, me)
	}
	return o, stored, nil
}

// storedActivity reads a local activity back from the store, for embedding
// in its Undo.
func (f *Federation) storedActivity(ctx context.Context, iri string) (*vocab.Object, error) {
	so, err := f.st.GetObject(ctx, iri)
	if err != nil {
		return nil, err
	}
	o, err := f.decoder.Decode(ctx, so.Document)
	if err != nil {
		return nil, fmt.Errorf("activitypub: stored activity %s: %w", iri, err)
	}
	o.LDContext = nil
	return o, nil
}

// createIndexIRI is the collection holding the id of the Create that
// published a local object.
func createIndexIRI(objectIRI string) string { return objectIRI + "#create" }

// undoIndexIRI is the collection holding the id of the actor's latest Like,
// Announce or Block (kind) of an object, so that its Undo can embed it.
func undoIndexIRI(actorIRI, kind, objectIRI string) string {
	h := sha256.Sum256([]byte(objectIRI))
	return actorIRI + "#" + kind + "-" + hex.EncodeToString(h[:16])
}

// latestIn returns the newest member of a collection, or "".
func (f *Federation) latestIn(ctx context.Context, collection string) (string, error) {
	p, err := f.st.CollectionPage(ctx, collection, "", 1)
	if err != nil || len(p.Items) == 0 {
		return "", err
	}
	return p.Items[0], nil
}

// inboxGone is told by delivery that an inbox answered 410 Gone. Follows of
// local actors by the remote actor whose personal inbox that is (and who
// has no shared inbox) are dropped. The actor is found in the remote actor
// cache under the inbox's parent IRI (".../users/bob" for
// ".../users/bob/inbox", the layout of Mastodon, GoToSocial, Misskey and
// most others); an inbox laid out otherwise is only logged. A shared inbox
// that is gone is only logged too: it says nothing of any one actor.
func (f *Federation) inboxGone(ctx context.Context, inbox string) {
	log := f.log.With(slog.String("inbox", inbox))
	owner, ok := strings.CutSuffix(inbox, "/inbox")
	if !ok || store.ValidateIRI(owner) != nil {
		log.LogAttrs(ctx, slog.LevelInfo, "inbox gone; its actor is unknown")
		return
	}
	ra, err := f.st.GetRemoteActor(ctx, owner)
	if err != nil || ra.Inbox != inbox || ra.SharedInbox != "" {
		log.LogAttrs(ctx, slog.LevelInfo, "inbox gone; no follower delivered there found")
		return
	}
	dropped := 0
	for _, state := range []store.FollowState{store.FollowAccepted, store.FollowPending} {
		cursor := ""
		for {
			page, err := f.st.Following(ctx, owner, state, cursor, store.MaxPageSize)
			if err != nil {
				log.LogAttrs(ctx, slog.LevelWarn, "inbox gone; listing follows failed", slog.Any("error", err))
				return
			}
			for _, fl := range page.Follows {
				if fl.DeliveryInbox() != inbox || f.IsLocal(fl.Follower) {
					continue
				}
				if _, err := f.st.DeleteFollow(ctx, fl.Follower, fl.Followee); err != nil {
					log.LogAttrs(ctx, slog.LevelWarn, "inbox gone; dropping follow failed", slog.Any("error", err))
					continue
				}
				dropped++
			}
			if page.Next == "" {
				break
			}
			cursor = page.Next
		}
	}
	log.LogAttrs(ctx, slog.LevelInfo, "inbox gone", slog.String("actor", owner), slog.Int("follows_dropped", dropped))
}
