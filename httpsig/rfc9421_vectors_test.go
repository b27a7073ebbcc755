package httpsig

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/httpsig/internal/sfv"
)

// The files under testdata/rfc9421 are RFC 9421's own examples: the keys of
// Appendix B.1, the messages and signatures of B.2, B.3 and B.4 and the
// multiple-signature example of §4.3.

// vectorTime is the created time of the appendix signatures.
var vectorTime = time.Unix(1618884473, 0)

type rfc9421Vector struct {
	Label          string `json:"label"`
	Alg            string `json:"alg"`
	KeyID          string `json:"keyid"`
	SignatureInput string `json:"signature_input_header"`
	Signature      string `json:"signature_header"`
	SignatureB64   string `json:"signature_b64"`
}

func readVector(t testing.TB, name string) rfc9421Vector {
	t.Helper()
	var v rfc9421Vector
	require.NoError(t, json.Unmarshal(readTestdata(t, name), &v))
	return v
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "rfc9421", name))
	require.NoError(t, err)
	return data
}

// splitHTTP separates a message file into its head and body, dropping the
// blank lines around the body.
func splitHTTP(t testing.TB, name string) (head string, body []byte) {
	raw := string(readTestdata(t, name))
	head, b, _ := strings.Cut(raw, "\n\n")
	return head + "\n\n", []byte(strings.Trim(b, "\n"))
}

// readRequest parses a request file as a server receives it.
func readRequest(t testing.TB, name string) (*http.Request, []byte) {
	t.Helper()
	head, body := splitHTTP(t, name)
	req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(head)))
	require.NoError(t, err)
	req.Body = http.NoBody
	return req, body
}

// readResponse parses a response file.
func readResponse(t testing.TB, name string) (*http.Response, []byte) {
	t.Helper()
	head, body := splitHTTP(t, name)
	resp, err := http.ReadResponse(bufio.NewReader(strings.NewReader(head)), nil)
	require.NoError(t, err)
	resp.Body = http.NoBody
	return resp, body
}

func pemBlock(t testing.TB, name string) []byte {
	t.Helper()
	b, _ := pem.Decode(readTestdata(t, name))
	require.NotNil(t, b, name)
	return b.Bytes
}

// vectorKeys returns the public keys of Appendix B.1 by key id, with the
// algorithm each is for, and the private keys that sign deterministically.
type vectorKeySet struct {
	public  map[string]*VerificationKey
	rsa     SigningKey
	ed25519 SigningKey
	hmac    SigningKey
}

func vectorKeys(t testing.TB) vectorKeySet {
	t.Helper()
	rsaPub, err := x509.ParsePKCS1PublicKey(pemBlock(t, "B.1.1-test-key-rsa.pub.pem"))
	require.NoError(t, err)
	rsaPriv, err := x509.ParsePKCS1PrivateKey(pemBlock(t, "B.1.1-test-key-rsa.priv.pem"))
	require.NoError(t, err)
	pssPub, err := x509.ParsePKIXPublicKey(pemBlock(t, "B.1.2-test-key-rsa-pss.pub.pem"))
	require.NoError(t, err)
	ecPub, err := x509.ParsePKIXPublicKey(pemBlock(t, "B.1.3-test-key-ecc-p256.pub.pem"))
	require.NoError(t, err)
	edPub, err := x509.ParsePKIXPublicKey(pemBlock(t, "B.1.4-test-key-ed25519.pub.pem"))
	require.NoError(t, err)
	edPriv, err := x509.ParsePKCS8PrivateKey(pemBlock(t, "B.1.4-test-key-ed25519.priv.pem"))
	require.NoError(t, err)
	secret, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(readTestdata(t, "B.1.5-test-shared-secret.b64"))))
	require.NoError(t, err)
	return vectorKeySet{
		public: map[string]*VerificationKey{
			"test-key-rsa":       {KeyID: "test-key-rsa", Key: rsaPub, Algorithm: RSAv15SHA256},
			"test-key-rsa-pss":   {KeyID: "test-key-rsa-pss", Key: pssPub, Algorithm: RSAPSSSHA512},
			"test-key-ecc-p256":  {KeyID: "test-key-ecc-p256", Key: ecPub, Algorithm: ECDSAP256SHA256},
			"test-key-ed25519":   {KeyID: "test-key-ed25519", Key: edPub, Algorithm: Ed25519},
			"test-shared-secret": {KeyID: "test-shared-secret", Key: secret, Algorithm: HMACSHA256},
		},
		rsa:     SigningKey{KeyID: "test-key-rsa", Key: rsaPriv, Algorithm: RSAv15SHA256},
		ed25519: SigningKey{KeyID: "test-key-ed25519", Key: edPriv.(ed25519.PrivateKey)},
		hmac:    SigningKey{KeyID: "test-shared-secret", Key: secret},
	}
}

func (ks vectorKeySet) resolver() KeyResolver {
	return KeyResolverFunc(func(_ context.Context, keyID string) (*VerificationKey, error) {
		k, ok := ks.public[keyID]
		if !ok {
			return nil, ErrUnknownKey
		}
		c := *k
		return &c, nil
	})
}

// vectorPolicy accepts the appendix signatures: they cover neither
// @method nor @target-uri, and were made at vectorTime.
func vectorPolicy(label string) RFC9421Policy {
	return RFC9421Policy{
		RequiredComponents:     []string{},
		RequiredBodyComponents: []string{},
		Label:                  label,
		Scheme:                 "https",
		Now:                    func() time.Time { return vectorTime.Add(10 * time.Second) },
	}
}

// baseOf builds the signature base of the member label of m's
// Signature-Input, as the verifier does.
func baseOf(t *testing.T, m *message, label string) string {
	t.Helper()
	d, err := sfv.ParseDictionary(joinFieldLines(m.header.Values(headerSignatureInput)))
	require.NoError(t, err)
	mem, ok := d.Get(label)
	require.True(t, ok, label)
	p, err := parseSigParams(mem)
	require.NoError(t, err)
	base, err := signatureBase(m, p.components, p.input)
	require.NoError(t, err)
	return string(base)
}

// responseDigest is the Content-Digest of the B.2 test response's body, as
// the B.2.4 signature base shows it. The test response printed in B.2
// carries another value, which matches nothing; readVectorResponse corrects
// it.
const responseDigest = "sha-512=:mEWXIS7MaLRuGgxOBdODa3xqM1XdEvxoYhvlCFJ41QJgJc4GTsPp29l5oGX69wWdXymyU0rjJuahq4l5aGgfLQ==:"

func readVectorResponse(t *testing.T) (*http.Response, []byte) {
	t.Helper()
	resp, body := readResponse(t, "B.2-test-response.http")
	require.ErrorIs(t, VerifyContentDigest(resp.Header.Get(headerContentDigest), body), ErrDigestMismatch, "the printed digest")
	resp.Header.Set(headerContentDigest, responseDigest)
	return resp, body
}

func TestRFC9421AppendixB2(t *testing.T) {
	keys := vectorKeys(t)
	tests := []struct {
		file, base string
		response   bool
		components []string
	}{
		{"B.2.1-sig-b21.json", "B.2.1-sig-b21.base.txt", false, []string{}},
		{"B.2.2-sig-b22.json", "B.2.2-sig-b22.base.txt", false, []string{"@authority", "content-digest", `@query-param;name="Pet"`}},
		{"B.2.3-sig-b23.json", "B.2.3-sig-b23.base.txt", false, []string{"date", "@method", "@path", "@query", "@authority", "content-type", "content-digest", "content-length"}},
		{"B.2.4-sig-b24.json", "B.2.4-sig-b24.base.txt", true, []string{"@status", "content-type", "content-digest", "content-length"}},
		{"B.2.5-sig-b25.json", "B.2.5-sig-b25.base.txt", false, []string{"date", "@authority", "content-type"}},
		{"B.2.6-sig-b26.json", "B.2.6-sig-b26.base.txt", false, []string{"date", "@method", "@path", "@authority", "content-type", "content-length"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			v := readVector(t, tt.file)
			var (
				m   *message
				got *Verified
				err error
			)
			if tt.response {
				resp, body := readVectorResponse(t)
				resp.Header.Set(headerSignatureInput, v.SignatureInput)
				resp.Header.Set(headerSignature, v.Signature)
				m = responseMessage(resp, "https")
				got, err = VerifyResponseRFC9421(context.Background(), resp, body, keys.resolver(), vectorPolicy(""))
			} else {
				req, body := readRequest(t, "B.2-test-request.http")
				req.Header.Set(headerSignatureInput, v.SignatureInput)
				req.Header.Set(headerSignature, v.Signature)
				m = requestMessage(req, "https")
				got, err = VerifyRFC9421(context.Background(), req, body, keys.resolver(), vectorPolicy(""))
			}
			assert.Equal(t, string(readTestdata(t, tt.base)), baseOf(t, m, v.Label), "signature base")
			require.NoError(t, err)
			assert.Equal(t, &Verified{
				Family:     RFC9421,
				KeyID:      v.KeyID,
				Algorithm:  Algorithm(v.Alg),
				Created:    vectorTime.UTC(),
				Components: tt.components,
			}, got)
		})
	}
}

func TestRFC9421AppendixB2Resign(t *testing.T) {
	keys := vectorKeys(t)
	tests := []struct {
		file       string
		key        SigningKey
		components []string
	}{
		{"B.2.5-sig-b25.json", keys.hmac, []string{"date", "@authority", "content-type"}},
		{"B.2.6-sig-b26.json", keys.ed25519, []string{"date", "@method", "@path", "@authority", "content-type", "content-length"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			v := readVector(t, tt.file)
			req, body := readRequest(t, "B.2-test-request.http")
			err := SignRFC9421(req, body, tt.key, RFC9421Options{
				Components: tt.components,
				Label:      v.Label,
				Now:        func() time.Time { return vectorTime },
			})
			require.NoError(t, err)
			assert.Equal(t, v.SignatureInput, req.Header.Get(headerSignatureInput))
			assert.Equal(t, v.Signature, req.Header.Get(headerSignature))
		})
	}
}

func TestRFC9421MultipleSignatures(t *testing.T) {
	keys := vectorKeys(t)
	proxy := readVector(t, "4.3-proxy_sig-rsa-v1_5-sha256.json")
	final, _ := readRequest(t, "4.3-final-request.http")

	t.Run("proxy re-signs byte for byte", func(t *testing.T) {
		req, body := readRequest(t, "4.3-proxied-request.http")
		err := SignRFC9421(req, body, keys.rsa, RFC9421Options{
			Components: []string{"@method", "@authority", "@path", "content-digest", "content-type", "content-length", "forwarded"},
			Label:      "proxy_sig",
			Now:        func() time.Time { return time.Unix(1618884480, 0) },
			Expires:    time.Minute,
			IncludeAlg: true,
		})
		require.NoError(t, err)
		assert.Equal(t, string(readTestdata(t, "4.3-proxy_sig.base.txt")), baseOf(t, requestMessage(req, "https"), "proxy_sig"))
		assert.Equal(t, final.Header.Get(headerSignatureInput), req.Header.Get(headerSignatureInput))
		assert.Equal(t, final.Header.Get(headerSignature), req.Header.Get(headerSignature))
		assert.Contains(t, req.Header.Get(headerSignature), proxy.SignatureB64)
	})

	now := func() time.Time { return time.Unix(1618884480, 0) }
	verify := func(policy RFC9421Policy) (*Verified, error) {
		req, body := readRequest(t, "4.3-final-request.http")
		policy.Now = now
		if policy.RequiredComponents == nil {
			policy.RequiredComponents = []string{}
		}
		return VerifyRFC9421(context.Background(), req, body, keys.resolver(), policy)
	}
	t.Run("verify proxy_sig", func(t *testing.T) {
		got, err := verify(RFC9421Policy{Label: "proxy_sig"})
		require.NoError(t, err)
		assert.Equal(t, "test-key-rsa", got.KeyID)
		assert.Equal(t, RSAv15SHA256, got.Algorithm)
	})
	t.Run("sig1 verifies as the client sent it", func(t *testing.T) {
		req, body := readRequest(t, "4.3-client-request.http")
		got, err := VerifyRFC9421(context.Background(), req, body, keys.resolver(), RFC9421Policy{Now: now, RequiredComponents: []string{"@method"}})
		require.NoError(t, err)
		assert.Equal(t, "test-key-ecc-p256", got.KeyID)
	})
	t.Run("sig1 does not verify at the origin, whose authority differs", func(t *testing.T) {
		_, err := verify(RFC9421Policy{Label: "sig1"})
		assert.ErrorIs(t, err, ErrBadSignature)
	})
	t.Run("allow multiple takes the first that verifies", func(t *testing.T) {
		got, err := verify(RFC9421Policy{AllowMultiple: true})
		require.NoError(t, err)
		assert.Equal(t, "test-key-rsa", got.KeyID)
	})
	t.Run("one signature required by default", func(t *testing.T) {
		_, err := verify(RFC9421Policy{})
		assert.ErrorIs(t, err, ErrTooManySignatures)
	})
}

func TestRFC9421AppendixB3(t *testing.T) {
	keys := vectorKeys(t)
	req, body := readRequest(t, "B.3-ttrp-signed-request.http")
	assert.Equal(t, string(readTestdata(t, "B.3-ttrp.base.txt")), baseOf(t, requestMessage(req, "https"), "ttrp"))
	got, err := VerifyRFC9421(context.Background(), req, body, keys.resolver(), vectorPolicy(""))
	require.NoError(t, err)
	assert.Equal(t, ECDSAP256SHA256, got.Algorithm)
	assert.Equal(t, []string{"@path", "@query", "@method", "@authority", "client-cert"}, got.Components)
}

func TestRFC9421AppendixB4(t *testing.T) {
	keys := vectorKeys(t)
	tests := []struct {
		file string
		want error
	}{
		{"B.4-transform-0-original.http", nil},
		{"B.4-transform-1-added-header-and-query.http", nil},
		{"B.4-transform-2-removed-date-added-referer-collapsed-accept.http", nil},
		{"B.4-transform-3-reordered-fields.http", nil},
		{"B.4-transform-4-method-POST-authority-example.com.http", ErrBadSignature},
		{"B.4-transform-5-swapped-accept-order.http", ErrBadSignature},
	}
	base := string(readTestdata(t, "B.4-transform.base.txt"))
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			req, body := readRequest(t, tt.file)
			if tt.want == nil {
				assert.Equal(t, base, baseOf(t, requestMessage(req, "https"), "transform"))
			}
			_, err := VerifyRFC9421(context.Background(), req, body, keys.resolver(), vectorPolicy(""))
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.want)
			var ve *VerifyError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, RFC9421, ve.Family)
			assert.Equal(t, "test-key-ed25519", ve.KeyID)
		})
	}
}

func TestRFC9421ResponseWithRequest(t *testing.T) {
	keys := vectorKeys(t)
	req, reqBody := readRequest(t, "B.2-test-request.http")
	resp, body := readVectorResponse(t)
	resp.Request = req
	_ = reqBody
	opts := RFC9421Options{
		Components: []string{"@status", "content-digest", "@method;req", "@authority;req", `@query-param;req;name="Pet"`},
		Now:        func() time.Time { return vectorTime },
	}
	require.NoError(t, SignResponseRFC9421(resp, body, keys.ed25519, opts))
	assert.Equal(t, `sig1=("@status" "content-digest" "@method";req "@authority";req "@query-param";req;name="Pet");created=1618884473;keyid="test-key-ed25519"`, resp.Header.Get(headerSignatureInput))
	assert.Equal(t, responseDigest, resp.Header.Get(headerContentDigest), "kept")
	got, err := VerifyResponseRFC9421(context.Background(), resp, body, keys.resolver(), vectorPolicy(""))
	require.NoError(t, err)
	assert.Equal(t, []string{"@status", "content-digest", "@method;req", "@authority;req", `@query-param;req;name="Pet"`}, got.Components)

	resp.Request = nil
	_, err = VerifyResponseRFC9421(context.Background(), resp, body, keys.resolver(), vectorPolicy(""))
	assert.ErrorIs(t, err, ErrMissingHeader)

	_, err = VerifyResponseRFC9421(context.Background(), resp, bytes.ToUpper(body), keys.resolver(), vectorPolicy(""))
	assert.Error(t, err)
}

// TestRFC9421AppendixB2ResignRandomized re-signs the vectors whose
// algorithms are randomized (PSS, ECDSA) with the appendix's private keys:
// Signature-Input must come out identical and the new signature must verify
// with the public key.
func TestRFC9421AppendixB2ResignRandomized(t *testing.T) {
	keys := vectorKeys(t)
	ecPriv, err := x509.ParseECPrivateKey(pemBlock(t, "B.1.3-test-key-ecc-p256.priv.pem"))
	require.NoError(t, err)
	pssPriv := pssKeyFromJWK(t)

	t.Run("B.2.3 rsa-pss-sha512", func(t *testing.T) {
		v := readVector(t, "B.2.3-sig-b23.json")
		req, body := readRequest(t, "B.2-test-request.http")
		err := SignRFC9421(req, body, SigningKey{KeyID: v.KeyID, Key: pssPriv, Algorithm: RSAPSSSHA512}, RFC9421Options{
			Components: []string{"date", "@method", "@path", "@query", "@authority", "content-type", "content-digest", "content-length"},
			Label:      v.Label,
			Now:        func() time.Time { return vectorTime },
		})
		require.NoError(t, err)
		assert.Equal(t, v.SignatureInput, req.Header.Get(headerSignatureInput))
		assert.NotEqual(t, v.Signature, req.Header.Get(headerSignature), "PSS is randomized")
		_, err = VerifyRFC9421(context.Background(), req, body, keys.resolver(), vectorPolicy(""))
		require.NoError(t, err)
	})
	t.Run("B.2.4 ecdsa-p256-sha256", func(t *testing.T) {
		v := readVector(t, "B.2.4-sig-b24.json")
		resp, body := readVectorResponse(t)
		err := SignResponseRFC9421(resp, body, SigningKey{KeyID: v.KeyID, Key: ecPriv}, RFC9421Options{
			Components: []string{"@status", "content-type", "content-digest", "content-length"},
			Label:      v.Label,
			Now:        func() time.Time { return vectorTime },
		})
		require.NoError(t, err)
		assert.Equal(t, v.SignatureInput, resp.Header.Get(headerSignatureInput))
		_, err = VerifyResponseRFC9421(context.Background(), resp, body, keys.resolver(), vectorPolicy(""))
		require.NoError(t, err)
	})
}

// pssKeyFromJWK reads the B.1.2 private key from its JWK: its PEM form is
// PKCS#8 with the RSASSA-PSS OID, which crypto/x509 does not parse.
func pssKeyFromJWK(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	var jwk map[string]string
	require.NoError(t, json.Unmarshal(readTestdata(t, "B.1.2-test-key-rsa-pss.jwk.json"), &jwk))
	num := func(name string) *big.Int {
		b, err := base64.RawURLEncoding.DecodeString(jwk[name])
		require.NoError(t, err, name)
		return new(big.Int).SetBytes(b)
	}
	k := &rsa.PrivateKey{
		PublicKey: rsa.PublicKey{N: num("n"), E: int(num("e").Int64())},
		D:         num("d"),
		Primes:    []*big.Int{num("p"), num("q")},
	}
	require.NoError(t, k.Validate())
	k.Precompute()
	return k
}
