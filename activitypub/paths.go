package activitypub

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// withDefaults fills in the default layout and checks every path.
func (p Paths) withDefaults() (Paths, error) {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&p.Actor, "/users/{name}")
	def(&p.Inbox, "/users/{name}/inbox")
	def(&p.Outbox, "/users/{name}/outbox")
	def(&p.Followers, "/users/{name}/followers")
	def(&p.Following, "/users/{name}/following")
	def(&p.Liked, "/users/{name}/liked")
	def(&p.Featured, "/users/{name}/featured")
	def(&p.SharedInbox, "/inbox")
	def(&p.Object, "/objects/{id}")
	def(&p.InstanceActor, "/actor")
	for _, c := range []struct{ field, path, wild string }{
		{"Actor", p.Actor, "{name}"},
		{"Inbox", p.Inbox, "{name}"},
		{"Outbox", p.Outbox, "{name}"},
		{"Followers", p.Followers, "{name}"},
		{"Following", p.Following, "{name}"},
		{"Liked", p.Liked, "{name}"},
		{"Featured", p.Featured, "{name}"},
		{"SharedInbox", p.SharedInbox, ""},
		{"Object", p.Object, "{id}"},
		{"InstanceActor", p.InstanceActor, ""},
	} {
		if !strings.HasPrefix(c.path, "/") || strings.ContainsAny(c.path, "?# \t") {
			return p, fmt.Errorf("%w: Paths.%s %q must be a path starting with /", ErrInvalidConfig, c.field, c.path)
		}
		n := strings.Count(c.path, "{")
		if c.wild == "" && n != 0 || c.wild != "" && (n != 1 || strings.Count(c.path, c.wild) != 1) {
			want := "no wildcard"
			if c.wild != "" {
				want = c.wild + " exactly once"
			}
			return p, fmt.Errorf("%w: Paths.%s %q must contain %s", ErrInvalidConfig, c.field, c.path, want)
		}
		if c.wild != "" {
			i := strings.Index(c.path, c.wild)
			if (i > 0 && c.path[i-1] != '/') || (i+len(c.wild) < len(c.path) && c.path[i+len(c.wild)] != '/') {
				return p, fmt.Errorf("%w: Paths.%s %q: %s must be a whole path segment", ErrInvalidConfig, c.field, c.path, c.wild)
			}
		}
	}
	seen := map[string]string{}
	for field, path := range map[string]string{
		"Actor": p.Actor, "Inbox": p.Inbox, "Outbox": p.Outbox, "Followers": p.Followers,
		"Following": p.Following, "Liked": p.Liked, "Featured": p.Featured,
		"SharedInbox": p.SharedInbox, "Object": p.Object, "InstanceActor": p.InstanceActor,
	} {
		norm := strings.NewReplacer("{name}", "{}", "{id}", "{}").Replace(path)
		if other, dup := seen[norm]; dup {
			return p, fmt.Errorf("%w: Paths.%s and Paths.%s are the same path %q", ErrInvalidConfig, field, other, path)
		}
		seen[norm] = field
	}
	return p, nil
}

// expand puts value, path-escaped, in place of wild in pattern.
func expand(pattern, wild, value string) string {
	return strings.Replace(pattern, wild, url.PathEscape(value), 1)
}

// match extracts the wild segment of iri against origin+pattern.
func match(origin, pattern, wild, iri string) (string, bool) {
	rest, ok := strings.CutPrefix(iri, origin)
	if !ok {
		return "", false
	}
	i := strings.Index(pattern, wild)
	prefix, suffix := pattern[:i], pattern[i+len(wild):]
	if !strings.HasPrefix(rest, prefix) || !strings.HasSuffix(rest, suffix) || len(rest) <= len(prefix)+len(suffix) {
		return "", false
	}
	seg := rest[len(prefix) : len(rest)-len(suffix)]
	if strings.ContainsAny(seg, "/?#") {
		return "", false
	}
	v, err := url.PathUnescape(seg)
	if err != nil || v == "" {
		return "", false
	}
	return v, true
}

// newID returns a time-ordered, unguessable id: 12 hex digits of
// milliseconds, then 16 of randomness.
func newID(now time.Time) string {
	var b [14]byte
	ms := uint64(now.UnixMilli())
	binary.BigEndian.PutUint16(b[0:2], uint16(ms>>32))
	binary.BigEndian.PutUint32(b[2:6], uint32(ms))
	_, _ = rand.Read(b[6:])
	return hex.EncodeToString(b[:])
}
