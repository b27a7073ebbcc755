package httpsig

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The benchmarks sign and verify a typical inbox POST and, beside each, run
// the bare crypto operation on the same signature base, so that the
// package's overhead reads as the ratio of the two.

type rfc9421BenchKey struct {
	name    string
	signing SigningKey
	public  any
	rawSign func(base []byte) []byte
	rawVer  func(base, sig []byte) bool
}

func rfc9421BenchKeys(b *testing.B) []rfc9421BenchKey {
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(b, err)
	_, ek, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(b, err)
	return []rfc9421BenchKey{
		{
			name:    "rsa-2048",
			signing: SigningKey{KeyID: testKeyID, Key: rk},
			public:  &rk.PublicKey,
			rawSign: func(base []byte) []byte {
				h := sha256.Sum256(base)
				sig, _ := rsa.SignPKCS1v15(nil, rk, crypto.SHA256, h[:])
				return sig
			},
			rawVer: func(base, sig []byte) bool {
				h := sha256.Sum256(base)
				return rsa.VerifyPKCS1v15(&rk.PublicKey, crypto.SHA256, h[:], sig) == nil
			},
		},
		{
			name:    "ed25519",
			signing: SigningKey{KeyID: testKeyID, Key: ek},
			public:  ek.Public(),
			rawSign: func(base []byte) []byte { return ed25519.Sign(ek, base) },
			rawVer:  func(base, sig []byte) bool { return ed25519.Verify(ek.Public().(ed25519.PublicKey), base, sig) },
		},
	}
}

// rfc9421BenchRequest returns an unsigned inbox POST.
func rfc9421BenchRequest() *http.Request {
	req := httptest.NewRequest(http.MethodPost, testInbox, strings.NewReader(testBody))
	req.Header.Set("Content-Type", "application/activity+json")
	req.Header.Set("User-Agent", "starling/1.0")
	return req
}

func BenchmarkRFC9421Sign(b *testing.B) {
	body := []byte(testBody)
	opts := RFC9421Options{Now: func() time.Time { return signedTime }}
	for _, k := range rfc9421BenchKeys(b) {
		req := rfc9421BenchRequest()
		clean := req.Header.Clone()
		b.Run(k.name+"/sign", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req.Header = clean.Clone()
				if err := SignRFC9421(req, body, k.signing, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
		base, err := rfc9421BenchBase(req)
		require.NoError(b, err)
		b.Run(k.name+"/raw", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				k.rawSign(base)
			}
		})
	}
}

func BenchmarkRFC9421Verify(b *testing.B) {
	body := []byte(testBody)
	ctx := context.Background()
	policy := RFC9421Policy{Now: func() time.Time { return signedTime }}
	for _, k := range rfc9421BenchKeys(b) {
		req := rfc9421BenchRequest()
		require.NoError(b, SignRFC9421(req, body, k.signing, RFC9421Options{Now: policy.Now}))
		vk := &VerificationKey{KeyID: testKeyID, Key: k.public}
		resolver := KeyResolverFunc(func(context.Context, string) (*VerificationKey, error) { return vk, nil })
		b.Run(k.name+"/verify", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := VerifyRFC9421(ctx, req, body, resolver, policy); err != nil {
					b.Fatal(err)
				}
			}
		})
		base, err := rfc9421BenchBase(req)
		require.NoError(b, err)
		sig := k.rawSign(base)
		b.Run(k.name+"/raw", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if !k.rawVer(base, sig) {
					b.Fatal("raw verify failed")
				}
			}
		})
	}
}

// rfc9421BenchBase rebuilds the signature base of a signed request.
func rfc9421BenchBase(req *http.Request) ([]byte, error) {
	d, err := parseSignatureDict(headerSignatureInput, req.Header.Values(headerSignatureInput))
	if err != nil {
		return nil, err
	}
	p, err := parseSigParams(d[0].Value)
	if err != nil {
		return nil, err
	}
	return signatureBase(requestMessage(req, "https"), p.components, p.input)
}

// BenchmarkRFC9421Overhead alternates the package's operation with the bare
// crypto operation on the same base, iteration by iteration, and reports
// the ratio of their median times ("x-raw"). It counts the CPU time of the
// benchmark's thread (on Linux), so the ratio stays meaningful on a busy
// machine where the separate benchmarks above drift.
func BenchmarkRFC9421Overhead(b *testing.B) {
	body := []byte(testBody)
	ctx := context.Background()
	now := func() time.Time { return signedTime }
	for _, k := range rfc9421BenchKeys(b) {
		b.Run(k.name+"/sign", func(b *testing.B) {
			req := rfc9421BenchRequest()
			clean := req.Header.Clone()
			require.NoError(b, SignRFC9421(req, body, k.signing, RFC9421Options{Now: now}))
			base, err := rfc9421BenchBase(req)
			require.NoError(b, err)
			measureOverhead(b, func() { req.Header = clean.Clone() }, func() {
				if err := SignRFC9421(req, body, k.signing, RFC9421Options{Now: now}); err != nil {
					b.Fatal(err)
				}
			}, func() { k.rawSign(base) })
		})
		b.Run(k.name+"/verify", func(b *testing.B) {
			req := rfc9421BenchRequest()
			require.NoError(b, SignRFC9421(req, body, k.signing, RFC9421Options{Now: now}))
			base, err := rfc9421BenchBase(req)
			require.NoError(b, err)
			sig := k.rawSign(base)
			vk := &VerificationKey{KeyID: testKeyID, Key: k.public}
			resolver := KeyResolverFunc(func(context.Context, string) (*VerificationKey, error) { return vk, nil })
			policy := RFC9421Policy{Now: now}
			measureOverhead(b, nil, func() {
				if _, err := VerifyRFC9421(ctx, req, body, resolver, policy); err != nil {
					b.Fatal(err)
				}
			}, func() {
				if !k.rawVer(base, sig) {
					b.Fatal("raw verify failed")
				}
			})
		})
	}
}
