package delivery_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
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

// TestShutdownLeavesNoGoroutine: after Shutdown, none of the Delivery's
// goroutines (dispatcher, workers, expansions) is left running.
func TestShutdownLeavesNoGoroutine(t *testing.T) {
	p := newPeer(t, nil)
	st := newEnvStore()
	d, err := delivery.New(delivery.Config{Store: st, Keys: staticKeys(testKey(t)), InsecureAllowPrivateAddresses: true,
		PollInterval: 5 * time.Millisecond, Workers: 2, PerHostLimit: 1})
	require.NoError(t, err)
	require.NoError(t, d.Start(context.Background()))
	var inboxes []string
	for i := range 20 {
		inboxes = append(inboxes, p.inbox(fmt.Sprintf("/u%d/inbox", i)))
	}
	_, err = d.Publish(context.Background(), delivery.Message{ActivityID: "https://local.example/a/leak",
		Activity: activity("https://local.example/a/leak"), Sender: testSender, Inboxes: inboxes})
	require.NoError(t, err)
	waitFor(t, d, "some deliveries", func() bool { return p.count() >= 3 })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, d.Shutdown(ctx))
	// A worker may still be returning from its last function call; the
	// bound only limits how long a failure takes to show.
	deadline := time.Now().Add(30 * time.Second)
	for {
		buf := make([]byte, 1<<20)
		stacks := string(buf[:runtime.Stack(buf, true)])
		if !strings.Contains(stacks, "activitypub/delivery.(*Delivery)") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("goroutines left after Shutdown:\n%s", stacks)
		}
		time.Sleep(5 * time.Millisecond)
	}
	c, err := st.CountJobs(context.Background(), "")
	require.NoError(t, err)
	assert.Zero(t, c.Leased, "every job claimed was finished or handed back")
}

// roundTripFunc adapts a function to http.RoundTripper.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestShutdownKeepsAcceptedDelivery: an inbox that accepted the activity
// just as Shutdown gave up waiting has it; the job is completed, not
// handed back to be sent again.
func TestShutdownKeepsAcceptedDelivery(t *testing.T) {
	entered := make(chan struct{}, 1)
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.Body != nil {
			_, _ = io.Copy(io.Discard, r.Body)
			_ = r.Body.Close()
		}
		entered <- struct{}{}
		<-r.Context().Done() // the answer arrives as the attempt is cancelled
		return &http.Response{StatusCode: http.StatusAccepted, Body: http.NoBody, Header: http.Header{},
			Request: r, ProtoMajor: 1, ProtoMinor: 1}, nil
	})
	st := newEnvStore()
	d, err := delivery.New(delivery.Config{Store: st, Keys: staticKeys(testKey(t)), Transport: rt,
		Clock: newClock().Now, PollInterval: 5 * time.Millisecond, PreferCavage: true})
	require.NoError(t, err)
	require.NoError(t, d.Start(context.Background()))
	id := "https://local.example/a/accepted"
	_, err = d.Publish(context.Background(), delivery.Message{ActivityID: id, Activity: activity(id),
		Sender: testSender, Inboxes: []string{"https://remote.example/inbox"}})
	require.NoError(t, err)
	<-entered
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, d.Shutdown(ctx), context.Canceled)
	_, err = st.Job(context.Background(), 1)
	assert.ErrorIs(t, err, store.ErrNotFound, "completed, not handed back for a second delivery")
	assert.Equal(t, 1, d.Status(id).Delivered)
}
