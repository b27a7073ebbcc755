package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub"
	"github.com/starling-fed/starling/activitypub/vocab"
	"github.com/starling-fed/starling/examples/internal/peer"
)

// wait bounds each wait for something to arrive over loopback.
const wait = 15 * time.Second

// TestBlog runs the blog over real HTTP on loopback with a peer server:
// the peer follows the blog's seeded user, receives an article and its
// edit, reads the article as ActivityPub JSON, and replies; the reply shows
// up as a comment on the article's HTML page.
func TestBlog(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	cfg := config{
		Origin:       "http://" + ln.Addr().String(),
		Data:         t.TempDir(),
		Password:     "s3cret",
		AllowPrivate: true,
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	ready := make(chan *Blog, 1)
	go func() { served <- serve(ctx, cfg, ln, func(b *Blog) { ready <- b }) }()
	var blog *Blog
	select {
	case blog = <-ready:
	case err := <-served:
		t.Fatalf("blog did not start: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		assert.NoError(t, <-served, "graceful shutdown")
	})

	pat := peer.Start(t, "pat", nil)
	ada := cfg.Origin + "/users/ada"
	articleIRI := cfg.Origin + "/articles/hello-fediverse"

	// The blog's existing user is an actor: pat follows her.
	_, err = pat.Fed.Follow(ctx, pat.User, ada)
	require.NoError(t, err)
	pat.WaitFor(t, wait, "ada's Accept", func(in *activitypub.Inbound) bool {
		return in.Activity.Type == vocab.TypeAccept && vocab.First(in.Activity.Actor).ID() == ada
	})

	// A new article reaches the follower as a Create(Article).
	require.NoError(t, blog.Publish(ctx, "ada", "hello-fediverse", "Hello, fediverse", "<p>The blog federates now.</p>"))
	in := pat.WaitFor(t, wait, "the article", func(in *activitypub.Inbound) bool {
		return in.Activity.Type == vocab.TypeCreate && in.Object != nil && in.Object.ID == articleIRI
	})
	assert.Equal(t, vocab.TypeArticle, in.Object.Type)
	assert.Equal(t, "Hello, fediverse", in.Object.Name)

	// The article's IRI serves the Article, from the blog's own table.
	obj, err := pat.Fed.Fetch(ctx, articleIRI)
	require.NoError(t, err)
	assert.Equal(t, vocab.TypeArticle, obj.Type)
	assert.Contains(t, obj.Content, "The blog federates now.")

	// An edit, posted through the blog's admin form, is an Update.
	resp, err := noRedirect.PostForm(cfg.Origin+"/admin/articles", url.Values{
		"password": {"s3cret"}, "author": {"ada"}, "slug": {"hello-fediverse"},
		"title": {"Hello, fediverse"}, "body": {"<p>The blog federates now, edits too.</p>"},
	})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	pat.WaitFor(t, wait, "the edit", func(in *activitypub.Inbound) bool {
		return in.Activity.Type == vocab.TypeUpdate && in.Object != nil && in.Object.ID == articleIRI &&
			strings.Contains(in.Object.Content, "edits too")
	})

	// A reply from the fediverse becomes a comment on the article's page.
	reply, err := pat.Fed.Reply(ctx, pat.User, articleIRI, "<p>Welcome aboard, <b>ada</b>! <script>alert(1)</script></p>")
	require.NoError(t, err)
	page := waitForPage(t, articleIRI, "Welcome aboard")
	assert.Contains(t, page, "<h1>Hello, fediverse</h1>")
	assert.Contains(t, page, "The blog federates now, edits too.")
	assert.Contains(t, page, "Welcome aboard, ada!")
	assert.Contains(t, page, "@pat@"+strings.TrimPrefix(pat.Fed.Origin(), "http://"))
	assert.NotContains(t, page, "<script>", "remote HTML is never trusted")
	assert.Contains(t, page, "Comments from the fediverse (1)")

	// A direct reply, for ada alone, is not published as a comment.
	private := vocab.NewNote("", pat.Fed.ActorIRI(pat.User), "<p>Just between us</p>", time.Now()).ReplyTo(articleIRI)
	private.Address(vocab.VisibilityDirect, "", ada)
	dm, err := pat.Fed.Publish(ctx, pat.User, private)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		st, err := pat.Fed.Delivery().StatusContext(ctx, dm.ID)
		return err == nil && st.Delivered == 1
	}, wait, 10*time.Millisecond)
	require.NoError(t, blog.fed.WaitIdle(ctx))
	page = waitForPage(t, articleIRI, "Comments from the fediverse (1)")
	assert.NotContains(t, page, "Just between us")

	// Deleting the reply on the fediverse removes the comment.
	_, err = pat.Fed.DeletePost(ctx, pat.User, vocab.First(reply.Object).ID())
	require.NoError(t, err)
	page = waitForPage(t, articleIRI, "Comments from the fediverse (0)")
	assert.NotContains(t, page, "Welcome aboard")
}

func TestAdminForm(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	cfg := config{Origin: "http://" + ln.Addr().String(), Data: t.TempDir(), Password: "pw", AllowPrivate: true}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- serve(ctx, cfg, ln, nil) }()
	t.Cleanup(func() { cancel(); assert.NoError(t, <-served) })

	for _, tc := range []struct {
		name   string
		form   url.Values
		status int
	}{
		{"wrong password", url.Values{"password": {"nope"}, "author": {"ada"}, "slug": {"x"}}, http.StatusForbidden},
		{"unknown author", url.Values{"password": {"pw"}, "author": {"eve"}, "slug": {"x"}}, http.StatusBadRequest},
		{"bad slug", url.Values{"password": {"pw"}, "author": {"ada"}, "slug": {"../x"}}, http.StatusBadRequest},
		{"published", url.Values{"password": {"pw"}, "author": {"ada"}, "slug": {"x"}, "title": {"X"}, "body": {"<p>x</p>"}}, http.StatusSeeOther},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := noRedirect.PostForm(cfg.Origin+"/admin/articles", tc.form)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, tc.status, resp.StatusCode)
		})
	}
	resp, err := http.Get(cfg.Origin + "/articles/missing")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

// noRedirect is a client that shows redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// waitForPage GETs url as HTML until the page contains want.
func waitForPage(t *testing.T, url, want string) string {
	t.Helper()
	var page string
	require.Eventually(t, func() bool {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("Accept", "text/html")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		page = string(b)
		return resp.StatusCode == http.StatusOK && strings.Contains(page, want)
	}, wait, 20*time.Millisecond, "the page never showed %q; last seen:\n%s", want, page)
	return page
}
