package nodeinfo

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"

	"github.com/starling-fed/starling/webfinger"
)

// WellKnownPath is where the discovery document is served.
const WellKnownPath = "/.well-known/nodeinfo"

// DefaultPath is the default prefix of the documents: /nodeinfo/2.0 and
// /nodeinfo/2.1.
const DefaultPath = "/nodeinfo/"

// Handler serves NodeInfo: the discovery document at
// /.well-known/nodeinfo linking schema 2.1 and 2.0, and the documents
// themselves at Path+"2.1" and Path+"2.0" with the profiled Content-Type.
// Mount it on both paths:
//
//	ni := &nodeinfo.Handler{Document: figures}
//	mux.Handle("GET "+nodeinfo.WellKnownPath, ni)
//	mux.Handle("GET "+nodeinfo.DefaultPath, ni)
//
// Every answer carries Access-Control-Allow-Origin: *. A document that
// fails [Document.Validate] is not served (500, logged).
type Handler struct {
	// Document returns the server's current figures. The Handler sets
	// Version on a copy, so the function may return a shared value. If
	// nil, documents answer 404 (discovery still lists them).
	Document func(ctx context.Context) (*Document, error)

	// BaseURL is the scheme and host the discovery links point at, such as
	// "https://social.example.com". If empty, "https://" and the request's
	// Host are used.
	BaseURL string

	// Path is the prefix of the document URLs, such as "/nodeinfo/"; a
	// missing leading or trailing "/" is added. If empty, DefaultPath.
	Path string

	// Logger receives failures of Document. If nil, nothing is logged.
	Logger *slog.Logger
}

func (h *Handler) path() string {
	p := h.Path
	if p == "" {
		return DefaultPath
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}

// ServeHTTP answers a discovery or document request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	switch r.URL.Path {
	case WellKnownPath:
		h.serveDiscovery(w, r)
	case h.path() + Version21:
		h.serveDocument(w, r, Version21)
	case h.path() + Version20:
		h.serveDocument(w, r, Version20)
	default:
		http.NotFound(w, r)
	}
}

func (h *Handler) serveDiscovery(w http.ResponseWriter, r *http.Request) {
	base := strings.TrimSuffix(h.BaseURL, "/")
	if base == "" {
		if r.Host == "" || strings.ContainsAny(r.Host, "/?#@\\\"<> ") {
			http.Error(w, "bad Host header", http.StatusBadRequest)
			return
		}
		base = "https://" + r.Host
	}
	jrd := webfinger.JRD{Links: []webfinger.Link{
		{Rel: Rel(Version21), Href: base + h.path() + Version21},
		{Rel: Rel(Version20), Href: base + h.path() + Version20},
	}}
	body, err := json.Marshal(jrd)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	write(w, r, "application/json", body)
}

func (h *Handler) serveDocument(w http.ResponseWriter, r *http.Request, version string) {
	if h.Document == nil {
		http.NotFound(w, r)
		return
	}
	log := h.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	d, err := h.Document(r.Context())
	if err != nil || d == nil {
		log.ErrorContext(r.Context(), "nodeinfo: document unavailable", "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	doc := *d
	doc.Version = version
	if err := doc.Validate(); err != nil {
		log.ErrorContext(r.Context(), "nodeinfo: refusing to serve an invalid document", "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	body, err := json.Marshal(doc)
	if err != nil {
		log.ErrorContext(r.Context(), "nodeinfo: encoding document", "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	write(w, r, ContentType(version), body)
}

func write(w http.ResponseWriter, r *http.Request, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}
