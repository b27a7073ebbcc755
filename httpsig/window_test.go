package httpsig

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWindow pins Mastodon's window: a signature without expiry is
// accepted from created − 1 h to created + 1 h 05 m, one claiming an expiry
// until that expiry + 1 h, and no claim reaches past created + 12 h + 1 h.
func TestWindow(t *testing.T) {
	created := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	w := newWindow(0, 0, 0)
	cases := []struct {
		name    string
		now     time.Duration // after created
		expires time.Duration // after created; 0 = none
		wantErr error
	}{
		{"at created", 0, 0, nil},
		{"an hour early", -time.Hour, 0, nil},
		{"just over an hour early", -time.Hour - time.Second, 0, ErrNotYetValid},
		{"at the end of 1 h 05 m", time.Hour + 5*time.Minute, 0, nil},
		{"just past 1 h 05 m", time.Hour + 5*time.Minute + time.Second, 0, ErrExpired},
		{"claimed 2 h, at 3 h", 3 * time.Hour, 2 * time.Hour, nil},
		{"claimed 2 h, past 3 h", 3*time.Hour + time.Second, 2 * time.Hour, ErrExpired},
		{"claimed a week, at 13 h", 13 * time.Hour, 7 * 24 * time.Hour, nil},
		{"claimed a week, past 13 h: capped", 13*time.Hour + time.Second, 7 * 24 * time.Hour, ErrExpired},
		{"claimed expiry already past", 62 * time.Minute, time.Minute, ErrExpired},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := w.check(created.Add(c.now), created, created.Add(c.expires), c.expires != 0)
			if c.wantErr == nil {
				require.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, c.wantErr)
		})
	}

	custom := newWindow(time.Minute, time.Minute, 3*time.Minute)
	assert.NoError(t, custom.check(created.Add(2*time.Minute), created, time.Time{}, false))
	assert.ErrorIs(t, custom.check(created.Add(2*time.Minute+time.Second), created, time.Time{}, false), ErrExpired)
	assert.ErrorIs(t, custom.check(created.Add(4*time.Minute+time.Second), created, created.Add(time.Hour), true), ErrExpired)
}
