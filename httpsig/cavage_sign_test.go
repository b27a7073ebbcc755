package httpsig

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSignCavageErrors(t *testing.T) {
	rsaKey := readPrivateKey(t, "mastodon/bob.priv.pem")
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	cases := []struct {
		name string
		key  SigningKey
		opts CavageOptions
		want error
	}{
		{"no key id", SigningKey{Key: rsaKey}, CavageOptions{}, nil},
		{"no key", SigningKey{KeyID: "k"}, CavageOptions{}, ErrKeyType},
		{"empty RSA key", SigningKey{KeyID: "k", Key: &rsa.PrivateKey{}}, CavageOptions{}, ErrKeyType},
		{"ECDSA has no draft-cavage form", SigningKey{KeyID: "k", Key: ec}, CavageOptions{}, ErrUnknownAlgorithm},
		{"HMAC", SigningKey{KeyID: "k", Key: []byte("secret")}, CavageOptions{}, ErrUnknownAlgorithm},
		{"PSS", SigningKey{KeyID: "k", Key: rsaKey, Algorithm: RSAPSSSHA512}, CavageOptions{}, ErrUnknownAlgorithm},
		{"algorithm does not fit key", SigningKey{KeyID: "k", Key: rsaKey, Algorithm: Ed25519}, CavageOptions{}, ErrKeyType},
		{"header missing", SigningKey{KeyID: "k", Key: rsaKey}, CavageOptions{Headers: []string{"date", "x-missing"}}, ErrMissingHeader},
		{"header twice", SigningKey{KeyID: "k", Key: rsaKey}, CavageOptions{Headers: []string{"date", "Date"}}, nil},
		{"bad header name", SigningKey{KeyID: "k", Key: rsaKey}, CavageOptions{Headers: []string{"da te"}}, nil},
		{"no headers", SigningKey{KeyID: "k", Key: rsaKey}, CavageOptions{Headers: []string{}}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", "https://b.example/", nil)
			err := SignCavage(req, nil, c.key, c.opts)
			require.Error(t, err)
			if c.want != nil {
				require.ErrorIs(t, err, c.want)
			}
			assert.Empty(t, req.Header.Get("Signature"))
		})
	}
}

func TestSignCavageReplacesStaleHeaders(t *testing.T) {
	rsaKey := readPrivateKey(t, "mastodon/bob.priv.pem")
	req := httptest.NewRequest("POST", "https://b.example/inbox", strings.NewReader("new"))
	req.Header.Set("Signature", "stale")
	req.Header.Set("Digest", "sha-256=stale")
	require.NoError(t, SignCavage(req, []byte("new"), SigningKey{KeyID: "k", Key: rsaKey}, CavageOptions{}))
	assert.Len(t, req.Header.Values("Signature"), 1)
	assert.Equal(t, DigestHeader([]byte("new")), req.Header.Get("Digest"))
	assert.True(t, strings.HasPrefix(req.Header.Get("Digest"), "SHA-256="))
	_, err := time.Parse(http.TimeFormat, req.Header.Get("Date"))
	require.NoError(t, err)
}

func TestSignCavageExpiresDefault(t *testing.T) {
	rsaKey := readPrivateKey(t, "mastodon/bob.priv.pem")
	req := httptest.NewRequest("GET", "https://b.example/", nil)
	now := time.Unix(1700000000, 0)
	require.NoError(t, SignCavage(req, nil, SigningKey{KeyID: "k", Key: rsaKey},
		CavageOptions{Headers: []string{"(request-target)", "(created)", "(expires)"}, Now: clockAt(now)}))
	p, err := parseCavageSignature(req.Header.Get("Signature"))
	require.NoError(t, err)
	assert.Equal(t, int64(1700000000), p.created)
	assert.Equal(t, int64(1700000300), p.expires)
	assert.Equal(t, "hs2019", p.algorithm)
}

// Signing is safe from many goroutines at once (go-fed/httpsig signers are
// not, so each call has its own).
func TestSignCavageConcurrent(t *testing.T) {
	rsaKey := readPrivateKey(t, "mastodon/bob.priv.pem")
	_, edKey := genEd25519(t)
	resolver := keyTable{"rsa": {KeyID: "rsa", Key: rsaKey.Public()}, "ed": {KeyID: "ed", Key: edKey.Public()}}
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			key := SigningKey{KeyID: "rsa", Key: rsaKey}
			if i%2 == 1 {
				key = SigningKey{KeyID: "ed", Key: edKey}
			}
			body := bytes.Repeat([]byte{byte(i)}, i)
			req := httptest.NewRequest("POST", "https://b.example/inbox", bytes.NewReader(body))
			if !assert.NoError(t, SignCavage(req, body, key, CavageOptions{Now: clockAt(verifierNow)})) {
				return
			}
			_, err := VerifyCavage(context.Background(), req, body, resolver, CavagePolicy{Now: clockAt(verifierNow)})
			assert.NoError(t, err)
		})
	}
	wg.Wait()
}

// What the servers of the fediverse send, each in its own shape, verifies.
func TestVerifyCavageServerShapes(t *testing.T) {
	rsaKey := readPrivateKey(t, "mastodon/bob.priv.pem").(*rsa.PrivateKey)
	body := []byte(`{"type":"Create"}`)
	cases := []struct {
		name, method, keyID, params, headers string
	}{
		{"Mastodon POST", "POST", "https://a.example/users/alice#main-key", `algorithm="rsa-sha256",`, "(request-target) host date digest content-type"},
		{"Mastodon GET as instance actor", "GET", "https://a.example/actor#main-key", `algorithm="rsa-sha256",`, "(request-target) host date accept"},
		{"GoToSocial POST", "POST", "https://a.example/users/alice/main-key", `algorithm="hs2019",`, "(request-target) host date digest"},
		{"GoToSocial GET", "GET", "https://a.example/users/alice/main-key", `algorithm="hs2019",`, "(request-target) host date"},
		{"Misskey POST", "POST", "https://a.example/users/9abc#main-key", `algorithm="rsa-sha256",`, "(request-target) date host digest"},
		{"Akkoma POST", "POST", "https://a.example/users/alice#main-key", `algorithm="rsa-sha256",`, "(request-target) content-length date digest host"},
		{"no algorithm", "POST", "https://a.example/users/alice#main-key", ``, "(request-target) host date digest"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b []byte
			if c.method == "POST" {
				b = body
			}
			req := httptest.NewRequest(c.method, "https://b.example/users/bob/inbox", bytes.NewReader(b))
			req.Header.Set("Date", verifierNow.Format(http.TimeFormat))
			req.Header.Set("Accept", "application/activity+json")
			req.Header.Set("Content-Type", "application/activity+json")
			req.Header.Set("Content-Length", "17")
			if b != nil {
				req.Header.Set("Digest", DigestHeader(b))
			}
			s, err := cavageSigningString(req, strings.Fields(c.headers), "/users/bob/inbox", "b.example", 0, 0)
			require.NoError(t, err)
			h := sha256.Sum256([]byte(s))
			sig, err := rsa.SignPKCS1v15(nil, rsaKey, crypto.SHA256, h[:])
			require.NoError(t, err)
			req.Header.Set("Signature", `keyId="`+c.keyID+`",`+c.params+`headers="`+c.headers+`",signature="`+base64.StdEncoding.EncodeToString(sig)+`"`)

			resolver := keyTable{c.keyID: {KeyID: c.keyID, Key: &rsaKey.PublicKey}}
			got, err := VerifyCavage(context.Background(), req, b, resolver, CavagePolicy{Now: clockAt(verifierNow)})
			require.NoError(t, err)
			assert.Equal(t, c.keyID, got.KeyID)
			assert.Equal(t, strings.Fields(c.headers), got.Components)
		})
	}
}

// TestSignedAsSent checks that both families sign the Host and
// Content-Length net/http sends (Request.Host or the URL's host, the body's
// length), not values a caller left in the header map, which net/http
// ignores on the way out.
func TestSignedAsSent(t *testing.T) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	key := SigningKey{KeyID: testKeyID, Key: priv}
	results := make(chan error, 1)
	v := &Verifier{Resolver: edResolver(priv)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := v.Verify(r.Context(), r)
		results <- err
	}))
	defer srv.Close()
	body := []byte(`{"type":"Like"}`)
	cases := []struct {
		name, method, header, value string
		body                        []byte
		cavage, rfc9421             []string
	}{
		{"host", http.MethodGet, "Host", "elsewhere.example", nil,
			[]string{"(request-target)", "host", "date"},
			[]string{"@method", "@target-uri", "host"}},
		{"content-length", http.MethodPost, "Content-Length", "999", body,
			[]string{"(request-target)", "host", "date", "digest", "content-length"},
			[]string{"@method", "@target-uri", "content-digest", "content-length"}},
	}
	for _, c := range cases {
		for _, family := range []Family{Cavage, RFC9421} {
			t.Run(c.name+"/"+family.String(), func(t *testing.T) {
				req, err := http.NewRequest(c.method, srv.URL+"/inbox", bytes.NewReader(c.body))
				require.NoError(t, err)
				req.Header.Set(c.header, c.value)
				if family == Cavage {
					require.NoError(t, SignCavage(req, c.body, key, CavageOptions{Headers: c.cavage}))
				} else {
					require.NoError(t, SignRFC9421(req, c.body, key, RFC9421Options{Components: c.rfc9421}))
				}
				resp, err := srv.Client().Do(req)
				require.NoError(t, err)
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				require.NoError(t, <-results)
			})
		}
	}
}

// TestSignCavageEmptyMethod checks that a request with an empty Method,
// which net/http sends as GET, is signed as a GET on both signing paths.
func TestSignCavageEmptyMethod(t *testing.T) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	key := SigningKey{KeyID: testKeyID, Key: priv}
	for _, headers := range [][]string{nil, {"(request-target)", "host", "date", "(created)"}} {
		req := httptest.NewRequest(http.MethodGet, "https://remote.example/users/bob", nil)
		req.Method = ""
		require.NoError(t, SignCavage(req, nil, key, CavageOptions{Headers: headers, Now: clockAt(verifierNow)}))
		req.Method = http.MethodGet // as the peer receives it
		_, err := VerifyCavage(context.Background(), req, nil, edResolver(priv), CavagePolicy{Now: clockAt(verifierNow)})
		require.NoError(t, err, "%v", headers)
	}
}
