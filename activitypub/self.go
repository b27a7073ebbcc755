package activitypub

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
)

// selfTransport serves requests for the server's own origin in-process,
// through its own Handler, and sends every other request with next. A
// server behind NAT or a firewall often cannot reach its own public
// address, yet delivering to local followers through our own shared inbox
// must work; serving them in-process also saves a round trip through the
// network stack. Requests are still signed and verified like any other.
type selfTransport struct {
	f    *Federation
	next http.RoundTripper

	once    sync.Once
	handler http.Handler
}

func (t *selfTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !strings.EqualFold(req.URL.Scheme, t.f.origin.Scheme) || !strings.EqualFold(req.URL.Host, t.f.origin.Host) {
		return t.next.RoundTrip(req)
	}
	t.once.Do(func() { t.handler = t.f.Handler(nil) })
	sr := req.Clone(req.Context())
	sr.RequestURI = req.URL.RequestURI()
	sr.Host = req.URL.Host
	sr.RemoteAddr = "in-process"
	if sr.Body == nil {
		sr.Body = http.NoBody
	}
	w := &bufferedResponse{header: make(http.Header)}
	t.handler.ServeHTTP(w, sr)
	if req.Body != nil {
		_ = req.Body.Close()
	}
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", w.status, http.StatusText(w.status)),
		StatusCode:    w.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        w.header,
		Body:          io.NopCloser(bytes.NewReader(w.body.Bytes())),
		ContentLength: int64(w.body.Len()),
		Request:       req,
	}, nil
}

// bufferedResponse is the http.ResponseWriter of an in-process request.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *bufferedResponse) Header() http.Header { return w.header }

func (w *bufferedResponse) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *bufferedResponse) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(p)
}
