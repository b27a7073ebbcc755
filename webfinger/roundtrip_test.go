package webfinger

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVerifyActor(t *testing.T) {
	w := newWorld(t)
	alice := actor("alice@example.com", "social.example.com", "alice")
	w.serveJRD("social.example.com", map[string]*JRD{
		"acct:alice@example.com":        alice,
		"acct:alice@social.example.com": alice,
		"acct:bob@social.example.com":   actor("bob@social.example.com", "social.example.com", "bob"),
	})
	w.handle("GET example.com/.well-known/webfinger", func(rw http.ResponseWriter, r *http.Request) {
		http.Redirect(rw, r, "https://social.example.com"+r.URL.RequestURI(), http.StatusMovedPermanently)
	})
	c := w.client()

	tests := []struct {
		name, actorID, username string
		wantAccount             string
		wantErr                 error
	}{
		{"same host", "https://social.example.com/users/bob", "bob", "bob@social.example.com", nil},
		{"account on another domain", "https://social.example.com/users/alice", "alice", "alice@example.com", nil},
		{"actor claims someone else's name", "https://social.example.com/users/mallory", "alice", "", ErrMismatch},
		{"unknown name", "https://social.example.com/users/alice", "carol", "", ErrNotFound},
		{"other host's actor", "https://evil.example.com/users/alice", "alice", "", ErrNotFound},
		{"actor id not a URL", "not a url", "alice", "", ErrInvalidAddress},
		{"empty username", "https://social.example.com/users/alice", "", "", ErrInvalidAddress},
		{"username with space", "https://social.example.com/users/alice", "al ice", "", ErrInvalidAddress},
		{"username with @", "https://social.example.com/users/alice", "alice@example.com", "", ErrInvalidAddress},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := c.VerifyActor(t.Context(), tt.actorID, tt.username)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				assert.Nil(t, res)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantAccount, res.Account())
			assert.Equal(t, tt.actorID, res.Actor)
		})
	}
}
