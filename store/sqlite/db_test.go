package sqlite

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMicros(t *testing.T) {
	assert.False(t, micros(time.Time{}).Valid, "the zero time is NULL")
	assert.True(t, fromMicros(micros(time.Time{})).IsZero())
	local := time.Date(2026, 3, 14, 15, 9, 26, 535_897_123, time.FixedZone("X", 3600))
	back := fromMicros(micros(local))
	assert.True(t, back.Equal(local.Truncate(time.Microsecond)), "microsecond precision")
	assert.Equal(t, time.UTC, back.Location())
}

func TestStatementCacheSurvivesClose(t *testing.T) {
	s := openTemp(t, Config{})
	ctx := t.Context()
	_, err := s.CountCollection(ctx, "https://local.example/c")
	require.NoError(t, err)
	_, err = s.CountCollection(ctx, "https://local.example/c")
	require.NoError(t, err, "the prepared statement is reused")
	require.NoError(t, s.Close())
	_, err = s.CountCollection(ctx, "https://local.example/c")
	assert.Error(t, err, "a closed store fails instead of hanging")
}
