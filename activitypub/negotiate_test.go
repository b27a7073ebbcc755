package activitypub

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestWantsActivityPub(t *testing.T) {
	for _, tc := range []struct {
		accept []string
		want   bool
	}{
		{nil, false},
		{[]string{""}, false},
		{[]string{"application/activity+json"}, true},
		{[]string{"Application/Activity+JSON"}, true},
		{[]string{`application/ld+json; profile="https://www.w3.org/ns/activitystreams"`}, true},
		{[]string{`application/ld+json;profile=https://www.w3.org/ns/activitystreams`}, true}, // unquoted URL: sloppy but meant
		{[]string{"application/json"}, true},
		{[]string{"text/html", "application/activity+json"}, true}, // equal quality: the document
		{[]string{"text/html;q=0.9, application/activity+json;q=0.8"}, false},
		{[]string{"application/activity+json;q=0.8, text/html;q=0.9"}, false},
		{[]string{"application/activity+json;q=0.9, text/html;q=0.8"}, true},
		{[]string{"application/activity+json;q=0"}, false},
		{[]string{"application/activity+json;q=abc"}, false},
		{[]string{"application/activity+json;q=2"}, false},
		{[]string{"*/*"}, false},
		{[]string{"application/*"}, false},
		{[]string{browserAccept}, false},
		{[]string{strings.Repeat("text/plain,", 40) + "application/activity+json"}, false}, // past the ranges looked at
	} {
		t.Run(strings.Join(tc.accept, "|"), func(t *testing.T) {
			assert.Equal(t, tc.want, wantsActivityPub(tc.accept))
		})
	}
}

func FuzzWantsActivityPub(f *testing.F) {
	for _, s := range []string{"", apAccept, browserAccept, "application/activity+json;q=0.5, text/html;q=0.4", "a/b;q=", ";;,,", `x/y; p="`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, accept string) {
		got := wantsActivityPub([]string{accept})
		if got {
			// Only an explicitly named ActivityPub type can ask for a
			// document.
			l := strings.ToLower(accept)
			assert.True(t, strings.Contains(l, "json"), "%q", accept)
		}
	})
}
