package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/postgres"
)

// Re-enqueueing an activity to inboxes whose jobs workers are completing
// at that moment must never deadlock: Enqueue and Complete both touch the
// job rows and the activity's tally row, and must take them in one order.
//
// Inside InTx the payload cleanup runs in the Complete's transaction too,
// after the tally, so it must not wait for an Enqueue holding the payload.
func TestEnqueueWhileCompletingDoesNotDeadlock(t *testing.T) {
	for _, inTx := range []bool{false, true} {
		t.Run(fmt.Sprintf("inTx=%v", inTx), func(t *testing.T) { enqueueWhileCompleting(t, inTx) })
	}
}

func enqueueWhileCompleting(t *testing.T, inTx bool) {
	s := openTest(t, postgres.Config{MaxConns: 8})
	ctx := context.Background()
	const activity = "https://local.example/activities/redo"
	inboxes := make([]string, 40)
	for i := range inboxes {
		inboxes[i] = fmt.Sprintf("https://h%d.example/users/u%d/inbox", i%7, i)
	}
	batch := store.Batch{ActivityID: activity, Activity: []byte(`{"type":"Create"}`),
		Sender: "https://local.example/u#k", Inboxes: inboxes, Now: qt0}
	_, err := s.Enqueue(ctx, batch)
	require.NoError(t, err)

	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for range 3 {
		wg.Go(func() {
			for range 60 {
				if _, err := s.Enqueue(ctx, batch); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for range 3 {
		wg.Go(func() {
			for range 60 {
				jobs, err := s.Claim(ctx, qt0, time.Hour, 10)
				if err != nil {
					errs <- err
					return
				}
				for _, j := range jobs {
					complete := s.Complete
					if inTx {
						complete = func(ctx context.Context, j store.Job) error {
							return s.InTx(ctx, func(ctx context.Context, tx store.Store) error { return tx.Complete(ctx, j) })
						}
					}
					if err := complete(ctx, j); err != nil {
						errs <- err
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}
