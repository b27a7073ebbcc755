package delivery_test

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/delivery"
	"github.com/starling-fed/starling/store"
)

func TestShutdownNotStarted(t *testing.T) {
	d, err := delivery.New(delivery.Config{Store: newEnvStore(), Keys: staticKeys(testKey(t))})
	require.NoError(t, err)
	assert.ErrorIs(t, d.Shutdown(context.Background()), delivery.ErrNotStarted)
}

func TestShutdownWaitsForInFlight(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{}, 1)
	p := newPeer(t, func(int, http.ResponseWriter, *http.Request) int {
		entered <- struct{}{}
		<-release
		return http.StatusAccepted
	})
	e := newEnv(t, nil)
	e.publish("https://local.example/a/w", p.inbox("/i"))
	<-entered
	done := make(chan error, 1)
	go func() { done <- e.d.Shutdown(context.Background()) }()
	close(release)
	require.NoError(t, <-done)
	assert.Equal(t, 1, e.d.Status("https://local.example/a/w").Delivered, "finished, not abandoned")
}

func TestShutdownReleasesInFlight(t *testing.T) {
	entered := make(chan struct{}, 1)
	p := newPeer(t, func(_ int, _ http.ResponseWriter, r *http.Request) int {
		_, _ = io.ReadAll(r.Body) // so the server notices the client going away
		entered <- struct{}{}
		<-r.Context().Done()
		return http.StatusAccepted
	})
	clock := newClock()
	st := newEnvStore()
	d, err := delivery.New(delivery.Config{Store: st, Keys: staticKeys(testKey(t)), InsecureAllowPrivateAddresses: true,
		Clock: clock.Now, PollInterval: 5 * time.Millisecond})
	require.NoError(t, err)
	require.NoError(t, d.Start(context.Background()))
	_, err = d.Publish(context.Background(), delivery.Message{ActivityID: "https://local.example/a/s",
		Activity: activity("https://local.example/a/s"), Sender: testSender, Inboxes: []string{p.inbox("/i")}})
	require.NoError(t, err)
	<-entered
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	assert.ErrorIs(t, d.Shutdown(ctx), context.DeadlineExceeded)
	j, err := st.Job(context.Background(), 1)
	require.NoError(t, err)
	assert.Equal(t, store.JobPending, j.State, "released, not lost")
	assert.Equal(t, clock.Now(), j.NextAttempt, "due at once for another worker")
	assert.ErrorIs(t, d.Start(context.Background()), delivery.ErrStarted)
}
