package httpsig

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/httpsig/internal/sfv"
)

func TestSignRFC9421Defaults(t *testing.T) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	key := SigningKey{KeyID: testKeyID, Key: priv}
	now := func() time.Time { return signedTime }

	t.Run("GET", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodGet, "https://remote.example/users/bob", nil)
		require.NoError(t, SignRFC9421(req, nil, key, RFC9421Options{Now: now}))
		assert.Equal(t, `sig1=("@method" "@target-uri" "date");created=1772366400;keyid="`+testKeyID+`"`, req.Header.Get("Signature-Input"))
		assert.Equal(t, "Sun, 01 Mar 2026 12:00:00 GMT", req.Header.Get("Date"))
		assert.Empty(t, req.Header.Get("Content-Digest"))
		assert.Regexp(t, `^sig1=:[A-Za-z0-9+/]{86}==:$`, req.Header.Get("Signature"))
	})
	t.Run("POST", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodPost, testInbox, strings.NewReader(testBody))
		req.Header.Set("Content-Type", "application/activity+json")
		req.Header.Set("Date", "Sun, 01 Mar 2026 11:59:59 GMT")
		require.NoError(t, SignRFC9421(req, []byte(testBody), key, RFC9421Options{Now: now}))
		assert.Equal(t, `sig1=("@method" "@target-uri" "date" "content-digest" "content-type");created=1772366400;keyid="`+testKeyID+`"`, req.Header.Get("Signature-Input"))
		assert.Equal(t, "Sun, 01 Mar 2026 11:59:59 GMT", req.Header.Get("Date"), "kept")
		cd, err := ContentDigest([]byte(testBody))
		require.NoError(t, err)
		assert.Equal(t, cd, req.Header.Get("Content-Digest"))
	})
	t.Run("POST without content type", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodPost, testInbox, nil)
		require.NoError(t, SignRFC9421(req, nil, key, RFC9421Options{Now: now}))
		assert.Equal(t, `sig1=("@method" "@target-uri" "date" "content-digest");created=1772366400;keyid="`+testKeyID+`"`, req.Header.Get("Signature-Input"))
		assert.Equal(t, "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:", req.Header.Get("Content-Digest"))
	})
	t.Run("response", func(t *testing.T) {
		resp := &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/activity+json"}}}
		require.NoError(t, SignResponseRFC9421(resp, []byte(testBody), key, RFC9421Options{Now: now}))
		assert.Equal(t, `sig1=("@status" "content-digest" "content-type");created=1772366400;keyid="`+testKeyID+`"`, resp.Header.Get("Signature-Input"))
		_, err := VerifyResponseRFC9421(context.Background(), resp, []byte(testBody), edResolver(priv), RFC9421Policy{Now: now})
		require.NoError(t, err)
		_, err = VerifyResponseRFC9421(context.Background(), resp, []byte("{}"), edResolver(priv), RFC9421Policy{Now: now})
		require.ErrorIs(t, err, ErrDigestMismatch)
	})
}

// edResolver resolves testKeyID to the public half of k.
func edResolver(k ed25519.PrivateKey) KeyResolver {
	return fixture{ed: k}.resolver()
}

func TestSignRFC9421Options(t *testing.T) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	key := SigningKey{KeyID: testKeyID, Key: priv}
	req := httptest.NewRequest(http.MethodGet, "https://remote.example/search?q=go&page=2", nil)
	req.Header.Set("Accept", "application/activity+json")
	opts := RFC9421Options{
		Components: []string{"@method", "@authority", "@path", `@query-param;name="q"`, "Accept"},
		Label:      "mine",
		Now:        func() time.Time { return signedTime },
		Expires:    90 * time.Second,
		Nonce:      "n-1",
		Tag:        "fediverse",
		IncludeAlg: true,
	}
	require.NoError(t, SignRFC9421(req, nil, key, opts))
	assert.Equal(t, `mine=("@method" "@authority" "@path" "@query-param";name="q" "accept");created=1772366400;keyid="`+testKeyID+`";alg="ed25519";expires=1772366490;nonce="n-1";tag="fediverse"`, req.Header.Get("Signature-Input"))
	assert.Empty(t, req.Header.Get("Date"), "date not covered, not set")

	// A second signature is added beside the first; the same label replaces.
	require.NoError(t, SignRFC9421(req, nil, key, RFC9421Options{Now: opts.Now, Components: []string{"@method"}}))
	require.NoError(t, SignRFC9421(req, nil, key, RFC9421Options{Now: opts.Now, Components: []string{"@path"}}))
	in := req.Header.Get("Signature-Input")
	assert.True(t, strings.HasPrefix(in, `mine=(`))
	assert.Contains(t, in, `, sig1=("@path");created=1772366400`)
	sigs, err := sfv.ParseDictionary(req.Header.Get("Signature"))
	require.NoError(t, err)
	assert.Len(t, sigs, 2)

	got, err := VerifyRFC9421(context.Background(), req, nil, edResolver(priv), RFC9421Policy{
		Label: "mine", Now: opts.Now, RequiredComponents: []string{`@query-param;name="q"`, "accept"},
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"@method", "@authority", "@path", `@query-param;name="q"`, "accept"}, got.Components)
}

func TestSignRFC9421Errors(t *testing.T) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	key := SigningKey{KeyID: testKeyID, Key: priv}
	tests := []struct {
		name  string
		key   SigningKey
		opts  RFC9421Options
		setup func(*http.Request)
		want  error
	}{
		{name: "no key id", key: SigningKey{Key: priv}},
		{name: "unknown key type", key: SigningKey{KeyID: "k", Key: "secret"}, want: ErrKeyType},
		{name: "key does not fit algorithm", key: SigningKey{KeyID: "k", Key: priv, Algorithm: RSAv15SHA256}, want: ErrKeyType},
		{name: "unknown algorithm", key: SigningKey{KeyID: "k", Key: priv, Algorithm: "hs2019"}, want: ErrUnknownAlgorithm},
		{name: "bad label", key: key, opts: RFC9421Options{Label: "Sig 1"}},
		{name: "bad component", key: key, opts: RFC9421Options{Components: []string{"@method;name=("}}},
		{name: "unknown derived component", key: key, opts: RFC9421Options{Components: []string{"@body"}}, want: ErrMalformed},
		{name: "component twice", key: key, opts: RFC9421Options{Components: []string{"@method", "@METHOD"}}},
		{name: "missing header", key: key, opts: RFC9421Options{Components: []string{"@method", "x-missing"}}, want: ErrMissingHeader},
		{name: "status on request", key: key, opts: RFC9421Options{Components: []string{"@status"}}, want: ErrMalformed},
		{name: "content-digest does not fit body", key: key, setup: func(r *http.Request) {
			r.Header.Set("Content-Digest", "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:")
		}, want: ErrDigestMismatch},
		{name: "malformed existing signature header", key: key, setup: func(r *http.Request) {
			r.Header.Set("Signature", `keyId="k",signature="abc"`)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, testInbox, strings.NewReader(testBody))
			if tt.setup != nil {
				tt.setup(req)
			}
			err := SignRFC9421(req, []byte(testBody), tt.key, tt.opts)
			require.Error(t, err)
			if tt.want != nil {
				assert.ErrorIs(t, err, tt.want)
			}
			assert.Empty(t, req.Header.Get("Signature-Input"))
		})
	}
}
