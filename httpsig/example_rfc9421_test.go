package httpsig_test

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/starling-fed/starling/httpsig"
)

// This example signs an inbox delivery with RFC 9421 and verifies it on a
// test server with the default policy, Mastodon's.
func ExampleSignRFC9421() {
	seed := make([]byte, ed25519.SeedSize) // use a real key in practice
	priv := ed25519.NewKeyFromSeed(seed)
	const keyID = "https://alice.example/users/alice#main-key"
	now := func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }

	resolver := httpsig.KeyResolverFunc(func(ctx context.Context, id string) (*httpsig.VerificationKey, error) {
		if id != keyID {
			return nil, httpsig.ErrUnknownKey
		}
		return &httpsig.VerificationKey{KeyID: id, Owner: "https://alice.example/users/alice", Key: priv.Public()}, nil
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		v, err := httpsig.VerifyRFC9421(r.Context(), r, body, resolver, httpsig.RFC9421Policy{Now: now})
		if err != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		fmt.Println("verified:", v.Owner, v.Algorithm, v.Components)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()

	body := []byte(`{"type":"Follow"}`)
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/users/bob/inbox", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/activity+json")
	key := httpsig.SigningKey{KeyID: keyID, Key: priv}
	if err := httpsig.SignRFC9421(req, body, key, httpsig.RFC9421Options{Now: now}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("Signature-Input:", req.Header.Get("Signature-Input"))
	fmt.Println("Content-Digest:", req.Header.Get("Content-Digest"))

	resp, err := srv.Client().Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.Status)
	// Output:
	// Signature-Input: sig1=("@method" "@target-uri" "date" "content-digest" "content-type");created=1772366400;keyid="https://alice.example/users/alice#main-key"
	// Content-Digest: sha-256=:GYwYnH3BiO6aICFt0ThC5bUIJ4byvqdpWtR8m5fNkww=:
	// verified: https://alice.example/users/alice ed25519 [@method @target-uri date content-digest content-type]
	// 202 Accepted
}
