package httpsig

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"net/http"
	"net/http/httptest"
	"testing"
)

// The draft-cavage benchmarks pair each per-request operation with the raw
// crypto on the same signing string, so the package's overhead reads as a
// ratio of the two.

func benchKeys(b *testing.B) map[string]crypto.Signer {
	rsaKey := readPrivateKey(b, "mastodon/bob.priv.pem") // RSA-2048
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	return map[string]crypto.Signer{"RSA-2048": rsaKey, "Ed25519": edKey}
}

// benchRequest returns a Mastodon-like inbox POST and its body.
func benchRequest() (*http.Request, []byte) {
	body := []byte(`{"@context":"https://www.w3.org/ns/activitystreams","id":"https://a.example/users/alice#follows/1","type":"Follow","actor":"https://a.example/users/alice","object":"https://b.example/users/bob"}`)
	req := httptest.NewRequest("POST", "https://b.example/users/bob/inbox", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/activity+json")
	req.Header.Set("Date", verifierNow.Format(http.TimeFormat))
	req.Header.Set("User-Agent", "Starling")
	return req, body
}

func benchSigningString(b *testing.B, req *http.Request) string {
	path, query := requestTargetOf(req)
	s, err := cavageSigningString(req, []string{requestTarget, "host", "date", "digest"}, path+query, hostOf(req), 0, 0)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func BenchmarkCavageSign(b *testing.B) {
	for name, key := range benchKeys(b) {
		b.Run(name, func(b *testing.B) {
			req, body := benchRequest()
			sk := SigningKey{KeyID: "https://a.example/users/alice#main-key", Key: key}
			opts := CavageOptions{Now: clockAt(verifierNow)}
			b.ReportAllocs()
			for b.Loop() {
				if err := SignCavage(req, body, sk, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/raw", func(b *testing.B) {
			req, body := benchRequest()
			req.Header.Set("Digest", DigestHeader(body))
			s := []byte(benchSigningString(b, req))
			b.ReportAllocs()
			for b.Loop() {
				if k, ok := key.(*rsa.PrivateKey); ok {
					h := sha256.Sum256(s)
					if _, err := rsa.SignPKCS1v15(nil, k, crypto.SHA256, h[:]); err != nil {
						b.Fatal(err)
					}
				} else {
					_ = ed25519.Sign(key.(ed25519.PrivateKey), s)
				}
			}
		})
	}
}

func BenchmarkCavageVerify(b *testing.B) {
	for name, key := range benchKeys(b) {
		const keyID = "https://a.example/users/alice#main-key"
		resolver := keyTable{keyID: {KeyID: keyID, Key: key.Public()}}
		req, body := benchRequest()
		if err := SignCavage(req, body, SigningKey{KeyID: keyID, Key: key}, CavageOptions{}); err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			policy := CavagePolicy{Now: clockAt(verifierNow)}
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := VerifyCavage(ctx, req, body, resolver, policy); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/raw", func(b *testing.B) {
			s := []byte(benchSigningString(b, req))
			p, err := parseCavageSignature(req.Header.Get("Signature"))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if k, ok := key.Public().(*rsa.PublicKey); ok {
					h := sha256.Sum256(s)
					if err := rsa.VerifyPKCS1v15(k, crypto.SHA256, h[:], p.sig()); err != nil {
						b.Fatal(err)
					}
				} else if !ed25519.Verify(key.Public().(ed25519.PublicKey), s, p.sig()) {
					b.Fatal("ed25519 verify failed")
				}
			}
		})
	}
}

// BenchmarkCavageOverhead alternates the package's operation and the raw
// crypto on the same signing string within one loop and reports the median
// CPU time of the first over the median CPU time of the second ("x-raw";
// 1.10 means 10 % overhead). CPU time of the benchmark's own thread, and
// medians, keep a busy machine from skewing the ratio.
func BenchmarkCavageOverhead(b *testing.B) {
	for name, key := range benchKeys(b) {
		const keyID = "https://a.example/users/alice#main-key"
		sk := SigningKey{KeyID: keyID, Key: key}
		rsaKey, isRSA := key.(*rsa.PrivateKey)
		b.Run(name+"/sign", func(b *testing.B) {
			req, body := benchRequest()
			opts := CavageOptions{Now: clockAt(verifierNow)}
			req.Header.Set("Digest", DigestHeader(body))
			s := []byte(benchSigningString(b, req))
			measureOverhead(b, nil, func() {
				if err := SignCavage(req, body, sk, opts); err != nil {
					b.Fatal(err)
				}
			}, func() {
				if isRSA {
					h := sha256.Sum256(s)
					if _, err := rsa.SignPKCS1v15(nil, rsaKey, crypto.SHA256, h[:]); err != nil {
						b.Fatal(err)
					}
				} else {
					_ = ed25519.Sign(key.(ed25519.PrivateKey), s)
				}
			})
		})
		b.Run(name+"/verify", func(b *testing.B) {
			req, body := benchRequest()
			if err := SignCavage(req, body, sk, CavageOptions{}); err != nil {
				b.Fatal(err)
			}
			s := []byte(benchSigningString(b, req))
			p, err := parseCavageSignature(req.Header.Get("Signature"))
			if err != nil {
				b.Fatal(err)
			}
			resolver := keyTable{keyID: {KeyID: keyID, Key: key.Public()}}
			policy := CavagePolicy{Now: clockAt(verifierNow)}
			ctx := context.Background()
			measureOverhead(b, nil, func() {
				if _, err := VerifyCavage(ctx, req, body, resolver, policy); err != nil {
					b.Fatal(err)
				}
			}, func() {
				if isRSA {
					h := sha256.Sum256(s)
					if err := rsa.VerifyPKCS1v15(&rsaKey.PublicKey, crypto.SHA256, h[:], p.sig()); err != nil {
						b.Fatal(err)
					}
				} else if !ed25519.Verify(key.Public().(ed25519.PublicKey), s, p.sig()) {
					b.Fatal("ed25519 verify failed")
				}
			})
		})
	}
}
