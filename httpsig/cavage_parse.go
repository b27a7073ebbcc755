package httpsig

import (
	"encoding/base64"
	"fmt"
	"net/textproto"
	"strconv"
	"strings"
)

// Limits on a draft-cavage Signature header. They are far above anything a
// real server sends and keep a hostile header from costing much.
const (
	maxCavageHeader    = 8 << 10 // bytes in the whole Signature header value
	maxCavageParams    = 16      // parameters in one header
	maxCavageKeyID     = 2048    // bytes in keyId
	maxCavageHeaders   = 32      // names in the headers parameter
	maxCavageSignature = 1024    // bytes of decoded signature (RSA-8192)
)

// cavageParams is a parsed draft-cavage Signature header.
type cavageParams struct {
	keyID     string
	algorithm string   // lower-cased; empty when absent
	headers   []string // lower-cased, in signed order; ["date"] when absent
	signature []byte   // decoded; see sig
	sigText   string   // as received, base64; empty when built locally
	created   int64    // 0 when absent
	expires   int64    // 0 when absent
}

// parseCavageSignature parses the value of a draft-cavage Signature header:
// comma-separated name=value parameters, each value a quoted string (with
// backslash escapes) or a token, whitespace allowed around the separators.
// Every parameter may appear at most once; keyId and signature are required;
// unknown parameters are ignored, as draft-cavage-12 §2.2 asks. Errors wrap
// [ErrMalformed].
func parseCavageSignature(v string) (*cavageParams, error) {
	if len(v) > maxCavageHeader {
		return nil, fmt.Errorf("%w: Signature header of %d bytes", ErrMalformed, len(v))
	}
	p := &cavageParams{}
	var seen [6]bool // keyId, algorithm, headers, signature, created, expires
	var hasKeyID, hasSig bool
	s := v
	for n := 0; ; n++ {
		if n >= maxCavageParams {
			return nil, fmt.Errorf("%w: more than %d parameters", ErrMalformed, maxCavageParams)
		}
		s = trimOWS(s)
		eq := strings.IndexByte(s, '=')
		if eq <= 0 {
			return nil, fmt.Errorf("%w: expected name=value", ErrMalformed)
		}
		name := strings.TrimRight(s[:eq], " \t")
		if !isToken(name) {
			return nil, fmt.Errorf("%w: bad parameter name %q", ErrMalformed, clip(name))
		}
		s = trimOWS(s[eq+1:])
		var value string
		var err error
		value, s, err = cavageValue(s)
		if err != nil {
			return nil, err
		}
		idx := -1
		switch strings.ToLower(name) {
		case "keyid":
			idx = 0
			if value == "" || len(value) > maxCavageKeyID {
				return nil, fmt.Errorf("%w: keyId of %d bytes", ErrMalformed, len(value))
			}
			p.keyID, hasKeyID = value, true
		case "algorithm":
			idx = 1
			p.algorithm = strings.ToLower(value)
		case "headers":
			idx = 2
			p.headers, err = cavageHeaderList(value)
		case "signature":
			idx = 3
			err = checkCavageSignature(value)
			p.sigText = value
			hasSig = true
		case "created":
			idx = 4
			p.created, err = cavageTime(name, value)
		case "expires":
			idx = 5
			p.expires, err = cavageTime(name, value)
		}
		if err != nil {
			return nil, err
		}
		if idx >= 0 {
			if seen[idx] {
				return nil, fmt.Errorf("%w: parameter %s repeated", ErrMalformed, name)
			}
			seen[idx] = true
		}
		s = trimOWS(s)
		if s == "" {
			break
		}
		if s[0] != ',' {
			return nil, fmt.Errorf("%w: expected ',' between parameters", ErrMalformed)
		}
		s = s[1:]
	}
	switch {
	case !hasKeyID:
		return nil, fmt.Errorf("%w: no keyId", ErrMalformed)
	case !hasSig:
		return nil, fmt.Errorf("%w: no signature", ErrMalformed)
	}
	if p.headers == nil {
		p.headers = []string{"date"}
	}
	return p, nil
}

// cavageValue reads a quoted string or a token from the start of s and
// returns it and the rest of s.
func cavageValue(s string) (value, rest string, err error) {
	if s == "" {
		return "", "", fmt.Errorf("%w: empty parameter value", ErrMalformed)
	}
	if s[0] != '"' {
		end := 0
		for end < len(s) && isTokenChar(s[end]) {
			end++
		}
		if end == 0 {
			return "", "", fmt.Errorf("%w: bad parameter value", ErrMalformed)
		}
		return s[:end], s[end:], nil
	}
	hasEscape := false
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c < 0x20 && c != '\t' || c == 0x7f:
			return "", "", fmt.Errorf("%w: control character in quoted value", ErrMalformed)
		case c == '\\':
			hasEscape = true
			i++ // the next byte is taken literally
		case c == '"':
			if !hasEscape {
				return s[1:i], s[i+1:], nil
			}
			return unescapeQuoted(s[1:i]), s[i+1:], nil
		}
	}
	return "", "", fmt.Errorf("%w: unterminated quoted value", ErrMalformed)
}

// unescapeQuoted removes the backslashes of quoted pairs.
func unescapeQuoted(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// cavageHeaderList splits the headers parameter into lower-cased names.
func cavageHeaderList(v string) ([]string, error) {
	n := 0
	for range strings.FieldsSeq(v) {
		n++
	}
	if n == 0 {
		return nil, fmt.Errorf("%w: empty headers parameter", ErrMalformed)
	}
	if n > maxCavageHeaders {
		return nil, fmt.Errorf("%w: %d signed headers, at most %d", ErrMalformed, n, maxCavageHeaders)
	}
	out := make([]string, 0, n)
	for f := range strings.FieldsSeq(v) {
		f = strings.ToLower(f)
		name := f
		if len(f) > 2 && f[0] == '(' && f[len(f)-1] == ')' {
			name = f[1 : len(f)-1]
		}
		if !isToken(name) {
			return nil, fmt.Errorf("%w: bad header name %q", ErrMalformed, clip(f))
		}
		out = append(out, f)
	}
	return out, nil
}

// checkCavageSignature checks that the signature parameter is padded
// standard base64 of a plausible length, without decoding it: the main
// verify path hands the text to go-fed/httpsig, which decodes it itself.
func checkCavageSignature(v string) error {
	if v == "" {
		return fmt.Errorf("%w: empty signature", ErrMalformed)
	}
	if len(v) > base64.StdEncoding.EncodedLen(maxCavageSignature) {
		return fmt.Errorf("%w: signature of %d characters", ErrMalformed, len(v))
	}
	if len(v)%4 != 0 {
		return fmt.Errorf("%w: signature is not base64", ErrMalformed)
	}
	body := strings.TrimSuffix(strings.TrimSuffix(v, "="), "=")
	if len(body)%4 == 1 {
		return fmt.Errorf("%w: signature is not base64", ErrMalformed)
	}
	for i := 0; i < len(body); i++ {
		c := body[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/') {
			return fmt.Errorf("%w: signature is not base64", ErrMalformed)
		}
	}
	return nil
}

// sig returns the decoded signature.
func (p *cavageParams) sig() []byte {
	if p.signature == nil && p.sigText != "" {
		p.signature, _ = base64.StdEncoding.DecodeString(p.sigText) // checked when parsed
	}
	return p.signature
}

// cavageTime parses a created or expires parameter: Unix seconds, possibly
// with a fractional part (draft-cavage-12 §2.1.4 allows one), which is dropped.
func cavageTime(name, v string) (int64, error) {
	whole, frac, _ := strings.Cut(v, ".")
	for i := 0; i < len(frac); i++ {
		if frac[i] < '0' || frac[i] > '9' {
			return 0, fmt.Errorf("%w: %s is not a Unix time", ErrMalformed, name)
		}
	}
	if len(whole) == 0 || len(whole) > 12 {
		return 0, fmt.Errorf("%w: %s is not a Unix time", ErrMalformed, name)
	}
	n, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%w: %s is not a Unix time", ErrMalformed, name)
	}
	return n, nil
}

// formatCavageSignature writes p as a Signature header value in the form
// every server reads: keyId, algorithm, created, expires, headers, signature.
func formatCavageSignature(p *cavageParams) string {
	var b strings.Builder
	b.Grow(80 + len(p.keyID) + 8*len(p.headers) + len(p.sigText) + 4*len(p.signature)/3)
	b.WriteString(`keyId="`)
	writeQuoted(&b, p.keyID)
	b.WriteString(`",algorithm="`)
	writeQuoted(&b, p.algorithm)
	b.WriteByte('"')
	if p.created != 0 {
		b.WriteString(",created=")
		b.WriteString(strconv.FormatInt(p.created, 10))
	}
	if p.expires != 0 {
		b.WriteString(",expires=")
		b.WriteString(strconv.FormatInt(p.expires, 10))
	}
	b.WriteString(`,headers="`)
	b.WriteString(strings.Join(p.headers, " "))
	b.WriteString(`",signature="`)
	if p.sigText != "" {
		b.WriteString(p.sigText)
	} else {
		b.WriteString(base64.StdEncoding.EncodeToString(p.signature))
	}
	b.WriteByte('"')
	return b.String()
}

// writeQuoted writes s escaping backslashes and double quotes.
func writeQuoted(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
}

// trimOWS removes leading spaces and tabs.
func trimOWS(s string) string { return strings.TrimLeft(s, " \t") }

// isToken reports whether s is a non-empty RFC 9110 token.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTokenChar(s[i]) {
			return false
		}
	}
	return true
}

// isTokenChar reports whether c is an RFC 9110 tchar.
func isTokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// canonicalKey returns the key of a lower-case header name in an
// http.Header, without allocating for the names signatures usually cover.
func canonicalKey(name string) string {
	switch name {
	case "host":
		return "Host"
	case "date":
		return "Date"
	case "digest":
		return "Digest"
	case "content-type":
		return "Content-Type"
	case "content-length":
		return "Content-Length"
	case "user-agent":
		return "User-Agent"
	case "accept":
		return "Accept"
	}
	return textproto.CanonicalMIMEHeaderKey(name)
}
