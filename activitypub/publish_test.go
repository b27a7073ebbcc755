package activitypub

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/vocab"
)

func TestPublishNoteDefaults(t *testing.T) {
	ctx := context.Background()
	pub := newPublisher(t, true, "alice")
	rp := newPeer(t, pub.F)
	bob := rp.addActor("bob", true)
	carol := rp.addActor("carol", true)
	erin := rp.addActor("erin", false)
	pub.follow(t, carol, carol+"/inbox", rp.URL("/inbox"), "alice")
	pub.follow(t, erin, erin+"/inbox", "", "alice")

	note := vocab.NewNote("", "", "<p>hi @bob</p>", time.Time{}).Mention(bob, "@bob@"+rp.Host)
	act, err := pub.F.Publish(ctx, "alice", note)
	require.NoError(t, err)

	me := pub.F.ActorIRI("alice")
	assert.Equal(t, vocab.TypeCreate, act.Type)
	assert.True(t, strings.HasPrefix(act.ID, pub.F.Origin()+"/objects/"), act.ID)
	assert.Equal(t, []string{me}, vocab.IDs(act.Actor))
	post := vocab.First(act.Object).Object
	require.NotNil(t, post)
	assert.True(t, strings.HasPrefix(post.ID, pub.F.Origin()+"/objects/"), post.ID)
	assert.NotEqual(t, act.ID, post.ID)
	assert.Equal(t, []string{me}, vocab.IDs(post.AttributedTo))
	assert.False(t, post.Published.IsZero())
	assert.Equal(t, time.UTC, post.Published.Location())
	assert.Equal(t, []string{vocab.PublicIRI}, vocab.IDs(post.To))
	assert.Equal(t, []string{pub.F.FollowersIRI("alice"), bob}, vocab.IDs(post.Cc))
	assert.Equal(t, vocab.IDs(post.To), vocab.IDs(act.To))
	assert.Equal(t, vocab.IDs(post.Cc), vocab.IDs(act.Cc))
	assert.Empty(t, note.ID, "the caller's object is left as it was")

	// Stored: the post and the activity, local; the activity in the outbox.
	storedPost, so := pub.stored(t, post.ID)
	assert.True(t, so.Local)
	assert.Equal(t, vocab.TypeNote, so.Type)
	assert.Equal(t, "<p>hi @bob</p>", storedPost.Content)
	_, so = pub.stored(t, act.ID)
	assert.True(t, so.Local)
	assert.Equal(t, vocab.TypeCreate, so.Type)
	assert.Equal(t, []string{act.ID}, pub.members(t, pub.F.OutboxIRI("alice")))

	// bob (mentioned) and carol (a follower) share /inbox: one delivery
	// there; erin has only a personal inbox.
	rp.waitPost("/inbox", act.ID)
	rp.waitPost("/users/erin/inbox", act.ID)
	idleDelivery(t, pub)
	assert.Equal(t, []string{"/inbox", "/users/erin/inbox"}, rp.postsOf(act.ID))
	assert.Empty(t, rp.Failures())
	got := rp.Posts()[0]
	assert.Equal(t, pub.F.KeyID("alice"), got.KeyID)
	assert.Equal(t, post.ID, vocab.First(got.Activity.Object).ID())
}

func TestPublishBlindRecipients(t *testing.T) {
	ctx := context.Background()
	pub := newPublisher(t, true, "alice")
	rp := newPeer(t, pub.F)
	bob := rp.addActor("bob", false)
	carol := rp.addActor("carol", false)
	dave := rp.addActor("dave", false)

	note := vocab.NewNote("", "", "<p>secret</p>", time.Time{})
	note.To = iris(bob)
	note.Bto = iris(carol)
	note.Bcc = iris(dave)
	act, err := pub.F.Publish(ctx, "alice", note)
	require.NoError(t, err)
	post := vocab.First(act.Object).Object
	assert.Equal(t, []string{carol}, vocab.IDs(act.Bto), "the activity returned keeps its blind recipients")
	assert.Equal(t, []string{dave}, vocab.IDs(post.Bcc))
	assert.Empty(t, act.Cc, "an addressed post is not made public")

	for _, name := range []string{"bob", "carol", "dave"} {
		got := rp.waitPost("/users/"+name+"/inbox", act.ID)
		assert.NotContains(t, got.JSON, "bto", name)
		assert.NotContains(t, got.JSON, "bcc", name)
		obj, ok := got.JSON["object"].(map[string]any)
		require.True(t, ok, "the post is embedded")
		assert.NotContains(t, obj, "bto", name)
		assert.NotContains(t, obj, "bcc", name)
		assert.Equal(t, []any{bob}, obj["to"])
	}
	// The stored post keeps them, so its blind recipients may read it.
	stored, _ := pub.stored(t, post.ID)
	assert.Equal(t, []string{carol}, vocab.IDs(stored.Bto))
	assert.Equal(t, []string{dave}, vocab.IDs(stored.Bcc))
}

func TestPublishActivity(t *testing.T) {
	ctx := context.Background()
	pub := newPublisher(t, false, "alice")
	rp := newPeer(t, pub.F)
	bob := rp.addActor("bob", true)
	pub.follow(t, bob, bob+"/inbox", rp.URL("/inbox"), "alice")

	// A Create given whole: its post is completed, its addressing taken
	// from the post.
	note := vocab.NewNote("", "", "<p>x</p>", time.Time{})
	note.Address(vocab.VisibilityFollowers, pub.F.FollowersIRI("alice"))
	act, err := pub.F.Publish(ctx, "alice", &vocab.Object{Type: vocab.TypeCreate, Object: []vocab.Ref{vocab.ObjectRef(note)}})
	require.NoError(t, err)
	post := vocab.First(act.Object).Object
	require.NotNil(t, post)
	assert.NotEmpty(t, post.ID)
	assert.Equal(t, []string{pub.F.ActorIRI("alice")}, vocab.IDs(post.AttributedTo))
	assert.Equal(t, []string{pub.F.FollowersIRI("alice")}, vocab.IDs(act.To))
	assert.False(t, act.Published.IsZero())
	_, so := pub.stored(t, post.ID)
	assert.True(t, so.Local)

	// A Create addressed, its post not: the post takes the Create's
	// audience rather than being made public.
	bare := vocab.NewNote("", "", "<p>for bob</p>", time.Time{})
	act3, err := pub.F.Publish(ctx, "alice", &vocab.Object{Type: vocab.TypeCreate, To: iris(bob),
		Object: []vocab.Ref{vocab.ObjectRef(bare)}})
	require.NoError(t, err)
	assert.Equal(t, []string{bob}, vocab.IDs(vocab.First(act3.Object).Object.To))
	assert.Empty(t, vocab.First(act3.Object).Object.Cc)

	// Any other activity: id, actor and published filled in.
	given := pub.F.NewID()
	act2, err := pub.F.Publish(ctx, "alice", &vocab.Object{ID: given, Type: "Listen", Object: iris(rp.URL("/songs/1")),
		To: iris(pub.F.FollowersIRI("alice"))})
	require.NoError(t, err)
	assert.Equal(t, given, act2.ID)
	assert.Equal(t, []string{pub.F.ActorIRI("alice")}, vocab.IDs(act2.Actor))

	jobs := pub.jobs(t)
	require.Len(t, jobs, 3, "one job per activity: the followers share one inbox")
	assert.Equal(t, rp.URL("/inbox"), jobs[0].Inbox)
	assert.Equal(t, post.ID, jobs[0].OrderingKey)
	assert.Equal(t, pub.F.ActorIRI("alice"), jobs[0].Sender)
	assert.Equal(t, act3.ID, jobs[1].ActivityID)
	assert.Equal(t, rp.URL("/inbox"), jobs[1].Inbox, "bob's shared inbox")
	assert.Equal(t, rp.URL("/songs/1"), jobs[2].OrderingKey)
	assert.Equal(t, []string{act2.ID, act3.ID, act.ID}, pub.members(t, pub.F.OutboxIRI("alice")))
}

func TestPublishRefused(t *testing.T) {
	ctx := context.Background()
	pub := newPublisher(t, false, "alice", "bob")
	rp := newPeer(t, pub.F)
	remote := rp.addActor("zed", false)
	remoteNote := rp.addNote("n1", remote)
	bobsPost, err := pub.F.Publish(ctx, "bob", vocab.NewNote("", "", "<p>bob's</p>", time.Time{}))
	require.NoError(t, err)
	bobsPostID := vocab.First(bobsPost.Object).ID()

	for _, tc := range []struct {
		name string
		user string
		o    *vocab.Object
		want error
	}{
		{"unknown user", "nobody", vocab.NewNote("", "", "x", time.Time{}), ErrNotFound},
		{"nil", "alice", nil, ErrInvalidActivity},
		{"no type", "alice", &vocab.Object{Content: "x"}, ErrInvalidActivity},
		{"attributed to another", "alice", vocab.NewNote("", pub.F.ActorIRI("bob"), "x", time.Time{}), ErrForbidden},
		{"activity by another", "alice", &vocab.Object{Type: vocab.TypeLike, Actor: iris(pub.F.ActorIRI("bob")), Object: iris(remoteNote)}, ErrForbidden},
		{"foreign id", "alice", vocab.NewNote(rp.URL("/notes/mine"), "", "x", time.Time{}), ErrOriginMismatch},
		{"foreign activity id", "alice", &vocab.Object{ID: rp.URL("/a/1"), Type: vocab.TypeLike, Object: iris(remoteNote)}, ErrOriginMismatch},
		{"id already used", "alice", vocab.NewNote(bobsPostID, "", "x", time.Time{}), ErrInvalidActivity},
		{"activity id already used", "alice", &vocab.Object{ID: bobsPost.ID, Type: vocab.TypeLike, Object: iris(remoteNote)}, ErrInvalidActivity},
		{"id of an actor", "alice", vocab.NewNote(pub.F.ActorIRI("alice"), "", "x", time.Time{}), ErrInvalidActivity},
		{"invalid id", "alice", vocab.NewNote("not an iri", "", "x", time.Time{}), ErrInvalidActivity},
		{"invalid recipient", "alice", &vocab.Object{Type: vocab.TypeNote, To: iris("mailto:x@y")}, ErrInvalidActivity},
		{"invalid object", "alice", &vocab.Object{Type: vocab.TypeLike, Object: iris("/relative")}, ErrInvalidActivity},
		{"Create without object", "alice", &vocab.Object{Type: vocab.TypeCreate}, ErrInvalidActivity},
		{"Update of a remote object", "alice", &vocab.Object{Type: vocab.TypeUpdate, Object: iris(remoteNote)}, ErrForbidden},
		{"Delete of another's post", "alice", &vocab.Object{Type: vocab.TypeDelete, Object: iris(bobsPostID)}, ErrForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := pub.members(t, pub.F.OutboxIRI(tc.user))
			jobs := len(pub.jobs(t))
			_, err := pub.F.Publish(ctx, tc.user, tc.o)
			require.ErrorIs(t, err, tc.want)
			assert.Equal(t, before, pub.members(t, pub.F.OutboxIRI(tc.user)), "nothing added to the outbox")
			assert.Len(t, pub.jobs(t), jobs, "nothing queued")
		})
	}
}

func TestPublishSkipsUnreachableRecipients(t *testing.T) {
	ctx := context.Background()
	pub := newPublisher(t, false, "alice")
	rp := newPeer(t, pub.F)
	bob := rp.addActor("bob", false)
	note := vocab.NewNote("", "", "<p>x</p>", time.Time{})
	note.To = iris(bob, rp.URL("/users/ghost"), rp.URL("/users/bob/followers"), pub.F.FollowingIRI("alice"))
	act, err := pub.F.Publish(ctx, "alice", note)
	require.NoError(t, err, "recipients that cannot be resolved are skipped")
	jobs := pub.jobs(t)
	require.Len(t, jobs, 1)
	assert.Equal(t, bob+"/inbox", jobs[0].Inbox)
	assert.Equal(t, act.ID, jobs[0].ActivityID)
}

// idleDelivery waits until a publisher has no delivery left to make.
func idleDelivery(t *testing.T, p *publisher) {
	t.Helper()
	require.Eventually(t, func() bool {
		c, err := p.Store.CountJobs(context.Background(), "")
		return err == nil && c.Pending+c.Leased == 0
	}, 15*time.Second, 10*time.Millisecond)
}

func TestPublishResolvesRecipientsConcurrently(t *testing.T) {
	ctx := context.Background()
	pub := newPublisher(t, false, "alice")
	rp := newPeer(t, pub.F)
	const n = 3
	var names []string
	for i := range n {
		names = append(names, "r"+strconv.Itoa(i))
	}
	var arrived sync.WaitGroup
	arrived.Add(n)
	all := make(chan struct{})
	go func() { arrived.Wait(); close(all) }()
	// Each actor document is answered only once all n were asked for: a
	// publisher resolving one recipient after another gets 503s instead.
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived.Done()
		select {
		case <-all:
			rp.serve(w, r)
		case <-time.After(5 * time.Second):
			http.Error(w, "not all asked at once", http.StatusServiceUnavailable)
		}
	}))
	t.Cleanup(slow.Close)
	var to []string
	for _, name := range names {
		rp.addActor(name, false)
		to = append(to, slow.URL+"/users/"+name)
	}
	// The slow server serves the peer's documents under its own origin.
	for i, name := range names {
		a := &vocab.Object{ID: to[i], Type: vocab.TypePerson, PreferredUsername: name, Inbox: rp.URL("/users/" + name + "/inbox")}
		raw, err := vocab.Marshal(a)
		require.NoError(t, err)
		rp.mu.Lock()
		rp.docs["/users/"+name] = raw
		rp.mu.Unlock()
	}
	note := vocab.NewNote("", "", "<p>all of you</p>", time.Time{})
	note.To = iris(to...)
	_, err := pub.F.Publish(ctx, "alice", note)
	require.NoError(t, err)
	var inboxes []string
	for _, j := range pub.jobs(t) {
		inboxes = append(inboxes, j.Inbox)
	}
	assert.Len(t, inboxes, n)
}
