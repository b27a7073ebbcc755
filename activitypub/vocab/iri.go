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
	return cleanIRIChars(rest)
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
