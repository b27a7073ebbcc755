package memory_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/memory"
)

func TestRequeueReentersOrdering(t *testing.T) {
	s := memory.New()
	defer s.Close()
	ctx := t.Context()
	in := "https://a.example/inbox"
	for _, id := range []string{"create", "delete"} {
		_, err := s.Enqueue(ctx, store.Batch{ActivityID: "https://local.example/" + id, Activity: []byte(`{}`),
			Sender: "https://local.example/u#k", Inboxes: []string{in}, OrderingKey: "https://local.example/note", Now: t0})
		require.NoError(t, err)
	}
	jobs, err := s.Claim(ctx, t0, time.Hour, 10)
	require.NoError(t, err)
	require.Len(t, jobs, 1)
	require.NoError(t, s.Bury(ctx, jobs[0], "gave up"))
	del, err := s.Claim(ctx, t0, time.Hour, 10)
	require.NoError(t, err)
	require.Len(t, del, 1, "a dead Create lets the Delete go")
	require.NoError(t, s.Retry(ctx, del[0], t0, "timeout"))

	require.NoError(t, s.Requeue(ctx, jobs[0].ID, t0))
	again, err := s.Claim(ctx, t0, time.Hour, 10)
	require.NoError(t, err)
	require.Len(t, again, 1, "the requeued Create goes first again")
	assert.Equal(t, jobs[0].ID, again[0].ID)
	require.NoError(t, s.Complete(ctx, again[0]))
	last, err := s.Claim(ctx, t0, time.Hour, 10)
	require.NoError(t, err)
	require.Len(t, last, 1)
	assert.Equal(t, del[0].ID, last[0].ID)
	require.NoError(t, s.Complete(ctx, last[0]))
	c, err := s.CountJobs(ctx, "")
	require.NoError(t, err)
	assert.Zero(t, c.Total())
}
