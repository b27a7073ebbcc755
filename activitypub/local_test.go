package activitypub

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// IRIs are local whatever the case of their scheme and host, and with or
// without the scheme's default port, as store.HostOf compares hosts.
func TestIsLocalSpellings(t *testing.T) {
	f := newNode(t, nodeOptions{}).F
	origin := f.Origin()
	for _, tc := range []struct {
		iri  string
		want bool
	}{
		{origin + "/users/alice", true},
		{"HTTP" + origin[len("http"):] + "/users/alice", true},
		{"ftp" + origin[len("http"):] + "/users/alice", false},
		{"https://elsewhere.example/users/alice", false},
		{"not an iri", false},
	} {
		assert.Equal(t, tc.want, f.IsLocal(tc.iri), tc.iri)
	}
}

// A local actor's IRI names the same user however its scheme and host are
// spelled.
func TestUsernameSpellings(t *testing.T) {
	f := newNode(t, nodeOptions{}).F
	origin := f.Origin()
	rest := origin[len("http"):]
	for _, iri := range []string{origin + "/users/alice", "HTTP" + rest + "/users/alice", "Http" + rest + "/users/alice"} {
		name, ok := f.Username(iri)
		assert.True(t, ok, iri)
		assert.Equal(t, "alice", name, iri)
	}
	for _, iri := range []string{origin + "/users/alice/inbox", origin + "/actor", "HTTP" + rest + "/actor", "https://elsewhere.example/users/alice"} {
		_, ok := f.Username(iri)
		assert.False(t, ok, iri)
	}
}
