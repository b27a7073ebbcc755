package httpsig

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rsa"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// verifierNow is the clock of the verifier and transport tests.
var verifierNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// signedPOST returns a POST to https://b.example/inbox signed in family f.
func signedPOST(t testing.TB, f Family, key SigningKey, body []byte) *http.Request {
	t.Helper()
	req := httptest.NewRequest("POST", "https://b.example/inbox", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/activity+json")
	var err error
	if f == Cavage {
		err = SignCavage(req, body, key, CavageOptions{Now: clockAt(verifierNow)})
	} else {
		err = SignRFC9421(req, body, key, RFC9421Options{Now: clockAt(verifierNow)})
	}
	require.NoError(t, err)
	return req
}

func TestVerifierBothFamilies(t *testing.T) {
	rsaKey := readPrivateKey(t, "mastodon/bob.priv.pem")
	const keyID = "https://a.example/users/alice#main-key"
	resolver := keyTable{keyID: {KeyID: keyID, Owner: "https://a.example/users/alice", Key: rsaKey.Public()}}
	v := &Verifier{Resolver: resolver, Now: clockAt(verifierNow)}
	body := []byte(`{"type":"Follow"}`)
	for _, f := range []Family{Cavage, RFC9421} {
		t.Run(f.String(), func(t *testing.T) {
			req := signedPOST(t, f, SigningKey{KeyID: keyID, Key: rsaKey}, body)
			got, err := v.Verify(context.Background(), req)
			require.NoError(t, err)
			assert.Equal(t, f, got.Family)
			assert.Equal(t, keyID, got.KeyID)
			assert.Equal(t, "https://a.example/users/alice", got.Owner)
			// The body is there again for the next handler.
			again, err := io.ReadAll(req.Body)
			require.NoError(t, err)
			assert.Equal(t, body, again)
			require.NoError(t, req.Body.Close())

			// The Verifier's clock replaces the policies'.
			req = signedPOST(t, f, SigningKey{KeyID: keyID, Key: rsaKey}, body)
			late := &Verifier{Resolver: resolver, Now: clockAt(verifierNow.Add(3 * time.Hour))}
			_, err = late.Verify(context.Background(), req)
			require.ErrorIs(t, err, ErrExpired)
		})
	}
}

func TestVerifierRejects(t *testing.T) {
	rsaKey := readPrivateKey(t, "mastodon/bob.priv.pem")
	resolver := keyTable{"k": {KeyID: "k", Key: rsaKey.Public()}}
	var logs bytes.Buffer
	v := &Verifier{Resolver: resolver, Now: clockAt(verifierNow), MaxBodyBytes: 64,
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}

	t.Run("unsigned leaves the body alone", func(t *testing.T) {
		req := httptest.NewRequest("POST", "https://b.example/inbox", strings.NewReader("hello"))
		_, err := v.Verify(context.Background(), req)
		require.ErrorIs(t, err, ErrNoSignature)
		b, _ := io.ReadAll(req.Body)
		assert.Equal(t, "hello", string(b))
	})
	t.Run("body over the limit by Content-Length", func(t *testing.T) {
		body := bytes.Repeat([]byte("a"), 65)
		req := signedPOST(t, Cavage, SigningKey{KeyID: "k", Key: rsaKey}, body)
		_, err := v.Verify(context.Background(), req)
		require.ErrorIs(t, err, ErrBodyTooLarge)
	})
	t.Run("body over the limit, length unknown", func(t *testing.T) {
		body := bytes.Repeat([]byte("a"), 100)
		req := signedPOST(t, Cavage, SigningKey{KeyID: "k", Key: rsaKey}, body)
		req.ContentLength = -1
		_, err := v.Verify(context.Background(), req)
		require.ErrorIs(t, err, ErrBodyTooLarge)
		// What was read is put back in front of the rest.
		b, _ := io.ReadAll(req.Body)
		assert.Equal(t, body, b)
	})
	t.Run("no resolver", func(t *testing.T) {
		req := signedPOST(t, Cavage, SigningKey{KeyID: "k", Key: rsaKey}, []byte("x"))
		_, err := (&Verifier{Now: clockAt(verifierNow)}).Verify(context.Background(), req)
		require.ErrorIs(t, err, ErrUnknownKey)
	})
	t.Run("resolver failure passes through", func(t *testing.T) {
		boom := errors.New("dial tcp 10.0.0.1:443: connection refused")
		req := signedPOST(t, Cavage, SigningKey{KeyID: "k", Key: rsaKey}, []byte("x"))
		_, err := (&Verifier{Now: clockAt(verifierNow), Resolver: KeyResolverFunc(func(context.Context, string) (*VerificationKey, error) {
			return nil, boom
		})}).Verify(context.Background(), req)
		require.ErrorIs(t, err, boom)
		assert.Equal(t, "signature could not be checked", PublicReason(err))
	})
	t.Run("rejections are logged with the key id", func(t *testing.T) {
		req := signedPOST(t, Cavage, SigningKey{KeyID: "k", Key: rsaKey}, []byte("x"))
		req.Header.Set("Digest", DigestHeader([]byte("y")))
		_, err := v.Verify(context.Background(), req)
		require.ErrorIs(t, err, ErrDigestMismatch)
		assert.Contains(t, logs.String(), "key_id=k")
	})
}

func TestVerifierRefreshesRotatedKey(t *testing.T) {
	oldPub, _ := genEd25519(t)
	newPub, newPriv := genEd25519(t)
	rsaKey := readPrivateKey(t, "mastodon/bob.priv.pem").(*rsa.PrivateKey)
	up := &countingResolver{keys: map[string]ed25519.PublicKey{"k": oldPub}}
	clock := verifierNow
	cache := &CachingResolver{Resolver: up, Now: func() time.Time { return clock }}
	v := &Verifier{Resolver: cache, Now: clockAt(verifierNow)}
	ctx := context.Background()

	_, err := cache.ResolveKey(ctx, "k") // the old key is cached
	require.NoError(t, err)
	up.set("k", newPub) // and then the actor rotates it

	// Within MinRefresh of the fetch the cache will not refetch: refused.
	req := signedPOST(t, Cavage, SigningKey{KeyID: "k", Key: newPriv}, []byte("x"))
	_, err = v.Verify(ctx, req)
	require.ErrorIs(t, err, ErrBadSignature)
	assert.EqualValues(t, 1, up.fetches.Load())

	// Later, one refetch and the retry succeeds, in both families.
	clock = clock.Add(2 * time.Minute)
	for _, f := range []Family{Cavage, RFC9421} {
		req = signedPOST(t, f, SigningKey{KeyID: "k", Key: newPriv}, []byte("x"))
		got, err := v.Verify(ctx, req)
		require.NoError(t, err, f.String())
		assert.Equal(t, Ed25519, got.Algorithm)
	}
	assert.EqualValues(t, 2, up.fetches.Load())

	// A signature that is simply wrong costs at most one refetch per MinRefresh.
	_, priv3 := genEd25519(t)
	for _, key := range []any{rsaKey, priv3, priv3} {
		_, err = v.Verify(ctx, signedPOST(t, Cavage, SigningKey{KeyID: "k", Key: key}, []byte("x")))
		require.ErrorIs(t, err, ErrBadSignature)
	}
	assert.EqualValues(t, 2, up.fetches.Load())
}

// TestVerifierRefreshesKeyOfOtherType checks that a signature naming an
// algorithm the cached key cannot do also earns a refetch: the actor may
// have rotated from RSA to Ed25519.
func TestVerifierRefreshesKeyOfOtherType(t *testing.T) {
	rsaKey := readPrivateKey(t, "mastodon/bob.priv.pem")
	newPub, newPriv := genEd25519(t)
	var fetches atomic.Int32
	up := KeyResolverFunc(func(_ context.Context, keyID string) (*VerificationKey, error) {
		if fetches.Add(1) == 1 {
			return &VerificationKey{KeyID: keyID, Key: rsaKey.Public()}, nil
		}
		return &VerificationKey{KeyID: keyID, Key: newPub}, nil
	})
	clock := verifierNow
	cache := &CachingResolver{Resolver: up, Now: func() time.Time { return clock }}
	v := &Verifier{Resolver: cache, Now: clockAt(verifierNow)}
	ctx := context.Background()
	_, err := cache.ResolveKey(ctx, "k")
	require.NoError(t, err)
	clock = clock.Add(2 * time.Minute)

	req := httptest.NewRequest("POST", "https://b.example/inbox", strings.NewReader("x"))
	require.NoError(t, SignRFC9421(req, []byte("x"), SigningKey{KeyID: "k", Key: newPriv},
		RFC9421Options{Now: clockAt(verifierNow), IncludeAlg: true}))
	got, err := v.Verify(ctx, req)
	require.NoError(t, err)
	assert.Equal(t, Ed25519, got.Algorithm)
	assert.EqualValues(t, 2, fetches.Load())
}

func TestVerifierConcurrent(t *testing.T) {
	rsaKey := readPrivateKey(t, "mastodon/bob.priv.pem")
	_, edKey, _ := ed25519.GenerateKey(nil)
	resolver := &CachingResolver{Resolver: keyTable{
		"rsa": {KeyID: "rsa", Key: rsaKey.Public()},
		"ed":  {KeyID: "ed", Key: edKey.Public()},
	}}
	v := &Verifier{Resolver: resolver, Now: clockAt(verifierNow)}
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			key := SigningKey{KeyID: "rsa", Key: rsaKey}
			if i%2 == 0 {
				key = SigningKey{KeyID: "ed", Key: edKey}
			}
			f := Cavage
			if i%4 < 2 {
				f = RFC9421
			}
			req := signedPOST(t, f, key, []byte(`{"n":1}`))
			_, err := v.Verify(context.Background(), req)
			assert.NoError(t, err)
		})
	}
	wg.Wait()
}
