package activitypub

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/delivery"
	"github.com/starling-fed/starling/store/memory"
)

// TestRevAPINewRefusesBadConfigs: every unusable Config fails New with an
// error matching ErrInvalidConfig, whatever part of it is wrong.
func TestRevAPINewRefusesBadConfigs(t *testing.T) {
	st := memory.New()
	t.Cleanup(func() { st.Close() })
	ok := Config{Origin: "https://social.example", Store: st}
	for _, tc := range []struct {
		name   string
		change func(*Config)
	}{
		{"no store", func(c *Config) { c.Store = nil }},
		{"no origin", func(c *Config) { c.Origin = "" }},
		{"origin without scheme", func(c *Config) { c.Origin = "social.example" }},
		{"http origin", func(c *Config) { c.Origin = "http://social.example" }},
		{"ftp origin", func(c *Config) { c.Origin = "ftp://social.example" }},
		{"origin without host", func(c *Config) { c.Origin = "https://" }},
		{"origin with path", func(c *Config) { c.Origin = "https://social.example/app" }},
		{"origin with query", func(c *Config) { c.Origin = "https://social.example/?x=1" }},
		{"origin with fragment", func(c *Config) { c.Origin = "https://social.example/#x" }},
		{"origin with user", func(c *Config) { c.Origin = "https://u:p@social.example" }},
		{"origin with a space", func(c *Config) { c.Origin = "https://social example" }},
		{"origin port out of range", func(c *Config) { c.Origin = "https://social.example:99999" }},
		{"origin port zero", func(c *Config) { c.Origin = "https://social.example:0" }},
		{"actor path without wildcard", func(c *Config) { c.Paths.Actor = "/users" }},
		{"actor path with two wildcards", func(c *Config) { c.Paths.Actor = "/{name}/{name}" }},
		{"actor path with the object wildcard", func(c *Config) { c.Paths.Actor = "/u/{id}" }},
		{"wildcard not a whole segment", func(c *Config) { c.Paths.Actor = "/@{name}" }},
		{"relative path", func(c *Config) { c.Paths.Outbox = "users/{name}/outbox" }},
		{"path with a query", func(c *Config) { c.Paths.Object = "/o?id={id}" }},
		{"shared inbox with wildcard", func(c *Config) { c.Paths.SharedInbox = "/inbox/{name}" }},
		{"two collections on one path", func(c *Config) { c.Paths.Liked = "/users/{name}/outbox" }},
		{"object path like the actors'", func(c *Config) { c.Paths.Object = "/users/{id}" }},
		{"instance username with @", func(c *Config) { c.InstanceUsername = "me@there" }},
		{"instance username with a space", func(c *Config) { c.InstanceUsername = "my instance" }},
		{"instance username with /", func(c *Config) { c.InstanceUsername = "a/b" }},
		{"user agent with a line break", func(c *Config) { c.UserAgent = "Starling\r\nX-Evil: 1" }},
		{"bad delivery config", func(c *Config) { c.Delivery.Workers = -1 }},
		{"bad delivery schedule", func(c *Config) { c.Delivery.Schedule = []time.Duration{-time.Second} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := ok
			tc.change(&cfg)
			f, err := New(cfg)
			require.Error(t, err)
			assert.Nil(t, f)
			assert.ErrorIs(t, err, ErrInvalidConfig)
			assert.True(t, strings.HasPrefix(err.Error(), "activitypub: "), "%v", err)
		})
	}
	t.Run("the zero value of everything else works", func(t *testing.T) {
		f, err := New(ok)
		require.NoError(t, err)
		assert.Equal(t, "https://social.example", f.Origin())
		assert.Equal(t, DefaultInboxWorkers, f.cfg.InboxWorkers)
		assert.Equal(t, int64(DefaultMaxInboxBytes), f.cfg.MaxInboxBytes)
		assert.Equal(t, int64(DefaultMaxFetchBytes), f.cfg.MaxFetchBytes)
		assert.Equal(t, DefaultActorTTL, f.cfg.ActorTTL)
		assert.Equal(t, DefaultSeenTTL, f.cfg.SeenTTL)
		assert.Equal(t, DefaultMaxFetchDepth, f.cfg.MaxFetchDepth)
		assert.Equal(t, DefaultPageSize, f.cfg.PageSize)
		assert.Equal(t, "social.example", f.cfg.InstanceUsername)
		assert.Equal(t, "Starling", f.cfg.UserAgent)
		assert.Equal(t, "https://social.example/users/a", f.ActorIRI("a"))
		assert.Equal(t, "https://social.example/inbox", f.SharedInboxIRI())
		assert.Equal(t, "https://social.example/actor", f.InstanceActorIRI())
	})
	t.Run("default ports and case are normalized", func(t *testing.T) {
		cfg := ok
		cfg.Origin = "HTTPS://Social.Example:443/"
		f, err := New(cfg)
		require.NoError(t, err)
		assert.Equal(t, "https://social.example", f.Origin())
	})
}

// TestRevAPILifecycle: what Start and Shutdown do in every order a host
// may call them.
func TestRevAPILifecycle(t *testing.T) {
	ctx := context.Background()
	newFed := func(t *testing.T) (*Federation, *httptest.Server) {
		st := memory.New()
		t.Cleanup(func() { st.Close() })
		f, err := New(Config{Origin: "http://127.0.0.1:1", Store: st, InsecureAllowPrivateAddresses: true,
			Delivery: delivery.Config{PollInterval: 20 * time.Millisecond}})
		require.NoError(t, err)
		require.NoError(t, f.CreateActor(ctx, Actor{Username: "alice"}))
		ts := httptest.NewServer(f.Handler(nil))
		t.Cleanup(ts.Close)
		return f, ts
	}
	inboxStatus := func(t *testing.T, ts *httptest.Server) int {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, ts.URL+"/inbox", strings.NewReader(`{}`))
		require.NoError(t, err)
		req.Header.Set("Content-Type", ContentType)
		resp, err := ts.Client().Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}

	t.Run("handler before Start", func(t *testing.T) {
		f, ts := newFed(t)
		assert.Equal(t, http.StatusOK, get(t, ts.URL+"/users/alice", apAccept, noKey).Status, "documents are served")
		assert.Equal(t, http.StatusServiceUnavailable, inboxStatus(t, ts), "inboxes wait for Start")
		_, err := f.Publish(ctx, "alice", note("", f.ActorIRI("alice")))
		assert.NoError(t, err, "publishing queues deliveries before Start")
	})
	t.Run("Shutdown without Start", func(t *testing.T) {
		f, ts := newFed(t)
		require.NoError(t, f.Shutdown(ctx))
		require.NoError(t, f.Start(ctx), "a Federation never started can start")
		assert.Equal(t, http.StatusUnauthorized, inboxStatus(t, ts))
		require.NoError(t, f.Shutdown(ctx))
	})
	t.Run("Start twice", func(t *testing.T) {
		f, ts := newFed(t)
		require.NoError(t, f.Start(ctx))
		err := f.Start(ctx)
		assert.ErrorIs(t, err, ErrStarted)
		assert.Equal(t, http.StatusUnauthorized, inboxStatus(t, ts), "still running")
		require.NoError(t, f.Shutdown(ctx))
		require.NoError(t, f.Shutdown(ctx), "Shutdown twice is harmless")
	})
	t.Run("Start after Shutdown fails cleanly", func(t *testing.T) {
		f, ts := newFed(t)
		require.NoError(t, f.Start(ctx))
		require.NoError(t, f.Shutdown(ctx))
		err := f.Start(ctx)
		require.ErrorIs(t, err, ErrShutdown)
		assert.Equal(t, http.StatusServiceUnavailable, inboxStatus(t, ts), "not left half running")
		require.NoError(t, f.Shutdown(ctx))

		// A new Federation on the same store runs again.
		g, err := New(Config{Origin: f.Origin(), Store: f.Store(), InsecureAllowPrivateAddresses: true})
		require.NoError(t, err)
		require.NoError(t, g.Start(ctx))
		require.NoError(t, g.Shutdown(ctx))
	})
}
