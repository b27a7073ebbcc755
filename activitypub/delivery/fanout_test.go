package delivery_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/delivery"
	"github.com/starling-fed/starling/internal/safehttp"
	"github.com/starling-fed/starling/store"
)

func TestPublishFollowers(t *testing.T) {
	for _, tc := range []struct {
		name      string
		threshold int
		expanding bool
	}{
		{"inline", 0, false},
		{"two stages", 10, true},
		{"always a job", -1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			got := map[string]int{}
			p := newPeer(t, func(_ int, _ http.ResponseWriter, r *http.Request) int {
				mu.Lock()
				got[r.URL.Path]++
				mu.Unlock()
				return http.StatusAccepted
			})
			e := newEnv(t, func(c *delivery.Config) { c.ExpandThreshold = tc.threshold })
			ctx := context.Background()
			// 30 followers: 20 on a server with a shared inbox, 10 with
			// only a personal one.
			for i := range 30 {
				f := store.Follow{
					Follower:   fmt.Sprintf("https://remote.example/users/f%d", i),
					Followee:   testSender,
					ActivityID: fmt.Sprintf("https://remote.example/follows/%d", i),
					State:      store.FollowAccepted,
					Inbox:      p.inbox(fmt.Sprintf("/users/f%d/inbox", i)),
					Created:    e.clock.Now(),
				}
				if i < 20 {
					f.SharedInbox = p.inbox("/inbox")
				}
				_, err := e.store.PutFollow(ctx, f)
				require.NoError(t, err)
			}
			id := "https://local.example/a/f"
			res, err := e.d.Publish(ctx, delivery.Message{
				ActivityID: id, Activity: activity(id), Sender: testSender, FollowersOf: testSender,
				Inboxes: []string{p.inbox("/inbox"), p.inbox("/direct"), p.inbox("/direct")},
			})
			require.NoError(t, err)
			assert.Equal(t, tc.expanding, res.Expanding)
			if tc.expanding {
				assert.Equal(t, 0, res.Enqueued, "all enqueued by the expansion job")
			} else {
				assert.Equal(t, 12, res.Enqueued)
			}
			waitFor(t, e.d, "fan-out", func() bool { return e.d.Status(id).Done() })
			st := e.d.Status(id)
			assert.Equal(t, 12, st.Delivered)
			assert.Equal(t, 12, st.Enqueued)
			mu.Lock()
			defer mu.Unlock()
			assert.Len(t, got, 12, "shared inbox once, ten personal inboxes, one direct")
			for path, n := range got {
				assert.Equal(t, 1, n, path)
			}
		})
	}
}

func TestPublishInvalid(t *testing.T) {
	e := newEnv(t, nil)
	ok := delivery.Message{ActivityID: "https://local.example/a/1", Activity: activity("https://local.example/a/1"),
		Sender: testSender, Inboxes: []string{"https://remote.example/inbox"}}
	for _, tc := range []struct {
		name string
		mod  func(*delivery.Message)
		want error
	}{
		{"no id", func(m *delivery.Message) { m.ActivityID = "" }, store.ErrInvalidIRI},
		{"bad sender", func(m *delivery.Message) { m.Sender = "mailto:x" }, store.ErrInvalidIRI},
		{"not json", func(m *delivery.Message) { m.Activity = []byte("{") }, store.ErrInvalid},
		{"too large", func(m *delivery.Message) { m.Activity = make([]byte, store.MaxDocumentSize+1) }, store.ErrTooLarge},
		{"bad inbox", func(m *delivery.Message) { m.Inboxes = []string{"ftp://x/"} }, store.ErrInvalidIRI},
		{"bad followers", func(m *delivery.Message) { m.FollowersOf = "nope" }, store.ErrInvalidIRI},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := ok
			tc.mod(&m)
			_, err := e.d.Publish(context.Background(), m)
			assert.ErrorIs(t, err, tc.want)
		})
	}
	res, err := e.d.Publish(context.Background(), delivery.Message{ActivityID: ok.ActivityID, Activity: ok.Activity,
		Sender: testSender})
	require.NoError(t, err)
	assert.Equal(t, delivery.Published{}, res, "no audience, nothing to do")
}

func TestDefaultTransportRefusesPrivateAddresses(t *testing.T) {
	// The guard refuses loopback before any packet is sent.
	var hit bool
	p := newPeer(t, func(int, http.ResponseWriter, *http.Request) int { hit = true; return http.StatusAccepted })
	e := newEnv(t, func(c *delivery.Config) {
		c.InsecureAllowPrivateAddresses = false
		c.Schedule = []time.Duration{time.Hour}
	})
	e.publish("https://local.example/a/ssrf", strings.Replace(p.inbox("/inbox"), "http:", "https:", 1))
	e.publish("https://local.example/a/plain", "http://remote.example/inbox")
	e.settle()
	jobs := e.jobs()
	require.Len(t, jobs, 2)
	assert.Contains(t, jobs[0].LastError, safehttp.ErrPrivateAddress.Error())
	assert.Contains(t, jobs[1].LastError, safehttp.ErrSchemeNotAllowed.Error())
	assert.False(t, hit)
}

func TestPublishExpansionTooLargeForOneJob(t *testing.T) {
	// Not started: nothing is sent to these made-up hosts.
	d, err := delivery.New(delivery.Config{Store: newEnvStore(), Keys: staticKeys(testKey(t)), ExpandThreshold: -1})
	require.NoError(t, err)
	id := "https://local.example/a/big"
	doc := fmt.Appendf(nil, `{"id":%q,"type":"Create","content":"%s"}`, id, strings.Repeat("x", 600<<10))
	var inboxes []string
	for i := range 10000 {
		inboxes = append(inboxes, fmt.Sprintf("https://remote%d.example/users/someone/inbox", i))
	}
	res, err := d.Publish(context.Background(), delivery.Message{ActivityID: id, Activity: doc, Sender: testSender,
		Inboxes: inboxes, FollowersOf: testSender})
	require.NoError(t, err)
	assert.True(t, res.Expanding)
	assert.Equal(t, 10000, res.Enqueued, "listed inboxes enqueued directly")
}
