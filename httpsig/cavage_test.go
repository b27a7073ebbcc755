package httpsig

import (
	"bufio"
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readTestRequest reads an HTTP/1.1 request from testdata as a server would.
func readTestRequest(t testing.TB, name string) (*http.Request, []byte) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
	require.NoError(t, err)
	body, err := io.ReadAll(req.Body)
	require.NoError(t, err)
	return req, body
}

func readPublicKey(t testing.TB, name string) crypto.PublicKey {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	k, err := ParsePublicKeyPEM(raw)
	require.NoError(t, err)
	return k
}

func readPrivateKey(t testing.TB, name string) crypto.Signer {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	k, err := ParsePrivateKeyPEM(raw)
	require.NoError(t, err)
	return k
}

// keyTable resolves the keys it holds and nothing else.
type keyTable map[string]*VerificationKey

func (s keyTable) ResolveKey(_ context.Context, keyID string) (*VerificationKey, error) {
	if k, ok := s[keyID]; ok {
		return k, nil
	}
	return nil, ErrUnknownKey
}

func clockAt(t time.Time) func() time.Time { return func() time.Time { return t } }

func TestCavageAppendixC(t *testing.T) {
	var file struct {
		Vectors []struct {
			Name, KeyID, Algorithm, Signature string
			SigningString                     string  `json:"signing_string"`
			HeadersParam                      *string `json:"headers_param"`
			HeadersVerifies                   string  `json:"headers_param_that_actually_verifies"`
			HeadersPrinted                    string  `json:"headers_param_as_printed"`
		}
	}
	raw, err := os.ReadFile("testdata/cavage12/vectors.json")
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &file))
	require.Len(t, file.Vectors, 3)

	pub := readPublicKey(t, "cavage12/test-key.pub.pem")
	priv := readPrivateKey(t, "cavage12/test-key.priv.pem")
	resolver := keyTable{"Test": {KeyID: "Test", Key: pub}}
	policy := CavagePolicy{
		RequiredHeaders:     []string{},
		RequiredBodyHeaders: []string{},
		Now:                 clockAt(time.Date(2014, 1, 5, 21, 31, 40, 0, time.UTC)),
	}

	for i, v := range file.Vectors {
		t.Run(v.Name, func(t *testing.T) {
			headers := "date"
			switch {
			case v.HeadersVerifies != "":
				headers = v.HeadersVerifies // C.3 erratum
			case v.HeadersParam != nil:
				headers = *v.HeadersParam
			}
			want, err := os.ReadFile(filepath.Join("testdata/cavage12", fmt.Sprintf("C.%d.signing_string.txt", i+1)))
			require.NoError(t, err)
			require.Equal(t, v.SigningString, string(want))

			req, body := readTestRequest(t, "cavage12/request.http")
			path, query := requestTargetOf(req)
			s, err := cavageSigningString(req, strings.Fields(headers), path+"?"+query, req.Host, 0, 0)
			require.NoError(t, err)
			assert.Equal(t, v.SigningString, s)

			// Verify the published signature.
			header := `keyId="Test",algorithm="rsa-sha256",headers="` + headers + `",signature="` + v.Signature + `"`
			req.Header.Set("Signature", header)
			got, err := VerifyCavage(context.Background(), req, body, resolver, policy)
			require.NoError(t, err)
			assert.Equal(t, RSAv15SHA256, got.Algorithm)
			assert.Equal(t, "Test", got.KeyID)
			assert.Equal(t, strings.Fields(headers), got.Components)

			// Re-signing reproduces it byte for byte (PKCS#1 v1.5 is
			// deterministic), through go-fed/httpsig.
			req2, body2 := readTestRequest(t, "cavage12/request.http")
			require.NoError(t, SignCavage(req2, body2, SigningKey{KeyID: "Test", Key: priv}, CavageOptions{Headers: strings.Fields(headers)}))
			p, err := parseCavageSignature(req2.Header.Get("Signature"))
			require.NoError(t, err)
			assert.Equal(t, v.Signature, base64.StdEncoding.EncodeToString(p.sig()))
			assert.Equal(t, "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=", req2.Header.Get("Digest"))
		})
	}

	t.Run("C.3 as printed", func(t *testing.T) {
		// The draft prints (created) and (expires) with rsa-sha256, which
		// draft-cavage-12 itself forbids; the signature does not cover them.
		v := file.Vectors[2]
		req, body := readTestRequest(t, "cavage12/request.http")
		req.Header.Set("Signature", `keyId="Test",algorithm="rsa-sha256",created=1402170695,expires=1402170699,headers="`+
			v.HeadersPrinted+`",signature="`+v.Signature+`"`)
		_, err := VerifyCavage(context.Background(), req, body, resolver, policy)
		require.ErrorIs(t, err, ErrMalformed)
		// As hs2019 it is well formed but the signature does not match.
		req.Header.Set("Signature", `keyId="Test",algorithm="hs2019",created=1402170695,expires=1402170699,headers="`+
			v.HeadersPrinted+`",signature="`+v.Signature+`"`)
		p := policy
		p.Now = clockAt(time.Unix(1402170695, 0))
		_, err = VerifyCavage(context.Background(), req, body, resolver, p)
		require.ErrorIs(t, err, ErrBadSignature)
	})
}

func TestCavageMastodonSpec(t *testing.T) {
	var file struct {
		KeyID, Actor string
		Vectors      []struct {
			Name, Method   string
			RequestTarget  string `json:"request_target"`
			Body           *string
			Headers        map[string]string
			ExpectedResult string `json:"expected_result"`
			SignedString   string `json:"signed_string"`
			Signature      string
		}
	}
	raw, err := os.ReadFile("testdata/mastodon/signature_verification_spec.json")
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &file))
	require.Len(t, file.Vectors, 10)

	pub := readPublicKey(t, "mastodon/bob.pub.pem")
	priv := readPrivateKey(t, "mastodon/bob.priv.pem").(*rsa.PrivateKey)
	resolver := keyTable{file.KeyID: {KeyID: file.KeyID, Owner: file.Actor, Key: pub}}
	policy := CavagePolicy{Now: clockAt(time.Date(2023, 12, 20, 10, 0, 0, 0, time.UTC))}

	// Mastodon's verdicts, with the reason this package gives for each rejection.
	wantErr := map[string]error{
		"get-query-mismatch":     ErrBadSignature,
		"get-unparsable-date":    ErrMalformed,
		"get-date-2-days-old":    ErrExpired,
		"post-digest-not-signed": ErrMissingComponent,
		"post-tampered-body":     ErrDigestMismatch,
		"post-tampered-path":     ErrBadSignature,
	}
	for _, v := range file.Vectors {
		t.Run(v.Name, func(t *testing.T) {
			// The fixture's signature is what the spec sent.
			h := sha256.Sum256([]byte(v.SignedString))
			sig, _ := rsa.SignPKCS1v15(nil, priv, crypto.SHA256, h[:])
			require.Equal(t, v.Signature, base64.StdEncoding.EncodeToString(sig))

			var body io.Reader
			var bodyBytes []byte
			if v.Body != nil {
				bodyBytes = []byte(*v.Body)
				body = bytes.NewReader(bodyBytes)
			}
			req := httptest.NewRequest(v.Method, "http://www.example.com"+v.RequestTarget, body)
			for k, val := range v.Headers {
				if k != "Host" {
					req.Header.Set(k, val)
				}
			}
			got, err := VerifyCavage(context.Background(), req, bodyBytes, resolver, policy)
			if want, reject := wantErr[v.Name]; reject {
				require.True(t, strings.HasPrefix(v.ExpectedResult, "reject"), v.ExpectedResult)
				require.ErrorIs(t, err, want)
				var ve *VerifyError
				require.ErrorAs(t, err, &ve)
				assert.Equal(t, file.KeyID, ve.KeyID)
				assert.Equal(t, Cavage, ve.Family)
				return
			}
			require.True(t, strings.HasPrefix(v.ExpectedResult, "accept"), v.ExpectedResult)
			require.NoError(t, err)
			assert.Equal(t, file.Actor, got.Owner)
			assert.Equal(t, file.KeyID, got.KeyID)
			assert.Equal(t, RSAv15SHA256, got.Algorithm)
			assert.Equal(t, policy.Now(), got.Created)
		})
	}
}

func TestCavageRoundTrip(t *testing.T) {
	rsaKey := readPrivateKey(t, "mastodon/bob.priv.pem")
	_, edKey, err := ed25519.GenerateKey(nil)
	require.NoError(t, err)
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	resolver := keyTable{
		"rsa":      {KeyID: "rsa", Owner: "https://a.example/users/alice", Key: rsaKey.Public()},
		"ed":       {KeyID: "ed", Key: edKey.Public()},
		`odd,"key`: {KeyID: `odd,"key`, Key: rsaKey.Public()},
	}
	policy := CavagePolicy{Now: clockAt(now.Add(30 * time.Second))}
	cases := []struct {
		name    string
		key     SigningKey
		method  string
		target  string
		body    []byte
		opts    CavageOptions
		wantAlg Algorithm
	}{
		{"rsa get", SigningKey{KeyID: "rsa", Key: rsaKey}, "GET", "/users/bob?page=1", nil, CavageOptions{}, RSAv15SHA256},
		{"rsa post", SigningKey{KeyID: "rsa", Key: rsaKey}, "POST", "/inbox", []byte(`{"type":"Follow"}`), CavageOptions{}, RSAv15SHA256},
		{"ed25519 post", SigningKey{KeyID: "ed", Key: edKey}, "POST", "/inbox", []byte(`{}`), CavageOptions{}, Ed25519},
		{"escaped path", SigningKey{KeyID: "rsa", Key: rsaKey}, "GET", "/users/a%2Fb", nil, CavageOptions{}, RSAv15SHA256},
		{"created expires", SigningKey{KeyID: "rsa", Key: rsaKey}, "POST", "/inbox", []byte(`x`),
			CavageOptions{Headers: []string{"(request-target)", "(created)", "(expires)", "host", "digest"}}, RSAv15SHA256},
		{"akkoma content-length", SigningKey{KeyID: "rsa", Key: rsaKey}, "POST", "/inbox", []byte(`hello`),
			CavageOptions{Headers: []string{"(request-target)", "content-length", "date", "digest", "host"}}, RSAv15SHA256},
		{"keyId needing escapes", SigningKey{KeyID: `odd,"key`, Key: rsaKey}, "GET", "/", nil, CavageOptions{}, RSAv15SHA256},
		{"crypto.Signer only", SigningKey{KeyID: "ed", Key: opaqueSigner{edKey}}, "GET", "/x", nil, CavageOptions{}, Ed25519},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var body io.Reader
			if c.body != nil {
				body = bytes.NewReader(c.body)
			}
			out := httptest.NewRequest(c.method, "https://b.example"+c.target, body)
			c.opts.Now = clockAt(now)
			require.NoError(t, SignCavage(out, c.body, c.key, c.opts))
			assert.Contains(t, out.Header.Get("Signature"), `algorithm="hs2019"`)
			if c.body != nil {
				assert.True(t, strings.HasPrefix(out.Header.Get("Digest"), "SHA-256="))
			}
			if c.name == "akkoma content-length" {
				out.Header.Set("Content-Length", "5")
			}
			got, err := VerifyCavage(context.Background(), out, c.body, resolver, policy)
			require.NoError(t, err)
			assert.Equal(t, c.wantAlg, got.Algorithm)
			assert.Equal(t, resolver[c.key.KeyID].Owner, got.Owner)
		})
	}
}

// opaqueSigner hides the concrete key type behind crypto.Signer.
type opaqueSigner struct{ crypto.Signer }

func TestCavageHS2019Variants(t *testing.T) {
	rsaKey := readPrivateKey(t, "mastodon/bob.priv.pem").(*rsa.PrivateKey)
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	req := httptest.NewRequest("GET", "https://b.example/users/bob", nil)
	req.Header.Set("Date", now.Format(http.TimeFormat))
	s := "(request-target): get /users/bob\nhost: b.example\ndate: " + now.Format(http.TimeFormat)
	h512 := sha512Sum([]byte(s))
	sig512, err := rsa.SignPKCS1v15(nil, rsaKey, crypto.SHA512, h512)
	require.NoError(t, err)
	resolver := keyTable{"k": {KeyID: "k", Key: &rsaKey.PublicKey}}
	policy := CavagePolicy{Now: clockAt(now)}

	// GoToSocial may sign hs2019 with RSA-SHA512; an absent algorithm is hs2019.
	for _, alg := range []string{`algorithm="hs2019",`, ``} {
		req.Header.Set("Signature", `keyId="k",`+alg+`headers="(request-target) host date",signature="`+base64.StdEncoding.EncodeToString(sig512)+`"`)
		got, err := VerifyCavage(context.Background(), req, nil, resolver, policy)
		require.NoError(t, err)
		assert.Equal(t, RSAv15SHA512, got.Algorithm)
	}
	// rsa-sha256 names its hash: an RSA-SHA512 signature does not pass.
	req.Header.Set("Signature", `keyId="k",algorithm="rsa-sha256",headers="(request-target) host date",signature="`+base64.StdEncoding.EncodeToString(sig512)+`"`)
	_, err = VerifyCavage(context.Background(), req, nil, resolver, policy)
	require.ErrorIs(t, err, ErrBadSignature)
}

func sha512Sum(b []byte) []byte {
	h := crypto.SHA512.New()
	h.Write(b)
	return h.Sum(nil)
}
