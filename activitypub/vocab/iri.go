package vocab

import (
	"net/netip"
	"strings"
)

// publicSpelling recognises "as:Public" and "Public" (and the full IRI).
func publicSpelling(b []byte) (string, bool) {
	switch string(b) {
	case PublicIRI, "as:Public", "Public", "http://www.w3.org/ns/activitystreams#Public":
		return PublicIRI, true
	}
	return "", false
}

// IsPublic reports whether iri names the public collection in any of its
// three spellings: the full IRI, "as:Public" or "Public".
func IsPublic(iri string) bool {
	switch iri {
	case PublicIRI, "as:Public", "Public", "http://www.w3.org/ns/activitystreams#Public":
		return true
	}
	return false
}

// ValidIRI reports whether s is acceptable as an id or reference: an
// absolute http or https IRI with a host, or an at:// or did: identifier
// (sent by bridges; kept, never fetched).
func ValidIRI(s string) bool { return validIRI(s) }

func validIRI(str string) bool {
	var rest string
	switch {
	case strings.HasPrefix(str, "https://"):
		rest = str[len("https://"):]
	case strings.HasPrefix(str, "http://"):
		rest = str[len("http://"):]
	case strings.HasPrefix(str, "at://"):
		rest = str[len("at://"):]
	case strings.HasPrefix(str, "did:"):
		rest = str[len("did:"):]
		i := strings.IndexByte(rest, ':')
		if i <= 0 || i == len(rest)-1 {
			return false
		}
		return cleanIRIChars(rest)
	default:
		return false
	}
	if rest == "" || rest[0] == '/' || rest[0] == '?' || rest[0] == '#' {
		return false
	}
	if !strings.HasPrefix(str, "at://") && !validHost(rest) {
		return false
	}
	return cleanIRIChars(rest)
}

// validHost reports whether the authority at the start of rest (what
// follows "http://") names a host the way net/url reads it: "https://:443/"
// does not, a port must be digits, a host has no %-escapes, and user
// information (never part of an actor's or object's id) is refused.
func validHost(rest string) bool {
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	if strings.ContainsAny(rest, "@%") {
		return false
	}
	host, port := rest, ""
	if strings.HasPrefix(rest, "[") {
		i := strings.IndexByte(rest, ']')
		if i < 0 {
			return false
		}
		host, port = rest[:i+1], rest[i+1:]
		if port != "" && port[0] != ':' {
			return false
		}
	} else if i := strings.LastIndexByte(rest, ':'); i >= 0 {
		host, port = rest[:i], rest[i:]
	}
	for i := 1; i < len(port); i++ {
		if port[i] < '0' || port[i] > '9' {
			return false
		}
	}
	if host == "" || host == "[]" {
		return false
	}
	if host[0] == '[' {
		a, err := netip.ParseAddr(host[1 : len(host)-1])
		return err == nil && a.Is6()
	}
	for i := 0; i < len(host); i++ {
		switch c := host[i]; {
		case c >= 0x80, 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("-._~!$&'()*+,;=", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// cleanIRIChars reports whether s holds no character an IRI may not, and
// only well-formed %-escapes (which net/url insists on).
func cleanIRIChars(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c <= ' ', c == 0x7f, c == '"', c == '<', c == '>', c == '\\', c == '^', c == '`', c == '{', c == '|', c == '}':
			return false
		case c == '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return false
			}
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
