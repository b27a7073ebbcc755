package gofedpub

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/go-fed/activity/streams"
	"github.com/go-fed/activity/streams/vocab"
)

// localIRIs knows which IRIs are the server's: the actor, its collections
// and the ids NewID makes, on the configured host (or any, if none).
type localIRIs struct {
	host                                                       string
	actor, inbox, outbox, followers, following, liked, objects string
}

func newLocalIRIs(host, actor string) localIRIs {
	return localIRIs{
		host:      host,
		actor:     actor,
		inbox:     actor + "/inbox",
		outbox:    actor + "/outbox",
		followers: actor + "/followers",
		following: actor + "/following",
		liked:     actor + "/liked",
		objects:   actor + "/objects/",
	}
}

// hostMatches reports whether u is on the server's host.
func (l localIRIs) hostMatches(u *url.URL) bool {
	return l.host == "" || u.Host == l.host
}

// isFixed reports whether u is the actor or one of its collections.
func (l localIRIs) isFixed(u *url.URL) bool {
	if !l.hostMatches(u) {
		return false
	}
	switch u.Path {
	case l.actor, l.inbox, l.outbox, l.followers, l.following, l.liked:
		return true
	}
	return false
}

// owns reports whether u is one of the server's IRIs.
func (l localIRIs) owns(u *url.URL) bool {
	return l.isFixed(u) || (l.hostMatches(u) && strings.HasPrefix(u.Path, l.objects))
}

// key is the database key of u: local IRIs by path alone, as their host
// may vary when none is configured, others by the whole IRI.
func (l localIRIs) key(u *url.URL) string {
	if l.owns(u) && u.RawQuery == "" && u.Fragment == "" {
		return "local:" + u.Path
	}
	return u.String()
}

// sibling returns the IRI at path to beside u, which must be the local IRI
// at path from.
func (l localIRIs) sibling(u *url.URL, from, to string) (*url.URL, error) {
	if u == nil {
		return nil, ErrNilIRI
	}
	if u.Path != from || !l.hostMatches(u) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, u)
	}
	v := *u
	v.Path, v.RawPath, v.RawQuery, v.Fragment = to, "", "", ""
	return &v, nil
}

// hostOrLocalhost is the host for IRIs the server makes up.
func (l localIRIs) hostOrLocalhost() string {
	if l.host == "" {
		return "localhost"
	}
	return l.host
}

// person returns the local actor as a go-fed Person with the id id.
func (l localIRIs) person(id *url.URL) vocab.ActivityStreamsPerson {
	at := func(path string) *url.URL {
		v := *id
		v.Path, v.RawPath, v.RawQuery, v.Fragment = path, "", "", ""
		return &v
	}
	p := streams.NewActivityStreamsPerson()
	p.SetJSONLDId(idProperty(id))
	inbox := streams.NewActivityStreamsInboxProperty()
	inbox.SetIRI(at(l.inbox))
	p.SetActivityStreamsInbox(inbox)
	outbox := streams.NewActivityStreamsOutboxProperty()
	outbox.SetIRI(at(l.outbox))
	p.SetActivityStreamsOutbox(outbox)
	followers := streams.NewActivityStreamsFollowersProperty()
	followers.SetIRI(at(l.followers))
	p.SetActivityStreamsFollowers(followers)
	following := streams.NewActivityStreamsFollowingProperty()
	following.SetIRI(at(l.following))
	p.SetActivityStreamsFollowing(following)
	return p
}
