package httpsig

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"

	"github.com/starling-fed/starling/httpsig/internal/sfv"
)

// Derived component names (RFC 9421 §2.2).
const (
	compMethod          = "@method"
	compTargetURI       = "@target-uri"
	compAuthority       = "@authority"
	compScheme          = "@scheme"
	compRequestTarget   = "@request-target"
	compPath            = "@path"
	compQuery           = "@query"
	compQueryParam      = "@query-param"
	compStatus          = "@status"
	compSignatureParams = "@signature-params"
	compContentDigest   = "content-digest"
)

// Component parameters (RFC 9421 §2.1, §2.2.8).
const (
	paramSF   = "sf"
	paramKey  = "key"
	paramBS   = "bs"
	paramReq  = "req"
	paramTR   = "tr"
	paramName = "name"
)

// component is a component identifier: a lower-case field name or derived
// component name with its parameters.
type component struct {
	name   string
	params sfv.Params
}

// writeIdentifier writes the identifier as in Signature-Input and the
// signature base, e.g. `"@query-param";name="Pet"`.
func (c component) writeIdentifier(w sfv.Writer) error {
	if len(c.params) == 0 && plainName(c.name) {
		w.WriteByte('"')
		w.WriteString(c.name)
		return w.WriteByte('"')
	}
	id, err := sfv.SerializeItem(c.item())
	if err != nil {
		return fmt.Errorf("%w: component %s: %w", ErrMalformed, c.name, err)
	}
	_, err = w.WriteString(id)
	return err
}

// item returns the identifier as it appears in Signature-Input.
func (c component) item() sfv.Item {
	return sfv.Item{Value: c.name, Params: c.params}
}

// String returns the name followed by its serialized parameters, e.g.
// `@query-param;name="Pet"`: the form of [Verified.Components] and of the
// component lists in [RFC9421Options] and [RFC9421Policy].
func (c component) String() string {
	if len(c.params) == 0 {
		return c.name
	}
	s, err := sfv.SerializeItem(sfv.Item{Value: int64(0), Params: c.params})
	if err != nil {
		return c.name
	}
	return c.name + s[1:]
}

func (c component) has(param string) bool {
	_, ok := c.params.Get(param)
	return ok
}

// parseComponent reads a component given by the caller: either a bare name
// with optional parameters (`@query-param;name="Pet"`, `content-digest`) or
// the structured form of Signature-Input (`"@query-param";name="Pet"`).
// Field names are lower-cased.
func parseComponent(spec string) (component, error) {
	s := strings.TrimSpace(spec)
	if plainName(s) {
		return componentFromItem(sfv.Item{Value: strings.ToLower(s)})
	}
	if !strings.HasPrefix(s, `"`) {
		name, rest, _ := strings.Cut(s, ";")
		if rest != "" {
			rest = ";" + rest
		}
		s = strconv.Quote(strings.ToLower(name)) + rest
	}
	it, err := sfv.ParseItem(s)
	if err != nil {
		return component{}, fmt.Errorf("httpsig: component %q: %w", spec, err)
	}
	return componentFromItem(it)
}

// plainName reports whether s is a bare component name with no parameters
// and nothing to quote.
func plainName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '@' && !isTokenChar(c) {
			return false
		}
	}
	return true
}

// componentFromItem validates one covered component of Signature-Input.
// Errors wrap ErrMalformed.
func componentFromItem(it sfv.Item) (component, error) {
	name, ok := it.Value.(string)
	if !ok || name == "" {
		return component{}, fmt.Errorf("%w: component identifier is not a string", ErrMalformed)
	}
	c := component{name: name, params: it.Params}
	derived := strings.HasPrefix(name, "@")
	if derived {
		switch name {
		case compMethod, compTargetURI, compAuthority, compScheme, compRequestTarget,
			compPath, compQuery, compQueryParam, compStatus:
		default:
			return component{}, fmt.Errorf("%w: unknown derived component %q", ErrMalformed, name)
		}
	} else {
		for i := 0; i < len(name); i++ {
			if ch := name[i]; !isTokenChar(ch) || ('A' <= ch && ch <= 'Z') {
				return component{}, fmt.Errorf("%w: field name %q is not a lower-case token", ErrMalformed, name)
			}
		}
	}
	for _, p := range it.Params {
		switch p.Key {
		case paramSF, paramBS, paramReq:
			if p.Value != true {
				return component{}, fmt.Errorf("%w: component parameter %q takes no value", ErrMalformed, p.Key)
			}
			if derived && p.Key != paramReq {
				return component{}, fmt.Errorf("%w: %q on derived component %s", ErrMalformed, p.Key, name)
			}
		case paramKey:
			k, ok := p.Value.(string)
			if !ok || derived || k == "" {
				return component{}, fmt.Errorf("%w: bad key parameter on %s", ErrMalformed, name)
			}
		case paramName:
			if _, ok := p.Value.(string); !ok || name != compQueryParam {
				return component{}, fmt.Errorf("%w: bad name parameter on %s", ErrMalformed, name)
			}
		case paramTR:
			return component{}, fmt.Errorf("%w: trailer fields are not supported", ErrMalformed)
		default:
			return component{}, fmt.Errorf("%w: unknown component parameter %q", ErrMalformed, p.Key)
		}
	}
	if c.has(paramBS) && (c.has(paramSF) || c.has(paramKey)) {
		return component{}, fmt.Errorf("%w: bs cannot be combined with sf or key on %s", ErrMalformed, name)
	}
	if name == compQueryParam && !c.has(paramName) {
		return component{}, fmt.Errorf("%w: @query-param without name", ErrMalformed)
	}
	return c, nil
}

// message is the part of an HTTP request or response a signature can cover.
type message struct {
	response      bool
	outgoing      bool // a request being signed, as net/http will send it
	method        string
	url           *url.URL
	host          string // authority as addressed: Host header or URL host
	scheme        string // lower case
	status        int
	header        http.Header
	contentLength int64    // -1 if unknown
	request       *message // for a response, the request it answers

	// The query parameters by re-encoded name, parsed on first use.
	queryParams map[string][]string
	queryErr    error

	// Fields parsed as dictionaries for key= components, by name.
	dicts map[string]parsedDict
}

// parsedDict is a field parsed as a structured Dictionary, or why not.
type parsedDict struct {
	d   sfv.Dictionary
	err error
}

// dictionary parses the field name, whose lines are given, as a
// Dictionary once per message: a signature may cover many key= views of
// one large field, and parsing it for each would let one request cost many
// times its size. Errors wrap ErrMalformed.
func (m *message) dictionary(name string, lines []string) (sfv.Dictionary, error) {
	if p, ok := m.dicts[name]; ok {
		return p.d, p.err
	}
	d, err := sfv.ParseDictionary(joinFieldLines(lines))
	if err != nil {
		err = fmt.Errorf("%w: %s is not a structured dictionary: %w", ErrMalformed, name, err)
	}
	if m.dicts == nil {
		m.dicts = make(map[string]parsedDict)
	}
	m.dicts[name] = parsedDict{d, err}
	return d, err
}

// requestMessage describes r. scheme is used when r.URL is not absolute
// and for every request a server received.
func requestMessage(r *http.Request, scheme string) *message {
	m := &message{method: methodOf(r), url: r.URL, header: r.Header, contentLength: r.ContentLength, scheme: scheme}
	if m.url == nil {
		m.url = &url.URL{Path: "/"}
	}
	if m.url.Scheme != "" && r.RequestURI == "" {
		// A client request's URL says where it goes. A server request's
		// URL is absolute only when the client chose the absolute form,
		// whose scheme it is free to make up: the connection decides.
		m.scheme = m.url.Scheme
	}
	m.scheme = strings.ToLower(m.scheme)
	m.host = r.Host
	if m.host == "" {
		m.host = m.url.Host
	}
	if m.header == nil {
		m.header = http.Header{}
	}
	// net/http sends Content-Length from r.ContentLength rather than from
	// the header map: a zero length only for methods that carry a body.
	if m.contentLength == 0 && !hasBodyMethod(r.Method) {
		m.contentLength = -1
	}
	return m
}

// responseMessage describes resp and, when resp.Request is set, the request
// it answers (for components with the req parameter).
func responseMessage(resp *http.Response, scheme string) *message {
	m := &message{response: true, status: resp.StatusCode, header: resp.Header, contentLength: resp.ContentLength}
	if m.header == nil {
		m.header = http.Header{}
	}
	if resp.Request != nil {
		m.request = requestMessage(resp.Request, scheme)
	}
	return m
}

// authority returns the host in lower case without the scheme's default port.
func (m *message) authority() string {
	h := strings.ToLower(m.host)
	switch {
	case m.scheme == "https" && strings.HasSuffix(h, ":443"):
		h = strings.TrimSuffix(h, ":443")
	case m.scheme == "http" && strings.HasSuffix(h, ":80"):
		h = strings.TrimSuffix(h, ":80")
	}
	return h
}

func (m *message) path() string {
	p := m.url.EscapedPath()
	if p == "" {
		p = "/"
	}
	return p
}

func (m *message) query() string {
	return "?" + m.url.RawQuery
}

func (m *message) requestTarget() string {
	if m.url.RawQuery != "" || m.url.ForceQuery {
		return m.path() + m.query()
	}
	return m.path()
}

// value computes the value of component c in m. Errors wrap ErrMalformed,
// ErrMissingHeader or ErrMissingComponent.
func (m *message) value(c component) (string, error) {
	if c.has(paramReq) {
		if !m.response {
			return "", fmt.Errorf("%w: req parameter on a request's component %s", ErrMalformed, c.name)
		}
		if m.request == nil {
			return "", fmt.Errorf("%w: %s needs the request the response answers", ErrMissingHeader, c)
		}
		return m.request.value(component{name: c.name, params: withoutParam(c.params, paramReq)})
	}
	if strings.HasPrefix(c.name, "@") {
		return m.derived(c)
	}
	return m.field(c)
}

func withoutParam(p sfv.Params, key string) sfv.Params {
	out := make(sfv.Params, 0, len(p))
	for _, kv := range p {
		if kv.Key != key {
			out = append(out, kv)
		}
	}
	return out
}

// derived computes a derived component (RFC 9421 §2.2).
func (m *message) derived(c component) (string, error) {
	if c.name == compStatus {
		if !m.response {
			return "", fmt.Errorf("%w: @status on a request", ErrMalformed)
		}
		if m.status < 100 || m.status > 999 {
			return "", fmt.Errorf("%w: status %d", ErrMalformed, m.status)
		}
		return strconv.Itoa(m.status), nil
	}
	if m.response {
		return "", fmt.Errorf("%w: %s on a response needs the req parameter", ErrMalformed, c.name)
	}
	switch c.name {
	case compMethod:
		return m.method, nil
	case compTargetURI:
		return m.scheme + "://" + m.authority() + m.requestTarget(), nil
	case compAuthority:
		return m.authority(), nil
	case compScheme:
		return m.scheme, nil
	case compRequestTarget:
		return m.requestTarget(), nil
	case compPath:
		return m.path(), nil
	case compQuery:
		return m.query(), nil
	case compQueryParam:
		name, _ := c.params.Get(paramName)
		return m.queryParam(name.(string))
	}
	return "", fmt.Errorf("%w: unknown derived component %q", ErrMalformed, c.name)
}

// queryParam returns the single value of the query parameter whose
// re-encoded name is name (RFC 9421 §2.2.8).
func (m *message) queryParam(name string) (string, error) {
	if m.queryParams == nil {
		m.parseQuery()
	}
	if m.queryErr != nil {
		return "", m.queryErr
	}
	switch vals := m.queryParams[name]; len(vals) {
	case 0:
		return "", fmt.Errorf("%w: query parameter %q", ErrMissingHeader, name)
	case 1:
		return vals[0], nil
	default:
		return "", fmt.Errorf("%w: query parameter %q occurs more than once", ErrMalformed, name)
	}
}

// parseQuery decodes the query once for every "@query-param" of the
// message: re-scanning a long query for each of them would let one request
// cost many times its size.
func (m *message) parseQuery() {
	m.queryParams = make(map[string][]string)
	for pair := range strings.SplitSeq(m.url.RawQuery, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		dk, err1 := url.QueryUnescape(k)
		dv, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			m.queryErr = fmt.Errorf("%w: query parameter %q is not URL-encoded", ErrMalformed, clip(pair))
			return
		}
		name := queryEncode(dk)
		m.queryParams[name] = append(m.queryParams[name], queryEncode(dv))
	}
}

// queryEncode percent-encodes s as RFC 9421 §2.2.8 shows: like a form value,
// but with a space as %20.
func queryEncode(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// field computes an HTTP field component (RFC 9421 §2.1).
func (m *message) field(c component) (string, error) {
	var lines []string
	switch {
	case c.name == "host" && !m.response && m.host != "":
		// net/http sends Request.Host (or the URL's host) and ignores a
		// Host in the header map; a server finds the Host it received in
		// Request.Host.
		lines = []string{m.host}
	case c.name == "content-length" && m.outgoing && m.contentLength >= 0:
		// net/http sends Request.ContentLength and ignores a
		// Content-Length in the header map.
		lines = []string{strconv.FormatInt(m.contentLength, 10)}
	default:
		lines = m.header.Values(textproto.CanonicalMIMEHeaderKey(c.name))
	}
	if len(lines) == 0 {
		lines = m.header[c.name] // a non-canonical key set directly
	}
	if len(lines) == 0 && !m.response {
		switch c.name {
		case "host":
			if m.host != "" {
				lines = []string{m.host}
			}
		case "content-length":
			if m.contentLength >= 0 {
				lines = []string{strconv.FormatInt(m.contentLength, 10)}
			}
		}
	}
	if len(lines) == 0 && m.response && c.name == "content-length" && m.contentLength >= 0 {
		lines = []string{strconv.FormatInt(m.contentLength, 10)}
	}
	if len(lines) == 0 {
		return "", fmt.Errorf("%w: %s", ErrMissingHeader, c.name)
	}
	var v string
	switch {
	case c.has(paramBS):
		parts := make([]string, len(lines))
		for i, l := range lines {
			parts[i] = ":" + base64.StdEncoding.EncodeToString([]byte(trimFieldValue(l))) + ":"
		}
		v = strings.Join(parts, ", ")
	case c.has(paramKey):
		key, _ := c.params.Get(paramKey)
		d, err := m.dictionary(c.name, lines)
		if err != nil {
			return "", err
		}
		member, ok := d.Get(key.(string))
		if !ok {
			return "", fmt.Errorf("%w: %s has no member %q", ErrMissingHeader, c.name, key)
		}
		if v, err = sfv.SerializeMember(member); err != nil {
			return "", fmt.Errorf("%w: %s: %w", ErrMalformed, c.name, err)
		}
	case c.has(paramSF):
		var err error
		if v, err = reserialize(joinFieldLines(lines)); err != nil {
			return "", fmt.Errorf("%w: %s is not a structured field: %w", ErrMalformed, c.name, err)
		}
	default:
		v = joinFieldLines(lines)
	}
	if strings.ContainsAny(v, "\r\n") {
		return "", fmt.Errorf("%w: %s contains a line break", ErrMalformed, c.name)
	}
	return v, nil
}

// reserialize returns the canonical form of a structured field of unknown
// type. A value that parses both as a Dictionary and as a List has the same
// canonical form either way (and an Item is a one-member List), so trying
// them in turn is safe.
func reserialize(v string) (string, error) {
	if d, err := sfv.ParseDictionary(v); err == nil {
		return sfv.SerializeDictionary(d)
	}
	l, err := sfv.ParseList(v)
	if err != nil {
		return "", err
	}
	return sfv.SerializeList(l)
}

// joinFieldLines combines field lines as RFC 9421 §2.1 says: each trimmed,
// joined by a comma and a space.
func joinFieldLines(lines []string) string {
	if len(lines) == 1 {
		return trimFieldValue(lines[0])
	}
	parts := make([]string, len(lines))
	for i, l := range lines {
		parts[i] = trimFieldValue(l)
	}
	return strings.Join(parts, ", ")
}

func trimFieldValue(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}
