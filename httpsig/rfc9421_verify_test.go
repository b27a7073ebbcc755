package httpsig

import (
	"bufio"
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"fmt"
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

// signedTime is when the requests of these tests are signed.
var signedTime = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const (
	testKeyID    = "https://example.com/users/alice#main-key"
	testInbox    = "https://remote.example/users/bob/inbox"
	testBody     = `{"type":"Follow","actor":"https://example.com/users/alice"}`
	testRSAKeyID = "https://example.com/users/carol#main-key"
)

// fixture holds keys shared by the table tests.
type fixture struct {
	ed  ed25519.PrivateKey
	rsa SigningKey
}

func newFixture(t testing.TB) fixture {
	t.Helper()
	_, ed, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	return fixture{ed: ed, rsa: SigningKey{KeyID: testRSAKeyID, Key: testRSAKey(t)}}
}

func (f fixture) signingKey() SigningKey { return SigningKey{KeyID: testKeyID, Key: f.ed} }

func (f fixture) resolver() KeyResolver {
	return KeyResolverFunc(func(_ context.Context, keyID string) (*VerificationKey, error) {
		switch keyID {
		case testKeyID:
			return &VerificationKey{KeyID: keyID, Owner: "https://example.com/users/alice", Key: f.ed.Public()}, nil
		case "https://example.com/raw":
			return &VerificationKey{KeyID: keyID, Key: []byte("raw public key bytes, 32 long!!!")}, nil
		case testRSAKeyID:
			return &VerificationKey{KeyID: keyID, Owner: "https://example.com/users/carol", Key: f.rsa.Key.(crypto.Signer).Public()}, nil
		}
		return nil, ErrUnknownKey
	})
}

// signedPost returns a POST to testInbox signed with opts (Now defaults to
// signedTime).
func (f fixture) signedPost(t testing.TB, opts RFC9421Options) *http.Request {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, testInbox, strings.NewReader(testBody))
	req.Header.Set("Content-Type", "application/activity+json")
	if opts.Now == nil {
		opts.Now = func() time.Time { return signedTime }
	}
	require.NoError(t, SignRFC9421(req, []byte(testBody), f.signingKey(), opts))
	return req
}

func at(d time.Duration) func() time.Time {
	return func() time.Time { return signedTime.Add(d) }
}

// verifyCases are the bad inputs of the verify table; each mutates a
// freshly signed POST. They also seed FuzzVerifyRFC9421.
var verifyCases = []struct {
	name   string
	opts   RFC9421Options
	mutate func(f fixture, req *http.Request)
	body   string // if set, the body handed to the verifier
	policy RFC9421Policy
	want   error
	keyID  string // expected VerifyError.KeyID
}{
	{name: "valid", keyID: testKeyID},
	{name: "unsigned", mutate: func(_ fixture, r *http.Request) { r.Header.Del("Signature-Input"); r.Header.Del("Signature") }, want: ErrNoSignature},
	{name: "cavage signature only", mutate: func(_ fixture, r *http.Request) {
		r.Header.Del("Signature-Input")
		r.Header.Set("Signature", `keyId="k",algorithm="hs2019",headers="date",signature="AAAA"`)
	}, want: ErrNoSignature},
	{name: "signature-input without signature", mutate: func(_ fixture, r *http.Request) { r.Header.Del("Signature") }, want: ErrMalformed},
	{name: "unknown algorithm", mutate: setInput(`sig1=("@method" "@target-uri" "content-digest");created=1772366400;keyid="` + testKeyID + `";alg="rsa-sha1"`), want: ErrUnknownAlgorithm, keyID: testKeyID},
	{name: "algorithm not allowed", opts: RFC9421Options{IncludeAlg: true}, policy: RFC9421Policy{Algorithms: []Algorithm{RSAv15SHA256}}, want: ErrUnknownAlgorithm, keyID: testKeyID},
	{name: "alg disagrees with key", mutate: setInput(`sig1=("@method" "@target-uri" "date" "content-digest" "content-type");created=1772366400;keyid="` + testKeyID + `";alg="rsa-pss-sha512"`), policy: RFC9421Policy{}, want: ErrKeyType, keyID: testKeyID},
	{name: "too few components", opts: RFC9421Options{Components: []string{"@method", "content-digest"}}, want: ErrMissingComponent, keyID: testKeyID},
	{name: "post without content-digest", opts: RFC9421Options{Components: []string{"@method", "@target-uri"}}, want: ErrMissingComponent, keyID: testKeyID},
	{name: "content-digest mismatch", mutate: func(_ fixture, r *http.Request) {
		r.Header.Set("Content-Digest", "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:")
	}, want: ErrDigestMismatch, keyID: testKeyID},
	{name: "body altered after signing", body: `{"type":"Follow","actor":"https://evil.example/"}`, want: ErrDigestMismatch, keyID: testKeyID},
	{name: "body and digest replaced", body: "{}", mutate: func(_ fixture, r *http.Request) {
		cd, _ := ContentDigest([]byte("{}"))
		r.Header.Set("Content-Digest", cd)
	}, want: ErrBadSignature, keyID: testKeyID},
	{name: "content-digest removed", mutate: func(_ fixture, r *http.Request) { r.Header.Del("Content-Digest") }, want: ErrMissingHeader, keyID: testKeyID},
	{name: "unknown digest algorithm", mutate: func(_ fixture, r *http.Request) {
		r.Header.Set("Content-Digest", "md5=:aGk=:")
	}, want: ErrUnknownAlgorithm, keyID: testKeyID},
	{name: "expired", policy: RFC9421Policy{Now: at(2 * time.Hour)}, want: ErrExpired, keyID: testKeyID},
	{name: "replayed outside window", policy: RFC9421Policy{Now: at(time.Hour + 6*time.Minute)}, want: ErrExpired, keyID: testKeyID},
	{name: "replayed inside window", policy: RFC9421Policy{Now: at(time.Hour + 4*time.Minute)}, keyID: testKeyID},
	{name: "explicit expires passed", opts: RFC9421Options{Expires: time.Minute}, policy: RFC9421Policy{Now: at(time.Minute + time.Hour + time.Second)}, want: ErrExpired, keyID: testKeyID},
	{name: "expires beyond cap", opts: RFC9421Options{Expires: 48 * time.Hour}, policy: RFC9421Policy{Now: at(14 * time.Hour)}, want: ErrExpired, keyID: testKeyID},
	{name: "created in the future", policy: RFC9421Policy{Now: at(-2 * time.Hour)}, want: ErrNotYetValid, keyID: testKeyID},
	{name: "expires before created", mutate: setInput(`sig1=("@method" "@target-uri" "content-digest");created=1772366400;expires=1772366000;keyid="` + testKeyID + `"`), want: ErrMalformed, keyID: testKeyID},
	{name: "keyid with no key", mutate: setInput(`sig1=("@method" "@target-uri" "date" "content-digest" "content-type");created=1772366400;keyid="https://example.com/nobody"`), want: ErrUnknownKey, keyID: "https://example.com/nobody"},
	{name: "key of wrong type", opts: RFC9421Options{IncludeAlg: true}, mutate: func(f fixture, r *http.Request) {
		r.Header.Set("Signature-Input", strings.Replace(r.Header.Get("Signature-Input"), testKeyID, testRSAKeyID, 1))
	}, want: ErrKeyType, keyID: testRSAKeyID},
	{name: "hmac with an unmarked secret", mutate: func(_ fixture, r *http.Request) {
		secret := []byte("raw public key bytes, 32 long!!!")
		req := httptest.NewRequest(http.MethodPost, testInbox, strings.NewReader(testBody))
		_ = SignRFC9421(req, []byte(testBody), SigningKey{KeyID: "https://example.com/raw", Key: secret}, RFC9421Options{Now: at(0), IncludeAlg: true})
		for _, h := range []string{"Signature-Input", "Signature", "Content-Digest", "Date"} {
			r.Header.Set(h, req.Header.Get(h))
		}
	}, want: ErrUnknownAlgorithm, keyID: "https://example.com/raw"},
	{name: "other key", mutate: func(f fixture, r *http.Request) {
		r.Header.Set("Signature-Input", strings.Replace(r.Header.Get("Signature-Input"), testKeyID, testRSAKeyID, 1))
	}, want: ErrBadSignature, keyID: testRSAKeyID},
	{name: "method changed", mutate: func(_ fixture, r *http.Request) { r.Method = http.MethodPut }, want: ErrBadSignature, keyID: testKeyID},
	{name: "target changed", mutate: func(_ fixture, r *http.Request) { r.URL.Path = "/users/eve/inbox" }, want: ErrBadSignature, keyID: testKeyID},
	{name: "signature flipped", mutate: func(_ fixture, r *http.Request) {
		s := r.Header.Get("Signature")
		r.Header.Set("Signature", s[:10]+flip(s[10])+s[11:])
	}, want: ErrBadSignature, keyID: testKeyID},
	{name: "truncated signature-input", mutate: func(_ fixture, r *http.Request) {
		s := r.Header.Get("Signature-Input")
		r.Header.Set("Signature-Input", s[:len(s)/2])
	}, want: ErrMalformed},
	{name: "truncated signature", mutate: func(_ fixture, r *http.Request) {
		s := r.Header.Get("Signature")
		r.Header.Set("Signature", s[:len(s)-5])
	}, want: ErrMalformed},
	{name: "duplicated parameter", mutate: setInput(`sig1=("@method" "@target-uri" "content-digest");created=1772366400;created=1772366401;keyid="` + testKeyID + `"`), want: ErrMalformed},
	{name: "duplicated label", mutate: func(_ fixture, r *http.Request) {
		r.Header.Add("Signature-Input", r.Header.Get("Signature-Input"))
	}, want: ErrMalformed},
	{name: "duplicated component", mutate: setInput(`sig1=("@method" "@method" "@target-uri" "content-digest");created=1772366400;keyid="` + testKeyID + `"`), want: ErrMalformed, keyID: testKeyID},
	{name: "bad base64", mutate: func(_ fixture, r *http.Request) { r.Header.Set("Signature", "sig1=:not*base64:") }, want: ErrMalformed},
	{name: "signature not a byte sequence", mutate: func(_ fixture, r *http.Request) { r.Header.Set("Signature", `sig1="abc"`) }, want: ErrMalformed, keyID: testKeyID},
	{name: "signature for another label", mutate: func(_ fixture, r *http.Request) {
		r.Header.Set("Signature", strings.Replace(r.Header.Get("Signature"), "sig1=", "sig2=", 1))
	}, want: ErrMalformed, keyID: testKeyID},
	{name: "huge header", mutate: func(_ fixture, r *http.Request) {
		r.Header.Set("Signature-Input", r.Header.Get("Signature-Input")+`;nonce="`+strings.Repeat("n", 20000)+`"`)
	}, want: ErrMalformed},
	{name: "huge integer", mutate: setInput(`sig1=("@method" "@target-uri" "content-digest");created=99999999999999999;keyid="` + testKeyID + `"`), want: ErrMalformed},
	{name: "created far in the future", mutate: setInput(`sig1=("@method" "@target-uri" "content-digest");created=999999999999999;keyid="` + testKeyID + `"`), want: ErrNotYetValid, keyID: testKeyID},
	{name: "created is a string", mutate: setInput(`sig1=("@method" "@target-uri" "content-digest");created="1772366400";keyid="` + testKeyID + `"`), want: ErrMalformed, keyID: testKeyID},
	{name: "no keyid", mutate: setInput(`sig1=("@method" "@target-uri" "content-digest");created=1772366400`), want: ErrMalformed},
	{name: "no created", mutate: setInput(`sig1=("@method" "@target-uri" "content-digest");keyid="` + testKeyID + `"`), want: ErrMalformed, keyID: testKeyID},
	{name: "member is not an inner list", mutate: setInput(`sig1="@method";keyid="k"`), want: ErrMalformed, keyID: "k"},
	{name: "unknown derived component", mutate: setInput(`sig1=("@method" "@target-uri" "@body");created=1772366400;keyid="` + testKeyID + `"`), want: ErrMalformed, keyID: testKeyID},
	{name: "upper-case field name", mutate: setInput(`sig1=("@method" "@target-uri" "Content-Digest");created=1772366400;keyid="` + testKeyID + `"`), want: ErrMalformed, keyID: testKeyID},
	{name: "trailer component", mutate: setInput(`sig1=("@method" "@target-uri" "content-digest";tr);created=1772366400;keyid="` + testKeyID + `"`), want: ErrMalformed, keyID: testKeyID},
	{name: "status on a request", mutate: setInput(`sig1=("@method" "@target-uri" "content-digest" "@status");created=1772366400;keyid="` + testKeyID + `"`), want: ErrMalformed, keyID: testKeyID},
	{name: "two signatures where one is required", mutate: func(f fixture, r *http.Request) {
		_ = SignRFC9421(r, []byte(testBody), f.rsa, RFC9421Options{Label: "sig2", Now: at(0)})
	}, want: ErrTooManySignatures},
	{name: "two signatures allowed", policy: RFC9421Policy{AllowMultiple: true}, mutate: func(f fixture, r *http.Request) {
		_ = SignRFC9421(r, []byte(testBody), f.rsa, RFC9421Options{Label: "sig0", Now: at(0)})
	}, keyID: testKeyID},
	{name: "too many signatures even when several are allowed", policy: RFC9421Policy{AllowMultiple: true}, mutate: func(_ fixture, r *http.Request) {
		var in, sig []string
		for i := range 9 {
			in = append(in, fmt.Sprintf(`s%d=("@method");created=1772366400;keyid="k%d"`, i, i))
			sig = append(sig, fmt.Sprintf("s%d=:AAAA:", i))
		}
		r.Header.Set("Signature-Input", strings.Join(in, ", "))
		r.Header.Set("Signature", strings.Join(sig, ", "))
	}, want: ErrTooManySignatures},
	{name: "label not present", policy: RFC9421Policy{Label: "other"}, want: ErrNoSignature},
}

func setInput(v string) func(fixture, *http.Request) {
	return func(_ fixture, r *http.Request) { r.Header.Set("Signature-Input", v) }
}

func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}

func TestVerifyRFC9421Table(t *testing.T) {
	f := newFixture(t)
	for _, tt := range verifyCases {
		t.Run(tt.name, func(t *testing.T) {
			req := f.signedPost(t, tt.opts)
			if tt.mutate != nil {
				tt.mutate(f, req)
			}
			body := testBody
			if tt.body != "" {
				body = tt.body
			}
			policy := tt.policy
			if policy.Now == nil {
				policy.Now = at(10 * time.Second)
			}
			got, err := VerifyRFC9421(context.Background(), req, []byte(body), f.resolver(), policy)
			if tt.want == nil {
				require.NoError(t, err)
				assert.Equal(t, RFC9421, got.Family)
				assert.Equal(t, tt.keyID, got.KeyID)
				assert.NotEmpty(t, got.Owner)
				assert.Equal(t, signedTime, got.Created)
				return
			}
			require.ErrorIs(t, err, tt.want)
			var ve *VerifyError
			require.ErrorAs(t, err, &ve)
			if tt.want == ErrNoSignature && tt.policy.Label == "" {
				assert.Zero(t, ve.Family)
			} else {
				assert.Equal(t, RFC9421, ve.Family)
			}
			assert.Equal(t, tt.keyID, ve.KeyID)
			assert.NotEmpty(t, err.Error())
		})
	}
}

func TestVerifyRFC9421ResolverErrors(t *testing.T) {
	f := newFixture(t)
	req := f.signedPost(t, RFC9421Options{})
	policy := RFC9421Policy{Now: at(0)}
	netErr := errors.New("connection refused")
	failing := KeyResolverFunc(func(context.Context, string) (*VerificationKey, error) { return nil, netErr })
	_, err := VerifyRFC9421(context.Background(), req, []byte(testBody), failing, policy)
	assert.NotErrorIs(t, err, ErrUnknownKey, "a failed fetch is not a key that does not exist")
	assert.ErrorIs(t, err, netErr)
	var ve *VerifyError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, testKeyID, ve.KeyID)
	assert.Equal(t, "signature could not be checked", PublicReason(err), "as for draft-cavage")

	nilKey := KeyResolverFunc(func(context.Context, string) (*VerificationKey, error) { return nil, nil })
	_, err = VerifyRFC9421(context.Background(), req, []byte(testBody), nilKey, policy)
	assert.ErrorIs(t, err, ErrUnknownKey)

	_, err = VerifyRFC9421(context.Background(), req, []byte(testBody), nil, policy)
	assert.ErrorIs(t, err, ErrUnknownKey)

	called := false
	counting := KeyResolverFunc(func(context.Context, string) (*VerificationKey, error) { called = true; return nil, ErrUnknownKey })
	_, err = VerifyRFC9421(context.Background(), req, []byte(testBody), counting, RFC9421Policy{Now: at(3 * time.Hour)})
	assert.ErrorIs(t, err, ErrExpired)
	assert.False(t, called, "no key is fetched for a request the policy refuses")
}

// TestRFC9421OverHTTP signs with each algorithm on the client side and
// verifies on a loopback server, with the zero policy (Mastodon's).
func TestRFC9421OverHTTP(t *testing.T) {
	f := newFixture(t)
	type result struct {
		v   *Verified
		err error
	}
	results := make(chan result, 1)
	var (
		mu   sync.Mutex
		keys map[string]*VerificationKey
	)
	resolver := KeyResolverFunc(func(_ context.Context, keyID string) (*VerificationKey, error) {
		mu.Lock()
		defer mu.Unlock()
		if k, ok := keys[keyID]; ok {
			return k, nil
		}
		return nil, ErrUnknownKey
	})
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		v, err := VerifyRFC9421(r.Context(), r, body, resolver, RFC9421Policy{})
		results <- result{v, err}
		w.WriteHeader(http.StatusAccepted)
	})
	plain := httptest.NewServer(handler)
	defer plain.Close()
	tlsSrv := httptest.NewTLSServer(handler)
	defer tlsSrv.Close()

	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	secret := []byte("0123456789abcdef0123456789abcdef")
	signers := []struct {
		alg  Algorithm
		priv any
		pub  any
	}{
		{RSAv15SHA256, f.rsa.Key, f.rsa.Key.(crypto.Signer).Public()},
		{RSAPSSSHA512, f.rsa.Key, f.rsa.Key.(crypto.Signer).Public()},
		{ECDSAP256SHA256, ecKey, ecKey.Public()},
		{Ed25519, f.ed, f.ed.Public()},
		{HMACSHA256, secret, secret},
	}
	for _, srv := range []*httptest.Server{plain, tlsSrv} {
		for _, s := range signers {
			for _, method := range []string{http.MethodGet, http.MethodPost} {
				t.Run(srv.URL[:5]+"/"+string(s.alg)+"/"+method, func(t *testing.T) {
					keyID := "https://example.com/keys/" + string(s.alg)
					mu.Lock()
					keys = map[string]*VerificationKey{keyID: {KeyID: keyID, Key: s.pub, Algorithm: s.alg}}
					mu.Unlock()
					var body []byte
					if method == http.MethodPost {
						body = []byte(testBody)
					}
					req, err := http.NewRequest(method, srv.URL+"/users/bob/inbox?page=1", bytes.NewReader(body))
					require.NoError(t, err)
					if body != nil {
						req.Header.Set("Content-Type", "application/activity+json")
					}
					require.NoError(t, SignRFC9421(req, body, SigningKey{KeyID: keyID, Key: s.priv, Algorithm: s.alg}, RFC9421Options{IncludeAlg: true}))
					resp, err := srv.Client().Do(req)
					require.NoError(t, err)
					resp.Body.Close()
					r := <-results
					require.NoError(t, r.err)
					assert.Equal(t, s.alg, r.v.Algorithm)
					want := []string{"@method", "@target-uri", "date"}
					if body != nil {
						want = append(want, "content-digest", "content-type")
					}
					assert.Equal(t, want, r.v.Components)
				})
			}
		}
	}
}

// FuzzVerifyRFC9421 feeds arbitrary Signature-Input and Signature headers to
// the verifier, seeded with the headers of the table above.
func FuzzVerifyRFC9421(f *testing.F) {
	fx := newFixture(f)
	for _, tt := range verifyCases {
		req := fx.signedPost(f, tt.opts)
		if tt.mutate != nil {
			tt.mutate(fx, req)
		}
		f.Add(req.Header.Get("Signature-Input"), req.Header.Get("Signature"))
	}
	for _, name := range []string{"B.2.1-sig-b21.json", "B.2.2-sig-b22.json", "B.2.4-sig-b24.json", "B.3-ttrp.json"} {
		v := readVector(f, name)
		f.Add(v.SignatureInput, v.Signature)
	}
	policies := []RFC9421Policy{
		{Now: at(0)},
		{Now: at(0), AllowMultiple: true, RequiredComponents: []string{}, RequiredBodyComponents: []string{}},
	}
	f.Fuzz(func(t *testing.T, input, sig string) {
		for _, policy := range policies {
			req := httptest.NewRequest(http.MethodPost, testInbox+"?a=1&b=2", strings.NewReader(testBody))
			req.Header.Set("Content-Type", "application/activity+json")
			req.Header.Set("Content-Digest", "sha-256=:"+"7ZKsVBcfsmAk8c4CwuvBwY/oE5U1eOH+8ggVCgl/z4w=:")
			req.Header.Set("Signature-Input", input)
			req.Header.Set("Signature", sig)
			v, err := VerifyRFC9421(context.Background(), req, []byte(testBody), fx.resolver(), policy)
			if err != nil {
				var ve *VerifyError
				require.ErrorAs(t, err, &ve)
				continue
			}
			require.NotNil(t, v)
		}
	})
}

// TestVerifyRFC9421ContentDigestWithParams checks that a Content-Digest
// covered with parameters must match the body too: the signature vouches
// for the field, and the field for the body.
func TestVerifyRFC9421ContentDigestWithParams(t *testing.T) {
	f := newFixture(t)
	for _, comp := range []string{`content-digest;sf`, `content-digest;key="sha-256"`, `content-digest;bs`} {
		t.Run(comp, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, testInbox, strings.NewReader(testBody))
			cd, err := ContentDigest([]byte(testBody))
			require.NoError(t, err)
			req.Header.Set("Content-Digest", cd)
			require.NoError(t, SignRFC9421(req, []byte(testBody), f.signingKey(), RFC9421Options{
				Components: []string{"@method", "@target-uri", comp},
				Now:        at(0),
			}))
			policy := RFC9421Policy{RequiredBodyComponents: []string{}, Now: at(0)}
			_, err = VerifyRFC9421(context.Background(), req, []byte(testBody), f.resolver(), policy)
			require.NoError(t, err)
			_, err = VerifyRFC9421(context.Background(), req, []byte(`{"type":"Delete"}`), f.resolver(), policy)
			require.ErrorIs(t, err, ErrDigestMismatch)
		})
	}
}

// TestVerifyRFC9421Scheme checks how the scheme of a request received
// behind a TLS-terminating proxy is found for @target-uri.
func TestVerifyRFC9421Scheme(t *testing.T) {
	f := newFixture(t)
	signed := f.signedPost(t, RFC9421Options{})
	received := func() *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/users/bob/inbox", strings.NewReader(testBody))
		r.Host = "remote.example"
		for _, h := range []string{"Signature-Input", "Signature", "Content-Digest", "Content-Type", "Date"} {
			r.Header.Set(h, signed.Header.Get(h))
		}
		return r
	}
	policy := RFC9421Policy{Now: at(0)}

	_, err := VerifyRFC9421(context.Background(), received(), []byte(testBody), f.resolver(), policy)
	assert.ErrorIs(t, err, ErrBadSignature, "plain HTTP without a proxy header is http")

	r := received()
	r.Header.Set("X-Forwarded-Proto", "https")
	_, err = VerifyRFC9421(context.Background(), r, []byte(testBody), f.resolver(), policy)
	assert.ErrorIs(t, err, ErrBadSignature, "X-Forwarded-Proto is anyone's to send: not trusted by default")

	trusting := policy
	trusting.TrustForwardedProto = true
	_, err = VerifyRFC9421(context.Background(), received(), []byte(testBody), f.resolver(), trusting)
	assert.ErrorIs(t, err, ErrBadSignature, "no proxy header, no https")
	_, err = VerifyRFC9421(context.Background(), r, []byte(testBody), f.resolver(), trusting)
	require.NoError(t, err)

	policy.Scheme = "https"
	_, err = VerifyRFC9421(context.Background(), received(), []byte(testBody), f.resolver(), policy)
	require.NoError(t, err)
}

// TestVerifyRFC9421AbsoluteFormScheme checks that a client cannot pick the
// scheme of @target-uri by sending an absolute-form request line, which
// net/http parses into an absolute r.URL whatever the connection.
func TestVerifyRFC9421AbsoluteFormScheme(t *testing.T) {
	f := newFixture(t)
	signed := f.signedPost(t, RFC9421Options{})
	r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(
		"POST " + testInbox + " HTTP/1.1\r\nHost: remote.example\r\nContent-Length: 0\r\n\r\n")))
	require.NoError(t, err)
	require.Equal(t, "https", r.URL.Scheme)
	for _, h := range []string{"Signature-Input", "Signature", "Content-Digest", "Content-Type", "Date"} {
		r.Header.Set(h, signed.Header.Get(h))
	}
	policy := RFC9421Policy{Now: at(0)}
	_, err = VerifyRFC9421(context.Background(), r, []byte(testBody), f.resolver(), policy)
	assert.ErrorIs(t, err, ErrBadSignature, "received over plain HTTP")
	policy.Scheme = "https"
	_, err = VerifyRFC9421(context.Background(), r, []byte(testBody), f.resolver(), policy)
	require.NoError(t, err)
}

// TestRFC9421HostAndContentLength covers "host" and "content-length", which
// net/http keeps out of the header map on the client (it writes them from
// Request.Host and Request.ContentLength) and, for Host, on the server.
func TestRFC9421HostAndContentLength(t *testing.T) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	results := make(chan error, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		_, err := VerifyRFC9421(r.Context(), r, body, edResolver(priv), RFC9421Policy{
			RequiredComponents: []string{"@method", "@target-uri", "host", "content-length"},
		})
		results <- err
	}))
	defer srv.Close()
	for _, method := range []string{http.MethodPost, http.MethodPut} {
		for _, body := range []string{testBody, ""} {
			req, err := http.NewRequest(method, srv.URL+"/inbox", strings.NewReader(body))
			require.NoError(t, err)
			require.NoError(t, SignRFC9421(req, []byte(body), SigningKey{KeyID: testKeyID, Key: priv}, RFC9421Options{
				Components: []string{"@method", "@target-uri", "host", "content-length", "content-digest"},
			}))
			resp, err := srv.Client().Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			require.NoError(t, <-results, "%s with %d bytes", method, len(body))
		}
	}
}
