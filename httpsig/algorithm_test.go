package httpsig

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSignVerifyBytesRoundTrip(t *testing.T) {
	rsaKey := testRSAKey(t)
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	secret := []byte("a shared secret of some length")

	tests := []struct {
		alg    Algorithm
		priv   any
		pub    any
		sigLen int
	}{
		{RSAv15SHA256, rsaKey, &rsaKey.PublicKey, 256},
		{RSAPSSSHA512, rsaKey, &rsaKey.PublicKey, 256},
		{ECDSAP256SHA256, ecKey, &ecKey.PublicKey, 64},
		{Ed25519, edKey, edKey.Public(), 64},
		{HMACSHA256, secret, secret, 32},
	}
	data := []byte("the signature base")
	for _, tt := range tests {
		t.Run(string(tt.alg), func(t *testing.T) {
			sig, err := signBytes(tt.alg, tt.priv, data)
			require.NoError(t, err)
			assert.Len(t, sig, tt.sigLen)
			require.NoError(t, verifyBytes(tt.alg, tt.pub, data, sig))
			// A private key stands for its public half.
			require.NoError(t, verifyBytes(tt.alg, tt.priv, data, sig))

			assert.ErrorIs(t, verifyBytes(tt.alg, tt.pub, []byte("other"), sig), ErrBadSignature)
			bad := append([]byte(nil), sig...)
			bad[len(bad)-1] ^= 1
			assert.ErrorIs(t, verifyBytes(tt.alg, tt.pub, data, bad), ErrBadSignature)
			assert.ErrorIs(t, verifyBytes(tt.alg, tt.pub, data, sig[:len(sig)-1]), ErrBadSignature)
			assert.ErrorIs(t, verifyBytes(tt.alg, tt.pub, data, nil), ErrBadSignature)
		})
	}
}

func TestSignVerifyBytesDerivedAlgorithm(t *testing.T) {
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	sig, err := signBytes("", edKey, []byte("x"))
	require.NoError(t, err)
	require.NoError(t, verifyBytes("", edKey.Public(), []byte("x"), sig))
}

func TestSignVerifyBytesErrors(t *testing.T) {
	rsaKey := testRSAKey(t)
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	require.NoError(t, err)

	signCases := []struct {
		name string
		alg  Algorithm
		key  any
		want error
	}{
		{"unknown algorithm", "rsa-sha1", rsaKey, ErrUnknownAlgorithm},
		{"rsa alg with ed25519 key", RSAv15SHA256, edKey, ErrKeyType},
		{"pss alg with secret", RSAPSSSHA512, []byte("s"), ErrKeyType},
		{"ecdsa alg with rsa key", ECDSAP256SHA256, rsaKey, ErrKeyType},
		{"ecdsa alg with P-384 key", ECDSAP256SHA256, p384, ErrKeyType},
		{"ed25519 alg with rsa key", Ed25519, rsaKey, ErrKeyType},
		{"short ed25519 key", Ed25519, ed25519.PrivateKey(make([]byte, 5)), ErrKeyType},
		{"hmac with empty secret", HMACSHA256, []byte{}, ErrKeyType},
		{"hmac with rsa key", HMACSHA256, rsaKey, ErrKeyType},
		{"nil rsa key", RSAv15SHA256, (*rsa.PrivateKey)(nil), ErrKeyType},
		{"nil key no alg", "", nil, ErrKeyType},
		{"string key", "", "secret", ErrKeyType},
	}
	for _, tt := range signCases {
		t.Run("sign/"+tt.name, func(t *testing.T) {
			_, err := signBytes(tt.alg, tt.key, []byte("x"))
			assert.ErrorIs(t, err, tt.want)
		})
	}

	verifyCases := []struct {
		name string
		alg  Algorithm
		key  any
		want error
	}{
		{"unknown algorithm", "hs2019", &rsaKey.PublicKey, ErrUnknownAlgorithm},
		{"rsa alg with ed25519 key", RSAv15SHA256, edKey.Public(), ErrKeyType},
		{"ecdsa alg with P-384 key", ECDSAP256SHA256, &p384.PublicKey, ErrKeyType},
		{"short ed25519 key", Ed25519, ed25519.PublicKey(make([]byte, 5)), ErrKeyType},
		{"hmac with rsa key", HMACSHA256, &rsaKey.PublicKey, ErrKeyType},
		{"nil rsa public key", RSAv15SHA256, (*rsa.PublicKey)(nil), ErrKeyType},
		{"nil ecdsa public key", ECDSAP256SHA256, (*ecdsa.PublicKey)(nil), ErrKeyType},
		{"nil key", Ed25519, nil, ErrKeyType},
	}
	for _, tt := range verifyCases {
		t.Run("verify/"+tt.name, func(t *testing.T) {
			err := verifyBytes(tt.alg, tt.key, []byte("x"), make([]byte, 64))
			assert.ErrorIs(t, err, tt.want)
		})
	}
}

// testRSAKey returns a fresh RSA-2048 key.
func testRSAKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	return k
}

// TestOversizedRSAKey checks that an RSA key above MaxRSABits is refused
// wherever a peer's key comes in (PEM, Multikey) and wherever one is
// verified with, since each verification would cost a peer nothing and us
// a great deal.
func TestOversizedRSAKey(t *testing.T) {
	n := new(big.Int).Lsh(big.NewInt(1), MaxRSABits+7)
	n.Add(n, big.NewInt(12345))
	huge := &rsa.PublicKey{N: n, E: 65537}

	der, err := x509.MarshalPKIXPublicKey(huge)
	require.NoError(t, err)
	_, err = ParsePublicKeyPEM(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	assert.ErrorIs(t, err, ErrKeyFormat, "SPKI")
	_, err = ParsePublicKeyPEM(pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(huge)}))
	assert.ErrorIs(t, err, ErrKeyFormat, "PKCS#1")
	mk, err := EncodeMultikey(huge)
	require.NoError(t, err)
	_, err = DecodeMultikey(mk)
	assert.ErrorIs(t, err, ErrKeyFormat, "Multikey")

	sig := make([]byte, (MaxRSABits+8)/8)
	for _, alg := range []Algorithm{RSAv15SHA256, RSAPSSSHA512} {
		assert.ErrorIs(t, verifyBytes(alg, huge, []byte("x"), sig), ErrKeyType, alg)
	}
	_, err = cavageCandidates("", &VerificationKey{Key: huge})
	assert.ErrorIs(t, err, ErrKeyType, "draft-cavage")

	ok := &rsa.PublicKey{N: new(big.Int).Lsh(big.NewInt(1), MaxRSABits-1), E: 65537}
	_, err = cavageCandidates("", &VerificationKey{Key: ok})
	assert.NoError(t, err, "a key of MaxRSABits is fine")
}
