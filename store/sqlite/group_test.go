package sqlite

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGroupWriterRollsBackOnlyTheFailedWrite(t *testing.T) {
	s := openTemp(t, Config{})
	ctx := context.Background()
	_, err := s.w.ExecContext(ctx, `CREATE TABLE t (n INTEGER PRIMARY KEY)`)
	require.NoError(t, err)

	errOdd := errors.New("odd")
	var wg sync.WaitGroup
	results := make([]error, 40)
	for i := range results {
		wg.Go(func() {
			results[i] = s.write(ctx, "test", func(tx querier) error {
				if _, err := tx.ExecContext(ctx, `INSERT INTO t (n) VALUES (?)`, i); err != nil {
					return err
				}
				if i%2 == 1 {
					return fmt.Errorf("write %d: %w", i, errOdd)
				}
				return nil
			})
		})
	}
	wg.Wait()
	for i, err := range results {
		if i%2 == 1 {
			assert.ErrorIs(t, err, errOdd)
		} else {
			assert.NoError(t, err)
		}
	}
	var n, odd int
	require.NoError(t, s.r.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(*) FILTER (WHERE n % 2 = 1) FROM t`).Scan(&n, &odd))
	assert.Equal(t, 20, n, "every successful write is kept")
	assert.Zero(t, odd, "no failed write is kept")
}

func TestGroupWriterPanicReachesCaller(t *testing.T) {
	s := openTemp(t, Config{})
	assert.PanicsWithValue(t, "boom", func() {
		_ = s.write(context.Background(), "test", func(querier) error { panic("boom") })
	})
	// The writer goes on working.
	require.NoError(t, s.write(context.Background(), "test", func(tx querier) error {
		_, err := tx.ExecContext(context.Background(), `SELECT 1`)
		return err
	}))
}

func TestGroupWriterAfterCloseAndCancel(t *testing.T) {
	s := openTemp(t, Config{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := s.write(ctx, "test", func(querier) error { t.Error("ran a cancelled write"); return nil })
	assert.ErrorIs(t, err, context.Canceled)
	assert.EqualError(t, err, "sqlite: test: context canceled", "names the backend and operation")

	require.NoError(t, s.Close())
	require.NoError(t, s.Close(), "Close twice")
	err = s.write(context.Background(), "test", func(querier) error { t.Error("ran a write after Close"); return nil })
	assert.ErrorIs(t, err, errClosed)
	assert.EqualError(t, err, "sqlite: test: store is closed")
	_, err = s.MarkSeen(context.Background(), "https://a.example/1", time.Unix(1, 0), time.Unix(2, 0))
	assert.EqualError(t, err, "sqlite: mark seen: store is closed")
}
