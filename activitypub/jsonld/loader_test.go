package jsonld_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/jsonld"
	"github.com/starling-fed/starling/internal/safehttp"
)

// recordingTransport records every request and answers none of them.
type recordingTransport struct {
	mu   sync.Mutex
	urls []string
}

func (rt *recordingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	rt.urls = append(rt.urls, r.URL.String())
	return nil, errors.New("test transport: no network")
}

func (rt *recordingTransport) requests() []string {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return append([]string(nil), rt.urls...)
}

func TestLoaderRefusesNetwork(t *testing.T) {
	rt := &recordingTransport{}
	l := &jsonld.Loader{HTTPClient: &http.Client{Transport: rt}}
	p := &jsonld.Processor{Loader: l}

	for _, u := range []string{
		"https://unknown.example/context.jsonld",
		"http://169.254.169.254/latest/meta-data",
		"https://www.w3.org/ns/other",
	} {
		_, err := l.LoadDocument(u)
		require.ErrorIs(t, err, jsonld.ErrContextNotAllowed, u)
		assert.Contains(t, err.Error(), u)

		doc := `{"@context":["https://www.w3.org/ns/activitystreams","` + u + `"],"type":"Note"}`
		_, err = p.Normalize(context.Background(), []byte(doc))
		require.ErrorIs(t, err, jsonld.ErrContextNotAllowed, u)
		_, err = p.Canonicalize(context.Background(), []byte(doc))
		require.ErrorIs(t, err, jsonld.ErrContextNotAllowed, u)
	}
	assert.Empty(t, rt.requests(), "no request may be sent")
}

func TestLoaderServesEmbeddedAliases(t *testing.T) {
	rt := &recordingTransport{}
	l := &jsonld.Loader{HTTPClient: &http.Client{Transport: rt}, InsecureAllowNetwork: true}
	tests := []struct {
		url, want string
	}{
		{"https://www.w3.org/ns/activitystreams", jsonld.ActivityStreamsURL},
		{"http://www.w3.org/ns/activitystreams", jsonld.ActivityStreamsURL},
		{"https://www.w3.org/ns/activitystreams.jsonld", jsonld.ActivityStreamsURL},
		{"https://www.w3.org/ns/activitystreams.json", jsonld.ActivityStreamsURL},
		{"https://www.w3.org/ns/activitystreams/", jsonld.ActivityStreamsURL},
		{"HTTPS://WWW.W3.ORG/ns/activitystreams", jsonld.ActivityStreamsURL},
		{"https://w3id.org/security/v1", jsonld.SecurityV1URL},
		{"http://w3id.org/security/v1.jsonld", jsonld.SecurityV1URL},
		{"https://w3id.org/security/data-integrity/v1", jsonld.DataIntegrityV1URL},
		{"https://w3id.org/security/multikey/v1", jsonld.MultikeyV1URL},
		{"https://w3id.org/identity/v1", jsonld.IdentityV1URL},
		{"https://gotosocial.org/ns", jsonld.GoToSocialURL},
		{"https://join-lemmy.org/context.json", jsonld.LemmyURL},
		{"https://litepub.social/context.jsonld", jsonld.LitepubURL},
		{"https://purl.archive.org/socialweb/webfinger", jsonld.WebFingerURL},
		{"https://pleroma.example/schemas/litepub-0.1.jsonld", jsonld.LitepubURL},
		{"https://akkoma.example:8443/schemas/litepub-0.1.jsonld", jsonld.LitepubURL},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			rd, err := l.LoadDocument(tt.url)
			require.NoError(t, err)
			assert.Equal(t, tt.want, rd.DocumentURL)
			m, ok := rd.Document.(map[string]any)
			require.True(t, ok)
			assert.Contains(t, m, "@context")
		})
	}
	assert.Empty(t, rt.requests(), "embedded contexts never touch the network")
}

func TestLoaderDocumentIsPrivateCopy(t *testing.T) {
	l := &jsonld.Loader{}
	rd, err := l.LoadDocument(jsonld.ActivityStreamsURL)
	require.NoError(t, err)
	ctx := rd.Document.(map[string]any)["@context"].(map[string]any)
	ctx["Note"] = "http://evil.example/Note"

	rd, err = l.LoadDocument(jsonld.ActivityStreamsURL)
	require.NoError(t, err)
	assert.Equal(t, "as:Note", rd.Document.(map[string]any)["@context"].(map[string]any)["Note"])
}

// contextServer serves context documents by path and counts requests.
type contextServer struct {
	*httptest.Server
	hits atomic.Int64
}

func newContextServer(t *testing.T, docs map[string]string) *contextServer {
	t.Helper()
	cs := &contextServer{}
	cs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cs.hits.Add(1)
		doc, ok := docs[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/ld+json")
		_, _ = w.Write([]byte(doc))
	}))
	t.Cleanup(cs.Close)
	return cs
}

func TestLoaderFetchesOnceWhenAllowed(t *testing.T) {
	cs := newContextServer(t, map[string]string{
		"/ns.jsonld": `{"@context":{"cw":"https://www.w3.org/ns/activitystreams#sensitive"}}`,
	})
	l := &jsonld.Loader{InsecureAllowNetwork: true, HTTPClient: cs.Client()}
	p := &jsonld.Processor{Loader: l}
	doc := `{"@context":["https://www.w3.org/ns/activitystreams","` + cs.URL + `/ns.jsonld"],"id":"https://a.example/1","type":"Note","cw":true}`

	for range 3 {
		out, err := p.Normalize(context.Background(), []byte(doc))
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(out, &m))
		assert.Equal(t, true, m["sensitive"])
	}
	assert.Equal(t, int64(1), cs.hits.Load(), "fetched once, then served from the cache")
}

func TestLoaderFetchConcurrentCallersShareOneFetch(t *testing.T) {
	release := make(chan struct{})
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		<-release
		_, _ = w.Write([]byte(`{"@context":{"x":"http://x.example/#x"}}`))
	}))
	defer srv.Close()
	l := &jsonld.Loader{InsecureAllowNetwork: true, HTTPClient: srv.Client()}

	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			_, err := l.LoadDocument(srv.URL + "/ctx")
			assert.NoError(t, err)
		})
	}
	// Let the first request arrive, then answer it.
	for hits.Load() == 0 {
		runtime.Gosched()
	}
	close(release)
	wg.Wait()
	assert.Equal(t, int64(1), hits.Load())
}

func TestLoaderCacheIsBounded(t *testing.T) {
	cs := newContextServer(t, map[string]string{
		"/a": `{"@context":{"a":"http://x.example/#a"}}`,
		"/b": `{"@context":{"b":"http://x.example/#b"}}`,
	})
	l := &jsonld.Loader{InsecureAllowNetwork: true, HTTPClient: cs.Client(), CacheSize: 1}
	for _, path := range []string{"/a", "/a", "/b", "/b", "/a"} {
		_, err := l.LoadDocument(cs.URL + path)
		require.NoError(t, err)
	}
	assert.Equal(t, int64(3), cs.hits.Load(), "a, b, then a again after b evicted it")
}

func TestLoaderFetchErrors(t *testing.T) {
	big := `{"@context":{"x":"` + strings.Repeat("x", 2048) + `"}}`
	cs := newContextServer(t, map[string]string{
		"/big":     big,
		"/array":   `[1,2,3]`,
		"/nocontx": `{"a":1}`,
		"/broken":  `{"@context":`,
	})
	l := &jsonld.Loader{InsecureAllowNetwork: true, HTTPClient: cs.Client(), MaxContextBytes: 1024}

	_, err := l.LoadDocument(cs.URL + "/missing")
	var ferr *jsonld.FetchError
	require.ErrorAs(t, err, &ferr)
	assert.Equal(t, http.StatusNotFound, ferr.StatusCode)
	assert.Equal(t, cs.URL+"/missing", ferr.URL)

	_, err = l.LoadDocument(cs.URL + "/big")
	assert.ErrorIs(t, err, jsonld.ErrTooLarge)
	for _, path := range []string{"/array", "/nocontx", "/broken"} {
		_, err = l.LoadDocument(cs.URL + path)
		assert.ErrorIs(t, err, jsonld.ErrInvalidContext, path)
	}

	// Through the processor, the loader's error is what the caller sees.
	p := &jsonld.Processor{Loader: l}
	_, err = p.Normalize(context.Background(), []byte(`{"@context":"`+cs.URL+`/missing","type":"Note"}`))
	require.ErrorAs(t, err, &ferr)

	// A refused connection is a FetchError without a status.
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()
	_, err = l.LoadDocument(closedURL + "/ctx")
	require.ErrorAs(t, err, &ferr)
	assert.Zero(t, ferr.StatusCode)
	assert.NotNil(t, ferr.Unwrap())
}

func TestLoaderExtra(t *testing.T) {
	l := &jsonld.Loader{Extra: map[string][]byte{
		"https://custom.example/ns": []byte(`{"@context":{"cw":"as:sensitive","as":"https://www.w3.org/ns/activitystreams#"}}`),
		"urn:example:ctx":           []byte(`{"@context":{"flag":"as:sensitive"}}`),
	}}
	p := &jsonld.Processor{Loader: l}
	for _, ref := range []string{"https://custom.example/ns", "http://custom.example/ns.jsonld", "urn:example:ctx"} {
		key := "cw"
		if strings.HasPrefix(ref, "urn:") {
			key = "flag"
		}
		doc := `{"@context":["https://www.w3.org/ns/activitystreams","` + ref + `"],"type":"Note","` + key + `":true}`
		out, err := p.Compact(context.Background(), []byte(doc))
		require.NoError(t, err, ref)
		assert.Equal(t, true, out["sensitive"], ref)
	}

	bad := &jsonld.Loader{Extra: map[string][]byte{"https://bad.example/ns": []byte(`{"no":"context"}`)}}
	_, err := (&jsonld.Processor{Loader: bad}).Normalize(context.Background(), []byte(`{"type":"Note"}`))
	assert.ErrorIs(t, err, jsonld.ErrInvalidContext)
	assert.Contains(t, err.Error(), "https://bad.example/ns")
}

func TestLoaderContextCycles(t *testing.T) {
	tests := []struct {
		name  string
		extra map[string]string
		doc   string
		want  error
	}{
		{
			name:  "self",
			extra: map[string]string{"https://a.example/ctx": `{"@context":["https://a.example/ctx",{"x":"http://x.example/#x"}]}`},
			doc:   `{"@context":"https://a.example/ctx","x":1}`,
			want:  jsonld.ErrContextCycle,
		},
		{
			name: "two documents",
			extra: map[string]string{
				"https://a.example/ctx": `{"@context":["https://b.example/ctx"]}`,
				"https://b.example/ctx": `{"@context":["https://a.example/ctx"]}`,
			},
			doc:  `{"@context":["https://www.w3.org/ns/activitystreams","https://a.example/ctx"],"type":"Note"}`,
			want: jsonld.ErrContextCycle,
		},
		{
			name: "through an alias spelling",
			extra: map[string]string{
				"https://a.example/ctx": `{"@context":"http://a.example/ctx.jsonld"}`,
			},
			doc:  `{"@context":"https://a.example/ctx","type":"Note"}`,
			want: jsonld.ErrContextCycle,
		},
		{
			name: "through a scoped context",
			extra: map[string]string{
				"https://a.example/ctx": `{"@context":{"@version":1.1,"x":{"@id":"http://x.example/#x","@context":"https://a.example/ctx"}}}`,
			},
			doc:  `{"@context":"https://a.example/ctx","x":{"x":{"x":1}}}`,
			want: nil, // bounded by the document: three levels, three loads
		},
		{
			name: "through import",
			extra: map[string]string{
				"https://a.example/ctx": `{"@context":{"@version":1.1,"@import":"https://a.example/ctx"}}`,
			},
			doc:  `{"@context":"https://a.example/ctx","type":"Note"}`,
			want: nil, // the processor rejects importing a context that imports
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			extra := make(map[string][]byte)
			for k, v := range tt.extra {
				extra[k] = []byte(v)
			}
			p := &jsonld.Processor{Loader: &jsonld.Loader{Extra: extra}}
			_, err := p.Normalize(context.Background(), []byte(tt.doc))
			if tt.want != nil {
				require.ErrorIs(t, err, tt.want)
				return
			}
			// Either processed or rejected, but never a hang or a crash.
			if err != nil {
				assert.Contains(t, err.Error(), "jsonld: ")
			}
		})
	}
}

func TestTooManyContextLoads(t *testing.T) {
	// Every embedded object names a (small) context again.
	var b strings.Builder
	b.WriteString(`{"@context":"https://www.w3.org/ns/activitystreams","type":"Collection","items":[`)
	for i := range 600 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"@context":"https://purl.archive.org/socialweb/webfinger","webfinger":"a@b.example"}`)
	}
	b.WriteString(`]}`)
	_, err := jsonld.Normalize(context.Background(), []byte(b.String()))
	assert.ErrorIs(t, err, jsonld.ErrTooManyContexts)
}

func TestLoaderFetchSurvivesAnAbandonedFetch(t *testing.T) {
	// The first caller gives up while its fetch is in flight; a second
	// caller waiting on the same URL fetches again instead of inheriting
	// the first caller's cancellation.
	arrived := make(chan struct{}, 4)
	release := make(chan struct{})
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			arrived <- struct{}{}
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		_, _ = w.Write([]byte(`{"@context":{"x":"http://x.example/#x"}}`))
	}))
	defer srv.Close()
	l := &jsonld.Loader{InsecureAllowNetwork: true, HTTPClient: srv.Client()}
	p := &jsonld.Processor{Loader: l}
	doc := []byte(`{"@context":"` + srv.URL + `/ctx","x":1}`)

	first, cancel := context.WithCancel(context.Background())
	firstErr := make(chan error, 1)
	go func() {
		_, err := p.Normalize(first, doc)
		firstErr <- err
	}()
	<-arrived
	secondErr := make(chan error, 1)
	go func() {
		_, err := p.Normalize(context.Background(), doc)
		secondErr <- err
	}()
	cancel()
	assert.ErrorIs(t, <-firstErr, context.Canceled)
	close(release)
	assert.NoError(t, <-secondErr)
}

// With the network allowed but no HTTPClient given, the default client
// refuses loopback and private addresses before dialling, so a document's
// author cannot point the loader at internal services.
func TestLoaderDefaultClientRefusesPrivateAddresses(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, _ = w.Write([]byte(`{"@context":{}}`))
	}))
	defer srv.Close()

	l := &jsonld.Loader{InsecureAllowNetwork: true}
	_, err := l.LoadDocument(srv.URL + "/context.jsonld")
	require.Error(t, err)
	require.ErrorIs(t, err, safehttp.ErrPrivateAddress)
	assert.Zero(t, hits.Load(), "the loopback server must not be reached")
}
