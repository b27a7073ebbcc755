package activitypub

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/starling-fed/starling/activitypub/vocab"
	"github.com/starling-fed/starling/httpsig"
	"github.com/starling-fed/starling/store"
)

// The inbound record.
//
// An accepted activity is written to the store before the inbox answers 202,
// as an object of type inboundType under inboundCollection()+"/<hash>-<nonce>"
// (hash: hex SHA-256 of the activity id; nonce: random, one per accepted
// delivery), listed in the collection inboundCollection(). Both live under
// "/.starling/", a path no Paths field may serve. A worker processes the
// record and then forgets it (PurgeObject, RemoveFromCollection); records
// left over by a crash or a shutdown are processed at the next Start.
//
// Order of the writes, and why. The store has no transactions in general, so
// the order decides what a crash or a failed write can cost:
//
//  1. PutObject(record) and AddToCollection(pending, record). A failure
//     answers 500 and nothing was marked seen, so the sender's retry is
//     accepted afresh. A crash after these writes leaves a record that the
//     next Start processes.
//  2. MarkSeen(activity id). The record is already durable, so a failure here
//     is logged and the activity is processed anyway: at least once beats
//     losing it. If the id was seen before, this delivery is a duplicate:
//     its own record (and only its own, thanks to the per-delivery nonce) is
//     removed again and the answer is still 202. A duplicate racing the first
//     delivery therefore never removes the first one's record, and a
//     duplicate arriving after the first was processed never resurrects it.
//  3. Queue the record for a worker and answer 202.
//
// The one window left is a crash between 1 and 2: the record is processed at
// the next Start and the sender, which saw no 202, sends again, so the
// activity may be processed twice. Side effects are written to be idempotent
// (follows, collection membership and cached objects are keyed by IRI), so
// that costs at most a repeated host hook.
//
// Deduplication is by activity id alone, across the shared inbox and every
// personal inbox: an activity delivered to several local inboxes is processed
// once, with Inbound.Recipient naming the inbox it came through first. Side
// effects find every local recipient from the activity's addressing, as they
// must for the shared inbox anyway.
const inboundType = "StarlingInbound"

// inboundRecord is the Document of an inbound record.
type inboundRecord struct {
	// Recipient is the local actor whose personal inbox received the
	// activity, "" for the shared inbox.
	Recipient string `json:"recipient,omitempty"`
	// Received is when the activity was accepted.
	Received time.Time `json:"received"`
	// Local is set for activities of local actors (receiveLocal).
	Local bool `json:"local,omitempty"`
	// Activity is the activity as received, byte for byte.
	Activity json.RawMessage `json:"activity"`
}

// inboundCollection lists the records not yet processed.
func (f *Federation) inboundCollection() string { return f.cfg.Origin + "/.starling/inbound" }

// newInboundIRI returns a fresh record IRI for an activity id.
func (f *Federation) newInboundIRI(activityID string) string {
	sum := sha256.Sum256([]byte(activityID))
	var nonce [8]byte
	_, _ = rand.Read(nonce[:])
	return f.inboundCollection() + "/" + hex.EncodeToString(sum[:]) + "-" + hex.EncodeToString(nonce[:])
}

// inboundSweepInterval is how often records left behind (by another process
// sharing the store, or by a full queue) are looked for; inboundOrphanAge is
// how old a record must be before a periodic sweep takes it from whoever
// recorded it.
const (
	inboundSweepInterval = time.Second
	inboundOrphanEvery   = 60 // sweeps of the store every inboundOrphanEvery intervals
	inboundOrphanAge     = 5 * time.Minute
)

// errDuplicate reports an activity already received.
var errDuplicate = errors.New("activitypub: duplicate activity")

// errRecordTooLarge reports an activity too large to be recorded.
var errRecordTooLarge = errors.New("activitypub: activity too large to record")

// inboxError is a refusal of an inbox POST: the status to answer and the
// reason, public (sent in the body) and private (logged).
type inboxError struct {
	status int
	public string
	err    error
}

func refuse(status int, public string, err error) error {
	return &inboxError{status: status, public: public, err: err}
}

func (e *inboxError) Error() string { return fmt.Sprintf("%d %s: %v", e.status, e.public, e.err) }

func (e *inboxError) Unwrap() error { return e.err }

// serveInbox handles a POST to username's inbox ("" for the shared inbox,
// and for the instance actor's inbox).
//
// The answers: 405 for another method; 404 or 410 for the inbox of an
// unknown or deleted actor; 415 for a body that is not
// application/activity+json or application/ld+json with the Activity
// Streams profile (plain application/json is refused too: no server sends
// it, and GoToSocial refuses it as well); 413 beyond Config.MaxInboxBytes
// (and for an activity too large for the store to keep, past 1 MiB);
// 401 without a valid signature, with a signature by another actor than the
// activity's, and for RFC 9421 signatures under Config.CavageOnly; 400 for a
// body that is no activity (not JSON, too deep, no id, type or single
// actor) and for an activity whose id is not on its actor's host (a
// malformed activity rather than a permission matter, as the signature
// did verify); 403 when the actor or its domain is blocked, by the server
// or by the inbox's owner; 503 while the Federation is not running; 500
// when the store fails. Everything else, duplicates included, gets 202.
//
// A signed Delete from an actor that is gone (its key fetch answers 410) or
// that was never cached is answered 202 and dropped, so the sender does not
// retry it for days; a Delete whose key is still cached verifies and is
// processed.
func (f *Federation) serveInbox(w http.ResponseWriter, r *http.Request, username string) {
	ctx := r.Context()
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "inboxes take POST", http.StatusMethodNotAllowed)
		return
	}
	status, err := f.receive(ctx, r, username)
	var ie *inboxError
	switch {
	case err == nil:
		w.WriteHeader(status)
	case errors.As(err, &ie):
		level := slog.LevelInfo
		if ie.status >= 500 {
			level = slog.LevelError
		}
		f.log.LogAttrs(ctx, level, "inbox refused a request",
			slog.String("inbox", r.URL.Path), slog.Int("status", ie.status), slog.Any("error", ie.err))
		if ie.status == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", "30")
		}
		http.Error(w, ie.public, ie.status)
	default:
		f.log.LogAttrs(ctx, slog.LevelError, "inbox failed", slog.String("inbox", r.URL.Path), slog.Any("error", err))
		http.Error(w, "internal error", http.StatusInternalServerError)
	}
}

// receive runs every check of an inbox POST and records the activity. It
// answers the status of a success (202) or an *inboxError.
func (f *Federation) receive(ctx context.Context, r *http.Request, username string) (int, error) {
	f.mu.Lock()
	running := f.running
	f.mu.Unlock()
	if !running {
		return 0, refuse(http.StatusServiceUnavailable, "not running", ErrNotRunning)
	}
	recipient := ""
	if username != "" {
		if _, err := f.LocalActor(ctx, username); err != nil {
			switch {
			case errors.Is(err, ErrGone):
				return 0, refuse(http.StatusGone, "gone", err)
			case errors.Is(err, ErrNotFound):
				return 0, refuse(http.StatusNotFound, "no such inbox", err)
			default:
				return 0, err
			}
		}
		recipient = f.ActorIRI(username)
	}
	if !activityMediaType(r.Header.Get("Content-Type")) {
		return 0, refuse(http.StatusUnsupportedMediaType,
			`send application/activity+json or application/ld+json; profile="https://www.w3.org/ns/activitystreams"`,
			fmt.Errorf("%w: %q", ErrUnsupportedMediaType, r.Header.Get("Content-Type")))
	}
	max := f.cfg.MaxInboxBytes
	if r.ContentLength > max {
		return 0, refuse(http.StatusRequestEntityTooLarge, "body too large",
			fmt.Errorf("%w: Content-Length %d, limit %d", httpsig.ErrBodyTooLarge, r.ContentLength, max))
	}
	rfc9421 := r.Header.Get("Signature-Input") != ""
	if !rfc9421 && len(r.Header.Values("Signature")) == 0 {
		return 0, refuse(http.StatusUnauthorized, httpsig.PublicReason(httpsig.ErrNoSignature), httpsig.ErrNoSignature)
	}
	if rfc9421 && f.cfg.CavageOnly {
		return 0, refuse(http.StatusUnauthorized, "RFC 9421 signatures are not accepted here: sign with draft-cavage",
			errors.New("activitypub: RFC 9421 signature refused (CavageOnly)"))
	}
	if r.Body == nil {
		r.Body = http.NoBody
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, max+1))
	if err != nil {
		return 0, refuse(http.StatusBadRequest, "could not read the body", err)
	}
	if int64(len(body)) > max {
		return 0, refuse(http.StatusRequestEntityTooLarge, "body too large",
			fmt.Errorf("%w: limit %d", httpsig.ErrBodyTooLarge, max))
	}
	r.Body = io.NopCloser(bytes.NewReader(body))

	// Decoding before the signature is checked costs little (the decoder
	// is bounded) and lets a Delete from an actor never seen be dropped
	// without fetching its key, as Mastodon does. JSON-LD normalization,
	// which costs more, waits until the sender is known.
	plain := f.decoder
	plain.Normalize = nil
	act, decErr := plain.Decode(ctx, body)
	if errors.Is(decErr, vocab.ErrNeedsJSONLD) {
		act = nil
	}
	if decErr == nil && f.unknownActorDelete(ctx, act) {
		f.log.LogAttrs(ctx, slog.LevelDebug, "dropped Delete of an unknown actor",
			slog.String("activity_id", act.ID), slog.String("actor", firstActor(act)))
		return http.StatusAccepted, nil
	}

	verified, err := f.verifier.Verify(ctx, r)
	if err != nil && act == nil && errors.Is(err, ErrGone) && errors.Is(decErr, vocab.ErrNeedsJSONLD) {
		act, decErr = f.decoder.Decode(ctx, body) // is it a Delete?
	}
	var gone *goneKeyError
	if err != nil && decErr == nil && act.Type == vocab.TypeDelete && errors.As(err, &gone) && gone.Cached != nil {
		// The actor left after we cached its key: its farewell Delete
		// verifies with the key it was signed with.
		r.Body = io.NopCloser(bytes.NewReader(body))
		verified, err = f.verifyWith(ctx, r, gone.KeyID, gone.Cached)
	}
	if err != nil {
		switch {
		case decErr == nil && act.Type == vocab.TypeDelete && errors.Is(err, ErrGone):
			f.log.LogAttrs(ctx, slog.LevelDebug, "dropped Delete from a gone actor",
				slog.String("activity_id", act.ID), slog.String("actor", firstActor(act)))
			return http.StatusAccepted, nil
		case errors.Is(err, ErrBlocked):
			return 0, refuse(http.StatusForbidden, "blocked", err)
		case errors.Is(err, httpsig.ErrBodyTooLarge):
			return 0, refuse(http.StatusRequestEntityTooLarge, "body too large", err)
		}
		return 0, refuse(http.StatusUnauthorized, httpsig.PublicReason(err), err)
	}
	if act == nil && errors.Is(decErr, vocab.ErrNeedsJSONLD) {
		act, decErr = f.decoder.Decode(ctx, body)
	}
	if decErr != nil {
		return 0, refuse(http.StatusBadRequest, "not an activity: "+publicDecodeReason(decErr), decErr)
	}
	actor, err := f.checkActivity(act)
	if err != nil {
		return 0, refuse(http.StatusBadRequest, "invalid activity", err)
	}
	if err := f.checkKeyOwner(ctx, verified, actor); err != nil {
		// Another server forwarding the activity (ActivityPub §7.1.2):
		// only the copy its origin serves is taken (see forward.go).
		raw, fwd, ferr := f.forwardedActivity(ctx, act)
		if errors.Is(ferr, errNotHeld) {
			f.log.LogAttrs(ctx, slog.LevelDebug, "dropped a forwarded Delete of nothing kept here",
				slog.String("activity_id", act.ID), slog.Any("error", ferr))
			return http.StatusAccepted, nil
		}
		if ferr != nil {
			return 0, refuse(http.StatusUnauthorized, "the signature is not the actor's", errors.Join(err, ferr))
		}
		body, act = raw, fwd
	}
	if err := checkSameHost(act.ID, actor); err != nil {
		return 0, refuse(http.StatusBadRequest, "the activity id is not on its actor's host", err)
	}
	if err := f.blocked(ctx, actor); err != nil {
		if errors.Is(err, ErrBlocked) {
			return 0, refuse(http.StatusForbidden, "blocked", err)
		}
		return 0, err
	}
	if recipient != "" {
		blocked, err := f.blockedBy(ctx, recipient, actor)
		if err != nil {
			return 0, err
		}
		if blocked {
			return 0, refuse(http.StatusForbidden, "blocked", fmt.Errorf("%w: %s by %s", ErrBlocked, actor, recipient))
		}
	}
	switch err := f.record(ctx, body, act, recipient, false); {
	case errors.Is(err, errDuplicate):
		f.log.LogAttrs(ctx, slog.LevelDebug, "duplicate activity", slog.String("activity_id", act.ID))
	case errors.Is(err, errRecordTooLarge):
		return 0, refuse(http.StatusRequestEntityTooLarge, "body too large", err)
	case err != nil:
		return 0, err
	}
	return http.StatusAccepted, nil
}

// verifyWith verifies r with key standing for keyID, and the usual
// resolver for any other key id.
func (f *Federation) verifyWith(ctx context.Context, r *http.Request, keyID string, key *httpsig.VerificationKey) (*httpsig.Verified, error) {
	v := *f.verifier
	v.Resolver = httpsig.KeyResolverFunc(func(ctx context.Context, id string) (*httpsig.VerificationKey, error) {
		if id == keyID {
			k := *key
			return &k, nil
		}
		return nil, fmt.Errorf("%w: %s", httpsig.ErrUnknownKey, id)
	})
	return v.Verify(ctx, r)
}

// activityMediaType reports whether a Content-Type names an Activity
// Streams document: application/activity+json (any parameters, such as a
// charset) or application/ld+json with the Activity Streams profile.
func activityMediaType(ct string) bool {
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	switch mt {
	case "application/activity+json":
		return true
	case "application/ld+json":
		return slices.Contains(strings.Fields(params["profile"]), "https://www.w3.org/ns/activitystreams")
	}
	return false
}

// publicDecodeReason names what is wrong with a body, without echoing it.
func publicDecodeReason(err error) string {
	for _, e := range []struct {
		err error
		msg string
	}{
		{vocab.ErrTooDeep, "nested too deep"},
		{vocab.ErrTooLong, "array too long"},
		{vocab.ErrTooManyObjects, "too many objects"},
		{vocab.ErrTooLarge, "too large"},
		{vocab.ErrNotObject, "not a JSON object"},
		{vocab.ErrInvalidUTF8, "invalid UTF-8"},
		{vocab.ErrInvalidJSON, "invalid JSON"},
		{vocab.ErrInvalidIRI, "invalid IRI"},
		{vocab.ErrNeedsJSONLD, "unusable @context"},
	} {
		if errors.Is(err, e.err) {
			return e.msg
		}
	}
	return "undecodable"
}

// firstActor returns the id of an activity's first actor, or "".
func firstActor(act *vocab.Object) string { return vocab.First(act.Actor).ID() }

// checkActivity checks that act is an activity with an id, a type and
// exactly one actor, an http(s) IRI, and returns that actor.
func (f *Federation) checkActivity(act *vocab.Object) (string, error) {
	switch {
	case act.ID == "":
		return "", fmt.Errorf("%w: no id", ErrInvalidActivity)
	case act.Type == "":
		return "", fmt.Errorf("%w: no type", ErrInvalidActivity)
	case len(act.Actor) == 0:
		return "", fmt.Errorf("%w: no actor", ErrInvalidActivity)
	case len(act.Actor) > 1:
		return "", fmt.Errorf("%w: %d actors", ErrInvalidActivity, len(act.Actor))
	}
	actor := act.Actor[0].ID()
	for _, iri := range []string{act.ID, actor} {
		u, err := url.Parse(iri)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || store.ValidateIRI(iri) != nil {
			return "", fmt.Errorf("%w: %q is not an http(s) IRI", ErrInvalidActivity, iri)
		}
	}
	return actor, nil
}

// checkSameHost checks that the activity id is on its actor's host.
func checkSameHost(activityID, actor string) error {
	ah, err1 := store.HostOf(activityID)
	oh, err2 := store.HostOf(actor)
	if err1 != nil || err2 != nil || ah != oh {
		return fmt.Errorf("%w: activity %s, actor %s", ErrOriginMismatch, activityID, actor)
	}
	return nil
}

// checkKeyOwner checks that the key that signed the request is actor's: the
// owner the resolver reported, else a key id that is the actor IRI with a
// fragment, else a key the actor document lists.
func (f *Federation) checkKeyOwner(ctx context.Context, v *httpsig.Verified, actor string) error {
	if v.Owner != "" {
		if v.Owner != actor {
			return fmt.Errorf("%w: key %s is owned by %s, not %s", ErrForbidden, v.KeyID, v.Owner, actor)
		}
		return nil
	}
	if base, _, _ := strings.Cut(v.KeyID, "#"); base == actor {
		return nil
	}
	if f.IsLocal(actor) {
		return fmt.Errorf("%w: key %s does not belong to %s", ErrForbidden, v.KeyID, actor)
	}
	for _, refresh := range []bool{false, true} {
		doc, err := f.remoteActor(ctx, actor, refresh)
		if err != nil {
			return fmt.Errorf("%w: actor %s: %w", ErrForbidden, actor, err)
		}
		if doc.Key(v.KeyID) != nil && v.KeyID != "" {
			return nil
		}
	}
	return fmt.Errorf("%w: actor %s does not list key %s", ErrForbidden, actor, v.KeyID)
}

// unknownActorDelete reports whether act is an actor deleting itself that
// the server never cached: there is nothing to delete, and its key cannot
// be fetched any more.
func (f *Federation) unknownActorDelete(ctx context.Context, act *vocab.Object) bool {
	if act.Type != vocab.TypeDelete || len(act.Actor) != 1 || len(act.Object) != 1 {
		return false
	}
	actor := act.Actor[0].ID()
	if actor == "" || act.Object[0].ID() != actor || f.IsLocal(actor) {
		return false
	}
	_, err := f.st.GetRemoteActor(ctx, actor)
	return errors.Is(err, store.ErrNotFound)
}

// blockedBy reports whether the local actor recipient blocks actor or its
// domain ("https://host", or "https://host:port" for a non-default port).
func (f *Federation) blockedBy(ctx context.Context, recipient, actor string) (bool, error) {
	coll := blockedIRI(recipient)
	if n, err := f.st.CountCollection(ctx, coll); err != nil || n == 0 {
		return false, err // most actors block nobody: one read instead of three
	}
	candidates := []string{actor}
	if u, err := url.Parse(actor); err == nil && u.Host != "" {
		// The blocked server picks its actors' ids: a domain block holds
		// however they spell the host (case, default port, trailing dot),
		// and a block of the bare domain holds on every port.
		hosts := []string{strings.ToLower(u.Host)}
		if h, err := store.HostOf(actor); err == nil {
			hosts = append(hosts, h)
		}
		if name := normalizeDomain(u.Host); name != "" {
			if p := u.Port(); p != "" && !(u.Scheme == "https" && p == "443") && !(u.Scheme == "http" && p == "80") {
				hosts = append(hosts, name+":"+p)
			}
			hosts = append(hosts, name)
		}
		for _, host := range hosts {
			for _, c := range []string{"https://" + host, u.Scheme + "://" + host} {
				if !slices.Contains(candidates, c) {
					candidates = append(candidates, c)
				}
			}
		}
	}
	for _, c := range candidates {
		in, err := f.st.CollectionContains(ctx, coll, c)
		if err != nil {
			return false, err
		}
		if in {
			return true, nil
		}
	}
	return false, nil
}

// record writes the inbound record of an accepted activity, marks its id
// seen and queues it; see the comment on inboundType for the order. It
// fails with errDuplicate for an id seen before (having written nothing
// that stays).
//
// With a store that is a store.Transactor the three writes are one
// transaction, and a duplicate writes nothing at all. The activity as
// decoded is handed to the worker in memory, so processing it in this
// process needs no second read or decode; the record is what survives a
// crash.
func (f *Federation) record(ctx context.Context, raw []byte, act *vocab.Object, recipient string, local bool) error {
	activityID := act.ID
	now := f.now()
	rec := inboundRecord{Recipient: recipient, Received: now.UTC(), Local: local, Activity: json.RawMessage("null")}
	doc, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	// Put the activity in byte for byte: json.Marshal would compact it.
	doc = append(append(bytes.TrimSuffix(doc, []byte("null}")), raw...), '}')
	if len(doc) > store.MaxDocumentSize {
		return fmt.Errorf("%w: %d bytes", errRecordTooLarge, len(doc))
	}
	iri := f.newInboundIRI(activityID)
	// A post (Create) is taken once per personal inbox it reaches; any
	// other activity once, whichever inbox it came through.
	seenBy := ""
	if act.Type == vocab.TypeCreate {
		seenBy = recipient
	}
	if tx, ok := f.cfg.Store.(store.Transactor); ok {
		err := tx.InTx(ctx, func(ctx context.Context, st store.Store) error {
			if err := st.PutObject(ctx, store.Object{IRI: iri, Type: inboundType, Document: doc, Updated: now}); err != nil {
				return err
			}
			if _, err := st.AddToCollection(ctx, f.inboundCollection(), iri); err != nil {
				return err
			}
			first, err := f.markSeen(ctx, st, activityID, seenBy, now)
			if err != nil {
				return err
			}
			if !first {
				return errDuplicate
			}
			return nil
		})
		switch {
		case errors.Is(err, errDuplicate):
			return err
		case err != nil:
			return fmt.Errorf("activitypub: recording %s: %w", activityID, err)
		}
		f.queue(iri, rec, raw, act)
		return nil
	}
	if err := f.st.PutObject(ctx, store.Object{IRI: iri, Type: inboundType, Document: doc, Updated: now}); err != nil {
		return fmt.Errorf("activitypub: recording %s: %w", activityID, err)
	}
	if _, err := f.st.AddToCollection(ctx, f.inboundCollection(), iri); err != nil {
		_ = f.st.PurgeObject(context.WithoutCancel(ctx), iri)
		return fmt.Errorf("activitypub: recording %s: %w", activityID, err)
	}
	first, err := f.markSeen(ctx, f.st, activityID, seenBy, now)
	if err != nil {
		// The record is durable: process it rather than lose it.
		f.log.LogAttrs(ctx, slog.LevelWarn, "could not mark an activity seen",
			slog.String("activity_id", activityID), slog.Any("error", err))
		first = true
	}
	if !first {
		f.forget(context.WithoutCancel(ctx), iri)
		return errDuplicate
	}
	f.queue(iri, rec, raw, act)
	return nil
}

// maxHandoffBytes bounds the activities whose content is handed to the
// worker in memory; larger ones are read back from the store.
const maxHandoffBytes = 64 << 10

// queue queues a new record, handing its content to the worker in memory
// while it waits in the queue. A record left waiting outside the queue (a
// full queue, a stopped Federation) is read back from the store when its
// turn comes: memory must not grow with a backlog that a hostile sender
// can build by making its activities slow to process.
func (f *Federation) queue(iri string, rec inboundRecord, raw []byte, act *vocab.Object) {
	if len(raw) <= maxHandoffBytes {
		rec.Activity = raw
		f.handoff.Store(iri, handoff{rec: rec, act: act})
	}
	if !f.enqueue(iri) {
		f.handoff.Delete(iri)
	}
}

// markSeen marks activityID seen, and also as seen by recipient when a
// post came to a local actor's personal inbox (recipient != ""). It
// reports first == true when the activity is new, or new to that
// recipient: a post addressed to several local actors privately (bto,
// bcc) reaches each through its own inbox, and each must have it, though
// the addressing no longer names them.
func (f *Federation) markSeen(ctx context.Context, st store.Store, activityID, recipient string, now time.Time) (bool, error) {
	first, err := st.MarkSeen(ctx, activityID, now, now.Add(f.cfg.SeenTTL))
	if err != nil || recipient == "" {
		return first, err
	}
	sum := sha256.Sum256([]byte(activityID + "\x00" + recipient))
	firstHere, err := st.MarkSeen(ctx, f.cfg.Origin+"/.starling/seen/"+hex.EncodeToString(sum[:]), now, now.Add(f.cfg.SeenTTL))
	if err != nil {
		return first, err
	}
	return first || firstHere, nil
}

// handoff is a record's content as recorded, kept in memory for the worker
// of this process.
type handoff struct {
	rec inboundRecord
	act *vocab.Object
}

// forget removes a processed (or duplicate) record: the object first, so a
// crash in between leaves a listed IRI that the next sweep drops, never an
// unlisted object nobody would find.
func (f *Federation) forget(ctx context.Context, iri string) {
	f.handoff.Delete(iri)
	err := f.writeTx(ctx, func(ctx context.Context, st store.Store) error {
		if err := st.PurgeObject(ctx, iri); err != nil {
			return err
		}
		_, err := st.RemoveFromCollection(ctx, f.inboundCollection(), iri)
		return err
	})
	if err != nil {
		f.log.LogAttrs(ctx, slog.LevelWarn, "could not remove an inbound record", slog.String("record", iri), slog.Any("error", err))
	}
}

// enqueue hands a record to the workers and reports whether it is queued.
// When the queue is full (or the Federation is stopped) the record waits
// in f.pending, marked unqueued, for resumeInbound to queue it.
func (f *Federation) enqueue(iri string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.pending[iri] {
		return true
	}
	f.pending[iri] = false
	if !f.running || f.inq == nil {
		return false
	}
	select {
	case f.inq <- iri:
		f.pending[iri] = true
		return true
	default:
		return false
	}
}

// receiveLocal records an activity published by a local actor for local
// recipients, skipping HTTP and signatures, and queues it for processing
// like any received activity.
//
// Like the inboxes, it processes an activity once whatever the number of
// local recipients: the first call records it with Inbound.Recipient set to
// recipient and later calls for the same activity id return nil at once. Side
// effects find every local recipient from the addressing, so a publisher
// with several local recipients may call it once per recipient or once with
// recipient "". While the Federation is stopped the activity is recorded
// and processed at the next Start.
func (f *Federation) receiveLocal(ctx context.Context, raw []byte, act *vocab.Object, recipient string) error {
	if act == nil {
		return fmt.Errorf("%w: no activity", ErrInvalidActivity)
	}
	actor, err := f.checkActivity(act)
	if err != nil {
		return err
	}
	if !f.IsLocal(actor) {
		return fmt.Errorf("%w: actor %s is not local", ErrInvalidActivity, actor)
	}
	if len(raw) == 0 {
		if raw, err = vocab.Marshal(act); err != nil {
			return err
		}
	}
	err = f.record(ctx, raw, act, recipient, true)
	if errors.Is(err, errDuplicate) {
		return nil
	}
	return err
}

// inboxWorker processes recorded activities until ctx is done.
func (f *Federation) inboxWorker(ctx context.Context) {
	defer f.wg.Done()
	f.mu.Lock()
	q := f.inq
	f.mu.Unlock()
	for {
		select {
		case <-ctx.Done():
			return
		case iri := <-q:
			f.mu.Lock()
			if !f.running {
				// Shutting down: the record stays for the next Start.
				f.pending[iri] = false
				f.mu.Unlock()
				continue
			}
			f.inflight.Add(1)
			f.mu.Unlock()
			done := f.process(ctx, iri)
			f.mu.Lock()
			if done {
				delete(f.pending, iri)
			} else {
				f.pending[iri] = false
			}
			if len(f.pending) == 0 {
				f.idle.Broadcast()
			}
			f.mu.Unlock()
			f.inflight.Done()
		}
	}
}

// process runs one record: it builds the Inbound, runs the side effect and
// the hook, and forgets the record. It reports false when the record must
// stay for a later attempt (the Federation is stopping).
func (f *Federation) process(ctx context.Context, iri string) (done bool) {
	defer func() {
		if p := recover(); p != nil {
			f.log.LogAttrs(ctx, slog.LevelError, "panic processing an activity",
				slog.String("record", iri), slog.Any("panic", p))
			f.forget(context.WithoutCancel(ctx), iri)
			done = true
		}
	}()
	var in *Inbound
	var err error
	if h, ok := f.handoff.LoadAndDelete(iri); ok {
		h := h.(handoff)
		in, err = f.inboundOf(ctx, &h.rec, h.act)
	} else {
		in, err = f.loadInbound(ctx, iri)
		if errors.Is(err, errRecordGone) {
			return true
		}
		if err != nil && !errors.Is(err, errUnusable) {
			return false
		}
	}
	if err != nil {
		f.log.LogAttrs(ctx, slog.LevelWarn, "unusable inbound record", slog.String("record", iri), slog.Any("error", err))
		f.forget(ctx, iri)
		return true
	}
	if in != nil {
		f.dispatch(ctx, in)
	}
	if ctx.Err() != nil {
		return false
	}
	f.forget(ctx, iri)
	return true
}

// Outcomes of loadInbound other than store failures.
var (
	errRecordGone = errors.New("activitypub: inbound record already processed")
	errUnusable   = errors.New("activitypub: unusable inbound record")
)

// loadInbound reads a record from the store and builds its Inbound.
func (f *Federation) loadInbound(ctx context.Context, iri string) (*Inbound, error) {
	obj, err := f.st.GetObject(ctx, iri)
	switch {
	case errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrGone):
		// Processed by another process sharing the store, or a duplicate
		// removed again: only its listing may be left.
		_, _ = f.st.RemoveFromCollection(ctx, f.inboundCollection(), iri)
		return nil, errRecordGone
	case err != nil:
		if ctx.Err() == nil {
			f.log.LogAttrs(ctx, slog.LevelError, "could not load an inbound record", slog.String("record", iri), slog.Any("error", err))
		}
		return nil, err
	}
	var rec inboundRecord
	if err := json.Unmarshal(obj.Document, &rec); err != nil {
		return nil, fmt.Errorf("%w: %w", errUnusable, err)
	}
	act, err := f.decoder.Decode(ctx, rec.Activity)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errUnusable, err)
	}
	in, err := f.inboundOf(ctx, &rec, act)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errUnusable, err)
	}
	return in, nil
}

// inboundOf builds the Inbound of a record and its decoded activity. It
// returns nil (and no error) for an activity that cannot be processed
// because an object it needs could not be had.
func (f *Federation) inboundOf(ctx context.Context, rec *inboundRecord, act *vocab.Object) (*Inbound, error) {
	actor, err := f.checkActivity(act)
	if err != nil {
		return nil, err
	}
	in := &Inbound{
		Activity:  act,
		Raw:       rec.Activity,
		Recipient: rec.Recipient,
		Received:  rec.Received,
	}
	in.Actor = f.inboundActor(ctx, actor)
	actorHost, _ := store.HostOf(actor)
	in.Object = f.inboundObject(ctx, act, actorHost)
	if in.Object == nil && len(act.Object) > 0 {
		switch act.Type {
		case vocab.TypeCreate, vocab.TypeUpdate, vocab.TypeAnnounce:
			f.log.LogAttrs(ctx, slog.LevelInfo, "dropped an activity whose object could not be had",
				slog.String("activity_id", act.ID), slog.String("actor", actor), slog.String("object", vocab.First(act.Object).ID()))
			return nil, nil
		}
	}
	return in, nil
}

// inboundActor returns the document of an activity's actor: a local one as
// served, a remote one from the cache or fetched. When it cannot be had
// (a gone actor deleting itself, say) a document holding only the id
// stands in, so side effects that need no more still run.
func (f *Federation) inboundActor(ctx context.Context, actor string) *vocab.Object {
	if f.IsLocal(actor) {
		var doc *vocab.Object
		var err error
		if actor == f.InstanceActorIRI() {
			doc, err = f.InstanceActorDocument(ctx)
		} else if name, ok := f.Username(actor); ok {
			doc, err = f.ActorDocument(ctx, name)
		} else {
			err = ErrNotFound
		}
		if err == nil {
			return doc
		}
		return &vocab.Object{ID: actor}
	}
	doc, err := f.remoteActor(ctx, actor, false)
	if err != nil || doc == nil {
		f.log.LogAttrs(ctx, slog.LevelDebug, "actor of an activity unavailable", slog.String("actor", actor), slog.Any("error", err))
		return &vocab.Object{ID: actor}
	}
	return doc
}

// inboundObject dereferences an activity's first object. A Delete's object
// is never fetched (it is gone, or should be): only an embedded one from
// the actor's own host is taken.
func (f *Federation) inboundObject(ctx context.Context, act *vocab.Object, actorHost string) *vocab.Object {
	ref := vocab.First(act.Object)
	if ref.IRI == "" && ref.Object == nil {
		return nil
	}
	if act.Type == vocab.TypeDelete {
		if ref.Object != nil {
			if h, err := store.HostOf(ref.Object.ID); err == nil && h == actorHost {
				return ref.Object
			}
		}
		return nil
	}
	o, err := f.dereference(ctx, ref, actorHost)
	if err != nil {
		f.log.LogAttrs(ctx, slog.LevelDebug, "object of an activity unavailable",
			slog.String("activity_id", act.ID), slog.String("object", ref.ID()), slog.Any("error", err))
		return nil
	}
	return o
}

// dispatch runs the side effect of in (Config.Override or the default) and,
// when it succeeded, the host's hook for the type.
func (f *Federation) dispatch(ctx context.Context, in *Inbound) {
	t := in.Activity.Type
	attrs := func(err error) []slog.Attr {
		return []slog.Attr{slog.String("activity_id", in.Activity.ID), slog.String("type", t),
			slog.String("actor", firstActor(in.Activity)), slog.Any("error", err)}
	}
	effect := f.cfg.Override[t]
	if effect == nil {
		effect = f.DefaultSideEffect
	}
	if err := effect(ctx, in); err != nil {
		if errors.Is(err, ErrIgnored) {
			f.log.LogAttrs(ctx, slog.LevelDebug, "activity ignored", attrs(err)...)
			return
		}
		level := slog.LevelWarn
		if errors.Is(err, ErrForbidden) || errors.Is(err, ErrInvalidActivity) || errors.Is(err, ErrNotFound) ||
			errors.Is(err, ErrOriginMismatch) || errors.Is(err, ErrBlocked) {
			level = slog.LevelInfo
		}
		f.log.LogAttrs(ctx, level, "side effect refused or failed", attrs(err)...)
		return
	}
	if hook := f.hookFor(t); hook != nil {
		if err := hook(ctx, in); err != nil {
			f.log.LogAttrs(ctx, slog.LevelWarn, "hook failed", attrs(err)...)
		}
	}
}

// hookFor returns the host's hook for an activity type; Hooks.Other for a
// type without a field of its own.
func (f *Federation) hookFor(t string) InboxFunc {
	h := f.cfg.Hooks
	switch t {
	case vocab.TypeFollow:
		return h.Follow
	case vocab.TypeAccept:
		return h.Accept
	case vocab.TypeReject:
		return h.Reject
	case vocab.TypeUndo:
		return h.Undo
	case vocab.TypeCreate:
		return h.Create
	case vocab.TypeUpdate:
		return h.Update
	case vocab.TypeDelete:
		return h.Delete
	case vocab.TypeLike:
		return h.Like
	case vocab.TypeAnnounce:
		return h.Announce
	case vocab.TypeBlock:
		return h.Block
	case vocab.TypeAdd:
		return h.Add
	case vocab.TypeRemove:
		return h.Remove
	case vocab.TypeMove:
		return h.Move
	case vocab.TypeFlag:
		return h.Flag
	}
	return h.Other
}

// resumeInbound queues the activities recorded but not processed before a
// restart, then keeps queueing what is left behind until ctx is done:
// records that found the queue full, and records another process sharing
// the store recorded but did not process (older than inboundOrphanAge).
func (f *Federation) resumeInbound(ctx context.Context) {
	_ = f.sweepStore(ctx, 0) // logged; the periodic sweep tries again
	t := time.NewTicker(inboundSweepInterval)
	defer t.Stop()
	for n := 1; ; n++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		f.requeueWaiting(ctx)
		if n%inboundOrphanEvery == 0 {
			_ = f.sweepStore(ctx, inboundOrphanAge)
		}
	}
}

// requeueWaiting queues the records that wait in f.pending unqueued.
func (f *Federation) requeueWaiting(ctx context.Context) {
	f.mu.Lock()
	var waiting []string
	for iri, queued := range f.pending {
		if !queued {
			waiting = append(waiting, iri)
		}
	}
	f.mu.Unlock()
	for _, iri := range waiting {
		if !f.queueBlocking(ctx, iri) {
			return
		}
	}
}

// queueBlocking queues iri unless it is queued already, waiting for room.
// It reports false when ctx is done or the Federation stopped.
func (f *Federation) queueBlocking(ctx context.Context, iri string) bool {
	f.mu.Lock()
	if !f.running {
		f.mu.Unlock()
		return false
	}
	if f.pending[iri] {
		f.mu.Unlock()
		return true
	}
	f.pending[iri] = true
	q := f.inq
	f.mu.Unlock()
	select {
	case q <- iri:
		return true
	case <-ctx.Done():
		f.mu.Lock()
		f.pending[iri] = false
		f.mu.Unlock()
		return false
	}
}

// sweepStore queues every listed record at least minAge old that is not
// queued already, and drops listings whose record is gone. It fails when
// the records cannot be listed, ctx is done or the Federation stopped.
func (f *Federation) sweepStore(ctx context.Context, minAge time.Duration) error {
	coll := f.inboundCollection()
	cursor := ""
	for {
		page, err := f.st.CollectionPage(ctx, coll, cursor, 100)
		if err != nil {
			if ctx.Err() == nil {
				f.log.LogAttrs(ctx, slog.LevelError, "could not list inbound records", slog.Any("error", err))
			}
			return fmt.Errorf("activitypub: listing inbound records: %w", err)
		}
		for _, iri := range page.Items {
			f.mu.Lock()
			_, known := f.pending[iri]
			f.mu.Unlock()
			if known {
				continue
			}
			if minAge > 0 {
				obj, err := f.st.GetObject(ctx, iri)
				if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrGone) {
					_, _ = f.st.RemoveFromCollection(ctx, coll, iri)
					continue
				}
				if err != nil || f.now().Sub(obj.Updated) < minAge {
					continue
				}
			}
			if !f.queueBlocking(ctx, iri) {
				if err := ctx.Err(); err != nil {
					return err
				}
				return ErrNotRunning
			}
		}
		if page.Next == "" {
			return nil
		}
		cursor = page.Next
	}
}

// WaitIdle blocks until every received activity recorded so far has been
// processed, or ctx is done. It fails with ErrNotRunning when activities
// wait but the Federation is not running to process them. Records in the
// store that this process has not queued (left by an earlier run, or by
// another process sharing the store) are queued and processed here too.
func (f *Federation) WaitIdle(ctx context.Context) error {
	stop := context.AfterFunc(ctx, func() {
		f.mu.Lock()
		f.idle.Broadcast()
		f.mu.Unlock()
	})
	defer stop()
	for {
		if err := f.waitPending(ctx); err != nil {
			return err
		}
		// Records of an earlier run that resumeInbound has not reached
		// yet are in the store only.
		n, err := f.st.CountCollection(ctx, f.inboundCollection())
		if err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		f.mu.Lock()
		running := f.running
		f.mu.Unlock()
		if !running {
			return ErrNotRunning
		}
		if err := f.sweepStore(ctx, 0); err != nil {
			return err
		}
	}
}

// waitPending waits until f.pending is empty.
func (f *Federation) waitPending(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for len(f.pending) > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !f.running {
			return ErrNotRunning
		}
		f.idle.Wait()
	}
	return nil
}

// InboxHandler returns a handler of the inboxes alone: POSTs to a personal
// inbox (Paths.Inbox), the shared inbox (Paths.SharedInbox) and the
// instance actor's inbox. Other paths get 404. Hosts that serve everything
// else themselves mount it on those paths; [Federation.Handler] includes
// it.
func (f *Federation) InboxHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path := r.URL.EscapedPath()
		switch {
		case path == f.paths.SharedInbox, path == f.paths.InstanceActor+"/inbox":
			f.serveInbox(w, r, "")
		default:
			name, ok := match("", f.paths.Inbox, "{name}", path)
			if !ok {
				http.NotFound(w, r)
				return
			}
			f.serveInbox(w, r, name)
		}
	})
}
