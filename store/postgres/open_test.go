package postgres_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/internal/pgtest"
	"github.com/starling-fed/starling/store/internal/sqlutil"
	"github.com/starling-fed/starling/store/postgres"
)

func TestOpenBadConfig(t *testing.T) {
	for _, schema := range []string{"1abc", "Upper", "has space", `quo"te`, "semi;colon", "x-y", strings.Repeat("a", 64)} {
		t.Run(schema, func(t *testing.T) {
			_, err := postgres.Open(context.Background(), "postgres://127.0.0.1:1/x", postgres.Config{Schema: schema})
			assert.ErrorIs(t, err, postgres.ErrBadSchema)
		})
	}
	_, err := postgres.Open(context.Background(), "::not a url::", postgres.Config{})
	assert.Error(t, err)
}

func TestOpenCreatesSchemaAndMigratesOnce(t *testing.T) {
	url := pgtest.URL(t)
	schema := pgtest.Schema(t, url, "starling_test_")
	ctx := context.Background()

	// Several instances starting at once: each script runs exactly once.
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			s, err := postgres.Open(ctx, url, postgres.Config{Schema: schema, MaxConns: 2})
			if err == nil {
				err = s.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		pgtest.Unreachable(t, err)
	}

	s := openTest(t, postgres.Config{Schema: schema})
	v, err := s.SchemaVersion(ctx)
	require.NoError(t, err)
	assert.Positive(t, v)
	var rows int
	var where string
	require.NoError(t, s.Pool().QueryRow(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&rows))
	require.NoError(t, s.Pool().QueryRow(ctx, `SELECT table_schema FROM information_schema.tables WHERE table_name = 'jobs' AND table_schema = $1`, schema).Scan(&where))
	assert.Equal(t, v, rows)
	assert.Equal(t, schema, where)
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	s := openTest(t, postgres.Config{})
	ctx := context.Background()
	_, err := s.Pool().Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES (999, 'future')`)
	require.NoError(t, err)
	var schema string
	require.NoError(t, s.Pool().QueryRow(ctx, `SELECT current_schema()`).Scan(&schema))

	_, err = postgres.Open(ctx, pgtest.URL(t), postgres.Config{Schema: schema})
	var tooNew *sqlutil.SchemaTooNewError
	require.ErrorAs(t, err, &tooNew)
	assert.Equal(t, 999, tooNew.Applied)
}

// An error of the transaction around a write names the operation.
func TestWriteErrorsNameTheOperation(t *testing.T) {
	s := openTest(t, postgres.Config{})
	require.NoError(t, s.Close())
	_, err := s.AddToCollection(context.Background(), "https://local.example/c", "https://local.example/i")
	require.Error(t, err)
	require.True(t, strings.HasPrefix(err.Error(), "postgres: add to collection: begin: "), err.Error())
}
