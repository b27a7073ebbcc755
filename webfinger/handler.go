package webfinger

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
)

// LookupFunc answers a WebFinger query for the host application. It
// returns the JRD for r, or an error wrapping [ErrNotFound] (unknown or not
// served here) or [ErrGone] (deleted). Any other error answers 500 and is
// logged. If the JRD has no subject, r.URI is used. The Handler filters
// links by rel itself and never modifies the returned JRD, so a lookup may
// return a shared value. It must be safe for concurrent use.
type LookupFunc func(ctx context.Context, r Resource) (*JRD, error)

// Handler serves WebFinger (RFC 7033) at /.well-known/webfinger from the
// host's own users. Mount it with
//
//	mux.Handle("GET "+webfinger.WellKnownPath, &webfinger.Handler{Lookup: lookup})
//
// It answers GET and HEAD: 400 unless "resource" appears exactly once and
// parses (see [ParseResource]), 404 or 410 as Lookup says, 405 for other
// methods, and otherwise 200 with an application/jrd+json body filtered by
// any "rel" parameters. Every answer carries Access-Control-Allow-Origin: *.
//
// When accounts live on one domain and the server on another (accounts
// "alice@example.com", actors on social.example.com), serve this handler on
// the server's host, let Lookup accept both hosts in [Resource.Host] and
// answer with subject "acct:alice@example.com", and have example.com
// redirect its /.well-known/webfinger (or serve host-meta, see
// [HostMetaHandler]) to the server.
type Handler struct {
	// Lookup finds the JRD for a resource. If nil, every resource is
	// unknown (404).
	Lookup LookupFunc

	// CacheControl, if not empty, is sent as Cache-Control with 200, 404
	// and 410 answers, e.g. "max-age=259200, public".
	CacheControl string

	// Logger receives lookup failures. If nil, nothing is logged.
	Logger *slog.Logger
}

// ServeHTTP answers one WebFinger query.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !readOnly(w, r) {
		return
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		plainError(w, "malformed query", http.StatusBadRequest)
		return
	}
	values := q["resource"]
	if len(values) != 1 {
		plainError(w, "the resource parameter must appear exactly once", http.StatusBadRequest)
		return
	}
	res, err := ParseResource(values[0])
	if err != nil {
		plainError(w, err.Error(), http.StatusBadRequest)
		return
	}
	if h.Lookup == nil {
		h.notFound(w, http.StatusNotFound)
		return
	}
	jrd, err := h.Lookup(r.Context(), res)
	switch {
	case errors.Is(err, ErrGone):
		h.notFound(w, http.StatusGone)
		return
	case errors.Is(err, ErrNotFound) || err == nil && jrd == nil:
		h.notFound(w, http.StatusNotFound)
		return
	case errors.Is(err, ErrInvalidAddress):
		plainError(w, err.Error(), http.StatusBadRequest)
		return
	case err != nil:
		h.logger().ErrorContext(r.Context(), "webfinger: lookup failed", "resource", res.URI, "error", err)
		plainError(w, "internal error", http.StatusInternalServerError)
		return
	}
	out := jrd.FilterRels(q["rel"])
	if out.Subject == "" {
		out.Subject = res.URI
	}
	body, err := json.Marshal(out)
	if err != nil {
		h.logger().ErrorContext(r.Context(), "webfinger: encoding JRD", "resource", res.URI, "error", err)
		plainError(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", MediaTypeJRD)
	if h.CacheControl != "" {
		w.Header().Set("Cache-Control", h.CacheControl)
	}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

func (h *Handler) notFound(w http.ResponseWriter, status int) {
	if h.CacheControl != "" {
		w.Header().Set("Cache-Control", h.CacheControl)
	}
	plainError(w, http.StatusText(status), status)
}

func (h *Handler) logger() *slog.Logger {
	if h.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return h.Logger
}

// readOnly sets the CORS header every answer carries (RFC 7033 §5) and,
// unless r is a GET or HEAD, answers 405 and reports false.
func readOnly(w http.ResponseWriter, r *http.Request) bool {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		plainError(w, "method not allowed", http.StatusMethodNotAllowed)
		return false
	}
	return true
}

// plainError writes a short text/plain error.
func plainError(w http.ResponseWriter, msg string, status int) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(msg + "\n"))
}
