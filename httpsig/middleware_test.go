package httpsig

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMiddleware(t *testing.T) {
	rsaKey := readPrivateKey(t, "mastodon/bob.priv.pem")
	const keyID = "https://a.example/users/alice#main-key"
	resolver := KeyResolverFunc(func(_ context.Context, id string) (*VerificationKey, error) {
		switch id {
		case keyID:
			return &VerificationKey{KeyID: id, Owner: "https://a.example/users/alice", Key: rsaKey.Public()}, nil
		case "broken":
			return nil, errors.New("fetching https://10.0.0.7/key: connection refused")
		}
		return nil, ErrUnknownKey
	})
	// The handler reports who signed and what body it read.
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		require.NoError(t, err)
		v, ok := FromContext(r.Context())
		if !ok {
			_, _ = io.WriteString(w, "anonymous:"+string(b))
			return
		}
		_, _ = io.WriteString(w, v.Owner+":"+string(b))
	})
	body := []byte(`{"type":"Like"}`)

	cases := []struct {
		name       string
		optional   bool
		req        func() *http.Request
		wantStatus int
		wantBody   string
	}{
		{"cavage", false, func() *http.Request { return signedPOST(t, Cavage, SigningKey{KeyID: keyID, Key: rsaKey}, body) },
			200, "https://a.example/users/alice:" + string(body)},
		{"rfc9421", false, func() *http.Request { return signedPOST(t, RFC9421, SigningKey{KeyID: keyID, Key: rsaKey}, body) },
			200, "https://a.example/users/alice:" + string(body)},
		{"unsigned", false, func() *http.Request {
			return httptest.NewRequest("POST", "https://b.example/inbox", bytes.NewReader(body))
		}, 401, "request is not signed\n"},
		{"unsigned, optional", true, func() *http.Request {
			return httptest.NewRequest("POST", "https://b.example/inbox", bytes.NewReader(body))
		}, 200, "anonymous:" + string(body)},
		{"bad signature, optional", true, func() *http.Request {
			req := signedPOST(t, Cavage, SigningKey{KeyID: keyID, Key: rsaKey}, body)
			req.Host = "c.example"
			return req
		}, 401, "signature does not verify\n"},
		{"digest mismatch", false, func() *http.Request {
			req := signedPOST(t, Cavage, SigningKey{KeyID: keyID, Key: rsaKey}, body)
			req.Body = io.NopCloser(strings.NewReader(`{"type":"Block"}`))
			return req
		}, 401, "digest does not match body\n"},
		{"resolver failure does not leak", false, func() *http.Request {
			return signedPOST(t, Cavage, SigningKey{KeyID: "broken", Key: rsaKey}, body)
		}, 401, "signature could not be checked\n"},
		{"too large", false, func() *http.Request {
			return signedPOST(t, Cavage, SigningKey{KeyID: keyID, Key: rsaKey}, bytes.Repeat([]byte("a"), 2000))
		}, 413, "body too large\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := &Verifier{Resolver: resolver, Now: clockAt(verifierNow), MaxBodyBytes: 1000, Optional: c.optional}
			rec := httptest.NewRecorder()
			v.Middleware(handler).ServeHTTP(rec, c.req())
			assert.Equal(t, c.wantStatus, rec.Code)
			assert.Equal(t, c.wantBody, rec.Body.String())
			if c.wantStatus != 200 {
				assert.Equal(t, "text/plain; charset=utf-8", rec.Header().Get("Content-Type"))
				assert.NotContains(t, rec.Body.String(), "10.0.0.7")
			}
		})
	}

	t.Run("over real HTTP", func(t *testing.T) {
		v := &Verifier{Resolver: resolver, Now: clockAt(verifierNow)}
		srv := httptest.NewServer(v.Middleware(handler))
		defer srv.Close()
		client := &http.Client{Transport: &Transport{
			Base: srv.Client().Transport, Key: SigningKey{KeyID: keyID, Key: rsaKey}, Now: clockAt(verifierNow),
		}}
		resp, err := client.Post(srv.URL+"/inbox", "application/activity+json", bytes.NewReader(body))
		require.NoError(t, err)
		defer resp.Body.Close()
		got, _ := io.ReadAll(resp.Body)
		assert.Equal(t, 200, resp.StatusCode)
		assert.Equal(t, "https://a.example/users/alice:"+string(body), string(got))
	})
}

func TestFromContext(t *testing.T) {
	_, ok := FromContext(context.Background())
	assert.False(t, ok)
	_, ok = FromContext(NewContext(context.Background(), nil))
	assert.False(t, ok)
	v := &Verified{KeyID: "k"}
	got, ok := FromContext(NewContext(context.Background(), v))
	assert.True(t, ok)
	assert.Same(t, v, got)
}

func TestPublicReason(t *testing.T) {
	for _, err := range []error{ErrNoSignature, ErrMalformed, ErrUnknownAlgorithm, ErrMissingComponent, ErrMissingHeader,
		ErrDigestMismatch, ErrExpired, ErrNotYetValid, ErrUnknownKey, ErrKeyType, ErrBadSignature, ErrTooManySignatures, ErrBodyTooLarge} {
		r := PublicReason(&VerifyError{Family: Cavage, KeyID: "https://secret.example/k", Err: err})
		assert.NotEqual(t, "signature could not be checked", r, err.Error())
		assert.NotContains(t, r, "secret")
	}
}
