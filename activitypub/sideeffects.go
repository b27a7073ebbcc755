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

// Side effects of received activities. The inbox has checked who signed an
// activity and that its id is on its actor's host; everything else — who may
// do what to which object — is checked here, before anything is written. A
// refused activity changes nothing (see DefaultSideEffect for its errors).
//
// Besides the state described in state.go, side effects keep:
//
//	blocked-by   localActorIRI + "#blocked-by"   remote actor IRIs that sent the local actor a Block
//	featured     the remote actor's featured IRI  object IRIs a remote actor pinned (Add/Remove)
//
// Received Follow, Like, Announce and Block activities are cached as remote
// objects under their ids, so that an Undo naming only the id finds what it
// undoes and an Accept can embed the Follow it answers.
//
// The local actors a remote actor is related to need no index of their own:
// store.Follows lists relationships by either side, and every stored
// relationship has a local actor on at least one side, so
// Following(remote) lists the local actors it follows and Followers(remote)
// the local actors following it.

func blockedByIRI(localActorIRI string) string { return localActorIRI + "#blocked-by" }

// DefaultSideEffect runs the built-in side effect of in's activity type,
// for an Override that adds to it. Types without one (Flag, and types this
// package does not know) do nothing. A refused activity changes nothing and
// returns an error wrapping ErrForbidden, ErrOriginMismatch,
// ErrInvalidActivity, ErrBlocked (a Follow or Like from someone the local
// actor blocks) or ErrNotFound (an Accept or Reject of no Follow we sent).
// An activity that concerns nothing kept here (a Like of a post not ours,
// an unsolicited post) changes nothing and returns an error wrapping
// ErrIgnored; the inbox then skips the host's hook. An Override that keeps
// the default should return that error too.
func (f *Federation) DefaultSideEffect(ctx context.Context, in *Inbound) error {
	if in == nil || in.Activity == nil || in.Actor == nil || in.Actor.ID == "" {
		return fmt.Errorf("%w: no activity or actor", ErrInvalidActivity)
	}
	if in.Activity.ID == "" {
		return fmt.Errorf("%w: activity without id", ErrInvalidActivity)
	}
	switch in.Activity.Type {
	case vocab.TypeFollow:
		return f.onFollow(ctx, in)
	case vocab.TypeAccept, vocab.TypeReject:
		return f.onFollowResponse(ctx, in)
	case vocab.TypeUndo:
		return f.onUndo(ctx, in)
	case vocab.TypeCreate:
		return f.onCreate(ctx, in)
	case vocab.TypeUpdate:
		return f.onUpdate(ctx, in)
	case vocab.TypeDelete:
		return f.onDelete(ctx, in)
	case vocab.TypeLike:
		return f.onReaction(ctx, in, reactionLike)
	case vocab.TypeAnnounce:
		return f.onAnnounce(ctx, in)
	case vocab.TypeBlock:
		return f.onBlock(ctx, in)
	case vocab.TypeAdd, vocab.TypeRemove:
		return f.onFeatured(ctx, in)
	case vocab.TypeMove:
		return f.onMove(ctx, in)
	}
	return nil
}

// AcceptFollow accepts a pending Follow of a local actor that approves
// followers manually, and sends the Accept. Accepting an accepted follow
// sends the Accept again. An unknown id fails with ErrNotFound; a Follow of
// a remote actor (one a local actor sent) with ErrInvalidActivity.
func (f *Federation) AcceptFollow(ctx context.Context, followActivityID string) error {
	fl, err := f.localFollowee(ctx, followActivityID)
	if err != nil {
		return err
	}
	if err := f.st.SetFollowState(ctx, fl.Follower, fl.Followee, store.FollowAccepted); err != nil {
		return err
	}
	return f.answerFollow(ctx, vocab.TypeAccept, fl, f.followActivity(ctx, fl))
}

// RejectFollow rejects a pending (or accepted) Follow of a local actor and
// sends the Reject. Errors are those of AcceptFollow.
func (f *Federation) RejectFollow(ctx context.Context, followActivityID string) error {
	fl, err := f.localFollowee(ctx, followActivityID)
	if err != nil {
		return err
	}
	follow := f.followActivity(ctx, fl)
	if _, err := f.st.DeleteFollow(ctx, fl.Follower, fl.Followee); err != nil {
		return err
	}
	if err := f.answerFollow(ctx, vocab.TypeReject, fl, follow); err != nil {
		return err
	}
	f.forgetRemote(ctx, fl.ActivityID)
	return nil
}

// localFollowee finds the relationship of a Follow activity whose followee
// is a local actor.
func (f *Federation) localFollowee(ctx context.Context, followActivityID string) (store.Follow, error) {
	fl, err := f.st.FollowByActivity(ctx, followActivityID)
	if errors.Is(err, store.ErrNotFound) {
		return fl, fmt.Errorf("%w: follow %s", ErrNotFound, followActivityID)
	}
	if err != nil {
		return fl, err
	}
	if _, ok := f.Username(fl.Followee); !ok {
		return fl, fmt.Errorf("%w: follow %s is not of a local actor", ErrInvalidActivity, followActivityID)
	}
	return fl, nil
}

// onFollow stores a Follow of a local actor, accepted at once unless the
// actor approves followers manually, and answers an accepted one with an
// Accept. A repeated Follow of an accepted follow is accepted again.
func (f *Federation) onFollow(ctx context.Context, in *Inbound) error {
	act, actor := in.Activity, in.Actor.ID
	followee := vocab.First(act.Object).ID()
	name, ok := f.Username(followee)
	if !ok {
		return fmt.Errorf("%w: Follow of %q, not a local actor", ErrInvalidActivity, followee)
	}
	la, err := f.LocalActor(ctx, name)
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrGone) {
		return fmt.Errorf("%w: Follow of %s: %w", ErrInvalidActivity, followee, err)
	}
	if err != nil {
		return err
	}
	if in.Actor.Inbox == "" {
		return fmt.Errorf("%w: follower %s has no inbox", ErrInvalidActivity, actor)
	}
	if blocked, err := f.blockedBy(ctx, followee, actor); err != nil {
		return err
	} else if blocked {
		return fmt.Errorf("%w: %s blocks %s", ErrBlocked, followee, actor)
	}
	state := store.FollowAccepted
	if la.ManuallyApprovesFollowers {
		state = store.FollowPending
	}
	old, err := f.st.GetFollow(ctx, actor, followee)
	switch {
	case err == nil:
		if old.State == store.FollowAccepted {
			state = store.FollowAccepted
		}
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	fl := store.Follow{
		Follower: actor, Followee: followee, ActivityID: act.ID, State: state,
		Inbox: in.Actor.Inbox, SharedInbox: sharedInbox(in.Actor), Created: f.now(),
	}
	if err := f.putRemote(ctx, act, in.Raw); err != nil {
		return err
	}
	if _, err := f.st.PutFollow(ctx, fl); err != nil {
		return err
	}
	if old.ActivityID != "" && old.ActivityID != act.ID {
		f.forgetRemote(ctx, old.ActivityID)
	}
	if state == store.FollowPending {
		in.Pending = true
		return nil
	}
	return f.answerFollow(ctx, vocab.TypeAccept, fl, act)
}

// answerFollow sends an Accept or Reject of follow, embedding it, from the
// followee to the follower.
func (f *Federation) answerFollow(ctx context.Context, typ string, fl store.Follow, follow *vocab.Object) error {
	embedded := *follow
	embedded.LDContext = nil
	resp := &vocab.Object{
		ID:     f.NewID(),
		Type:   typ,
		Actor:  []vocab.Ref{vocab.IRIRef(fl.Followee)},
		Object: []vocab.Ref{vocab.ObjectRef(&embedded)},
		To:     []vocab.Ref{vocab.IRIRef(fl.Follower)},
	}
	return f.sendActivity(ctx, fl.Followee, resp, fl.Follower, fl.Inbox, fl.ActivityID)
}

// followActivity returns the Follow activity of a relationship: as received
// when it was kept, else rebuilt from the relationship.
func (f *Federation) followActivity(ctx context.Context, fl store.Follow) *vocab.Object {
	if so, err := f.st.GetObject(ctx, fl.ActivityID); err == nil {
		if o, err := f.decoder.Decode(ctx, so.Document); err == nil && o.Type == vocab.TypeFollow {
			return o
		}
	}
	return &vocab.Object{
		ID:     fl.ActivityID,
		Type:   vocab.TypeFollow,
		Actor:  []vocab.Ref{vocab.IRIRef(fl.Follower)},
		Object: []vocab.Ref{vocab.IRIRef(fl.Followee)},
	}
}

// onFollowResponse applies an Accept or Reject of a Follow a local actor
// sent. Only the followee may answer it.
func (f *Federation) onFollowResponse(ctx context.Context, in *Inbound) error {
	act, actor := in.Activity, in.Actor.ID
	ref := vocab.First(act.Object)
	if ref.ID() == "" && ref.Object == nil {
		return fmt.Errorf("%w: %s without object", ErrInvalidActivity, act.Type)
	}
	var fl store.Follow
	err := store.ErrNotFound
	if ref.ID() != "" {
		fl, err = f.st.FollowByActivity(ctx, ref.ID())
	}
	if errors.Is(err, store.ErrNotFound) && ref.Object != nil && ref.Object.Type == vocab.TypeFollow {
		// Some servers answer with a Follow whose id we never minted
		// (or none): find the relationship by its two actors.
		fl, err = f.st.GetFollow(ctx, vocab.First(ref.Object.Actor).ID(), vocab.First(ref.Object.Object).ID())
	}
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%w: %s of unknown follow %s", ErrNotFound, act.Type, ref.ID())
	}
	if err != nil {
		return err
	}
	if _, local := f.Username(fl.Follower); !local || fl.Followee != actor {
		return fmt.Errorf("%w: %s of a follow of %s by %s", ErrForbidden, actor, fl.Followee, fl.Follower)
	}
	if act.Type == vocab.TypeAccept {
		return f.st.SetFollowState(ctx, fl.Follower, fl.Followee, store.FollowAccepted)
	}
	_, err = f.st.DeleteFollow(ctx, fl.Follower, fl.Followee)
	return err
}

// onUndo undoes a Follow, Like, Announce or Block the actor sent.
func (f *Federation) onUndo(ctx context.Context, in *Inbound) error {
	act, actor := in.Activity, in.Actor.ID
	ref := vocab.First(act.Object)
	id := ref.ID()
	if id == "" && ref.Object == nil {
		return fmt.Errorf("%w: Undo without object", ErrInvalidActivity)
	}
	if id != "" {
		fl, err := f.st.FollowByActivity(ctx, id)
		switch {
		case err == nil:
			if fl.Follower != actor {
				return fmt.Errorf("%w: Undo by %s of a Follow by %s", ErrForbidden, actor, fl.Follower)
			}
			if _, err := f.st.DeleteFollow(ctx, fl.Follower, fl.Followee); err != nil {
				return err
			}
			f.forgetRemote(ctx, id)
			return nil
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
	}
	// What is undone: our cached copy when we kept it (trusted: it came
	// from its actor), else the embedded activity, whose id must then be
	// on the actor's host.
	undone, stored, err := f.cachedRemote(ctx, id)
	if err != nil {
		return err
	}
	if undone == nil {
		undone = ref.Object
		if undone == nil {
			return fmt.Errorf("%w: undo of an activity never seen", ErrIgnored)
		}
		if id != "" && !sameHost(id, actor) {
			return fmt.Errorf("%w: Undo by %s of %s", ErrOriginMismatch, actor, id)
		}
	}
	if by := vocab.First(undone.Actor).ID(); by != actor {
		return fmt.Errorf("%w: Undo by %s of a %s by %s", ErrForbidden, actor, undone.Type, by)
	}
	object := vocab.First(undone.Object).ID()
	// Something kept here must change, else the Undo is ignored: the
	// host's hook never saw what it undoes. A local actor's Undo made its
	// change when it was published (Unfollow, Unlike, ...).
	changed := stored || f.IsLocal(actor)
	switch undone.Type {
	case vocab.TypeFollow:
		// A Follow whose id is not the one the relationship holds: the
		// relationship is still the actor's own.
		ok, err := f.st.DeleteFollow(ctx, actor, object)
		if err != nil {
			return err
		}
		changed = changed || ok
	case vocab.TypeLike, vocab.TypeAnnounce:
		if id == "" {
			return fmt.Errorf("%w: Undo of a %s without id", ErrIgnored, undone.Type)
		}
		kind := reactionLike
		if undone.Type == vocab.TypeAnnounce {
			kind = reactionAnnounce
		}
		if f.IsLocal(object) {
			ok, err := f.st.RemoveFromCollection(ctx, reactionCollection(kind, object), id)
			if err != nil {
				return err
			}
			if _, err := f.st.RemoveFromCollection(ctx, undoIndexIRI(actor, kind, object), id); err != nil {
				return err
			}
			changed = changed || ok
		}
		if undone.Type == vocab.TypeAnnounce {
			ok, err := f.removeFromLocalInboxes(ctx, actor, id)
			if err != nil {
				return err
			}
			changed = changed || ok
		}
	case vocab.TypeBlock:
		if _, ok := f.Username(object); ok {
			ok, err := f.st.RemoveFromCollection(ctx, blockedByIRI(object), actor)
			if err != nil {
				return err
			}
			changed = changed || ok
		}
	default:
		return nil
	}
	if stored {
		f.forgetRemote(ctx, id)
	}
	if !changed {
		return fmt.Errorf("%w: Undo of a %s not in effect", ErrIgnored, undone.Type)
	}
	return nil
}

// cachedRemote returns the remote object or activity cached under id, or
// nil when none is.
func (f *Federation) cachedRemote(ctx context.Context, id string) (*vocab.Object, bool, error) {
	if id == "" {
		return nil, false, nil
	}
	so, err := f.st.GetObject(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrGone):
		return nil, false, nil
	case err != nil:
		return nil, false, err
	case so.Local:
		return nil, false, nil
	}
	o, err := f.decoder.Decode(ctx, so.Document)
	if err != nil {
		return nil, false, nil // an unreadable cache entry is as good as none
	}
	return o, true, nil
}

// onCreate stores a post addressed to a local actor, written by someone a
// local actor follows, replying to a local object, or to be forwarded to
// the followers of a local actor (it answers their post, directly or down
// a thread, and addresses their followers); files it in the inboxes of the
// local actors it is for; and forwards it. Other posts are dropped.
func (f *Federation) onCreate(ctx context.Context, in *Inbound) error {
	act, actor, obj := in.Activity, in.Actor.ID, in.Object
	if obj == nil || obj.ID == "" {
		return fmt.Errorf("%w: Create %s: object unavailable", ErrInvalidActivity, act.ID)
	}
	if !slices.Contains(vocab.IDs(obj.AttributedTo), actor) {
		return fmt.Errorf("%w: Create by %s of %s attributed to %v", ErrForbidden, actor, obj.ID, vocab.IDs(obj.AttributedTo))
	}
	if !sameHost(obj.ID, actor) {
		return fmt.Errorf("%w: Create by %s of %s", ErrOriginMismatch, actor, obj.ID)
	}
	owners := f.forwardOwners(ctx, in)
	recipients, err := f.createRecipients(ctx, in, owners)
	if err != nil {
		return err
	}
	var parents []string
	for _, p := range vocab.IDs(obj.InReplyTo) {
		po, err := f.localObject(ctx, p)
		if err != nil {
			continue
		}
		// A reply from someone the post's author blocks, or one the
		// author may not see (a direct message between others), is not
		// filed under the post.
		blocked := false
		for _, author := range vocab.IDs(po.AttributedTo) {
			if name, ok := f.Username(author); ok {
				if b, err := f.blockedBy(ctx, author, actor); err != nil {
					return err
				} else if b || !f.replyVisibleTo(ctx, in, author, name) {
					blocked = true
				}
			}
		}
		if !blocked {
			parents = append(parents, p)
		}
	}
	if len(recipients) == 0 && len(parents) == 0 && len(owners) == 0 {
		f.log.LogAttrs(ctx, slog.LevelDebug, "dropped unsolicited post",
			slog.String("activity_id", act.ID), slog.String("actor", actor))
		return fmt.Errorf("%w: unsolicited post", ErrIgnored)
	}
	// The post, its Create and where they are filed: one transaction.
	err = f.writeTx(ctx, func(ctx context.Context, st store.Store) error {
		if err := f.putRemoteTo(ctx, st, obj, nil); err != nil {
			if errors.Is(err, store.ErrGone) {
				return fmt.Errorf("%w: deleted before its Create arrived", ErrIgnored)
			}
			return err
		}
		if err := f.putRemoteTo(ctx, st, act, in.Raw); err != nil && !errors.Is(err, store.ErrGone) {
			return err
		}
		for _, p := range parents {
			if _, err := st.AddToCollection(ctx, repliesIRI(p), obj.ID); err != nil {
				return err
			}
		}
		for _, r := range recipients {
			if _, err := st.AddToCollection(ctx, f.inboxOf(r), act.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if !f.IsLocal(obj.ID) {
		if err := f.fetchAncestors(ctx, obj); err != nil {
			f.log.LogAttrs(ctx, slog.LevelInfo, "fetching ancestors failed",
				slog.String("activity_id", act.ID), slog.String("error", err.Error()))
		}
	}
	return f.forwardTo(ctx, in, owners)
}

// replyVisibleTo reports whether the local actor author (username name)
// may see the post of in, as addressed by the post or, when the post names
// no one, by its Create.
func (f *Federation) replyVisibleTo(ctx context.Context, in *Inbound, author, name string) bool {
	post := in.Object
	if !addressed(post) {
		cp := *post
		copyAudience(&cp, in.Activity)
		post = &cp
	}
	return f.visibleToAuthor(ctx, post, author, name)
}

// visibleToAuthor reports whether a reply to a post of the local actor
// author (username name) is visible to that author: it is public,
// addressed to the author or to the author's followers, or otherwise
// visible to the author.
func (f *Federation) visibleToAuthor(ctx context.Context, reply *vocab.Object, author, name string) bool {
	return slices.Contains(audience(reply), f.FollowersIRI(name)) || f.canSee(ctx, reply, author)
}

// createRecipients returns the local actors a post is for: those it
// addresses and the owner of the personal inbox it came through; the
// authors of the local posts it replies to when it is visible to them; the
// local followers of its author when it is public; and the local followers of any actor whose followers collection it
// addresses — its author, the authors of the posts it answers, the actors
// it mentions, and the local actors in owners (those it is forwarded for);
// less those who block its author.
func (f *Federation) createRecipients(ctx context.Context, in *Inbound, owners []string) ([]string, error) {
	obj := in.Object
	aud := audience(in.Activity)
	for _, a := range audience(obj) {
		if !slices.Contains(aud, a) {
			aud = append(aud, a)
		}
	}
	var out []string
	add := func(iri string) {
		if !slices.Contains(out, iri) {
			out = append(out, iri)
		}
	}
	addFollowers := func(actor string) error {
		return f.eachFollow(ctx, store.FollowAccepted, true, actor, func(fl store.Follow) error {
			if _, ok := f.Username(fl.Follower); ok {
				add(fl.Follower)
			}
			return nil
		})
	}
	// The owner of the personal inbox it came through is a recipient even
	// when unnamed: the sender removed the bto or bcc naming it.
	addressees := aud
	if in.Recipient != "" && !slices.Contains(addressees, in.Recipient) {
		addressees = append(slices.Clone(aud), in.Recipient)
	}
	for _, iri := range addressees {
		if name, ok := f.Username(iri); ok {
			if _, err := f.LocalActor(ctx, name); err == nil {
				add(iri)
			}
		}
	}
	for _, p := range vocab.IDs(obj.InReplyTo) {
		po, err := f.localObject(ctx, p)
		if err != nil {
			continue
		}
		for _, author := range vocab.IDs(po.AttributedTo) {
			if _, ok := f.Username(author); ok && f.canSee(ctx, obj, author) {
				add(author)
			}
		}
	}
	if isPublic(obj) {
		if err := addFollowers(in.Actor.ID); err != nil {
			return nil, err
		}
	}
	for _, owner := range owners {
		if name, ok := f.Username(owner); ok && slices.Contains(aud, f.FollowersIRI(name)) {
			if err := addFollowers(owner); err != nil {
				return nil, err
			}
		}
	}
	for _, c := range f.followersAddressed(ctx, in, aud) {
		if err := addFollowers(c); err != nil {
			return nil, err
		}
	}
	// Nothing reaches a local actor from someone it blocks.
	var kept []string
	for _, r := range out {
		blocked, err := f.blockedBy(ctx, r, in.Actor.ID)
		if err != nil {
			return nil, err
		}
		if !blocked {
			kept = append(kept, r)
		}
	}
	return kept, nil
}

// followersAddressed returns the actors whose followers collection
// a post addresses, among those it concerns: its author, the authors of
// the cached posts it answers, and the actors it mentions or addresses.
// A collection is known as an actor's followers only from the actor's own
// document (as cached), never from the post.
func (f *Federation) followersAddressed(ctx context.Context, in *Inbound, aud []string) []string {
	candidates := []string{in.Actor.ID}
	for _, p := range vocab.IDs(in.Object.InReplyTo) {
		if parent, _, err := f.cachedRemote(ctx, p); err == nil && parent != nil {
			candidates = append(candidates, vocab.IDs(parent.AttributedTo)...)
		}
	}
	for _, t := range in.Object.Tag {
		if t.Object != nil && t.Object.Type == vocab.TypeMention {
			candidates = append(candidates, t.ID())
		}
	}
	candidates = append(candidates, aud...)
	var out []string
	for _, c := range candidates {
		// A local author's followers are candidates too: its post may
		// reach them through our own inbox.
		if c == "" || (f.IsLocal(c) && c != in.Actor.ID) || slices.Contains(out, c) {
			continue
		}
		var followers string
		if c == in.Actor.ID {
			followers = in.Actor.Followers
		} else if ra, err := f.st.GetRemoteActor(ctx, c); err == nil {
			if doc, err := f.decoder.Decode(ctx, ra.Document); err == nil && doc.ID == c {
				followers = doc.Followers
			}
		}
		if followers != "" && slices.Contains(aud, followers) {
			out = append(out, c)
		}
	}
	return out
}

// inboxOf returns the inbox collection of a local actor IRI.
func (f *Federation) inboxOf(actorIRI string) string {
	name, _ := f.Username(actorIRI)
	return f.InboxIRI(name)
}

// onUpdate refreshes a remote actor (only the actor itself may) or replaces
// a cached post with its edit (only its author, from its own host).
func (f *Federation) onUpdate(ctx context.Context, in *Inbound) error {
	act, actor, obj := in.Activity, in.Actor.ID, in.Object
	id := vocab.First(act.Object).ID()
	if obj != nil && obj.ID != "" {
		id = obj.ID
	}
	if id == "" {
		return fmt.Errorf("%w: Update without object", ErrInvalidActivity)
	}
	if id == actor {
		if f.IsLocal(actor) {
			return nil // a local actor's profile is the host's
		}
		if _, err := f.remoteActor(ctx, actor, true); err != nil {
			return err
		}
		return nil
	}
	if obj != nil && obj.IsActor() {
		return fmt.Errorf("%w: Update by %s of actor %s", ErrForbidden, actor, id)
	}
	if _, err := f.st.GetRemoteActor(ctx, id); err == nil {
		return fmt.Errorf("%w: Update by %s of actor %s", ErrForbidden, actor, id)
	}
	if obj == nil {
		return fmt.Errorf("%w: Update %s: object unavailable", ErrInvalidActivity, act.ID)
	}
	if !slices.Contains(vocab.IDs(obj.AttributedTo), actor) {
		return fmt.Errorf("%w: Update by %s of %s attributed to %v", ErrForbidden, actor, id, vocab.IDs(obj.AttributedTo))
	}
	if !sameHost(id, actor) {
		return fmt.Errorf("%w: Update by %s of %s", ErrOriginMismatch, actor, id)
	}
	so, err := f.st.GetObject(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrGone):
		return fmt.Errorf("%w: update of an object not kept", ErrIgnored)
	case err != nil:
		return err
	}
	held, err := f.decoder.Decode(ctx, so.Document)
	if err != nil {
		return fmt.Errorf("activitypub: cached %s: %w", id, err)
	}
	if !slices.Contains(vocab.IDs(held.AttributedTo), actor) {
		return fmt.Errorf("%w: Update by %s of %s attributed to %v", ErrForbidden, actor, id, vocab.IDs(held.AttributedTo))
	}
	if so.Local {
		return nil // a local actor's edit: stored when published
	}
	if err := f.forward(ctx, in); err != nil {
		return err
	}
	if err := f.putRemote(ctx, obj, nil); err != nil && !errors.Is(err, store.ErrGone) {
		return err
	}
	return nil
}

// onDelete tombstones a cached post (only its author may delete it) or,
// when the object is the actor itself, forgets the actor and every follow
// relationship it had with local actors.
func (f *Federation) onDelete(ctx context.Context, in *Inbound) error {
	act, actor := in.Activity, in.Actor.ID
	id := vocab.First(act.Object).ID()
	if id == "" {
		return fmt.Errorf("%w: Delete without object", ErrInvalidActivity)
	}
	if id == actor {
		if f.IsLocal(actor) {
			return nil // a local account's removal is the host's
		}
		return f.forgetActor(ctx, actor)
	}
	so, err := f.st.GetObject(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrGone):
		if _, err := f.st.GetRemoteActor(ctx, id); err == nil {
			return fmt.Errorf("%w: Delete by %s of actor %s", ErrForbidden, actor, id)
		}
		return fmt.Errorf("%w: delete of an object not kept", ErrIgnored)
	case err != nil:
		return err
	}
	held, err := f.decoder.Decode(ctx, so.Document)
	if err != nil {
		return fmt.Errorf("activitypub: cached %s: %w", id, err)
	}
	authors := append(vocab.IDs(held.AttributedTo), vocab.IDs(held.Actor)...)
	if !slices.Contains(authors, actor) || (!f.IsLocal(actor) && !sameHost(id, actor)) {
		return fmt.Errorf("%w: Delete by %s of %s by %v", ErrForbidden, actor, id, authors)
	}
	if so.Local {
		return nil // a local actor's delete: tombstoned when published
	}
	if err := f.forward(ctx, in); err != nil {
		return err
	}
	if err := f.st.DeleteObject(ctx, id, f.now()); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	for _, p := range vocab.IDs(held.InReplyTo) {
		if f.IsLocal(p) {
			if _, err := f.st.RemoveFromCollection(ctx, repliesIRI(p), id); err != nil {
				return err
			}
		}
	}
	return nil
}

// forgetActor removes every follow relationship between a deleted remote
// actor and local actors, and its cached document and keys.
func (f *Federation) forgetActor(ctx context.Context, actor string) error {
	for _, state := range []store.FollowState{store.FollowAccepted, store.FollowPending} {
		for _, followers := range []bool{false, true} {
			if err := f.deleteAllFollows(ctx, state, followers, actor); err != nil {
				return err
			}
		}
	}
	return f.st.DeleteRemoteActor(ctx, actor)
}

// deleteAllFollows deletes the relationships of actor in state: those it
// is followed in when followers is set, else those it follows.
func (f *Federation) deleteAllFollows(ctx context.Context, state store.FollowState, followers bool, actor string) error {
	for {
		var page store.FollowPage
		var err error
		if followers {
			page, err = f.st.Followers(ctx, actor, state, "", store.MaxPageSize)
		} else {
			page, err = f.st.Following(ctx, actor, state, "", store.MaxPageSize)
		}
		if err != nil {
			return err
		}
		if len(page.Follows) == 0 {
			return nil
		}
		removed := 0
		for _, fl := range page.Follows {
			ok, err := f.st.DeleteFollow(ctx, fl.Follower, fl.Followee)
			if err != nil {
				return err
			}
			if ok {
				removed++
			}
		}
		if removed == 0 {
			return nil // another caller is deleting the same ones
		}
	}
}

// eachFollow calls fn for each relationship of actor in state: those it is
// followed in when followers is set, else those it follows.
func (f *Federation) eachFollow(ctx context.Context, state store.FollowState, followers bool, actor string, fn func(store.Follow) error) error {
	cursor := ""
	for {
		var page store.FollowPage
		var err error
		if followers {
			page, err = f.st.Followers(ctx, actor, state, cursor, store.MaxPageSize)
		} else {
			page, err = f.st.Following(ctx, actor, state, cursor, store.MaxPageSize)
		}
		if err != nil {
			return err
		}
		for _, fl := range page.Follows {
			if err := fn(fl); err != nil {
				return err
			}
		}
		if page.Next == "" {
			return nil
		}
		cursor = page.Next
	}
}

// onReaction counts a Like (or an Announce) of a local object in its likes
// (or shares) collection and keeps the activity (with a Misskey reaction's
// content) for its Undo. An actor counts once per object, as Mastodon,
// GoToSocial and Misskey count it: a new Like by the same actor replaces
// its previous one. Likes of other objects are ignored; likes from someone
// the object's author blocks are refused with ErrBlocked, and shares of a
// local object that is not public with ErrForbidden.
func (f *Federation) onReaction(ctx context.Context, in *Inbound, kind string) error {
	act, actor := in.Activity, in.Actor.ID
	object := vocab.First(act.Object).ID()
	if object == "" {
		return fmt.Errorf("%w: %s without object", ErrInvalidActivity, act.Type)
	}
	if !f.IsLocal(object) {
		return fmt.Errorf("%w: not an object of ours", ErrIgnored)
	}
	o, err := f.localObject(ctx, object)
	if err != nil {
		return fmt.Errorf("%w: not an object of ours", ErrIgnored)
	}
	if kind == reactionAnnounce && !isPublic(o) && !slices.Contains(vocab.IDs(o.AttributedTo), actor) {
		return fmt.Errorf("%w: Announce by %s of non-public %s", ErrForbidden, actor, object)
	}
	for _, author := range vocab.IDs(o.AttributedTo) {
		if blocked, err := f.blockedBy(ctx, author, actor); err != nil {
			return err
		} else if blocked {
			return fmt.Errorf("%w: %s blocks %s", ErrBlocked, author, actor)
		}
	}
	coll := reactionCollection(kind, object)
	index := undoIndexIRI(actor, kind, object)
	var replaced string
	err = f.writeTx(ctx, func(ctx context.Context, st store.Store) error {
		p, err := st.CollectionPage(ctx, index, "", store.MaxPageSize)
		if err != nil {
			return err
		}
		for _, prev := range p.Items {
			if prev == act.ID {
				continue
			}
			if _, err := st.RemoveFromCollection(ctx, coll, prev); err != nil {
				return err
			}
			if _, err := st.RemoveFromCollection(ctx, index, prev); err != nil {
				return err
			}
			replaced = prev
		}
		if err := f.putRemoteTo(ctx, st, act, in.Raw); err != nil {
			return err
		}
		if _, err := st.AddToCollection(ctx, coll, act.ID); err != nil {
			return err
		}
		_, err = st.AddToCollection(ctx, index, act.ID)
		return err
	})
	if err != nil {
		return err
	}
	if replaced != "" {
		f.forgetRemote(ctx, replaced)
	}
	return nil
}

// Kinds of reaction to a local object, as named in undo indexes.
const (
	reactionLike     = "like"
	reactionAnnounce = "announce"
)

// reactionCollection returns the collection counting reactions of kind to
// a local object.
func reactionCollection(kind, object string) string {
	if kind == reactionAnnounce {
		return sharesIRI(object)
	}
	return likesIRI(object)
}

// onAnnounce counts a share of a local object, or files a post shared by
// an actor local actors follow in their inboxes, with the post as fetched
// from its origin.
func (f *Federation) onAnnounce(ctx context.Context, in *Inbound) error {
	act, actor := in.Activity, in.Actor.ID
	object := vocab.First(act.Object).ID()
	if object == "" {
		return fmt.Errorf("%w: Announce without object", ErrInvalidActivity)
	}
	if f.IsLocal(object) {
		return f.onReaction(ctx, in, reactionAnnounce)
	}
	aud := audience(act)
	if !isPublic(act) && (in.Actor.Followers == "" || !slices.Contains(aud, in.Actor.Followers)) {
		return fmt.Errorf("%w: not shared with followers", ErrIgnored)
	}
	var followers []string
	err := f.eachFollow(ctx, store.FollowAccepted, true, actor, func(fl store.Follow) error {
		if _, ok := f.Username(fl.Follower); ok {
			followers = append(followers, fl.Follower)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(followers) == 0 {
		return fmt.Errorf("%w: shared by an actor nobody here follows", ErrIgnored)
	}
	obj := in.Object
	if obj == nil || obj.ID != object {
		return fmt.Errorf("%w: Announce %s: object unavailable", ErrInvalidActivity, act.ID)
	}
	if !isPublic(obj) {
		return fmt.Errorf("%w: Announce by %s of non-public %s", ErrForbidden, actor, object)
	}
	// A share is no way around a block: those who block the post's
	// author do not get it.
	var kept []string
	for _, fl := range followers {
		blocked := false
		for _, author := range vocab.IDs(obj.AttributedTo) {
			b, err := f.blockedBy(ctx, fl, author)
			if err != nil {
				return err
			}
			blocked = blocked || b
		}
		if !blocked {
			kept = append(kept, fl)
		}
	}
	if followers = kept; len(followers) == 0 {
		return fmt.Errorf("%w: shared post of an author its followers here block", ErrIgnored)
	}
	if err := f.putRemote(ctx, obj, nil); err != nil {
		if errors.Is(err, store.ErrGone) {
			return fmt.Errorf("%w: shared post deleted", ErrIgnored)
		}
		return err
	}
	if err := f.putRemote(ctx, act, in.Raw); err != nil {
		return err
	}
	for _, fl := range followers {
		if _, err := f.st.AddToCollection(ctx, f.inboxOf(fl), act.ID); err != nil {
			return err
		}
	}
	return nil
}

// removeFromLocalInboxes takes an activity of actor out of the inboxes of
// the local actors following it (an undone Announce), and reports whether
// any held it.
func (f *Federation) removeFromLocalInboxes(ctx context.Context, actor, activityID string) (bool, error) {
	removed := false
	err := f.eachFollow(ctx, store.FollowAccepted, true, actor, func(fl store.Follow) error {
		if _, ok := f.Username(fl.Follower); !ok {
			return nil
		}
		ok, err := f.st.RemoveFromCollection(ctx, f.inboxOf(fl.Follower), activityID)
		removed = removed || ok
		return err
	})
	return removed, err
}

// onBlock ends the follows between a remote actor and the local actor it
// blocks, both ways, and records the block.
func (f *Federation) onBlock(ctx context.Context, in *Inbound) error {
	act, actor := in.Activity, in.Actor.ID
	target := vocab.First(act.Object).ID()
	if _, ok := f.Username(target); !ok {
		return fmt.Errorf("%w: block of someone not ours", ErrIgnored)
	}
	if err := f.putRemote(ctx, act, in.Raw); err != nil {
		return err
	}
	if _, err := f.st.DeleteFollow(ctx, actor, target); err != nil {
		return err
	}
	if _, err := f.st.DeleteFollow(ctx, target, actor); err != nil {
		return err
	}
	_, err := f.st.AddToCollection(ctx, blockedByIRI(target), actor)
	return err
}

// onFeatured keeps a remote actor's featured (pinned) collection: Add and
// Remove whose target is the actor's own featured collection, of the
// actor's own posts. Others are ignored (ErrIgnored).
func (f *Federation) onFeatured(ctx context.Context, in *Inbound) error {
	act, actor := in.Activity, in.Actor.ID
	target := vocab.First(act.Target).ID()
	object := vocab.First(act.Object).ID()
	if target == "" || target != in.Actor.Featured || f.IsLocal(target) {
		return fmt.Errorf("%w: %s of a collection other than the actor's featured", ErrIgnored, act.Type)
	}
	if object == "" {
		return fmt.Errorf("%w: %s without object", ErrInvalidActivity, act.Type)
	}
	if !sameHost(object, actor) {
		return fmt.Errorf("%w: %s by %s of %s", ErrOriginMismatch, act.Type, actor, object)
	}
	if act.Type == vocab.TypeRemove {
		_, err := f.st.RemoveFromCollection(ctx, target, object)
		return err
	}
	if obj := in.Object; obj != nil && obj.ID == object && slices.Contains(vocab.IDs(obj.AttributedTo), actor) {
		if err := f.putRemote(ctx, obj, nil); err != nil && !errors.Is(err, store.ErrGone) {
			return err
		}
	}
	_, err := f.st.AddToCollection(ctx, target, object)
	return err
}

// onMove verifies that the actor's new account names it in alsoKnownAs,
// then moves the local actors following it: each follows the new account
// and undoes its follow of the old one. A Move of an actor no local actor
// follows is ignored before anything is fetched.
func (f *Federation) onMove(ctx context.Context, in *Inbound) error {
	act, old := in.Activity, in.Actor.ID
	if object := vocab.First(act.Object).ID(); object != old {
		return fmt.Errorf("%w: Move by %s of %s", ErrForbidden, old, object)
	}
	target := vocab.First(act.Target).ID()
	if target == "" || target == old {
		return fmt.Errorf("%w: Move without a new actor", ErrInvalidActivity)
	}
	var follows []store.Follow
	for _, state := range []store.FollowState{store.FollowAccepted, store.FollowPending} {
		err := f.eachFollow(ctx, state, true, old, func(fl store.Follow) error {
			if _, ok := f.Username(fl.Follower); ok {
				follows = append(follows, fl)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	if len(follows) == 0 {
		return fmt.Errorf("%w: Move of an actor nobody here follows", ErrIgnored)
	}
	var moved *vocab.Object
	var err error
	if name, ok := f.Username(target); ok {
		moved, err = f.ActorDocument(ctx, name)
	} else {
		moved, err = f.remoteActor(ctx, target, true)
	}
	if err != nil {
		return fmt.Errorf("activitypub: Move of %s to %s: %w", old, target, err)
	}
	if !slices.Contains(moved.AlsoKnownAs, old) {
		return fmt.Errorf("%w: Move of %s to %s, which does not list it in alsoKnownAs", ErrForbidden, old, target)
	}
	if moved.Inbox == "" {
		return fmt.Errorf("%w: Move to %s, which has no inbox", ErrInvalidActivity, target)
	}
	for _, fl := range follows {
		if err := f.moveFollow(ctx, fl, moved); err != nil {
			return err
		}
	}
	return nil
}

// moveFollow makes a local follower of a moved actor follow its new
// account, unless it already does, and undo its follow of the old one, as
// Follow and Unfollow do.
func (f *Federation) moveFollow(ctx context.Context, fl store.Follow, moved *vocab.Object) error {
	name, _ := f.Username(fl.Follower)
	if fl.Follower != moved.ID {
		_, err := f.st.GetFollow(ctx, fl.Follower, moved.ID)
		switch {
		case errors.Is(err, store.ErrNotFound):
			if _, err := f.Follow(ctx, name, moved.ID); err != nil {
				return err
			}
		case err != nil:
			return err
		}
	}
	_, err := f.Unfollow(ctx, name, fl.Followee)
	if errors.Is(err, ErrNotFound) {
		return nil // unfollowed meanwhile
	}
	return err
}

// sendActivity stores act, an activity of the local actor sender, and
// sends it to one recipient: a local one through receiveLocal, a remote
// one to inbox through the delivery queue. orderingKey is as in
// delivery.Message.
func (f *Federation) sendActivity(ctx context.Context, sender string, act *vocab.Object, recipient, inbox, orderingKey string) error {
	raw, err := vocab.Marshal(act)
	if err != nil {
		return err
	}
	if err := f.st.PutObject(ctx, store.Object{
		IRI: act.ID, Type: act.Type, Document: raw, Local: true, Updated: f.now(),
	}); err != nil {
		return err
	}
	if _, ok := f.Username(recipient); ok {
		return f.receiveLocal(ctx, raw, act, recipient)
	}
	if inbox == "" {
		return fmt.Errorf("%w: no inbox for %s", ErrInvalidActivity, recipient)
	}
	_, err = f.delivery.Publish(ctx, delivery.Message{
		ActivityID: act.ID, Activity: raw, Sender: sender, Inboxes: []string{inbox}, OrderingKey: orderingKey,
	})
	return err
}

// putRemote caches a remote object or activity: raw when given, else o
// encoded. Local IRIs are never overwritten (their published copy is
// authoritative).
func (f *Federation) putRemote(ctx context.Context, o *vocab.Object, raw []byte) error {
	return f.putRemoteTo(ctx, f.st, o, raw)
}

// putRemoteTo is putRemote writing to st.
func (f *Federation) putRemoteTo(ctx context.Context, st store.Store, o *vocab.Object, raw []byte) error {
	if o.ID == "" || f.IsLocal(o.ID) {
		return nil
	}
	if len(raw) == 0 {
		var err error
		if raw, err = vocab.Marshal(o); err != nil {
			return err
		}
	}
	now := f.now()
	return st.PutObject(ctx, store.Object{
		IRI: o.ID, Type: o.Type, Document: raw, Fetched: now, Updated: now,
	})
}

// forgetRemote drops a cached remote activity that is no longer in effect.
// Failures are logged: what it undoes is already undone.
func (f *Federation) forgetRemote(ctx context.Context, id string) {
	if f.IsLocal(id) {
		return
	}
	if err := f.st.PurgeObject(ctx, id); err != nil {
		f.log.LogAttrs(ctx, slog.LevelWarn, "dropping cached activity failed",
			slog.String("activity_id", id), slog.String("error", err.Error()))
	}
}

// sharedInbox returns an actor's shared inbox, or "".
func sharedInbox(actor *vocab.Object) string {
	if actor.Endpoints == nil {
		return ""
	}
	return actor.Endpoints.SharedInbox
}
