package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store"
)

// waitLimit bounds how long the suite waits for a notification before it
// reports the rule broken. It is a failure deadline, not a measurement.
const waitLimit = 10 * time.Second

var optionalRules = []rule{
	{"Transactor commits when fn succeeds", func(t *testing.T, s store.Store) {
		tx, ok := s.(store.Transactor)
		if !ok {
			t.Skip("store does not implement store.Transactor")
		}
		require.NoError(t, tx.InTx(ctx(t), func(ctx context.Context, s store.Store) error {
			if err := s.PutObject(ctx, note(alice+"/notes/1", true, "x")); err != nil {
				return err
			}
			_, err := s.AddToCollection(ctx, outbox, alice+"/notes/1")
			return err
		}))
		_, err := s.GetObject(ctx(t), alice+"/notes/1")
		require.NoError(t, err)
		ok, err = s.CollectionContains(ctx(t), outbox, alice+"/notes/1")
		require.NoError(t, err)
		assert.True(t, ok)
	}},
	{"Transactor keeps nothing when fn fails or panics", func(t *testing.T, s store.Store) {
		tx, ok := s.(store.Transactor)
		if !ok {
			t.Skip("store does not implement store.Transactor")
		}
		boom := errors.New("boom")
		err := tx.InTx(ctx(t), func(ctx context.Context, s store.Store) error {
			if err := s.PutObject(ctx, note(alice+"/notes/1", true, "x")); err != nil {
				return err
			}
			if _, err := s.AddToCollection(ctx, outbox, alice+"/notes/1"); err != nil {
				return err
			}
			return boom
		})
		require.ErrorIs(t, err, boom)
		_, err = s.GetObject(ctx(t), alice+"/notes/1")
		assert.ErrorIs(t, err, store.ErrNotFound, "rolled back")
		n, err := s.CountCollection(ctx(t), outbox)
		require.NoError(t, err)
		assert.Zero(t, n, "rolled back")

		assert.Panics(t, func() {
			_ = tx.InTx(ctx(t), func(ctx context.Context, s store.Store) error {
				if err := s.PutObject(ctx, note(alice+"/notes/2", true, "x")); err != nil {
					return err
				}
				panic("boom")
			})
		})
		_, err = s.GetObject(ctx(t), alice+"/notes/2")
		assert.ErrorIs(t, err, store.ErrNotFound, "rolled back after a panic")
		_, err = s.Enqueue(ctx(t), batch(alice+"/activities/1", "https://a.example/inbox"))
		assert.NoError(t, err, "the store still works after a panicking transaction")
	}},
	{"JobNotifier signals after Enqueue, Retry and Requeue and closes with its context", func(t *testing.T, s store.Store) {
		n, ok := s.(store.JobNotifier)
		if !ok {
			t.Skip("store does not implement store.JobNotifier")
		}
		c, cancel := context.WithCancel(ctx(t))
		ch := n.NotifyJobs(c)
		wait := func(after string) {
			t.Helper()
			select {
			case _, open := <-ch:
				require.True(t, open, "channel closed early")
			case <-time.After(waitLimit):
				t.Fatalf("no notification after %s", after)
			}
		}
		// drain takes notifications already delivered, so the next wait
		// needs a new one (a late one for an earlier write may still
		// pass it; notifications are hints).
		drain := func() {
			for {
				select {
				case <-ch:
				default:
					return
				}
			}
		}
		enqueue(t, s, batch(alice+"/activities/1", "https://a.example/inbox"))
		wait("Enqueue")
		jobs := claim(t, s, t0, time.Minute, 1)
		require.Len(t, jobs, 1)
		drain()
		require.NoError(t, s.Retry(ctx(t), jobs[0], t0, "x"))
		wait("Retry")
		jobs = claim(t, s, t0, time.Minute, 1)
		require.Len(t, jobs, 1)
		require.NoError(t, s.Bury(ctx(t), jobs[0], "x"))
		drain()
		require.NoError(t, s.Requeue(ctx(t), jobs[0].ID, t0))
		wait("Requeue")
		cancel()
		deadline := time.After(waitLimit)
		for {
			select {
			case _, open := <-ch:
				if !open {
					return
				}
			case <-deadline:
				t.Fatal("channel not closed after its context ended")
			}
		}
	}},
}
