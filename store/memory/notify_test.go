package memory_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/memory"
)

// Retry and Requeue wake listeners too; notifications coalesce rather than
// block the writer.
func TestNotifyJobsOnRetryAndRequeue(t *testing.T) {
	s := memory.New()
	defer s.Close()
	ctx := t.Context()
	ch := s.NotifyJobs(ctx)
	b := store.Batch{ActivityID: "https://l.example/a/1", Activity: []byte(`{}`), Sender: "https://l.example/u#k", Now: t0}
	for i := range 5 { // five writes, no reader: must not block
		b.Inboxes = []string{"https://r.example/inbox/" + string(rune('a'+i))}
		_, err := s.Enqueue(ctx, b)
		require.NoError(t, err)
	}
	<-ch
	select {
	case <-ch:
		t.Fatal("notifications did not coalesce")
	default:
	}
	jobs, err := s.Claim(ctx, t0, time.Minute, 2)
	require.NoError(t, err)
	require.NoError(t, s.Retry(ctx, jobs[0], t0, "x"))
	<-ch
	require.NoError(t, s.Bury(ctx, jobs[1], "x"))
	require.NoError(t, s.Requeue(ctx, jobs[1].ID, t0))
	<-ch
}

func TestCloseClosesNotifiers(t *testing.T) {
	s := memory.New()
	ch := s.NotifyJobs(context.Background())
	require.NoError(t, s.Close())
	_, open := <-ch
	require.False(t, open)
	_, open = <-s.NotifyJobs(t.Context())
	require.False(t, open, "NotifyJobs after Close returns a closed channel")
	require.NoError(t, s.Close(), "Close is idempotent")
}
