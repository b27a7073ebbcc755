package activitypub

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/vocab"
)

// handoffs counts the records whose content is kept in memory for a worker.
func handoffs(f *Federation) int {
	n := 0
	f.handoff.Range(func(any, any) bool { n++; return true })
	return n
}

// revSecActivity returns a Create of a remote actor, raw and decoded, with
// content of the given size.
func revSecActivity(t *testing.T, f *Federation, i, size int) ([]byte, *vocab.Object) {
	t.Helper()
	actor := "https://remote.example/users/x"
	raw := []byte(fmt.Sprintf(`{"@context":"https://www.w3.org/ns/activitystreams","id":"https://remote.example/activities/%d",`+
		`"type":"Create","actor":%q,"object":{"id":"https://remote.example/notes/%d","type":"Note","attributedTo":%q,"content":%q}}`,
		i, actor, i, actor, strings.Repeat("a", size)))
	act, err := f.decoder.Decode(context.Background(), raw)
	require.NoError(t, err)
	return raw, act
}

// The in-memory copy of a received activity must not outlive its place
// in the queue: activities accepted while no worker can take them (a
// backlog a hostile sender can build by making its activities slow to
// process, or a stopped Federation) are read back from the store, or
// memory grows with the backlog, up to MaxInboxBytes each.
func TestRevSecHandoffOnlyForQueuedRecords(t *testing.T) {
	ctx := context.Background()
	f := newFetchFed(t, nil) // not started: nothing is queued
	for i := range 20 {
		raw, act := revSecActivity(t, f, i, 1000)
		require.NoError(t, f.record(ctx, raw, act, "", false))
	}
	assert.Zero(t, handoffs(f), "records no worker holds are not kept in memory")
}

// A large activity is read back from the store by its worker rather than
// kept in memory while it waits, and is processed whole.
func TestRevSecLargeActivityReadBack(t *testing.T) {
	ctx := context.Background()
	release := make(chan struct{})
	var mu sync.Mutex
	got := map[string]int{}
	f := newFetchFed(t, func(c *Config) {
		c.Override = map[string]InboxFunc{vocab.TypeCreate: func(ctx context.Context, in *Inbound) error {
			<-release
			mu.Lock()
			got[in.Activity.ID] = len(vocab.First(in.Activity.Object).Object.Content)
			mu.Unlock()
			return nil
		}}
		c.InsecureAllowPrivateAddresses = true
	})
	require.NoError(t, f.Start(ctx))
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = f.Shutdown(sctx)
	})
	const big = 200 << 10
	raw, act := revSecActivity(t, f, 1, big)
	require.NoError(t, f.record(ctx, raw, act, "", false))
	small, sact := revSecActivity(t, f, 2, 10)
	require.NoError(t, f.record(ctx, small, sact, "", false))
	assert.LessOrEqual(t, handoffs(f), 1, "only the small activity may wait in memory")
	close(release)
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	require.NoError(t, f.WaitIdle(wctx))
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, map[string]int{act.ID: big, sact.ID: 10}, got)
}
