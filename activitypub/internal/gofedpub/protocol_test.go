package gofedpub

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var digestBody = []byte(`{"type":"Create"}`)

func sha256Header(b []byte) string {
	sum := sha256.Sum256(b)
	return "SHA-256=" + base64.StdEncoding.EncodeToString(sum[:])
}

func TestCheckDigest(t *testing.T) {
	good := sha256Header(digestBody)
	tests := []struct {
		name    string
		headers []string
		ok      bool
	}{
		{"SHA-256", []string{good}, true},
		{"lower case algorithm", []string{"sha-256" + good[len("SHA-256"):]}, true},
		{"among others", []string{"SHA-512=AAAA, " + good}, true},
		{"in a second header", []string{"SHA-512=AAAA", good}, true},
		{"none", nil, false},
		{"only SHA-512", []string{"SHA-512=AAAA"}, false},
		{"other body", []string{sha256Header([]byte("{}"))}, false},
		{"not base64", []string{"SHA-256=!!!"}, false},
		{"no value", []string{"SHA-256"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkDigest(tt.headers, digestBody)
			if tt.ok {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, ErrBadDigest)
			}
		})
	}
}

func FuzzCheckDigest(f *testing.F) {
	f.Add(sha256Header(digestBody), digestBody)
	f.Add("SHA-512=AAAA, "+sha256Header(digestBody), digestBody)
	f.Add("SHA-256=!!!", []byte{})
	f.Add("", []byte("x"))
	f.Fuzz(func(t *testing.T, header string, body []byte) {
		err := checkDigest([]string{header}, body)
		if err != nil {
			require.ErrorIs(t, err, ErrBadDigest)
		}
		require.NoError(t, checkDigest([]string{sha256Header(body)}, body))
	})
}

func TestCheckDate(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	s, err := NewServer(Config{Now: func() time.Time { return now }})
	require.NoError(t, err)
	tests := []struct {
		name   string
		header string
		ok     bool
	}{
		{"now", now.Format(http.TimeFormat), true},
		{"an hour ahead", now.Add(time.Hour).Format(http.TimeFormat), true},
		{"more than an hour ahead", now.Add(time.Hour + time.Second).Format(http.TimeFormat), false},
		{"65 minutes old", now.Add(-65 * time.Minute).Format(http.TimeFormat), true},
		{"older", now.Add(-65*time.Minute - time.Second).Format(http.TimeFormat), false},
		{"missing", "", false},
		{"not a date", "yesterday", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.checkDate(tt.header)
			if tt.ok {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, ErrBadDate)
			}
		})
	}
}
