package activitypub

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/delivery"
	"github.com/starling-fed/starling/activitypub/vocab"
	"github.com/starling-fed/starling/httpsig"
	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/memory"
)

// peerStub is a remote server on loopback: it serves the actor documents
// it is given and records every POST to any inbox.
type peerStub struct {
	ts *httptest.Server

	mu    sync.Mutex
	docs  map[string][]byte // path -> document
	posts []peerPost
}

// peerPost is one request a peerStub received.
type peerPost struct {
	Path   string
	Body   []byte
	Header http.Header
}

func newPeerStub(t *testing.T) *peerStub {
	t.Helper()
	p := &peerStub{docs: map[string][]byte{}}
	p.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			body, _ := io.ReadAll(r.Body)
			p.mu.Lock()
			p.posts = append(p.posts, peerPost{Path: r.URL.Path, Body: body, Header: r.Header.Clone()})
			p.mu.Unlock()
			w.WriteHeader(http.StatusAccepted)
			return
		}
		p.mu.Lock()
		doc, ok := p.docs[r.URL.Path]
		p.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/activity+json")
		_, _ = w.Write(doc)
	}))
	t.Cleanup(p.ts.Close)
	return p
}

// URL returns the peer's origin followed by path.
func (p *peerStub) URL(path string) string { return p.ts.URL + path }

// serve makes the peer answer GETs of o's id with o.
func (p *peerStub) serve(t *testing.T, o *vocab.Object) {
	t.Helper()
	doc, err := vocab.Marshal(o)
	require.NoError(t, err)
	p.mu.Lock()
	p.docs[strings.TrimPrefix(o.ID, p.ts.URL)] = doc
	p.mu.Unlock()
}

// Posts returns the requests received so far.
func (p *peerStub) Posts() []peerPost {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]peerPost(nil), p.posts...)
}

// decoded returns the activities received so far, decoded.
func (p *peerStub) decoded(t *testing.T) []*vocab.Object {
	t.Helper()
	var out []*vocab.Object
	for _, ps := range p.Posts() {
		o, err := vocab.Unmarshal(ps.Body)
		require.NoError(t, err)
		out = append(out, o)
	}
	return out
}

// remotePublicKeyPEM is the public key every fake remote actor publishes:
// side effects never verify signatures, and one key spares a key
// generation per actor.
var remotePublicKeyPEM = sync.OnceValues(func() ([]byte, error) {
	key, err := httpsig.GenerateKey(httpsig.RSAv15SHA256)
	if err != nil {
		return nil, err
	}
	return httpsig.MarshalPublicKeyPEM(key.Public())
})

// effects is a Federation on loopback with a memory store and two local
// actors — alice, who accepts followers at once, and carol, who approves
// them — beside two fake peers playing remote servers.
type effects struct {
	t     *testing.T
	ctx   context.Context
	f     *Federation
	st    store.Store
	p, p2 *peerStub

	alice, carol string // local actor IRIs
	bob, eve     *vocab.Object
	dave         *vocab.Object // on the second peer
}

func newEffects(t *testing.T) *effects {
	t.Helper()
	e := &effects{t: t, ctx: context.Background()}
	var h http.Handler = http.NotFoundHandler()
	var hmu sync.RWMutex
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hmu.RLock()
		hh := h
		hmu.RUnlock()
		hh.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	e.st = memory.New()
	t.Cleanup(func() { e.st.Close() })
	f, err := New(Config{
		Origin:                        ts.URL,
		Store:                         e.st,
		InsecureAllowPrivateAddresses: true,
		Delivery: delivery.Config{
			PollInterval: 20 * time.Millisecond,
			Schedule:     []time.Duration{50 * time.Millisecond, 100 * time.Millisecond},
			Jitter:       -1,
		},
	})
	require.NoError(t, err)
	e.f = f
	hmu.Lock()
	h = f.Handler(nil)
	hmu.Unlock()
	require.NoError(t, f.CreateActor(e.ctx, Actor{Username: "alice"}))
	require.NoError(t, f.CreateActor(e.ctx, Actor{Username: "carol", ManuallyApprovesFollowers: true}))
	e.alice, e.carol = f.ActorIRI("alice"), f.ActorIRI("carol")
	require.NoError(t, f.Start(e.ctx))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = f.Shutdown(ctx)
	})
	e.p, e.p2 = newPeerStub(t), newPeerStub(t)
	e.bob = e.remoteActor(e.p, "bob", nil)
	e.eve = e.remoteActor(e.p, "eve", nil)
	e.dave = e.remoteActor(e.p2, "dave", nil)
	return e
}

// remoteActor builds, serves and caches an actor on peer p.
func (e *effects) remoteActor(p *peerStub, name string, mod func(*vocab.Object)) *vocab.Object {
	e.t.Helper()
	id := p.URL("/users/" + name)
	pemKey, err := remotePublicKeyPEM()
	require.NoError(e.t, err)
	a := &vocab.Object{
		ID:                id,
		Type:              vocab.TypePerson,
		PreferredUsername: name,
		Inbox:             id + "/inbox",
		Outbox:            id + "/outbox",
		Followers:         id + "/followers",
		Following:         id + "/following",
		Featured:          id + "/featured",
		Endpoints:         &vocab.Object{SharedInbox: p.URL("/inbox")},
		PublicKey:         []vocab.Ref{vocab.ObjectRef(&vocab.Object{ID: id + "#main-key", Owner: id, PublicKeyPem: string(pemKey)})},
	}
	if mod != nil {
		mod(a)
	}
	p.serve(e.t, a)
	doc, err := vocab.Marshal(a)
	require.NoError(e.t, err)
	require.NoError(e.t, e.st.PutRemoteActor(e.ctx, store.RemoteActor{
		IRI: id, Document: doc, Inbox: a.Inbox, SharedInbox: a.Endpoints.SharedInbox,
		Keys:    []store.PublicKey{{KeyID: id + "#main-key", PEM: pemKey}},
		Fetched: time.Now(),
	}))
	return a
}

// activity builds an activity of actor with a fresh id on the actor's
// host.
func (e *effects) activity(actor *vocab.Object, typ string, object vocab.Ref) *vocab.Object {
	return &vocab.Object{
		ID:     actor.ID + "/activities/" + newID(time.Now()),
		Type:   typ,
		Actor:  []vocab.Ref{vocab.IRIRef(actor.ID)},
		Object: []vocab.Ref{object},
	}
}

// note builds a public Note of author with a fresh id on its host.
func (e *effects) note(author *vocab.Object, content string) *vocab.Object {
	return &vocab.Object{
		ID:           author.ID + "/notes/" + newID(time.Now()),
		Type:         vocab.TypeNote,
		AttributedTo: []vocab.Ref{vocab.IRIRef(author.ID)},
		Content:      content,
		To:           []vocab.Ref{vocab.IRIRef(vocab.PublicIRI)},
		Cc:           []vocab.Ref{vocab.IRIRef(author.Followers)},
	}
}

// localNote stores a public Note of a local actor as published.
func (e *effects) localNote(author string) *vocab.Object {
	e.t.Helper()
	name, _ := e.f.Username(author)
	n := &vocab.Object{
		ID:           e.f.NewID(),
		Type:         vocab.TypeNote,
		AttributedTo: []vocab.Ref{vocab.IRIRef(author)},
		Content:      "hello",
		To:           []vocab.Ref{vocab.IRIRef(vocab.PublicIRI)},
		Cc:           []vocab.Ref{vocab.IRIRef(e.f.FollowersIRI(name))},
	}
	doc, err := vocab.Marshal(n)
	require.NoError(e.t, err)
	require.NoError(e.t, e.st.PutObject(e.ctx, store.Object{IRI: n.ID, Type: n.Type, Document: doc, Local: true, Updated: time.Now()}))
	return n
}

// inRaw builds the Inbound of an activity received as raw.
func (e *effects) inRaw(actor *vocab.Object, raw []byte, object *vocab.Object) *Inbound {
	e.t.Helper()
	decoded, err := e.f.decoder.Decode(e.ctx, raw)
	require.NoError(e.t, err)
	return &Inbound{Activity: decoded, Raw: raw, Actor: actor, Object: object, Received: time.Now()}
}

// in builds the Inbound of act as the inbox hands it over: raw as encoded,
// object as given (the dereferenced object, or nil).
func (e *effects) in(actor, act, object *vocab.Object) *Inbound {
	e.t.Helper()
	raw, err := vocab.Marshal(act)
	require.NoError(e.t, err)
	decoded, err := e.f.decoder.Decode(e.ctx, raw)
	require.NoError(e.t, err)
	if object == nil && len(act.Object) > 0 && act.Object[0].Object != nil {
		object = act.Object[0].Object
	}
	return &Inbound{Activity: decoded, Raw: raw, Actor: actor, Object: object, Received: time.Now()}
}

// run runs the default side effect of act sent by actor.
func (e *effects) run(actor, act, object *vocab.Object) error {
	return e.f.DefaultSideEffect(e.ctx, e.in(actor, act, object))
}

// follow stores a relationship as the side effects would.
func (e *effects) follow(follower, followee string, state store.FollowState) store.Follow {
	e.t.Helper()
	inbox := follower + "/inbox"
	fl := store.Follow{Follower: follower, Followee: followee, ActivityID: follower + "/follows/" + newID(time.Now()),
		State: state, Inbox: inbox, Created: time.Now()}
	if h, err := store.HostOf(follower); err == nil && !e.f.IsLocal(follower) {
		fl.SharedInbox = "http://" + h + "/inbox"
	}
	if _, ok := e.f.Username(followee); !ok {
		fl.Inbox = followee + "/inbox" // a local actor follows a remote one: their inbox
		fl.SharedInbox = ""
		fl.ActivityID = e.f.NewID()
	}
	_, err := e.st.PutFollow(e.ctx, fl)
	require.NoError(e.t, err)
	return fl
}

// followState returns the state of a relationship, or "" if there is none.
func (e *effects) followState(follower, followee string) store.FollowState {
	e.t.Helper()
	fl, err := e.st.GetFollow(e.ctx, follower, followee)
	if err != nil {
		require.ErrorIs(e.t, err, store.ErrNotFound)
		return ""
	}
	return fl.State
}

// members returns a collection's members, newest first.
func (e *effects) members(coll string) []string {
	e.t.Helper()
	pg, err := e.st.CollectionPage(e.ctx, coll, "", store.MaxPageSize)
	require.NoError(e.t, err)
	return pg.Items
}

// snapshot describes everything the side effects could have written about
// the fixture's actors and the given IRIs: follows in both directions and
// states, cached remote actors, and for each IRI the stored object and the
// collections keyed by it (itself, likes, shares, replies, blocked-by).
func (e *effects) snapshot(iris ...string) string {
	e.t.Helper()
	var b strings.Builder
	actors := []string{e.alice, e.carol, e.bob.ID, e.eve.ID, e.dave.ID}
	for _, a := range actors {
		for _, st := range []store.FollowState{store.FollowAccepted, store.FollowPending} {
			for _, dir := range []string{"followers", "following"} {
				var pg store.FollowPage
				var err error
				if dir == "followers" {
					pg, err = e.st.Followers(e.ctx, a, st, "", store.MaxPageSize)
				} else {
					pg, err = e.st.Following(e.ctx, a, st, "", store.MaxPageSize)
				}
				require.NoError(e.t, err)
				for _, fl := range pg.Follows {
					fmt.Fprintf(&b, "%s %s %s: %+v\n", a, dir, st, fl)
				}
			}
		}
		if ra, err := e.st.GetRemoteActor(e.ctx, a); err == nil {
			fmt.Fprintf(&b, "remote %s: %x\n", a, sha256.Sum256(ra.Document))
		}
	}
	all := append(append([]string{}, iris...), actors...)
	for _, name := range []string{"alice", "carol"} {
		all = append(all, e.f.InboxIRI(name))
	}
	sort.Strings(all)
	all = slices.Compact(all)
	for _, iri := range all {
		if o, err := e.st.GetObject(e.ctx, iri); !errors.Is(err, store.ErrNotFound) {
			fmt.Fprintf(&b, "object %s: %s %x local=%v %v\n", iri, o.Type, sha256.Sum256(o.Document), o.Local, err)
		}
		for _, coll := range []string{iri, likesIRI(iri), sharesIRI(iri), repliesIRI(iri), blockedByIRI(iri)} {
			if m := e.members(coll); len(m) > 0 {
				fmt.Fprintf(&b, "collection %s: %v\n", coll, m)
			}
		}
	}
	return b.String()
}

// quiet waits until the delivery queue holds no pending or leased job: every
// delivery published so far has reached its peer.
func (e *effects) quiet() {
	e.t.Helper()
	require.Eventually(e.t, func() bool {
		c, err := e.st.CountJobs(e.ctx, "")
		return err == nil && c.Pending+c.Leased == 0
	}, 15*time.Second, 10*time.Millisecond)
}

// jobs returns the number of deliveries queued and not yet done.
func (e *effects) jobs() int {
	e.t.Helper()
	c, err := e.st.CountJobs(e.ctx, "")
	require.NoError(e.t, err)
	return c.Pending + c.Leased
}

// received waits for the peer to receive an activity of type typ and
// returns it.
func (e *effects) received(p *peerStub, typ string) *vocab.Object {
	e.t.Helper()
	var found *vocab.Object
	require.Eventually(e.t, func() bool {
		for _, o := range p.decoded(e.t) {
			if o.Type == typ {
				found = o
				return true
			}
		}
		return false
	}, 15*time.Second, 10*time.Millisecond, "no %s received", typ)
	return found
}
