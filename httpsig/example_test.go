package httpsig_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/starling-fed/starling/httpsig"
)

// exampleKey is a fixed Ed25519 key, so the examples print the same every
// time. Real actors publish RSA-2048 keys, which Mastodon requires; see
// GenerateKey.
func exampleKey() ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
}

// exampleResolver knows alice's key. A real one fetches the actor document
// named by the key id, usually behind a CachingResolver.
func exampleResolver() httpsig.KeyResolver {
	return httpsig.KeyResolverFunc(func(_ context.Context, keyID string) (*httpsig.VerificationKey, error) {
		if keyID != "https://a.example/users/alice#main-key" {
			return nil, httpsig.ErrUnknownKey
		}
		return &httpsig.VerificationKey{KeyID: keyID, Owner: "https://a.example/users/alice", Key: exampleKey().Public()}, nil
	})
}

// Sign a delivery to an inbox with a draft-cavage signature.
func ExampleSignCavage() {
	body := []byte(`{"type":"Follow"}`)
	req, _ := http.NewRequest("POST", "https://b.example/users/bob/inbox", bytes.NewReader(body))
	key := httpsig.SigningKey{KeyID: "https://a.example/users/alice#main-key", Key: exampleKey()}
	clock := func() time.Time { return time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC) }

	if err := httpsig.SignCavage(req, body, key, httpsig.CavageOptions{Now: clock}); err != nil {
		fmt.Println(err)
		return
	}
	sig := req.Header.Get("Signature")
	fmt.Println("Date:", req.Header.Get("Date"))
	fmt.Println("Digest:", req.Header.Get("Digest"))
	fmt.Println("Signature:", sig[:strings.Index(sig, ",signature=")], "…")
	// Output:
	// Date: Sun, 01 Jun 2025 12:00:00 GMT
	// Digest: SHA-256=GYwYnH3BiO6aICFt0ThC5bUIJ4byvqdpWtR8m5fNkww=
	// Signature: keyId="https://a.example/users/alice#main-key",algorithm="hs2019",headers="(request-target) host date digest" …
}

// Verify requests behind the middleware: the handler finds who signed in
// its context and reads the body as usual.
func ExampleVerifier_Middleware() {
	v := &httpsig.Verifier{Resolver: exampleResolver()}
	inbox := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		signer, _ := httpsig.FromContext(r.Context())
		body, _ := io.ReadAll(r.Body)
		fmt.Printf("%s from %s\n", body, signer.Owner)
		w.WriteHeader(http.StatusAccepted)
	})
	mux := http.NewServeMux()
	mux.Handle("POST /users/bob/inbox", v.Middleware(inbox))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	// A signed delivery, sent through a signing Transport.
	client := &http.Client{Transport: &httpsig.Transport{
		Base: srv.Client().Transport,
		Key:  httpsig.SigningKey{KeyID: "https://a.example/users/alice#main-key", Key: exampleKey()},
	}}
	resp, err := client.Post(srv.URL+"/users/bob/inbox", "application/activity+json", strings.NewReader(`{"type":"Like"}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.Status)

	// An unsigned one.
	resp, err = srv.Client().Post(srv.URL+"/users/bob/inbox", "application/activity+json", strings.NewReader(`{"type":"Like"}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	reason, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Printf("%s: %s", resp.Status, reason)
	// Output:
	// {"type":"Like"} from https://a.example/users/alice
	// 202 Accepted
	// 401 Unauthorized: request is not signed
}

// Double-knock against a server that only accepts draft-cavage: the first
// request tries RFC 9421, is refused and is sent again with draft-cavage;
// the next goes straight to draft-cavage.
func ExampleTransport() {
	v := &httpsig.Verifier{Resolver: exampleResolver()}
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.Header.Get("Signature-Input") != "" {
			seen = append(seen, "rfc9421: refused")
			http.Error(w, "unsupported signature", http.StatusUnauthorized)
			return
		}
		if _, err := v.Verify(r.Context(), r); err != nil {
			http.Error(w, httpsig.PublicReason(err), http.StatusUnauthorized)
			return
		}
		seen = append(seen, "draft-cavage: accepted")
	}))
	defer srv.Close()

	tr := &httpsig.Transport{
		Base: srv.Client().Transport,
		Key:  httpsig.SigningKey{KeyID: "https://a.example/users/alice#main-key", Key: exampleKey()},
	}
	client := &http.Client{Transport: tr}
	for range 2 {
		resp, err := client.Get(srv.URL + "/users/bob")
		if err != nil {
			fmt.Println(err)
			return
		}
		resp.Body.Close()
	}
	fmt.Println(strings.Join(seen, "\n"))
	f, _ := tr.KnownFamily(strings.TrimPrefix(srv.URL, "http://"))
	fmt.Println("remembered:", f)
	// Output:
	// rfc9421: refused
	// draft-cavage: accepted
	// draft-cavage: accepted
	// remembered: draft-cavage-12
}

// Publish a key as an FEP-521a Multikey.
func ExampleEncodeMultikey() {
	mk, err := httpsig.EncodeMultikey(exampleKey().Public())
	if err != nil {
		fmt.Println(err)
		return
	}
	back, _ := httpsig.DecodeMultikey(mk)
	fmt.Println(mk[:4], back.(ed25519.PublicKey).Equal(exampleKey().Public()))
	// Output: z6Mk true
}
