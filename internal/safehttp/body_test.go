package safehttp

import (
	"io"
	"math"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func parseURL(s string) (*url.URL, error) { return url.Parse(s) }

func TestLimitBody(t *testing.T) {
	tests := []struct {
		size, limit int
		wantErr     bool
	}{
		{0, 10, false},
		{10, 10, false},
		{11, 10, true},
		{5000, 10, true},
		{5000, 0, false},
		{5000, math.MaxInt64, false}, // limit+1 must not overflow
	}
	for _, tt := range tests {
		body := io.NopCloser(strings.NewReader(strings.Repeat("a", tt.size)))
		got, err := io.ReadAll(LimitBody(body, int64(tt.limit)))
		if tt.wantErr {
			require.ErrorIs(t, err, ErrBodyTooLarge, "size %d limit %d", tt.size, tt.limit)
			assert.LessOrEqual(t, len(got), tt.limit)
			continue
		}
		require.NoError(t, err)
		assert.Len(t, got, tt.size)
	}
}

func TestReadAll(t *testing.T) {
	got, err := ReadAll(strings.NewReader("abcdef"), 6)
	require.NoError(t, err)
	assert.Equal(t, "abcdef", string(got))

	_, err = ReadAll(strings.NewReader("abcdefg"), 6)
	require.ErrorIs(t, err, ErrBodyTooLarge)

	for _, limit := range []int64{0, -1, math.MaxInt64} {
		got, err = ReadAll(strings.NewReader("abcdefg"), limit)
		require.NoError(t, err, "limit %d", limit)
		assert.Equal(t, "abcdefg", string(got), "limit %d", limit)
	}
}
