package webfinger

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
)

// HostMetaHandler serves host-meta (RFC 6415): an XRD document at
// /.well-known/host-meta and its JSON form at /.well-known/host-meta.json,
// each with one "lrdd" link holding the WebFinger URL template. Older
// clients, and servers whose account domain differs from the web host,
// find WebFinger through it. Mount it on both paths:
//
//	hm := &webfinger.HostMetaHandler{}
//	mux.Handle("GET "+webfinger.HostMetaPath, hm)
//	mux.Handle("GET "+webfinger.HostMetaPath+".json", hm)
//
// A request whose path ends in ".json" gets JSON (application/jrd+json);
// any other gets XRD (application/xrd+xml).
type HostMetaHandler struct {
	// Template is the WebFinger URL template, with "{uri}" where the
	// resource goes, e.g.
	// "https://social.example.com/.well-known/webfinger?resource={uri}".
	// If empty, it is built from the request's Host over https; set it when
	// a proxy rewrites Host or WebFinger lives on another host.
	Template string
}

// ServeHTTP answers a host-meta request.
func (h *HostMetaHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !readOnly(w, r) {
		return
	}
	tmpl := h.Template
	if tmpl == "" {
		if _, err := normalizeHost(r.Host); err != nil {
			plainError(w, "bad Host header", http.StatusBadRequest)
			return
		}
		tmpl = "https://" + r.Host + WellKnownPath + "?resource={uri}"
	}
	var body []byte
	if strings.HasSuffix(r.URL.Path, ".json") {
		body, _ = json.Marshal(JRD{Links: []Link{{Rel: RelLRDD, Template: tmpl}}})
		w.Header().Set("Content-Type", MediaTypeJRD)
	} else {
		var buf bytes.Buffer
		buf.WriteString(xml.Header)
		buf.WriteString(`<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">` + "\n")
		buf.WriteString(`  <Link rel="lrdd" type="application/jrd+json" template="`)
		_ = xml.EscapeText(&buf, []byte(tmpl))
		buf.WriteString(`"/>` + "\n</XRD>\n")
		body = buf.Bytes()
		w.Header().Set("Content-Type", MediaTypeXRD+"; charset=utf-8")
	}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// xrdDoc is the part of an XRD document host-meta clients read. The
// element names match whatever namespace the document uses.
type xrdDoc struct {
	XMLName xml.Name  `xml:"XRD"`
	Links   []xrdLink `xml:"Link"`
}

type xrdLink struct {
	Rel      string `xml:"rel,attr"`
	Type     string `xml:"type,attr"`
	Href     string `xml:"href,attr"`
	Template string `xml:"template,attr"`
}

// ParseHostMeta returns the WebFinger template ("lrdd" link) from a
// host-meta document, XRD or JSON, or an error wrapping [ErrBadResponse].
// The template must contain "{uri}".
func ParseHostMeta(data []byte) (string, error) {
	trimmed := bytes.TrimSpace(data)
	var links []Link
	if len(trimmed) > 0 && trimmed[0] == '{' {
		j, err := DecodeJRD(trimmed)
		if err != nil {
			return "", err
		}
		links = j.Links
	} else {
		var doc xrdDoc
		dec := xml.NewDecoder(bytes.NewReader(trimmed))
		dec.Strict = true
		if err := dec.Decode(&doc); err != nil {
			return "", fmt.Errorf("%w: host-meta: %v", ErrBadResponse, err)
		}
		for _, l := range doc.Links {
			links = append(links, Link{Rel: l.Rel, Type: l.Type, Href: l.Href, Template: l.Template})
		}
	}
	for _, l := range links {
		if l.Rel == RelLRDD && strings.Contains(l.Template, "{uri}") {
			return l.Template, nil
		}
	}
	return "", fmt.Errorf("%w: host-meta has no lrdd template", ErrBadResponse)
}
