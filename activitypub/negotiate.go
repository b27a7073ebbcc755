package activitypub

import (
	"mime"
	"strconv"
	"strings"
)

// maxAcceptRanges bounds how many media ranges of an Accept header are
// looked at, so a hostile header costs little.
const maxAcceptRanges = 32

// wantsActivityPub reports whether Accept header values prefer an
// ActivityPub document to a web page: some ActivityPub type
// (application/activity+json, application/ld+json, application/json) is
// named with a quality above zero and at least as high as that of any HTML
// type. Wildcards do not count: a browser's "*/*" gets the page.
func wantsActivityPub(accept []string) bool {
	var ap, html float64
	n := 0
	for _, header := range accept {
		for part := range strings.SplitSeq(header, ",") {
			if n++; n > maxAcceptRanges {
				break
			}
			typ, q, ok := mediaRange(part)
			if !ok {
				continue
			}
			switch typ {
			case "application/activity+json", "application/ld+json", "application/json":
				ap = max(ap, q)
			case "text/html", "application/xhtml+xml":
				html = max(html, q)
			}
		}
	}
	return ap > 0 && ap >= html
}

// mediaRange parses one media range of an Accept header into its lower-cased
// type and its quality (1 when absent).
func mediaRange(s string) (string, float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", 0, false
	}
	typ, params, err := mime.ParseMediaType(s)
	if err != nil {
		// Keep what precedes any parameter: a sloppy profile parameter
		// should not turn a client's request into a web page.
		typ, _, _ = strings.Cut(s, ";")
		typ = strings.ToLower(strings.TrimSpace(typ))
		params = nil
	}
	q := 1.0
	if v, ok := params["q"]; ok {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || f > 1 || f != f {
			return "", 0, false
		}
		q = f
	}
	return typ, q, true
}
