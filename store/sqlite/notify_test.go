package sqlite

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store"
)

func TestNotifyJobsWaitsForInTxCommit(t *testing.T) {
	s := openTemp(t, Config{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := s.NotifyJobs(ctx)
	b := store.Batch{
		ActivityID: "https://local.example/a/1", Activity: []byte(`{}`), Sender: "https://local.example/u#k",
		Inboxes: []string{"https://a.example/i"}, Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	errNo := errors.New("no")
	err := s.InTx(ctx, func(ctx context.Context, tx store.Store) error {
		_, err := tx.Enqueue(ctx, b)
		require.NoError(t, err)
		select {
		case <-ch:
			t.Error("notified before the commit")
		default:
		}
		return errNo
	})
	require.ErrorIs(t, err, errNo)
	select {
	case <-ch:
		t.Fatal("notified for a rolled-back enqueue")
	default:
	}
	require.NoError(t, s.InTx(ctx, func(ctx context.Context, tx store.Store) error {
		_, err := tx.Enqueue(ctx, b)
		return err
	}))
	select {
	case <-ch:
	default:
		t.Fatal("no notification after the commit")
	}
	cancel()
	_, open := <-ch
	assert.False(t, open)
}
