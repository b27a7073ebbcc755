package httpsig

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// peer is a test server that verifies signatures and accepts only some
// families, refusing the others with refuseStatus.
type peer struct {
	t            testing.TB
	accept       map[Family]bool
	refuseStatus int
	verifier     *Verifier

	mu       sync.Mutex
	families []Family // of each request received, in order
	bodies   []string
}

func (p *peer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f := Cavage
	if r.Header.Get("Signature-Input") != "" {
		f = RFC9421
	}
	got, err := p.verifier.Verify(r.Context(), r)
	b, _ := io.ReadAll(r.Body)
	p.mu.Lock()
	p.families = append(p.families, f)
	p.bodies = append(p.bodies, string(b))
	p.mu.Unlock()
	if err != nil {
		http.Error(w, PublicReason(err), http.StatusUnauthorized)
		return
	}
	if !p.accept[f] {
		http.Error(w, "no", p.refuseStatus)
		return
	}
	_, _ = io.WriteString(w, got.KeyID)
}

func (p *peer) seen() []Family {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Family(nil), p.families...)
}

func newPeer(t testing.TB, refuseStatus int, accept ...Family) (*peer, *httptest.Server) {
	rsaKey := readPrivateKey(t, "mastodon/bob.priv.pem")
	p := &peer{t: t, refuseStatus: refuseStatus, accept: map[Family]bool{},
		verifier: &Verifier{Resolver: keyTable{"k": {KeyID: "k", Key: rsaKey.Public()}}, Now: clockAt(verifierNow)}}
	for _, f := range accept {
		p.accept[f] = true
	}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return p, srv
}

func newTransport(t testing.TB, base http.RoundTripper) *Transport {
	rsaKey := readPrivateKey(t, "mastodon/bob.priv.pem")
	return &Transport{Base: base, Key: SigningKey{KeyID: "k", Key: rsaKey}, Now: clockAt(verifierNow)}
}

func TestTransportDoubleKnock(t *testing.T) {
	cases := []struct {
		name         string
		refuse       int
		accept       []Family
		preferCavage bool
		wantFirst    []Family // families of the first request's attempts
		wantSecond   []Family // and the next request's
		wantStatus   int
	}{
		{"peer speaks RFC 9421", 401, []Family{RFC9421, Cavage}, false, []Family{RFC9421}, []Family{RFC9421}, 200},
		{"peer speaks only draft-cavage (401)", 401, []Family{Cavage}, false, []Family{RFC9421, Cavage}, []Family{Cavage}, 200},
		{"peer speaks only draft-cavage (400)", 400, []Family{Cavage}, false, []Family{RFC9421, Cavage}, []Family{Cavage}, 200},
		{"Threads refuses with 404", 404, []Family{Cavage}, false, []Family{RFC9421, Cavage}, []Family{Cavage}, 200},
		{"prefer draft-cavage", 401, []Family{Cavage, RFC9421}, true, []Family{Cavage}, []Family{Cavage}, 200},
		{"prefer draft-cavage, peer speaks only RFC 9421", 401, []Family{RFC9421}, true, []Family{Cavage, RFC9421}, []Family{RFC9421}, 200},
		{"peer refuses both", 401, nil, false, []Family{RFC9421, Cavage}, []Family{RFC9421, Cavage}, 401},
		{"other failures are not retried", 500, nil, false, []Family{RFC9421}, []Family{RFC9421}, 500},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, srv := newPeer(t, c.refuse, c.accept...)
			tr := newTransport(t, srv.Client().Transport)
			tr.PreferCavage = c.preferCavage
			client := &http.Client{Transport: tr}
			body := `{"type":"Follow"}`

			resp, err := client.Post(srv.URL+"/inbox", "application/activity+json", strings.NewReader(body))
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, c.wantStatus, resp.StatusCode)
			assert.Equal(t, c.wantFirst, p.seen())

			resp, err = client.Post(srv.URL+"/inbox", "application/activity+json", strings.NewReader(body))
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, append(c.wantFirst, c.wantSecond...), p.seen())
			for _, b := range p.bodies {
				assert.Equal(t, body, b, "every attempt carries the whole body")
			}
		})
	}
}

func TestTransportKnown404IsAnAnswer(t *testing.T) {
	p, srv := newPeer(t, 404, Cavage)
	tr := newTransport(t, srv.Client().Transport)
	client := &http.Client{Transport: tr}
	resp, err := client.Get(srv.URL + "/users/alice")
	require.NoError(t, err)
	resp.Body.Close()
	f, ok := tr.KnownFamily(strings.TrimPrefix(srv.URL, "http://"))
	require.True(t, ok)
	assert.Equal(t, Cavage, f)
	// Once the host is known to take draft-cavage, a 404 means not found.
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.ServeHTTP(httptest.NewRecorder(), r)
		http.NotFound(w, r)
	})
	resp, err = client.Get(srv.URL + "/users/gone")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 404, resp.StatusCode)
	assert.Equal(t, []Family{RFC9421, Cavage, Cavage}, p.seen())
}

func TestTransportLeavesRequestAlone(t *testing.T) {
	p, srv := newPeer(t, 401, Cavage)
	tr := newTransport(t, srv.Client().Transport)
	req, err := http.NewRequest("POST", srv.URL+"/inbox", strings.NewReader("abc"))
	require.NoError(t, err)
	req.Header.Set("Signature", "stale")
	req.Header.Set("Digest", "SHA-256=stale")
	resp, err := tr.RoundTrip(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "stale", req.Header.Get("Signature"))
	assert.Empty(t, req.Header.Get("Signature-Input"))
	assert.Empty(t, req.Header.Get("Date"))
	assert.Equal(t, []string{"abc", "abc"}, p.bodies)
}

func TestTransportSignsGET(t *testing.T) {
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r.Header.Clone() }))
	defer srv.Close()
	tr := newTransport(t, srv.Client().Transport)
	tr.PreferCavage = true
	resp, err := (&http.Client{Transport: tr}).Get(srv.URL + "/users/alice?page=1")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Contains(t, got.Get("Signature"), `headers="(request-target) host date"`)
	assert.Empty(t, got.Get("Digest"))
	assert.Equal(t, verifierNow.Format(http.TimeFormat), got.Get("Date"))
}

// recordingTransport answers 200 without a network and records requests.
type recordingTransport struct {
	n atomic.Int32
}

func (r *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r.n.Add(1)
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader("ok")), Request: req, Header: http.Header{}}, nil
}

func TestTransportErrors(t *testing.T) {
	base := &recordingTransport{}
	rsaKey := readPrivateKey(t, "mastodon/bob.priv.pem")

	t.Run("no key", func(t *testing.T) {
		_, err := (&Transport{Base: base}).RoundTrip(httptest.NewRequest("GET", "https://x.example/", nil))
		require.Error(t, err)
	})
	t.Run("KeyFunc error", func(t *testing.T) {
		boom := errors.New("no such actor")
		tr := &Transport{Base: base, KeyFunc: func(*http.Request) (SigningKey, error) { return SigningKey{}, boom }}
		_, err := tr.RoundTrip(httptest.NewRequest("GET", "https://x.example/", nil))
		require.ErrorIs(t, err, boom)
	})
	t.Run("KeyFunc chooses per request", func(t *testing.T) {
		var calls atomic.Int32
		tr := &Transport{Base: base, KeyFunc: func(r *http.Request) (SigningKey, error) {
			calls.Add(1)
			return SigningKey{KeyID: "https://a.example/actor#main-key", Key: rsaKey}, nil
		}}
		resp, err := tr.RoundTrip(httptest.NewRequest("GET", "https://x.example/", nil))
		require.NoError(t, err)
		resp.Body.Close()
		assert.EqualValues(t, 1, calls.Load())
	})
	t.Run("body too large", func(t *testing.T) {
		tr := &Transport{Base: base, Key: SigningKey{KeyID: "k", Key: rsaKey}, MaxBodyBytes: 10}
		req := httptest.NewRequest("POST", "https://x.example/inbox", strings.NewReader(strings.Repeat("a", 11)))
		_, err := tr.RoundTrip(req)
		require.ErrorIs(t, err, ErrBodyTooLarge)
		req.ContentLength = -1
		req.Body = io.NopCloser(strings.NewReader(strings.Repeat("a", 11)))
		_, err = tr.RoundTrip(req)
		require.ErrorIs(t, err, ErrBodyTooLarge)
	})
	t.Run("a key that cannot sign draft-cavage uses RFC 9421 alone", func(t *testing.T) {
		ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		require.NoError(t, err)
		tr := &Transport{Base: base, Key: SigningKey{KeyID: "k", Key: ec}, PreferCavage: true}
		before := base.n.Load()
		resp, err := tr.RoundTrip(httptest.NewRequest("GET", "https://ec.example/", nil))
		require.NoError(t, err)
		resp.Body.Close()
		assert.EqualValues(t, 1, base.n.Load()-before)
		f, _ := tr.KnownFamily("ec.example")
		assert.Equal(t, RFC9421, f)
	})
	t.Run("hosts remembered are bounded", func(t *testing.T) {
		tr := &Transport{Base: base, Key: SigningKey{KeyID: "k", Key: rsaKey}, MaxHosts: 3}
		for _, h := range []string{"a", "b", "c", "d", "e"} {
			resp, err := tr.RoundTrip(httptest.NewRequest("GET", "https://"+h+".example/", nil))
			require.NoError(t, err)
			resp.Body.Close()
		}
		tr.mu.Lock()
		assert.Len(t, tr.hosts, 3)
		tr.mu.Unlock()
	})
}

func TestTransportConcurrent(t *testing.T) {
	_, srv := newPeer(t, 401, Cavage)
	tr := newTransport(t, srv.Client().Transport)
	client := &http.Client{Transport: tr}
	u, _ := url.Parse(srv.URL)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			resp, err := client.Post(srv.URL+"/inbox", "application/activity+json", bytes.NewReader([]byte{byte('a' + i)}))
			if assert.NoError(t, err) {
				assert.Equal(t, 200, resp.StatusCode)
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	f, ok := tr.KnownFamily(u.Host)
	assert.True(t, ok)
	assert.Equal(t, Cavage, f)
}

// Akkoma signs Content-Length; over real HTTP the signed value arrives and
// is checked against the body.
func TestTransportContentLengthOverHTTP(t *testing.T) {
	p, srv := newPeer(t, 401, Cavage)
	tr := newTransport(t, srv.Client().Transport)
	tr.PreferCavage = true
	tr.Cavage.Headers = []string{"(request-target)", "content-length", "date", "digest", "host"}
	resp, err := (&http.Client{Transport: tr}).Post(srv.URL+"/inbox", "application/activity+json", strings.NewReader("hello"))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, []Family{Cavage}, p.seen())
}

// closeTracker is a response body that records being closed.
type closeTracker struct {
	io.Reader
	closed atomic.Bool
}

func (c *closeTracker) Close() error { c.closed.Store(true); return nil }

// TestTransportSecondKnockHonoursContext checks that a request whose
// context ends while the first knock is answered is not sent again, and
// that the refused answer's body is closed either way.
func TestTransportSecondKnockHonoursContext(t *testing.T) {
	for _, cancelFirst := range []bool{false, true} {
		ctx, cancel := context.WithCancel(context.Background())
		var calls atomic.Int32
		var bodies []*closeTracker
		var mu sync.Mutex
		tr := newTransport(t, roundTripFunc(func(r *http.Request) (*http.Response, error) {
			n := calls.Add(1)
			if n == 1 && cancelFirst {
				cancel()
			}
			status := http.StatusUnauthorized
			if n > 1 {
				status = http.StatusAccepted
			}
			b := &closeTracker{Reader: strings.NewReader("answer")}
			mu.Lock()
			bodies = append(bodies, b)
			mu.Unlock()
			return &http.Response{StatusCode: status, Body: b, Request: r}, nil
		}))
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "https://remote.example/users/bob", nil)
		require.NoError(t, err)
		resp, err := tr.RoundTrip(req)
		if cancelFirst {
			require.ErrorIs(t, err, context.Canceled)
			assert.Nil(t, resp)
			assert.EqualValues(t, 1, calls.Load(), "no second knock once the context has ended")
		} else {
			require.NoError(t, err)
			assert.Equal(t, http.StatusAccepted, resp.StatusCode)
			assert.EqualValues(t, 2, calls.Load())
		}
		assert.True(t, bodies[0].closed.Load(), "the refused answer is closed")
		cancel()
	}
}

// TestTransportRequestWithoutHeader checks that a request built without a
// header map, which http.Client would fill in but a direct RoundTrip caller
// may not, is signed rather than panicking.
func TestTransportRequestWithoutHeader(t *testing.T) {
	var got http.Header
	tr := newTransport(t, roundTripFunc(func(r *http.Request) (*http.Response, error) {
		got = r.Header
		return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody, Request: r}, nil
	}))
	u, err := url.Parse("https://remote.example/users/bob")
	require.NoError(t, err)
	req := &http.Request{Method: http.MethodGet, URL: u}
	resp, err := tr.RoundTrip(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.NotEmpty(t, got.Get("Signature"))
	assert.Nil(t, req.Header, "the caller's request is left alone")
}

// roundTripFunc adapts a function to http.RoundTripper.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
