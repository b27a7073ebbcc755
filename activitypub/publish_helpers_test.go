package activitypub

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
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

// peer stands in for a remote server: it serves actor documents and
// objects, answers WebFinger, and records every inbox POST whose signature
// verifies against the sending Federation's own actor documents.
type peer struct {
	t    *testing.T
	TS   *httptest.Server
	Host string // host:port

	mu       sync.Mutex
	docs     map[string][]byte // path -> JSON served
	gone     map[string]bool   // inbox paths answering 410
	posts    []inboxPost
	failures []string
	senders  []*Federation
	keys     map[string]*httpsig.VerificationKey
	verifier *httpsig.Verifier
}

// inboxPost is one verified delivery a peer received.
type inboxPost struct {
	Path     string // the inbox path
	KeyID    string
	Raw      []byte
	JSON     map[string]any
	Activity *vocab.Object
}

// newPeer starts a peer whose inboxes accept deliveries signed by senders'
// local actors.
func newPeer(t *testing.T, senders ...*Federation) *peer {
	t.Helper()
	p := &peer{t: t, docs: map[string][]byte{}, gone: map[string]bool{}, keys: map[string]*httpsig.VerificationKey{}, senders: senders}
	p.verifier = &httpsig.Verifier{Resolver: httpsig.KeyResolverFunc(p.resolveKey)}
	p.TS = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.TS.Close)
	p.Host = p.TS.Listener.Addr().String()
	return p
}

// resolveKey finds a key id among the senders' local actors, and keeps it
// as real servers do (so deliveries after an actor's deletion verify).
func (p *peer) resolveKey(ctx context.Context, keyID string) (*httpsig.VerificationKey, error) {
	actorIRI, _, _ := strings.Cut(keyID, "#")
	p.mu.Lock()
	senders := slices.Clone(p.senders)
	cached := p.keys[keyID]
	p.mu.Unlock()
	if cached != nil {
		return cached, nil
	}
	for _, f := range senders {
		name, ok := f.Username(actorIRI)
		if !ok {
			continue
		}
		doc, err := f.ActorDocument(ctx, name)
		if err != nil {
			return nil, err
		}
		k := doc.Key(keyID)
		if k == nil || k.PublicKeyPem == "" {
			continue
		}
		pub, err := httpsig.ParsePublicKeyPEM([]byte(k.PublicKeyPem))
		if err != nil {
			return nil, err
		}
		vk := &httpsig.VerificationKey{KeyID: keyID, Owner: doc.ID, Key: pub}
		p.mu.Lock()
		p.keys[keyID] = vk
		p.mu.Unlock()
		return vk, nil
	}
	return nil, httpsig.ErrUnknownKey
}

// URL returns the peer's absolute URL of path.
func (p *peer) URL(path string) string { return p.TS.URL + path }

// addActor serves a Person at /users/name with a personal inbox, a shared
// inbox at /inbox when shared is set, and alsoKnownAs as given. It returns
// the actor's IRI.
func (p *peer) addActor(name string, shared bool, alsoKnownAs ...string) string {
	id := p.URL("/users/" + name)
	a := &vocab.Object{
		ID: id, Type: vocab.TypePerson, PreferredUsername: name,
		Inbox: id + "/inbox", Outbox: id + "/outbox", Followers: id + "/followers",
		AlsoKnownAs: alsoKnownAs,
		PublicKey: []vocab.Ref{vocab.ObjectRef(&vocab.Object{ID: id + "#main-key", Owner: id,
			PublicKeyPem: testPublicKeyPEM})},
	}
	if shared {
		a.Endpoints = &vocab.Object{SharedInbox: p.URL("/inbox")}
	}
	p.addDoc(a)
	return id
}

// addNote serves a Note by author at /notes/id, public unless to is given.
func (p *peer) addNote(id, author string, to ...string) string {
	iri := p.URL("/notes/" + id)
	n := vocab.NewNote(iri, author, "<p>hello "+id+"</p>", time.Now().UTC())
	if len(to) == 0 {
		n.Address(vocab.VisibilityPublic, author+"/followers")
	} else {
		n.To = iris(to...)
	}
	p.addDoc(n)
	return iri
}

// addDoc serves o at its id's path.
func (p *peer) addDoc(o *vocab.Object) {
	p.t.Helper()
	raw, err := vocab.Marshal(o)
	require.NoError(p.t, err)
	path := strings.TrimPrefix(o.ID, p.TS.URL)
	p.mu.Lock()
	p.docs[path] = raw
	p.mu.Unlock()
}

// setGone makes an inbox path answer 410 Gone.
func (p *peer) setGone(path string) {
	p.mu.Lock()
	p.gone[path] = true
	p.mu.Unlock()
}

func (p *peer) serve(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		if r.URL.Path == "/.well-known/webfinger" {
			p.webfinger(w, r)
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
	case http.MethodPost:
		p.mu.Lock()
		gone := p.gone[r.URL.Path]
		p.mu.Unlock()
		if gone {
			http.Error(w, "gone", http.StatusGone)
			return
		}
		v, err := p.verifier.Verify(r.Context(), r)
		if err != nil {
			p.fail(r.URL.Path + ": " + err.Error())
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		raw, err := io.ReadAll(r.Body)
		if err != nil {
			p.fail(err.Error())
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var d vocab.Decoder
		act, err := d.Decode(r.Context(), raw)
		if err != nil {
			p.fail(err.Error())
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			p.fail(err.Error())
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if owner := vocab.First(act.Actor).ID(); owner != v.Owner {
			p.fail("activity actor " + owner + " signed by " + v.Owner)
			http.Error(w, "wrong signer", http.StatusUnauthorized)
			return
		}
		p.mu.Lock()
		p.posts = append(p.posts, inboxPost{Path: r.URL.Path, KeyID: v.KeyID, Raw: raw, JSON: m, Activity: act})
		p.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	default:
		http.Error(w, "method", http.StatusMethodNotAllowed)
	}
}

// webfinger answers acct:name@host for the actors served.
func (p *peer) webfinger(w http.ResponseWriter, r *http.Request) {
	res := strings.TrimPrefix(r.URL.Query().Get("resource"), "acct:")
	name, host, _ := strings.Cut(res, "@")
	p.mu.Lock()
	_, ok := p.docs["/users/"+name]
	p.mu.Unlock()
	if !ok || host != p.Host {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/jrd+json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"subject": "acct:" + res,
		"links": []map[string]string{{
			"rel": "self", "type": "application/activity+json", "href": p.URL("/users/" + name),
		}},
	})
}

func (p *peer) fail(msg string) {
	p.mu.Lock()
	p.failures = append(p.failures, msg)
	p.mu.Unlock()
}

// Posts returns the deliveries received so far.
func (p *peer) Posts() []inboxPost {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.posts)
}

// Failures returns the refused deliveries so far.
func (p *peer) Failures() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.failures)
}

// waitPost waits for a delivery of the activity id to inbox path and
// returns it.
func (p *peer) waitPost(path, activityID string) inboxPost {
	p.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		for _, ip := range p.Posts() {
			if ip.Path == path && ip.Activity.ID == activityID {
				return ip
			}
		}
		if time.Now().After(deadline) {
			require.FailNow(p.t, "no delivery", "of %s to %s; got %v; refused %v",
				activityID, path, p.summary(), p.Failures())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// postsOf returns the deliveries of one activity, by inbox path.
func (p *peer) postsOf(activityID string) []string {
	var out []string
	for _, ip := range p.Posts() {
		if ip.Activity.ID == activityID {
			out = append(out, ip.Path)
		}
	}
	slices.Sort(out)
	return out
}

// summary lists the deliveries received as "type id -> path".
func (p *peer) summary() []string {
	var out []string
	for _, ip := range p.Posts() {
		out = append(out, ip.Activity.Type+" "+ip.Activity.ID+" -> "+ip.Path)
	}
	return out
}

// publisher is a local Federation under test, with its store at hand.
type publisher struct {
	F     *Federation
	Store store.Store
	TS    *httptest.Server
}

// newPublisher starts a Federation on loopback with the given users, fast
// delivery and a memory store. With start unset the delivery workers do
// not run, so queued jobs can be read from the store.
func newPublisher(t *testing.T, start bool, users ...string) *publisher {
	t.Helper()
	var (
		hmu sync.RWMutex
		h   http.Handler = http.NotFoundHandler()
	)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hmu.RLock()
		hh := h
		hmu.RUnlock()
		hh.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	st := memory.New()
	t.Cleanup(func() { st.Close() })
	f, err := New(Config{
		Logger:                        testLogger(t),
		Origin:                        ts.URL,
		Store:                         st,
		InsecureAllowPrivateAddresses: true,
		Delivery: delivery.Config{
			PollInterval: 20 * time.Millisecond,
			Schedule:     []time.Duration{50 * time.Millisecond, 100 * time.Millisecond},
			Jitter:       -1,
		},
	})
	require.NoError(t, err)
	ctx := context.Background()
	for _, u := range users {
		require.NoError(t, f.CreateActor(ctx, Actor{Username: u}))
	}
	hmu.Lock()
	h = f.Handler(nil)
	hmu.Unlock()
	if start {
		require.NoError(t, f.Start(ctx))
		t.Cleanup(func() {
			sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = f.Shutdown(sctx)
		})
	}
	return &publisher{F: f, Store: st, TS: ts}
}

// follow records remote as an accepted follower of the local user.
func (p *publisher) follow(t *testing.T, remote, inbox, sharedInbox, local string) {
	t.Helper()
	_, err := p.Store.PutFollow(context.Background(), store.Follow{
		Follower: remote, Followee: p.F.ActorIRI(local), ActivityID: remote + "#follow-" + local,
		State: store.FollowAccepted, Inbox: inbox, SharedInbox: sharedInbox, Created: time.Now(),
	})
	require.NoError(t, err)
}

// jobs returns every delivery job queued, in enqueue order (for a
// publisher whose delivery workers do not run).
func (p *publisher) jobs(t *testing.T) []store.Job {
	t.Helper()
	var out []store.Job
	for id := int64(1); ; id++ {
		j, err := p.Store.Job(context.Background(), id)
		if errors.Is(err, store.ErrNotFound) {
			return out
		}
		require.NoError(t, err)
		out = append(out, j)
	}
}

// stored returns a stored object, decoded.
func (p *publisher) stored(t *testing.T, iri string) (*vocab.Object, store.Object) {
	t.Helper()
	so, err := p.Store.GetObject(context.Background(), iri)
	require.NoError(t, err)
	var d vocab.Decoder
	o, err := d.Decode(context.Background(), so.Document)
	require.NoError(t, err)
	return o, so
}

// members returns a collection's members, newest first.
func (p *publisher) members(t *testing.T, collection string) []string {
	t.Helper()
	page, err := p.Store.CollectionPage(context.Background(), collection, "", store.MaxPageSize)
	require.NoError(t, err)
	return page.Items
}

// testPublicKeyPEM is a public key for peer actors: deliveries to them are
// signed by the Federation under test, so they never sign anything.
const testPublicKeyPEM = `-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=
-----END PUBLIC KEY-----
`

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(tlogWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tlogWriter struct{ t *testing.T }

func (w tlogWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
