package webfinger

import (
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"

	"github.com/starling-fed/starling/internal/safehttp"
)

// MaxResourceLength is the longest resource or address accepted, in bytes.
const MaxResourceLength = 1024

// Resource is a parsed WebFinger resource: an account (acct: URI,
// RFC 7565), an http(s) URL such as an actor id or profile page, or any
// other absolute URI.
type Resource struct {
	// URI is the canonical form: "acct:user@host" for accounts (host in
	// lower-case ASCII, port kept), the URL for http(s), the URI otherwise.
	URI string
	// User is the account's user part, as written (percent-encoding kept);
	// empty for other resources.
	User string
	// Host is the account's host, or the URL's host, in lower-case ASCII
	// with any port; empty for other URIs. WebFinger is asked on this host.
	Host string
}

// IsAccount reports whether r is an acct: resource.
func (r Resource) IsAccount() bool { return r.User != "" }

// IsURL reports whether r is an http or https URL.
func (r Resource) IsURL() bool { return r.User == "" && r.Host != "" }

// Account returns "user@host" for an account resource, "" otherwise.
func (r Resource) Account() string {
	if !r.IsAccount() {
		return ""
	}
	return r.User + "@" + r.Host
}

// String returns r.URI.
func (r Resource) String() string { return r.URI }

// ParseResource parses a resource in any form people type or servers send:
//
//	acct:alice@example.com     an account URI (RFC 7565)
//	alice@example.com          the same, without the scheme
//	@alice@example.com         the same, as Mastodon displays it
//	https://example.com/@alice a URL: a profile page or an actor id
//	mailto:alice@example.com   any other absolute URI
//
// Host names are converted to ASCII (IDNA, so "bücher.example" becomes
// "xn--bcher-kva.example") and lower-cased. Anything malformed, longer than
// MaxResourceLength, or with a user part outside RFC 7565's characters
// fails with an error wrapping [ErrInvalidAddress].
func ParseResource(s string) (Resource, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Resource{}, invalid("empty", s)
	}
	if len(s) > MaxResourceLength {
		return Resource{}, fmt.Errorf("%w: longer than %d bytes", ErrInvalidAddress, MaxResourceLength)
	}
	if !utf8.ValidString(s) {
		return Resource{}, invalid("not valid UTF-8", s)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] == 0x7f {
			return Resource{}, invalid("contains a space or control character", s)
		}
	}
	if len(s) > 5 && strings.EqualFold(s[:5], "acct:") {
		return parseAccount(s[5:], s)
	}
	if strings.HasPrefix(s, "@") {
		return parseAccount(s[1:], s)
	}
	colon := strings.IndexByte(s, ':')
	at := strings.IndexByte(s, '@')
	if colon < 0 || (at >= 0 && at < colon) {
		// No scheme: "user@host" or "user@host:port".
		return parseAccount(s, s)
	}
	scheme := strings.ToLower(s[:colon])
	if !validScheme(scheme) {
		return Resource{}, invalid("not an account or URI", s)
	}
	if scheme == "http" || scheme == "https" {
		return parseURL(s)
	}
	u, err := url.Parse(s)
	if err != nil || u.Opaque == "" && u.Host == "" && u.Path == "" {
		return Resource{}, invalid("malformed URI", s)
	}
	return Resource{URI: s}, nil
}

// validScheme reports whether s is an RFC 3986 scheme.
func validScheme(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

func invalid(why, s string) error {
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return fmt.Errorf("%w: %s: %q", ErrInvalidAddress, why, s)
}

// parseAccount parses "user@host[:port]".
func parseAccount(s, orig string) (Resource, error) {
	user, host, ok := strings.Cut(s, "@")
	if !ok {
		return Resource{}, invalid("missing @host", orig)
	}
	if user == "" {
		return Resource{}, invalid("empty user", orig)
	}
	if strings.Contains(host, "@") {
		return Resource{}, invalid("more than one @", orig)
	}
	if err := checkUser(user); err != nil {
		return Resource{}, invalid(err.Error(), orig)
	}
	h, err := normalizeHost(host)
	if err != nil {
		return Resource{}, invalid(err.Error(), orig)
	}
	return Resource{URI: "acct:" + user + "@" + h, User: user, Host: h}, nil
}

// checkUser enforces RFC 7565's userpart: unreserved, sub-delims and
// percent-encoded octets.
func checkUser(u string) error {
	for i := 0; i < len(u); i++ {
		c := u[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("-._~!$&'()*+,;=", c) >= 0:
		case c == '%':
			if i+2 >= len(u) || !isHex(u[i+1]) || !isHex(u[i+2]) {
				return fmt.Errorf("bad percent-encoding in user")
			}
			i += 2
		case c >= 0x80:
			return fmt.Errorf("non-ASCII user (percent-encode it)")
		default:
			return fmt.Errorf("character %q not allowed in user", c)
		}
	}
	return nil
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// normalizeHost checks "host[:port]" and returns it with the name in
// lower-case ASCII.
func normalizeHost(hostport string) (string, error) {
	if hostport == "" {
		return "", fmt.Errorf("empty host")
	}
	host, port := hostport, ""
	if strings.HasPrefix(hostport, "[") {
		end := strings.IndexByte(hostport, ']')
		if end < 0 {
			return "", fmt.Errorf("unclosed IPv6 literal")
		}
		host, port = hostport[1:end], hostport[end+1:]
		if port != "" && !strings.HasPrefix(port, ":") {
			return "", fmt.Errorf("junk after IPv6 literal")
		}
		port = strings.TrimPrefix(port, ":")
		ip, err := netip.ParseAddr(host)
		if err != nil || !ip.Is6() || ip.Zone() != "" {
			return "", fmt.Errorf("bad IPv6 literal")
		}
		host = "[" + ip.String() + "]"
	} else {
		if i := strings.LastIndexByte(hostport, ':'); i >= 0 {
			host, port = hostport[:i], hostport[i+1:]
		}
		if ip, err := netip.ParseAddr(host); err == nil {
			if !ip.Is4() {
				return "", fmt.Errorf("IPv6 literal without brackets")
			}
			host = ip.String()
		} else {
			ascii, err := idna.Lookup.ToASCII(host)
			if err != nil {
				return "", fmt.Errorf("bad host name: %v", err)
			}
			if err := checkDNSName(ascii); err != nil {
				return "", err
			}
			if safehttp.IsNumericHost(ascii) {
				// "2130706433" or "0x7f.1": an IPv4 address to inet_aton
				// and browsers, never a host name.
				return "", fmt.Errorf("numeric host %q is not a dotted-decimal IPv4 address", ascii)
			}
			// The ASCII form must itself be a valid name (no punycode
			// label that decodes to something invalid).
			if again, err := idna.Lookup.ToASCII(ascii); err != nil || again != ascii {
				return "", fmt.Errorf("bad host name %q", ascii)
			}
			host = ascii
		}
	}
	if port != "" || strings.HasSuffix(hostport, ":") {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 || port[0] == '0' {
			return "", fmt.Errorf("bad port %q", port)
		}
		host += ":" + port
	}
	return host, nil
}

// checkDNSName checks an ASCII host name label by label.
func checkDNSName(h string) error {
	if h == "" || len(h) > 253 {
		return fmt.Errorf("bad host name length")
	}
	for label := range strings.SplitSeq(h, ".") {
		if label == "" || len(label) > 63 {
			return fmt.Errorf("empty or overlong label in host name")
		}
		if label[0] == '-' || label[len(label)-1] == '-' {
			return fmt.Errorf("host name label starts or ends with '-'")
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return fmt.Errorf("character %q not allowed in host name", c)
			}
		}
	}
	return nil
}

// parseURL parses an http(s) URL resource.
func parseURL(s string) (Resource, error) {
	u, err := url.Parse(s)
	if err != nil {
		return Resource{}, invalid("malformed URL", s)
	}
	if u.Host == "" || u.Opaque != "" {
		return Resource{}, invalid("URL without host", s)
	}
	if u.User != nil {
		return Resource{}, invalid("URL with user information", s)
	}
	h, err := normalizeHost(u.Host)
	if err != nil {
		return Resource{}, invalid(err.Error(), s)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = h
	return Resource{URI: u.String(), Host: h}, nil
}
