package httpsig

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGenerateAndPEMRoundTrip(t *testing.T) {
	for _, alg := range []Algorithm{"", Ed25519, ECDSAP256SHA256} {
		t.Run(string(alg), func(t *testing.T) {
			key, err := GenerateKey(alg)
			require.NoError(t, err)
			switch alg {
			case "":
				require.IsType(t, &rsa.PrivateKey{}, key)
				assert.Equal(t, DefaultRSABits, key.(*rsa.PrivateKey).N.BitLen())
			case Ed25519:
				require.IsType(t, ed25519.PrivateKey{}, key)
			case ECDSAP256SHA256:
				require.IsType(t, &ecdsa.PrivateKey{}, key)
			}
			privPEM, err := MarshalPrivateKeyPEM(key)
			require.NoError(t, err)
			assert.Contains(t, string(privPEM), "BEGIN PRIVATE KEY")
			back, err := ParsePrivateKeyPEM(privPEM)
			require.NoError(t, err)
			assert.True(t, back.(interface {
				Equal(x crypto.PrivateKey) bool
			}).Equal(key))

			pubPEM, err := MarshalPublicKeyPEM(key)
			require.NoError(t, err)
			assert.Contains(t, string(pubPEM), "BEGIN PUBLIC KEY")
			pub, err := ParsePublicKeyPEM(pubPEM)
			require.NoError(t, err)
			assert.True(t, pub.(interface{ Equal(x crypto.PublicKey) bool }).Equal(key.Public()))
		})
	}
	_, err := GenerateKey(HMACSHA256)
	require.ErrorIs(t, err, ErrUnknownAlgorithm)
}
