package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/starling-fed/starling/activitypub/vocab"
)

// wire records what crossed the wire: every request a server received,
// logged by a middleware wrapped around the Federation's handler. It reads
// what the request says about itself (method, path, activity type, the key
// id its signature names); the verifying is the Federation's, and the
// status it answered is its verdict: 202 on an inbox means the signature
// verified and the activity was recorded.
type wire struct {
	mu      sync.Mutex
	lines   []string
	printed int
	origins map[string]string // origin → label, to shorten IRIs
	actors  map[string]string // instance actor IRI → label
}

func newWire() *wire {
	return &wire{origins: make(map[string]string), actors: make(map[string]string)}
}

// name registers a server's origin under a short label ("A"), and its
// instance actor, which signs the server's fetches.
func (wr *wire) name(origin, instanceActor, label string) {
	wr.mu.Lock()
	defer wr.mu.Unlock()
	wr.origins[origin] = label
	wr.actors[instanceActor] = label
}

// short replaces known origins in s by their labels. The caller holds wr.mu.
func (wr *wire) short(s string) string {
	for origin, label := range wr.origins {
		s = strings.ReplaceAll(s, origin, label)
	}
	return s
}

// flush writes the lines recorded since the last flush.
func (wr *wire) flush(w io.Writer) {
	wr.mu.Lock()
	defer wr.mu.Unlock()
	for _, l := range wr.lines[wr.printed:] {
		fmt.Fprintln(w, l)
	}
	wr.printed = len(wr.lines)
}

// statusRecorder remembers the status a handler answered.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// maxLogged caps how much of a request body the middleware reads to name
// the activity; the rest is passed on untouched.
const maxLogged = 1 << 20

// middleware logs each request next answers on the server labelled label.
func (wr *wire) middleware(label string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var what string
		if r.Method == http.MethodPost && r.Body != nil {
			head, err := io.ReadAll(io.LimitReader(r.Body, maxLogged))
			if err == nil {
				what = describe(head)
			}
			r.Body = readCloser{io.MultiReader(bytes.NewReader(head), r.Body), r.Body}
		}
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}

		keyID, family := signatureOf(r)
		from, sig := "?", "unsigned"
		if keyID != "" {
			wr.mu.Lock()
			from = wr.short(originOf(keyID))
			sig = fmt.Sprintf("signed (%s) with key %s", family, wr.short(keyID))
			if label, ok := wr.actors[strings.TrimSuffix(keyID, "#main-key")]; ok {
				sig += ", server " + label + "'s instance actor"
			}
			wr.mu.Unlock()
		}
		target := r.URL.Path
		if q, err := url.QueryUnescape(r.URL.RawQuery); err == nil && q != "" {
			target += "?" + q
		}
		line := fmt.Sprintf("   %s → %s  %-4s %s  %s\n          %d %s · %s",
			from, label, r.Method, target, what, rec.status, http.StatusText(rec.status), sig)
		wr.mu.Lock()
		wr.lines = append(wr.lines, strings.ReplaceAll(line, "  \n", "\n"))
		wr.mu.Unlock()
	})
}

// readCloser reads from one reader and closes another.
type readCloser struct {
	io.Reader
	io.Closer
}

// describe names the activity in a request body: "Create(Note)",
// "Accept(Follow)", "Like".
func describe(body []byte) string {
	o, err := vocab.Unmarshal(body)
	if err != nil || o.Type == "" {
		return ""
	}
	if inner := vocab.First(o.Object).Object; inner != nil && inner.Type != "" {
		return o.Type + "(" + inner.Type + ")"
	}
	return o.Type
}

var (
	cavageKeyID  = regexp.MustCompile(`keyId="([^"]+)"`)
	rfc9421KeyID = regexp.MustCompile(`keyid="([^"]+)"`)
)

// signatureOf returns the key id a request's signature names and its
// family, without verifying anything.
func signatureOf(r *http.Request) (keyID, family string) {
	if m := rfc9421KeyID.FindStringSubmatch(r.Header.Get("Signature-Input")); m != nil {
		return m[1], "RFC 9421"
	}
	if m := cavageKeyID.FindStringSubmatch(r.Header.Get("Signature")); m != nil {
		return m[1], "draft-cavage"
	}
	return "", ""
}

// originOf returns the scheme and host of an IRI.
func originOf(iri string) string {
	scheme, rest, ok := strings.Cut(iri, "://")
	if !ok {
		return iri
	}
	host, _, _ := strings.Cut(rest, "/")
	return scheme + "://" + host
}
