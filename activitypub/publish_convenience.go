package activitypub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/starling-fed/starling/activitypub/vocab"
	"github.com/starling-fed/starling/store"
)

// The calls below publish the usual activities as a local actor. Each
// returns the activity it sent. Targets given as an address ("@bob@host",
// "bob@host", "acct:bob@host") are looked up with WebFinger; actor IRIs
// are used as given. Local actors are reached without HTTP.

// newActivity returns an activity of type typ by actor me, with a fresh id
// and the current time.
func (f *Federation) newActivity(typ, me string) *vocab.Object {
	return &vocab.Object{
		ID:        f.NewID(),
		Type:      typ,
		Actor:     []vocab.Ref{vocab.IRIRef(me)},
		Published: f.now().UTC(),
	}
}

// iris returns Refs of the non-empty IRIs given.
func iris(ids ...string) []vocab.Ref {
	var out []vocab.Ref
	for _, id := range ids {
		if id != "" {
			out = append(out, vocab.IRIRef(id))
		}
	}
	return out
}

// resolveActor finds the actor a target names: a local actor (by IRI or
// address on this host) from its profile, a remote one by address through
// WebFinger or by IRI from the cache or its origin.
func (f *Federation) resolveActor(ctx context.Context, target string) (*vocab.Object, error) {
	if name, ok := f.localTarget(target); ok {
		return f.ActorDocument(ctx, name)
	}
	if strings.HasPrefix(target, "https://") || strings.HasPrefix(target, "http://") {
		if !vocab.ValidIRI(target) {
			return nil, fmt.Errorf("%w: invalid actor IRI %q", ErrInvalidActivity, target)
		}
		return f.remoteActor(ctx, target, false)
	}
	return f.LookupActor(ctx, target)
}

// localTarget returns the username of a target that names a local actor.
func (f *Federation) localTarget(target string) (string, bool) {
	if name, ok := f.Username(target); ok {
		return name, true
	}
	addr := strings.TrimPrefix(strings.TrimPrefix(target, "acct:"), "@")
	user, host, ok := strings.Cut(addr, "@")
	if !ok || user == "" || !strings.EqualFold(host, f.host) {
		return "", false
	}
	return user, true
}

// targetIRI returns the actor IRI a target names, looking it up only when
// it is an address on another host.
func (f *Federation) targetIRI(ctx context.Context, target string) (string, error) {
	if name, ok := f.localTarget(target); ok {
		return f.ActorIRI(name), nil
	}
	if strings.HasPrefix(target, "https://") || strings.HasPrefix(target, "http://") {
		if !vocab.ValidIRI(target) {
			return "", fmt.Errorf("%w: invalid actor IRI %q", ErrInvalidActivity, target)
		}
		return target, nil
	}
	a, err := f.LookupActor(ctx, target)
	if err != nil {
		return "", err
	}
	return a.ID, nil
}

// Follow sends a Follow of target from username and records the follow as
// pending until target accepts it (an accepted follow stays accepted when
// the Follow is sent again). target is an address or an actor IRI.
func (f *Federation) Follow(ctx context.Context, username, target string) (*vocab.Object, error) {
	me, err := f.localActorIRI(ctx, username)
	if err != nil {
		return nil, err
	}
	them, err := f.resolveActor(ctx, target)
	if err != nil {
		return nil, err
	}
	if them.ID == me {
		return nil, fmt.Errorf("%w: %s cannot follow itself", ErrInvalidActivity, me)
	}
	act := f.newActivity(vocab.TypeFollow, me)
	act.Object = iris(them.ID)
	act.To = iris(them.ID)

	fl := store.Follow{Follower: me, Followee: them.ID, ActivityID: act.ID, State: store.FollowPending,
		Inbox: them.Inbox, SharedInbox: sharedInboxOf(them), Created: f.now()}
	if f.IsLocal(them.ID) {
		// One record serves both directions between local actors: it
		// names the follower's inboxes, as the followee's followers need.
		fl.Inbox, fl.SharedInbox = f.InboxIRI(username), f.SharedInboxIRI()
	}
	if fl.Inbox == "" {
		return nil, fmt.Errorf("%w: %s has no inbox", ErrInvalidActivity, them.ID)
	}
	old, err := f.st.GetFollow(ctx, me, them.ID)
	if err == nil {
		fl.State = old.State
	}
	if _, err := f.st.PutFollow(ctx, fl); err != nil {
		return nil, fmt.Errorf("activitypub: recording follow of %s: %w", them.ID, err)
	}
	if old.ActivityID != "" && old.ActivityID != act.ID && f.IsLocal(old.ActivityID) {
		f.retract(ctx, username, old.ActivityID)
	}
	return f.send(ctx, username, act, publishOptions{personal: true})
}

// sharedInboxOf returns an actor's shared inbox, or "".
func sharedInboxOf(a *vocab.Object) string {
	if a.Endpoints != nil && a.Endpoints.SharedInbox != "" {
		return a.Endpoints.SharedInbox
	}
	return a.SharedInbox
}

// Unfollow sends an Undo of username's Follow of target, with the Follow
// embedded (Threads refuses an Undo naming it by IRI only), and forgets the
// follow. A target username does not follow fails with ErrNotFound.
func (f *Federation) Unfollow(ctx context.Context, username, target string) (*vocab.Object, error) {
	me, err := f.localActorIRI(ctx, username)
	if err != nil {
		return nil, err
	}
	them, err := f.targetIRI(ctx, target)
	if err != nil {
		return nil, err
	}
	fl, err := f.st.GetFollow(ctx, me, them)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("%w: %s does not follow %s", ErrNotFound, me, them)
		}
		return nil, err
	}
	follow, err := f.storedActivity(ctx, fl.ActivityID)
	if err != nil {
		// A follow recorded without its activity (imported, say):
		// rebuild the Follow it names.
		follow = &vocab.Object{ID: fl.ActivityID, Type: vocab.TypeFollow, Actor: iris(me), Object: iris(them)}
	}
	undo := f.newActivity(vocab.TypeUndo, me)
	undo.Object = []vocab.Ref{vocab.ObjectRef(follow)}
	undo.To = iris(them)
	if _, err := f.st.DeleteFollow(ctx, me, them); err != nil {
		return nil, err
	}
	f.retract(ctx, username, fl.ActivityID)
	return f.send(ctx, username, undo, publishOptions{personal: true, inboxes: []string{fl.Inbox}})
}

// Like sends a Like of objectIRI to its author and adds the object to
// username's liked collection. Liking an object again returns the first
// Like without sending anything.
func (f *Federation) Like(ctx context.Context, username, objectIRI string) (*vocab.Object, error) {
	return f.react(ctx, username, objectIRI, vocab.TypeLike)
}

// Announce boosts objectIRI: an Announce to the public, cc username's
// followers and the object's author. Only public (or unlisted) objects can
// be announced (ErrForbidden otherwise). Announcing again returns the first
// Announce without sending anything.
func (f *Federation) Announce(ctx context.Context, username, objectIRI string) (*vocab.Object, error) {
	return f.react(ctx, username, objectIRI, vocab.TypeAnnounce)
}

// react sends a Like or an Announce.
func (f *Federation) react(ctx context.Context, username, objectIRI, typ string) (*vocab.Object, error) {
	me, index, prev, err := f.latestReaction(ctx, username, objectIRI, typ)
	if err != nil {
		return nil, err
	}
	if prev != "" {
		if act, err := f.storedActivity(ctx, prev); err == nil {
			return act, nil
		}
	}
	obj, err := f.Fetch(ctx, objectIRI)
	if err != nil {
		return nil, err
	}
	author := vocab.First(obj.AttributedTo).ID()
	act := f.newActivity(typ, me)
	act.Object = iris(obj.ID)
	if typ == vocab.TypeAnnounce {
		if !isPublic(obj) {
			return nil, fmt.Errorf("%w: %s is not public", ErrForbidden, obj.ID)
		}
		act.To = iris(vocab.PublicIRI)
		act.Cc = iris(f.FollowersIRI(username), author)
	} else {
		act.To = iris(author)
		if _, err := f.st.AddToCollection(ctx, f.LikedIRI(username), obj.ID); err != nil {
			return nil, err
		}
	}
	if _, err := f.st.AddToCollection(ctx, index, act.ID); err != nil {
		return nil, err
	}
	return f.send(ctx, username, act, publishOptions{})
}

// Unlike sends an Undo of username's Like of objectIRI, the Like embedded,
// and removes the object from the liked collection. An object username
// has not liked fails with ErrNotFound.
func (f *Federation) Unlike(ctx context.Context, username, objectIRI string) (*vocab.Object, error) {
	return f.unreact(ctx, username, objectIRI, vocab.TypeLike)
}

// Unannounce sends an Undo of username's Announce of objectIRI, the
// Announce embedded, to the Announce's audience. An object username has
// not announced fails with ErrNotFound.
func (f *Federation) Unannounce(ctx context.Context, username, objectIRI string) (*vocab.Object, error) {
	return f.unreact(ctx, username, objectIRI, vocab.TypeAnnounce)
}

// latestReaction checks a call's username and object IRI and returns the
// local actor, the undo index of its typ activities (Like, Announce,
// Block) of objectIRI, and the latest such activity's id ("" if none).
func (f *Federation) latestReaction(ctx context.Context, username, objectIRI, typ string) (me, index, prev string, err error) {
	if me, err = f.localActorIRI(ctx, username); err != nil {
		return "", "", "", err
	}
	if !vocab.ValidIRI(objectIRI) {
		return "", "", "", fmt.Errorf("%w: invalid object %q", ErrInvalidActivity, objectIRI)
	}
	index = undoIndexIRI(me, strings.ToLower(typ), objectIRI)
	prev, err = f.latestIn(ctx, index)
	return me, index, prev, err
}

// unreact undoes a Like, Announce or Block, found in its undo index.
func (f *Federation) unreact(ctx context.Context, username, objectIRI, typ string) (*vocab.Object, error) {
	me, index, prev, err := f.latestReaction(ctx, username, objectIRI, typ)
	if err != nil {
		return nil, err
	}
	if prev == "" {
		return nil, fmt.Errorf("%w: no %s of %s by %s", ErrNotFound, typ, objectIRI, me)
	}
	orig, err := f.storedActivity(ctx, prev)
	if err != nil {
		orig = &vocab.Object{ID: prev, Type: typ, Actor: iris(me), Object: iris(objectIRI)}
	}
	undo := f.newActivity(vocab.TypeUndo, me)
	undo.Object = []vocab.Ref{vocab.ObjectRef(orig)}
	undo.To, undo.Cc = slices.Clone(orig.To), slices.Clone(orig.Cc)
	if len(undo.To)+len(undo.Cc) == 0 {
		undo.To = iris(objectIRI)
	}
	if _, err := f.st.RemoveFromCollection(ctx, index, prev); err != nil {
		return nil, err
	}
	switch typ {
	case vocab.TypeLike:
		if _, err := f.st.RemoveFromCollection(ctx, f.LikedIRI(username), objectIRI); err != nil {
			return nil, err
		}
	case vocab.TypeBlock:
		if _, err := f.st.RemoveFromCollection(ctx, blockedIRI(me), objectIRI); err != nil {
			return nil, err
		}
	}
	f.retract(ctx, username, prev)
	return f.send(ctx, username, undo, publishOptions{personal: typ == vocab.TypeBlock})
}

// retract takes an undone activity of username out of its outbox and
// leaves a Tombstone in its place, so it is no longer served.
func (f *Federation) retract(ctx context.Context, username, activityID string) {
	if _, err := f.st.RemoveFromCollection(ctx, f.OutboxIRI(username), activityID); err != nil {
		f.log.LogAttrs(ctx, slog.LevelWarn, "removing an undone activity from the outbox failed",
			slog.String("activity_id", activityID), slog.Any("error", err))
	}
	if !f.IsLocal(activityID) {
		return
	}
	if err := f.st.DeleteObject(ctx, activityID, f.now()); err != nil && !errors.Is(err, store.ErrNotFound) {
		f.log.LogAttrs(ctx, slog.LevelWarn, "tombstoning an undone activity failed",
			slog.String("activity_id", activityID), slog.Any("error", err))
	}
}

// Reply publishes a Note by username in reply to inReplyTo, with content
// htmlContent, mentioning and addressed to the parent's author. Its
// visibility follows the parent's, as Mastodon composes replies: a reply to
// a public post is public (cc username's followers), to an unlisted post
// unlisted (to username's followers, cc the public), to a followers-only
// post goes to username's followers, to a direct message only to the
// author. Returns the Create.
func (f *Federation) Reply(ctx context.Context, username, inReplyTo, htmlContent string) (*vocab.Object, error) {
	me, err := f.localActorIRI(ctx, username)
	if err != nil {
		return nil, err
	}
	if !vocab.ValidIRI(inReplyTo) {
		return nil, fmt.Errorf("%w: invalid object %q", ErrInvalidActivity, inReplyTo)
	}
	parent, err := f.Fetch(ctx, inReplyTo)
	if err != nil {
		return nil, err
	}
	note := vocab.NewNote("", me, htmlContent, f.now().UTC()).ReplyTo(parent.ID)
	if author := vocab.First(parent.AttributedTo).ID(); author != "" && author != me {
		note.Mention(author, f.mentionName(ctx, author))
	}
	note.Context = slices.Clone(parent.Context)
	note.Conversation = parent.Conversation
	note.Address(parent.Visibility(""), f.FollowersIRI(username), note.Mentioned()...)
	return f.Publish(ctx, username, note)
}

// mentionName returns "@user@host" for an actor, or "" when its document
// cannot be had.
func (f *Federation) mentionName(ctx context.Context, actorIRI string) string {
	var a *vocab.Object
	var err error
	if name, ok := f.Username(actorIRI); ok {
		a, err = f.ActorDocument(ctx, name)
	} else {
		a, err = f.remoteActor(ctx, actorIRI, false)
	}
	if err != nil || a.PreferredUsername == "" {
		return ""
	}
	host, err := store.HostOf(actorIRI)
	if err != nil {
		return ""
	}
	return "@" + a.PreferredUsername + "@" + host
}

// UpdatePost publishes an edit of username's own local post o (found by
// o.ID): o replaces the stored post, keeping its author, published time and
// audience, with updated set to now, and an Update goes to the same
// audience. A post that is not username's own and local fails with
// ErrForbidden.
func (f *Federation) UpdatePost(ctx context.Context, username string, o *vocab.Object) (*vocab.Object, error) {
	me, err := f.localActorIRI(ctx, username)
	if err != nil {
		return nil, err
	}
	if o == nil || o.ID == "" {
		return nil, fmt.Errorf("%w: the post to update has no id", ErrInvalidActivity)
	}
	orig, stored, err := f.ownObject(ctx, me, o.ID)
	if err != nil {
		return nil, err
	}
	now := f.now().UTC()
	cp := *o
	post := &cp
	post.LDContext = nil
	if post.Type == "" {
		post.Type = orig.Type
	}
	if post.IsActivity() {
		return nil, fmt.Errorf("%w: UpdatePost of an activity", ErrInvalidActivity)
	}
	post.AttributedTo = iris(me)
	post.Published = orig.Published
	post.Updated = now
	copyAudience(post, orig)
	if err := checkObjectIRIs(post); err != nil {
		return nil, err
	}
	if stored {
		if err := f.putLocal(ctx, post, now); err != nil {
			return nil, err
		}
		f.refreshCreate(ctx, post, now)
	}
	act := f.newActivity(vocab.TypeUpdate, me)
	act.Object = []vocab.Ref{vocab.ObjectRef(post)}
	copyAudience(act, post)
	return f.send(ctx, username, act, publishOptions{})
}

// refreshCreate replaces the post embedded in its stored Create, so the
// Create served shows the edit.
func (f *Federation) refreshCreate(ctx context.Context, post *vocab.Object, now time.Time) {
	createID, err := f.latestIn(ctx, createIndexIRI(post.ID))
	if err != nil || createID == "" {
		return
	}
	create, err := f.storedActivity(ctx, createID)
	if err != nil {
		return
	}
	create.Object = []vocab.Ref{vocab.ObjectRef(post)}
	if err := f.putLocal(ctx, create, now); err != nil {
		f.log.LogAttrs(ctx, slog.LevelWarn, "refreshing a Create failed",
			slog.String("activity_id", createID), slog.Any("error", err))
	}
}

// DeletePost deletes username's own local post objectIRI: a Tombstone
// takes its place in the store (so it is served as 410 Gone), its Create
// leaves the outbox, and a Delete carrying the Tombstone goes to everyone
// the post went to, ordered after every earlier delivery about the post. A
// post that is not username's own and local fails with ErrForbidden. The
// post also leaves the featured collection and the replies of the local
// post it answered.
func (f *Federation) DeletePost(ctx context.Context, username, objectIRI string) (*vocab.Object, error) {
	me, err := f.localActorIRI(ctx, username)
	if err != nil {
		return nil, err
	}
	orig, stored, err := f.ownObject(ctx, me, objectIRI)
	if err != nil {
		return nil, err
	}
	now := f.now().UTC()
	tomb := &vocab.Object{ID: objectIRI, Type: vocab.TypeTombstone, FormerType: orig.Type, Deleted: now}
	act := f.newActivity(vocab.TypeDelete, me)
	act.Object = []vocab.Ref{vocab.ObjectRef(tomb)}
	copyAudience(act, orig)
	for _, m := range orig.Mentioned() {
		if !slices.Contains(audience(act), m) {
			act.Cc = append(act.Cc, vocab.IRIRef(m))
		}
	}
	if stored {
		if err := f.st.DeleteObject(ctx, objectIRI, now); err != nil {
			return nil, err
		}
	}
	if createID, err := f.latestIn(ctx, createIndexIRI(objectIRI)); err == nil && createID != "" {
		if _, err := f.st.RemoveFromCollection(ctx, f.OutboxIRI(username), createID); err != nil {
			return nil, err
		}
		if err := f.st.DeleteObject(ctx, createID, now); err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
	}
	if _, err := f.st.RemoveFromCollection(ctx, f.FeaturedIRI(username), objectIRI); err != nil {
		return nil, err
	}
	for _, parent := range vocab.IDs(orig.InReplyTo) {
		if f.IsLocal(parent) {
			if _, err := f.st.RemoveFromCollection(ctx, repliesIRI(parent), objectIRI); err != nil {
				return nil, err
			}
		}
	}
	return f.send(ctx, username, act, publishOptions{})
}

// Block sends a Block of target from username, records it in username's
// blocked collection and drops the follows between them both ways.
// target is an address or an actor IRI; a remote actor that cannot be
// fetched is still blocked, only not told.
func (f *Federation) Block(ctx context.Context, username, target string) (*vocab.Object, error) {
	me, err := f.localActorIRI(ctx, username)
	if err != nil {
		return nil, err
	}
	them, err := f.targetIRI(ctx, target)
	if err != nil {
		return nil, err
	}
	if them == me {
		return nil, fmt.Errorf("%w: %s cannot block itself", ErrInvalidActivity, me)
	}
	act := f.newActivity(vocab.TypeBlock, me)
	act.Object = iris(them)
	act.To = iris(them)
	if _, err := f.st.AddToCollection(ctx, blockedIRI(me), them); err != nil {
		return nil, err
	}
	if _, err := f.st.AddToCollection(ctx, undoIndexIRI(me, "block", them), act.ID); err != nil {
		return nil, err
	}
	for _, pair := range [][2]string{{me, them}, {them, me}} {
		if _, err := f.st.DeleteFollow(ctx, pair[0], pair[1]); err != nil {
			return nil, err
		}
	}
	return f.send(ctx, username, act, publishOptions{personal: true})
}

// Unblock sends an Undo of username's Block of target, the Block embedded,
// and removes target from the blocked collection. A target username has
// not blocked fails with ErrNotFound.
func (f *Federation) Unblock(ctx context.Context, username, target string) (*vocab.Object, error) {
	if _, err := f.localActorIRI(ctx, username); err != nil {
		return nil, err
	}
	them, err := f.targetIRI(ctx, target)
	if err != nil {
		return nil, err
	}
	return f.unreact(ctx, username, them, vocab.TypeBlock)
}

// Move announces to username's followers that the account moved to the
// actor targetIRI, which must list username's actor in its alsoKnownAs
// (ErrForbidden otherwise; a remote target is fetched afresh to check).
// For actors kept in the Store, the profile's MovedTo is set; a host with
// its own accounts (Config.Actors) sets Actor.MovedTo itself.
func (f *Federation) Move(ctx context.Context, username, targetIRI string) (*vocab.Object, error) {
	me, err := f.localActorIRI(ctx, username)
	if err != nil {
		return nil, err
	}
	if targetIRI == me || !vocab.ValidIRI(targetIRI) {
		return nil, fmt.Errorf("%w: invalid move target %q", ErrInvalidActivity, targetIRI)
	}
	var target *vocab.Object
	if name, ok := f.Username(targetIRI); ok {
		target, err = f.ActorDocument(ctx, name)
	} else {
		target, err = f.remoteActor(ctx, targetIRI, true)
	}
	if err != nil {
		return nil, err
	}
	if !slices.Contains(target.AlsoKnownAs, me) {
		return nil, fmt.Errorf("%w: %s does not list %s in alsoKnownAs", ErrForbidden, targetIRI, me)
	}
	if f.cfg.Actors == nil {
		a, err := f.LocalActor(ctx, username)
		if err != nil {
			return nil, err
		}
		a.MovedTo = target.ID
		if err := f.CreateActor(ctx, *a); err != nil {
			return nil, err
		}
	}
	act := f.newActivity(vocab.TypeMove, me)
	act.Object = iris(me)
	act.Target = iris(target.ID)
	act.To = iris(f.FollowersIRI(username))
	return f.send(ctx, username, act, publishOptions{})
}

// UpdateProfile sends an Update carrying username's current actor document
// to the public and username's followers, after a change of profile.
func (f *Federation) UpdateProfile(ctx context.Context, username string) (*vocab.Object, error) {
	me, err := f.localActorIRI(ctx, username)
	if err != nil {
		return nil, err
	}
	doc, err := f.ActorDocument(ctx, username)
	if err != nil {
		return nil, err
	}
	act := f.newActivity(vocab.TypeUpdate, me)
	act.Object = []vocab.Ref{vocab.ObjectRef(doc)}
	act.To = iris(vocab.PublicIRI)
	act.Cc = iris(f.FollowersIRI(username))
	return f.send(ctx, username, act, publishOptions{})
}

// DeleteActor sends a Delete of username's actor to the public, its
// followers and the actors it follows. The actor's follows then end, but
// for those of remote followers, which delivering the Delete still needs.
// For actors kept in the Store the profile is then deleted, so the actor
// answers 410 Gone; a host with its own accounts makes its ActorFunc answer
// ErrGone itself. Deliveries already queued go out, signed with the
// actor's key, which is kept.
func (f *Federation) DeleteActor(ctx context.Context, username string) (*vocab.Object, error) {
	me, err := f.localActorIRI(ctx, username)
	if err != nil {
		return nil, err
	}
	var inboxes []string
	var ended []store.Follow // dropped once the Delete is queued
	for _, state := range []store.FollowState{store.FollowAccepted, store.FollowPending} {
		err := f.eachFollow(ctx, state, false, me, func(fl store.Follow) error {
			if !f.IsLocal(fl.Followee) {
				inboxes = append(inboxes, fl.DeliveryInbox())
			}
			ended = append(ended, fl)
			return nil
		})
		if err != nil {
			return nil, err
		}
		// Remote followers stay until the Delete has been delivered to
		// them; local ones are told in-process and go now.
		err = f.eachFollow(ctx, state, true, me, func(fl store.Follow) error {
			if _, ok := f.Username(fl.Follower); ok {
				ended = append(ended, fl)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	act := f.newActivity(vocab.TypeDelete, me)
	act.Object = iris(me)
	act.To = iris(vocab.PublicIRI)
	act.Cc = iris(f.FollowersIRI(username))
	sent, err := f.send(ctx, username, act, publishOptions{inboxes: inboxes})
	if err != nil {
		return nil, err
	}
	for _, fl := range ended {
		if _, err := f.st.DeleteFollow(ctx, fl.Follower, fl.Followee); err != nil {
			return nil, fmt.Errorf("activitypub: ending follow of %s by %s: %w", fl.Followee, fl.Follower, err)
		}
	}
	if f.cfg.Actors == nil {
		if err := f.st.DeleteObject(ctx, f.storedActorIRI(username), f.now()); err != nil {
			return nil, err
		}
	}
	return sent, nil
}

// Pin features username's own local post objectIRI: it joins the featured
// collection and an Add goes to the public and username's followers. A
// post that is not username's own and local, or a direct message, fails
// with ErrForbidden.
func (f *Federation) Pin(ctx context.Context, username, objectIRI string) (*vocab.Object, error) {
	return f.feature(ctx, username, objectIRI, vocab.TypeAdd)
}

// Unpin removes objectIRI from username's featured collection and sends a
// Remove to the public and username's followers.
func (f *Federation) Unpin(ctx context.Context, username, objectIRI string) (*vocab.Object, error) {
	return f.feature(ctx, username, objectIRI, vocab.TypeRemove)
}

// feature sends an Add or Remove of the featured collection.
func (f *Federation) feature(ctx context.Context, username, objectIRI, typ string) (*vocab.Object, error) {
	me, err := f.localActorIRI(ctx, username)
	if err != nil {
		return nil, err
	}
	featured := f.FeaturedIRI(username)
	if typ == vocab.TypeAdd {
		o, _, err := f.ownObject(ctx, me, objectIRI)
		if err != nil {
			return nil, err
		}
		if o.Visibility(f.FollowersIRI(username)) == vocab.VisibilityDirect {
			return nil, fmt.Errorf("%w: %s is a direct message", ErrForbidden, objectIRI)
		}
		if _, err := f.st.AddToCollection(ctx, featured, objectIRI); err != nil {
			return nil, err
		}
	} else {
		if !vocab.ValidIRI(objectIRI) {
			return nil, fmt.Errorf("%w: invalid object %q", ErrInvalidActivity, objectIRI)
		}
		removed, err := f.st.RemoveFromCollection(ctx, featured, objectIRI)
		if err != nil {
			return nil, err
		}
		if !removed {
			return nil, fmt.Errorf("%w: %s is not pinned by %s", ErrNotFound, objectIRI, me)
		}
	}
	act := f.newActivity(typ, me)
	act.Object = iris(objectIRI)
	act.Target = iris(featured)
	act.To = iris(vocab.PublicIRI)
	act.Cc = iris(f.FollowersIRI(username))
	return f.send(ctx, username, act, publishOptions{})
}
