package store_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"time"

	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/memory"
)

// newEd25519 makes a key pair for GetOrCreateKey: the store keeps PEM and
// never parses it.
func newEd25519(keyID string) func() (store.KeyPair, error) {
	return func() (store.KeyPair, error) {
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return store.KeyPair{}, err
		}
		privDER, err := x509.MarshalPKCS8PrivateKey(priv)
		if err != nil {
			return store.KeyPair{}, err
		}
		pubDER, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			return store.KeyPair{}, err
		}
		return store.KeyPair{
			KeyID:         keyID,
			Algorithm:     store.AlgorithmEd25519,
			PrivateKeyPEM: pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: privDER}),
			PublicKeyPEM:  pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}),
			Created:       time.Now(),
		}, nil
	}
}

// An actor's key is created on first use and the same key is returned
// afterwards; a rotated key stays readable through its grace period.
func ExampleKeys() {
	ctx := context.Background()
	var keys store.Keys = memory.New()
	const alice = "https://local.example/users/alice"

	k1, err := keys.GetOrCreateKey(ctx, alice, store.AlgorithmEd25519, newEd25519(alice+"#ed25519-key"))
	if err != nil {
		fmt.Println(err)
		return
	}
	again, _ := keys.GetOrCreateKey(ctx, alice, store.AlgorithmEd25519, newEd25519(alice+"#unused"))
	fmt.Println(again.KeyID, string(again.PublicKeyPEM) == string(k1.PublicKeyPEM))

	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	next, _ := newEd25519(alice + "#ed25519-key-2")()
	_ = keys.RotateKey(ctx, alice, next, now.Add(7*24*time.Hour))
	_, err = keys.KeyByID(ctx, k1.KeyID, now.Add(24*time.Hour))
	fmt.Println("old key within grace:", err == nil)
	_, err = keys.KeyByID(ctx, k1.KeyID, now.Add(8*24*time.Hour))
	fmt.Println("old key after grace:", err)
	// Output:
	// https://local.example/users/alice#ed25519-key true
	// old key within grace: true
	// old key after grace: memory: key "https://local.example/users/alice#ed25519-key": store: not found
}
