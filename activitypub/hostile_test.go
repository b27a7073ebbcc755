package activitypub

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/vocab"
	"github.com/starling-fed/starling/internal/safehttp"
	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/sqlite"
)

// guardRecorder is the receiving server's view of the network: names
// resolve from a table, loopback is allowed through the guard, and every
// dial is recorded (a private address must never be dialled; nothing here
// ever connects anywhere but loopback).
type guardRecorder struct {
	mu      sync.Mutex
	dials   []string
	lookups []string
	names   map[string]netip.Addr
}

func (g *guardRecorder) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.lookups = append(g.lookups, host)
	if a, ok := g.names[host]; ok {
		return []netip.Addr{a}, nil
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{a}, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

func (g *guardRecorder) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	g.mu.Lock()
	g.dials = append(g.dials, address)
	g.mu.Unlock()
	ap, err := netip.ParseAddrPort(address)
	if err != nil || !ap.Addr().IsLoopback() {
		return nil, fmt.Errorf("test dialer: refusing %s", address)
	}
	var d net.Dialer
	return d.DialContext(ctx, network, address)
}

// nonLoopbackDials returns the dials to anything but loopback.
func (g *guardRecorder) nonLoopbackDials() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []string
	for _, d := range g.dials {
		if ap, err := netip.ParseAddrPort(d); err != nil || !ap.Addr().IsLoopback() {
			out = append(out, d)
		}
	}
	return out
}

// hostileEnv is a receiving server B with state worth attacking, and the
// servers that attack it.
type hostileEnv struct {
	A, B, C, D *node
	guard      *guardRecorder
	redirector *httptest.Server

	alice, mallory, eve, frank string // on A
	carol                      string // on C
	dora                       string // on D, a blocked domain
	bob, dan                   string // on B

	bobNote, carolNote, aliceNote    string
	aliceFollowsBob, bobFollowsCarol string

	objects     []string // IRIs whose stored state is compared
	collections []string
	follows     [][2]string
	actors      []string
}

const forgedMark = "FORGED-CONTENT-7f3a"

func newHostileEnv(t *testing.T, st store.Store) *hostileEnv {
	ctx := context.Background()
	e := &hostileEnv{guard: &guardRecorder{names: map[string]netip.Addr{
		"internal.test": netip.MustParseAddr("10.1.2.3"),
		"blocked.test":  netip.MustParseAddr("127.0.0.1"),
	}}}
	e.A = newInboxNode(t, inboxNodeOptions{Users: []string{"alice", "mallory", "eve", "frank"}})
	e.C = newInboxNode(t, inboxNodeOptions{Users: []string{"carol"}})
	e.D = newInboxNode(t, inboxNodeOptions{Users: []string{"dora"}, OriginHost: "blocked.test"})
	e.alice, e.mallory, e.eve, e.frank = e.A.F.ActorIRI("alice"), e.A.F.ActorIRI("mallory"), e.A.F.ActorIRI("eve"), e.A.F.ActorIRI("frank")
	e.carol, e.dora = e.C.F.ActorIRI("carol"), e.D.F.ActorIRI("dora")

	guarded, err := safehttp.New(safehttp.Config{
		InsecureAllowHTTP: true,
		AllowedPrefixes:   []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")},
		Resolver:          e.guard,
		Dialer:            e.guard,
		MaxRedirects:      -1,
		Timeout:           -1,
	})
	require.NoError(t, err)
	eve := e.eve
	e.B = newInboxNode(t, inboxNodeOptions{Users: []string{"bob", "dan", "ghost"}, Store: st, Configure: func(c *Config) {
		c.Transport = guarded.Transport
		c.MaxInboxBytes = 256 << 10
		c.Moderation = Moderation{
			BlockedDomains: []string{"blocked.test"},
			Blocked: func(ctx context.Context, actor string) (bool, error) {
				return actor == eve, nil
			},
		}
	}})
	e.bob, e.dan = e.B.F.ActorIRI("bob"), e.B.F.ActorIRI("dan")
	require.NoError(t, e.B.Store.DeleteObject(ctx, e.B.F.storedActorIRI("ghost"), time.Now()))

	// A key id that redirects to a private address.
	e.redirector = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://internal.test/key", http.StatusFound)
	}))
	t.Cleanup(e.redirector.Close)

	// State worth attacking.
	note := func(n *node, id, author, content string) []byte {
		return doc("id", id, "type", "Note", "attributedTo", author, "content", content,
			"to", []string{"https://www.w3.org/ns/activitystreams#Public"})
	}
	e.bobNote = e.B.F.NewID()
	require.NoError(t, e.B.Store.PutObject(ctx, store.Object{IRI: e.bobNote, Type: "Note", Local: true,
		Document: note(e.B, e.bobNote, e.bob, "bob's post"), Updated: time.Now()}))
	e.carolNote = e.C.F.NewID()
	require.NoError(t, e.C.Store.PutObject(ctx, store.Object{IRI: e.carolNote, Type: "Note", Local: true,
		Document: note(e.C, e.carolNote, e.carol, "carol's post"), Updated: time.Now()}))
	_, err = e.B.F.dereference(ctx, vocab.IRIRef(e.carolNote), "") // cached as fetched from its origin
	require.NoError(t, err)
	e.aliceNote = e.A.F.NewID()
	require.NoError(t, e.B.Store.PutObject(ctx, store.Object{IRI: e.aliceNote, Type: "Note",
		Document: note(e.A, e.aliceNote, e.alice, "alice's post"), Fetched: time.Now(), Updated: time.Now()}))
	for _, a := range []string{e.alice, e.mallory, e.frank, e.carol} {
		_, err := e.B.F.FetchActor(ctx, a)
		require.NoError(t, err)
	}
	aliceActor, err := e.B.Store.GetRemoteActor(ctx, e.alice)
	require.NoError(t, err)
	e.aliceFollowsBob = e.A.F.NewID()
	_, err = e.B.Store.PutFollow(ctx, store.Follow{Follower: e.alice, Followee: e.bob, ActivityID: e.aliceFollowsBob,
		State: store.FollowAccepted, Inbox: aliceActor.Inbox, SharedInbox: aliceActor.SharedInbox, Created: time.Now()})
	require.NoError(t, err)
	e.bobFollowsCarol = e.B.F.NewID()
	_, err = e.B.Store.PutFollow(ctx, store.Follow{Follower: e.bob, Followee: e.carol, ActivityID: e.bobFollowsCarol,
		State: store.FollowPending, Inbox: e.C.F.InboxIRI("carol"), Created: time.Now()})
	require.NoError(t, err)
	_, err = e.B.Store.AddToCollection(ctx, blockedIRI(e.bob), e.frank)
	require.NoError(t, err)
	_, err = e.B.Store.AddToCollection(ctx, blockedIRI(e.dan), "https://"+strings.TrimPrefix(e.A.Origin, "http://"))
	require.NoError(t, err)
	// Warm the key cache: the checks below must not depend on a first
	// fetch.
	for _, u := range []string{"alice", "mallory"} {
		require.Equal(t, http.StatusAccepted, send(t, e.A, u, e.B, inboxPath(e.B, ""),
			doc("id", e.A.F.NewID(), "type", "Like", "actor", e.A.F.ActorIRI(u), "object", e.aliceNote), sendOptions{}))
	}
	waitIdle(t, e.B)

	e.objects = []string{e.bobNote, e.carolNote, e.aliceNote,
		e.C.Origin + "/objects/forged", e.A.Origin + "/objects/forged", e.B.Origin + "/objects/nope", e.A.Origin + "/objects/reply",
		"http://internal.test/objects/1", "http://10.0.0.1/objects/1", e.B.F.storedActorIRI("bob")}
	for _, u := range []string{e.bob, e.dan} {
		name, _ := e.B.F.Username(u)
		e.collections = append(e.collections, e.B.F.InboxIRI(name), e.B.F.OutboxIRI(name), e.B.F.LikedIRI(name),
			e.B.F.FeaturedIRI(name), e.B.F.FollowersIRI(name), e.B.F.FollowingIRI(name), blockedIRI(u), u+"#blocked-by")
	}
	for _, o := range []string{e.bobNote, e.carolNote, e.aliceNote} {
		e.collections = append(e.collections, likesIRI(o), sharesIRI(o), repliesIRI(o))
	}
	for _, a := range []string{e.alice, e.mallory, e.eve, e.frank, e.carol, e.dora, e.bob, e.dan} {
		for _, b := range []string{e.alice, e.mallory, e.carol, e.bob, e.dan} {
			if a != b {
				e.follows = append(e.follows, [2]string{a, b})
			}
		}
	}
	e.actors = []string{e.alice, e.mallory, e.eve, e.frank, e.carol, e.dora}
	return e
}

// snapshot describes the receiving store's state that hostile requests
// must leave alone.
func (e *hostileEnv) snapshot(t *testing.T) map[string]string {
	t.Helper()
	ctx := context.Background()
	st := e.B.Store
	s := map[string]string{}
	for _, iri := range e.objects {
		o, err := st.GetObject(ctx, iri)
		switch {
		case errors.Is(err, store.ErrNotFound):
			s["object "+iri] = "absent"
		case errors.Is(err, store.ErrGone):
			s["object "+iri] = "gone"
		default:
			require.NoError(t, err)
			sum := sha256.Sum256(o.Document)
			s["object "+iri] = o.Type + " " + hex.EncodeToString(sum[:8])
		}
	}
	for _, c := range e.collections {
		page, err := st.CollectionPage(ctx, c, "", store.MaxPageSize)
		require.NoError(t, err)
		items := append([]string(nil), page.Items...)
		sort.Strings(items)
		s["collection "+c] = strings.Join(items, " ")
	}
	for _, p := range e.follows {
		fl, err := st.GetFollow(ctx, p[0], p[1])
		if errors.Is(err, store.ErrNotFound) {
			s["follow "+p[0]+" "+p[1]] = "none"
			continue
		}
		require.NoError(t, err)
		s["follow "+p[0]+" "+p[1]] = string(fl.State) + " " + fl.ActivityID + " " + fl.Inbox
	}
	for _, u := range []string{e.bob, e.dan} {
		for _, state := range []store.FollowState{store.FollowPending, store.FollowAccepted} {
			n, err := st.CountFollowers(ctx, u, state)
			require.NoError(t, err)
			m, err := st.CountFollowing(ctx, u, state)
			require.NoError(t, err)
			s["follow counts "+u+" "+string(state)] = fmt.Sprint(n, m)
		}
	}
	for _, a := range e.actors {
		ra, err := st.GetRemoteActor(ctx, a)
		if errors.Is(err, store.ErrNotFound) {
			s["actor "+a] = "absent"
			continue
		}
		require.NoError(t, err)
		sum := sha256.Sum256(ra.Document)
		s["actor "+a] = hex.EncodeToString(sum[:8]) + " " + ra.Inbox + fmt.Sprint(len(ra.Keys))
	}
	jobs, err := st.CountJobs(ctx, "")
	require.NoError(t, err)
	s["jobs"] = fmt.Sprint(jobs.Total())
	s["inbound"] = fmt.Sprint(inboundCount(t, e.B))
	return s
}

// forgedStored reports whether the forged mark reached any stored object
// or actor the snapshot looks at.
func (e *hostileEnv) forgedStored(t *testing.T, extra ...string) bool {
	ctx := context.Background()
	for _, iri := range append(append([]string(nil), e.objects...), extra...) {
		if o, err := e.B.Store.GetObject(ctx, iri); err == nil && strings.Contains(string(o.Document), forgedMark) {
			return true
		}
	}
	for _, a := range e.actors {
		if ra, err := e.B.Store.GetRemoteActor(ctx, a); err == nil && strings.Contains(string(ra.Document), forgedMark) {
			return true
		}
	}
	return false
}

// hostileCase is one request a receiving server must refuse or shrug off.
type hostileCase struct {
	name string
	from string // user on A (default mallory) unless key says otherwise
	node func(e *hostileEnv) *node
	path func(e *hostileEnv) string // default: the shared inbox
	body func(e *hostileEnv) []byte
	opts func(e *hostileEnv) sendOptions
	// prepare runs before the snapshot is taken.
	prepare func(t *testing.T, e *hostileEnv)
	want    int
	// effects marks cases refused while processing, by the side effects,
	// rather than by the inbox checks.
	effects bool
	// mayChange names the snapshot keys a case may change: the legitimate
	// part of an activity whose hostile part must be refused.
	mayChange func(e *hostileEnv, key string) bool
}

func TestHostileInbox(t *testing.T) {
	t.Run("memory", func(t *testing.T) { testHostileInbox(t, nil) })
	t.Run("sqlite", func(t *testing.T) {
		st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "hostile.db"), sqlite.Config{})
		require.NoError(t, err)
		t.Cleanup(func() { st.Close() })
		testHostileInbox(t, st)
	})
}

func testHostileInbox(t *testing.T, st store.Store) {
	e := newHostileEnv(t, st)
	ctx := context.Background()
	withKey := func(user string, keyID func(e *hostileEnv) string) func(e *hostileEnv) sendOptions {
		return func(e *hostileEnv) sendOptions {
			k, err := e.A.F.SigningKey(ctx, user)
			require.NoError(t, err)
			if keyID != nil {
				k.KeyID = keyID(e)
			}
			return sendOptions{Key: &k}
		}
	}
	personal := func(user string) func(e *hostileEnv) string {
		return func(e *hostileEnv) string { return inboxPath(e.B, user) }
	}
	forgedNote := func(id, author string) map[string]any {
		return map[string]any{"id": id, "type": "Note", "attributedTo": author, "content": forgedMark,
			"to": []string{"https://www.w3.org/ns/activitystreams#Public"}}
	}
	like := func(e *hostileEnv) []byte {
		return doc("id", e.A.F.NewID(), "type", "Like", "actor", e.mallory, "object", e.bobNote)
	}
	deep := func(e *hostileEnv) []byte {
		nest := strings.Repeat("[", 200) + strings.Repeat("]", 200)
		return []byte(`{"@context":"https://www.w3.org/ns/activitystreams","id":"` + e.A.F.NewID() +
			`","type":"Like","actor":"` + e.mallory + `","object":"` + e.bobNote + `","junk":` + nest + `}`)
	}
	cases := []hostileCase{
		{name: "unsigned", body: like, opts: func(*hostileEnv) sendOptions { return sendOptions{Sign: signNone} }, want: 401},
		{name: "bad signature", body: like, opts: func(*hostileEnv) sendOptions {
			return sendOptions{After: func(r *http.Request) {
				s := r.Header.Get("Signature")
				i := strings.Index(s, `signature="`) + len(`signature="`)
				b := []byte(s)
				if b[i] == 'A' {
					b[i] = 'B'
				} else {
					b[i] = 'A'
				}
				r.Header.Set("Signature", string(b))
			}}
		}, want: 401},
		{name: "malformed signature header", body: like, opts: func(*hostileEnv) sendOptions {
			return sendOptions{After: func(r *http.Request) { r.Header.Set("Signature", "garbage") }}
		}, want: 401},
		{name: "signed by another actor", body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Like", "actor", e.alice, "object", e.bobNote)
		}, want: 401},
		{name: "key of a local actor impersonated", opts: withKey("mallory", func(e *hostileEnv) string { return e.B.F.KeyID("bob") }),
			body: func(e *hostileEnv) []byte {
				return doc("id", e.B.F.NewID(), "type", "Like", "actor", e.bob, "object", e.carolNote)
			}, want: 401},
		{name: "local actor claimed with a remote key", body: func(e *hostileEnv) []byte {
			return doc("id", e.B.F.NewID(), "type", "Like", "actor", e.bob, "object", e.carolNote)
		}, want: 401},
		{name: "unknown key", opts: withKey("mallory", func(e *hostileEnv) string { return e.A.Origin + "/users/nobody#main-key" }),
			body: like, want: 401},
		{name: "key fetch redirecting to a private address", opts: withKey("mallory", func(e *hostileEnv) string { return e.redirector.URL + "/key" }),
			body: like, want: 401},
		{name: "key id at a private address", opts: withKey("mallory", func(*hostileEnv) string { return "http://internal.test/users/x#main-key" }),
			body: like, want: 401},
		{name: "replay of an old activity", body: like, opts: func(*hostileEnv) sendOptions {
			return sendOptions{Now: func() time.Time { return time.Now().Add(-2 * time.Hour) }}
		}, want: 401},
		{name: "replay of an old RFC 9421 signature", body: like, opts: func(*hostileEnv) sendOptions {
			return sendOptions{Sign: signRFC9421, Now: func() time.Time { return time.Now().Add(-2 * time.Hour) }}
		}, want: 401},
		{name: "signature from the future", body: like, opts: func(*hostileEnv) sendOptions {
			return sendOptions{Now: func() time.Time { return time.Now().Add(3 * time.Hour) }}
		}, want: 401},
		{name: "digest mismatch", body: like, opts: func(e *hostileEnv) sendOptions {
			return sendOptions{After: func(r *http.Request) {
				other := doc("id", e.A.F.NewID(), "type", "Like", "actor", e.mallory, "object", e.carolNote)
				r.Body = io.NopCloser(strings.NewReader(string(other)))
				r.ContentLength = int64(len(other))
			}}
		}, want: 401},
		{name: "missing Digest on POST", body: like, opts: func(*hostileEnv) sendOptions {
			return sendOptions{CavageHeaders: []string{"(request-target)", "host", "date"}}
		}, want: 401},
		{name: "Digest present but not signed", body: like, opts: func(*hostileEnv) sendOptions {
			return sendOptions{CavageHeaders: []string{"(request-target)", "host", "date"}, After: func(r *http.Request) {
				r.Header.Set("Digest", "SHA-256=AAAA")
			}}
		}, want: 401},
		{name: "RFC 9421 without content-digest", body: like, opts: func(*hostileEnv) sendOptions {
			return sendOptions{Sign: signRFC9421, RFC9421Components: []string{"@method", "@target-uri", "date"}}
		}, want: 401},
		{name: "oversized body", body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Like", "actor", e.mallory, "object", e.bobNote, "pad", strings.Repeat("x", 300<<10))
		}, want: 413},
		{name: "oversized body without Content-Length", body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Like", "actor", e.mallory, "object", e.bobNote, "pad", strings.Repeat("x", 300<<10))
		}, opts: func(*hostileEnv) sendOptions {
			return sendOptions{After: func(r *http.Request) { r.ContentLength = -1 }}
		}, want: 413},
		{name: "deep JSON", body: deep, want: 400},
		{name: "huge array", body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Like", "actor", e.mallory, "object", e.bobNote, "junk", make([]int, 12000))
		}, want: 400},
		{name: "invalid UTF-8", body: func(e *hostileEnv) []byte {
			return []byte(`{"@context":"https://www.w3.org/ns/activitystreams","id":"` + e.A.F.NewID() +
				`","type":"Like","actor":"` + e.mallory + `","object":"` + e.bobNote + `","content":"\xff\xfe"}`)
		}, want: 400},
		{name: "empty body", body: func(*hostileEnv) []byte { return []byte{} }, want: 400},
		{name: "JSON array body", body: func(e *hostileEnv) []byte { return []byte(`[` + string(like(e)) + `]`) }, want: 400},
		{name: "null body", body: func(*hostileEnv) []byte { return []byte(`null`) }, want: 400},
		{name: "not JSON", body: func(*hostileEnv) []byte { return []byte(`<html>hello</html>`) }, want: 400},
		{name: "no actor", body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Like", "object", e.bobNote)
		}, want: 400},
		{name: "two actors", body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Like", "actor", []string{e.mallory, e.alice}, "object", e.bobNote)
		}, want: 400},
		{name: "no id", body: func(e *hostileEnv) []byte {
			return doc("type", "Like", "actor", e.mallory, "object", e.bobNote)
		}, want: 400},
		{name: "no type", body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "actor", e.mallory, "object", e.bobNote)
		}, want: 400},
		{name: "non-activity: a bare Note", body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Note", "attributedTo", e.mallory, "content", forgedMark)
		}, want: 400},
		{name: "actor IRI not http(s)", body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Like", "actor", "did:example:mallory", "object", e.bobNote)
		}, want: 400},
		{name: "activity id on a foreign host", body: func(e *hostileEnv) []byte {
			return doc("id", e.C.F.NewID(), "type", "Like", "actor", e.mallory, "object", e.bobNote)
		}, want: 400},
		{name: "wrong content type", body: like, opts: func(*hostileEnv) sendOptions { return sendOptions{ContentType: "text/plain"} }, want: 415},
		{name: "plain JSON content type", body: like, opts: func(*hostileEnv) sendOptions { return sendOptions{ContentType: "application/json"} }, want: 415},
		{name: "ld+json without the profile", body: like, opts: func(*hostileEnv) sendOptions {
			return sendOptions{ContentType: "application/ld+json"}
		}, want: 415},
		{name: "GET on the inbox", body: func(*hostileEnv) []byte { return nil }, path: personal("bob"),
			opts: func(*hostileEnv) sendOptions { return sendOptions{Method: http.MethodGet} }, want: 405},
		{name: "PUT on the shared inbox", body: like,
			opts: func(*hostileEnv) sendOptions { return sendOptions{Method: http.MethodPut} }, want: 405},
		{name: "personal inbox of an unknown user", body: like, path: personal("nobody"), want: 404},
		{name: "personal inbox of a deleted user", body: like, path: personal("ghost"), want: 410},
		{name: "blocked domain", node: func(e *hostileEnv) *node { return e.D }, from: "dora", body: func(e *hostileEnv) []byte {
			return doc("id", e.D.F.NewID(), "type", "Like", "actor", e.dora, "object", e.bobNote)
		}, want: 403},
		{name: "blocked actor", from: "eve", body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Like", "actor", e.eve, "object", e.bobNote)
		}, want: 403},
		{name: "actor blocked by the recipient", from: "frank", path: personal("bob"), body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Like", "actor", e.frank, "object", e.bobNote)
		}, want: 403},
		{name: "domain blocked by the recipient", from: "alice", path: personal("dan"), body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Like", "actor", e.alice, "object", e.bobNote)
		}, want: 403},
		{name: "duplicate delivery", from: "alice", body: func(e *hostileEnv) []byte {
			return doc("id", e.alice+"/likes/dup", "type", "Like", "actor", e.alice, "object", e.bobNote)
		}, prepare: func(t *testing.T, e *hostileEnv) {
			require.Equal(t, http.StatusAccepted, send(t, e.A, "alice", e.B, inboxPath(e.B, ""),
				doc("id", e.alice+"/likes/dup", "type", "Like", "actor", e.alice, "object", e.bobNote), sendOptions{}))
			waitIdle(t, e.B)
		}, want: 202},
		{name: "forged embedded object on another host", body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Create", "actor", e.mallory,
				"object", forgedNote(e.C.Origin+"/objects/forged", e.carol))
		}, want: 202},
		{name: "forged copy of a real post on another host", body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Create", "actor", e.mallory, "object", forgedNote(e.carolNote, e.carol))
		}, want: 202, effects: true},
		{name: "post attributed to another actor of the same host", body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Create", "actor", e.mallory,
				"object", forgedNote(e.A.Origin+"/objects/forged", e.alice))
		}, want: 202, effects: true},
		{name: "Delete of someone else's post", body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Delete", "actor", e.mallory, "object", e.carolNote)
		}, want: 202, effects: true},
		{name: "Delete of a post of the same host by another actor", body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Delete", "actor", e.mallory, "object", e.aliceNote)
		}, want: 202, effects: true},
		{name: "Delete of a local post", body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Delete", "actor", e.mallory, "object", e.bobNote)
		}, want: 202, effects: true},
		{name: "Delete of another actor", body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Delete", "actor", e.mallory, "object", e.alice)
		}, want: 202, effects: true},
		{name: "Update of someone else's actor", body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Update", "actor", e.mallory, "object", map[string]any{
				"id": e.carol, "type": "Person", "name": forgedMark, "inbox": e.mallory + "/inbox", "preferredUsername": "carol"})
		}, want: 202, effects: true},
		{name: "Update of an actor of the same host", body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Update", "actor", e.mallory, "object", map[string]any{
				"id": e.alice, "type": "Person", "name": forgedMark, "inbox": e.mallory + "/inbox", "preferredUsername": "alice"})
		}, want: 202, effects: true},
		{name: "Update of someone else's post", body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Update", "actor", e.mallory, "object", forgedNote(e.carolNote, e.carol))
		}, want: 202, effects: true},
		{name: "Update of a post of the same host by another actor", body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Update", "actor", e.mallory, "object", forgedNote(e.aliceNote, e.alice))
		}, want: 202, effects: true},
		{name: "Undo of someone else's Follow", body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Undo", "actor", e.mallory, "object", map[string]any{
				"id": e.aliceFollowsBob, "type": "Follow", "actor": e.alice, "object": e.bob})
		}, want: 202, effects: true},
		{name: "Undo of someone else's Follow claimed as one's own", body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Undo", "actor", e.mallory, "object", map[string]any{
				"id": e.aliceFollowsBob, "type": "Follow", "actor": e.mallory, "object": e.bob})
		}, want: 202, effects: true},
		{name: "Undo of someone else's Follow by IRI", body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Undo", "actor", e.mallory, "object", e.aliceFollowsBob)
		}, want: 202, effects: true},
		{name: "Follow of a non-existent local actor", body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Follow", "actor", e.mallory, "object", e.B.Origin+"/users/nobody")
		}, want: 202, effects: true},
		{name: "Follow of a remote actor sent to us", body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Follow", "actor", e.mallory, "object", e.carol)
		}, want: 202, effects: true},
		{name: "Like of a non-existent object", body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Like", "actor", e.mallory, "object", e.B.Origin+"/objects/nope")
		}, want: 202, effects: true},
		{name: "Accept of a Follow never sent", body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Accept", "actor", e.mallory, "object", e.B.Origin+"/objects/never")
		}, want: 202, effects: true},
		{name: "Accept forged for another actor", body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Accept", "actor", e.mallory, "object", e.bobFollowsCarol)
		}, want: 202, effects: true},
		{name: "Reject forged for another actor", body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Reject", "actor", e.mallory, "object", map[string]any{
				"id": e.bobFollowsCarol, "type": "Follow", "actor": e.bob, "object": e.carol})
		}, want: 202, effects: true},
		{name: "Move to an actor that does not list the origin", from: "alice", body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Move", "actor", e.alice, "object", e.alice, "target", e.mallory)
		}, want: 202, effects: true},
		{name: "Move of another actor", body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Move", "actor", e.mallory, "object", e.alice, "target", e.mallory)
		}, want: 202, effects: true},
		{name: "Flag without object", body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Flag", "actor", e.mallory)
		}, want: 202, effects: true},
		{name: "Add to someone else's featured collection", body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Add", "actor", e.mallory, "object", e.bobNote, "target", e.B.F.FeaturedIRI("bob"))
		}, want: 202, effects: true},
		{name: "Remove from someone else's featured collection", body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Remove", "actor", e.mallory, "object", e.bobNote, "target", e.B.F.FeaturedIRI("bob"))
		}, want: 202, effects: true},
		{name: "Block in another actor's name", body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Block", "actor", e.mallory, "object", map[string]any{
				"id": e.A.F.NewID(), "type": "Block", "actor": e.alice, "object": e.bob})
		}, want: 202, effects: true},
		{name: "Like of an object at a private address", body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Like", "actor", e.mallory, "object", "http://internal.test/objects/1")
		}, want: 202},
		{name: "Announce of an object at a private address", body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Announce", "actor", e.mallory, "object", "http://10.0.0.1/objects/1",
				"to", []string{"https://www.w3.org/ns/activitystreams#Public"})
		}, want: 202},
		{name: "Create of an object at a private address", body: func(e *hostileEnv) []byte {
			return doc("id", e.A.F.NewID(), "type", "Create", "actor", e.mallory, "object", "http://internal.test/objects/1")
		}, want: 202},
		{name: "reply whose parent is at a private address", body: func(e *hostileEnv) []byte {
			// A genuine reply to bob: it is kept, but its parent is never fetched.
			return doc("id", e.A.F.NewID(), "type", "Create", "actor", e.mallory, "object", map[string]any{
				"id": e.A.Origin + "/objects/reply", "type": "Note", "attributedTo": e.mallory, "content": "hi bob",
				"inReplyTo": "http://internal.test/objects/1", "to": []string{e.bob}})
		}, mayChange: func(e *hostileEnv, key string) bool {
			return key == "collection "+e.B.F.InboxIRI("bob") || key == "object "+e.A.Origin+"/objects/reply"
		}, want: 202, effects: true},
	}
	require.GreaterOrEqual(t, len(cases), 40)

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.prepare != nil {
				tc.prepare(t, e)
			}
			before := e.snapshot(t)
			from, user := e.A, "mallory"
			if tc.node != nil {
				from = tc.node(e)
			}
			if tc.from != "" {
				user = tc.from
			}
			path := inboxPath(e.B, "")
			if tc.path != nil {
				path = tc.path(e)
			}
			var o sendOptions
			if tc.opts != nil {
				o = tc.opts(e)
			}
			body := tc.body(e)
			status := send(t, from, user, e.B, path, body, o)
			assert.Equal(t, tc.want, status)
			waitIdle(t, e.B)
			after := e.snapshot(t)
			if tc.mayChange != nil {
				for k := range after {
					if tc.mayChange(e, k) {
						delete(after, k)
						delete(before, k)
					}
				}
			}
			assert.Empty(t, changed(before, after), "the store changed")
			assert.False(t, e.forgedStored(t), "forged content was stored")
			assert.Empty(t, e.guard.nonLoopbackDials(), "a private address was dialled")
			if tc.want != http.StatusAccepted {
				if a, err := vocab.Unmarshal(body); err == nil && a.ID != "" && store.ValidateIRI(a.ID) == nil {
					first, err := e.B.Store.MarkSeen(ctx, a.ID, time.Now(), time.Now().Add(time.Hour))
					require.NoError(t, err)
					assert.True(t, first, "a refused activity was marked seen")
				}
			}
		})
	}
	// The guard was really asked about the private names: refused, not
	// skipped.
	e.guard.mu.Lock()
	defer e.guard.mu.Unlock()
	assert.Contains(t, e.guard.lookups, "internal.test")
}

// changed lists what differs between two snapshots.
func changed(before, after map[string]string) []string {
	var out []string
	for k, v := range before {
		if after[k] != v {
			out = append(out, fmt.Sprintf("%s: %q -> %q", k, v, after[k]))
		}
	}
	for k, v := range after {
		if _, ok := before[k]; !ok {
			out = append(out, fmt.Sprintf("%s: new %q", k, v))
		}
	}
	sort.Strings(out)
	return out
}

// TestHostileControls sends the genuine counterparts of hostile cases and
// checks that the snapshot sees them: the table's "unchanged" is not blind.
func TestHostileControls(t *testing.T) {
	e := newHostileEnv(t, nil)
	for _, tc := range []struct {
		name string
		from *node
		user string
		body func() []byte
		want string // a snapshot key that must change
	}{
		{"Like of a local post", e.A, "alice", func() []byte {
			return doc("id", e.A.F.NewID(), "type", "Like", "actor", e.alice, "object", e.bobNote)
		}, "collection " + likesIRI(e.bobNote)},
		{"Delete of one's own post", e.A, "alice", func() []byte {
			return doc("id", e.A.F.NewID(), "type", "Delete", "actor", e.alice, "object", e.aliceNote)
		}, "object " + e.aliceNote},
		{"Update of one's own post", e.C, "carol", func() []byte {
			n := map[string]any{"id": e.carolNote, "type": "Note", "attributedTo": e.carol, "content": "edited",
				"to": []string{"https://www.w3.org/ns/activitystreams#Public"}, "updated": time.Now().UTC().Format(time.RFC3339)}
			return doc("id", e.C.F.NewID(), "type", "Update", "actor", e.carol, "object", n)
		}, "object " + e.carolNote},
		{"Reject of a Follow by its followee", e.C, "carol", func() []byte {
			return doc("id", e.C.F.NewID(), "type", "Reject", "actor", e.carol, "object", map[string]any{
				"id": e.bobFollowsCarol, "type": "Follow", "actor": e.bob, "object": e.carol})
		}, "follow " + e.bob + " " + e.carol},
		{"Undo of one's own Follow", e.A, "alice", func() []byte {
			return doc("id", e.A.F.NewID(), "type", "Undo", "actor", e.alice, "object", map[string]any{
				"id": e.aliceFollowsBob, "type": "Follow", "actor": e.alice, "object": e.bob})
		}, "follow " + e.alice + " " + e.bob},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := e.snapshot(t)
			require.Equal(t, http.StatusAccepted, send(t, tc.from, tc.user, e.B, inboxPath(e.B, ""), tc.body(), sendOptions{}))
			waitIdle(t, e.B)
			after := e.snapshot(t)
			assert.NotEqual(t, before[tc.want], after[tc.want], "changes: %v", changed(before, after))
		})
	}
}
