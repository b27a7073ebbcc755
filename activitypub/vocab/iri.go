package vocab

import "strings"

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
// follows "http://") names a host: "https://:443/" and "https://user@/"
// do not, and a port must be digits.
func validHost(rest string) bool {
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		rest = rest[i+1:]
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
	return host != "" && host != "[]"
}

func cleanIRIChars(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c <= ' ', c == 0x7f, c == '"', c == '<', c == '>', c == '\\', c == '^', c == '`', c == '{', c == '|', c == '}':
			return false
		}
	}
	return true
}
