package gofedpub_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/internal/gofedpub"
	"github.com/starling-fed/starling/httpsig"
)

// Remote actors of the tests. alice is known to the server; mallory's key
// is known too, but she may only speak for herself.
const (
	aliceIRI     = "https://remote.example/users/alice"
	aliceKeyID   = aliceIRI + "#main-key"
	malloryIRI   = "https://remote.example/users/mallory"
	malloryKeyID = malloryIRI + "#main-key"
)

// testKeys are generated once: RSA-2048 generation is slow.
var testKeys = sync.OnceValue(func() [3]*rsa.PrivateKey {
	var keys [3]*rsa.PrivateKey
	for i := range keys {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		keys[i] = k
	}
	return keys
})

func aliceKey() *rsa.PrivateKey    { return testKeys()[0] }
func malloryKey() *rsa.PrivateKey  { return testKeys()[1] }
func strangerKey() *rsa.PrivateKey { return testKeys()[2] }

// instance is a go-fed server running on loopback.
type instance struct {
	srv   *gofedpub.Server
	ts    *httptest.Server
	inbox string // URL of the inbox
}

// startInstance starts a Server behind an httptest server whose address is
// the Server's Host, and registers alice and mallory.
func startInstance(tb testing.TB, cfg gofedpub.Config) *instance {
	tb.Helper()
	ts := httptest.NewUnstartedServer(nil)
	cfg.Host = ts.Listener.Addr().String()
	srv, err := gofedpub.NewServer(cfg)
	require.NoError(tb, err)
	require.NoError(tb, srv.AddKnownActor(aliceIRI, aliceKeyID, &aliceKey().PublicKey))
	require.NoError(tb, srv.AddKnownActor(malloryIRI, malloryKeyID, &malloryKey().PublicKey))
	ts.Config.Handler = srv
	ts.Start()
	tb.Cleanup(ts.Close)
	return &instance{srv: srv, ts: ts, inbox: ts.URL + srv.InboxPath()}
}

// newPost returns an unsigned inbox POST carrying body.
func (in *instance) newPost(tb testing.TB, body []byte) *http.Request {
	tb.Helper()
	req, err := http.NewRequest(http.MethodPost, in.inbox, bytes.NewReader(body))
	require.NoError(tb, err)
	req.Header.Set("Content-Type", "application/activity+json")
	return req
}

// signedPost returns an inbox POST carrying body, signed the way Starling
// signs deliveries.
func (in *instance) signedPost(tb testing.TB, body []byte, keyID string, key *rsa.PrivateKey, opts httpsig.CavageOptions) *http.Request {
	tb.Helper()
	req := in.newPost(tb, body)
	require.NoError(tb, httpsig.SignCavage(req, body, httpsig.SigningKey{KeyID: keyID, Key: key}, opts))
	return req
}

// do sends req and returns the status and the response body.
func (in *instance) do(tb testing.TB, req *http.Request) (int, string) {
	tb.Helper()
	resp, err := in.ts.Client().Do(req)
	require.NoError(tb, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(tb, err)
	return resp.StatusCode, string(b)
}
