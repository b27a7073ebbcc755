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
