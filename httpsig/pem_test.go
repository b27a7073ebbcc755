package httpsig

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPEMFormats(t *testing.T) {
	// PKCS#1 private (Mastodon's storage) and SPKI public (publicKeyPem).
	priv := readPrivateKey(t, "mastodon/bob.priv.pem").(*rsa.PrivateKey)
	pub := readPublicKey(t, "mastodon/bob.pub.pem").(*rsa.PublicKey)
	require.True(t, priv.PublicKey.Equal(pub))

	// PKCS#1 public key.
	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(pub)})
	got, err := ParsePublicKeyPEM(pkcs1)
	require.NoError(t, err)
	assert.True(t, pub.Equal(got))

	// PKCS#1 private written and read back.
	out, err := MarshalRSAPrivateKeyPEM(priv)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(out), "-----BEGIN RSA PRIVATE KEY-----"))
	back, err := ParsePrivateKeyPEM(out)
	require.NoError(t, err)
	assert.True(t, priv.Equal(back))

	// The draft-cavage test key: SPKI public, PKCS#1 private.
	cavagePriv := readPrivateKey(t, "cavage12/test-key.priv.pem")
	cavagePub := readPublicKey(t, "cavage12/test-key.pub.pem")
	assert.True(t, cavagePriv.Public().(*rsa.PublicKey).Equal(cavagePub))
}

// pemBadCases are inputs the PEM readers must refuse.
var pemBadCases = []string{
	"",
	"not pem at all",
	"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
	"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
	"-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----\n",
	"-----BEGIN RSA PUBLIC KEY-----\nMAA=\n-----END RSA PUBLIC KEY-----\n",
	"-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n",
	"-----BEGIN PUBLIC KEY-----\n" + strings.Repeat("A", 70000) + "\n-----END PUBLIC KEY-----\n",
}

func TestPEMRejects(t *testing.T) {
	for _, s := range pemBadCases {
		_, err := ParsePublicKeyPEM([]byte(s))
		assert.ErrorIs(t, err, ErrKeyFormat, "public %.50q", s)
		_, err = ParsePrivateKeyPEM([]byte(s))
		assert.ErrorIs(t, err, ErrKeyFormat, "private %.50q", s)
	}
	// A private key where a public one is expected, and the reverse.
	priv, err := os.ReadFile("testdata/mastodon/bob.priv.pem")
	require.NoError(t, err)
	_, err = ParsePublicKeyPEM(priv)
	assert.ErrorIs(t, err, ErrKeyFormat)
	pub, err := os.ReadFile("testdata/mastodon/bob.pub.pem")
	require.NoError(t, err)
	_, err = ParsePrivateKeyPEM(pub)
	assert.ErrorIs(t, err, ErrKeyFormat)

	_, err = MarshalPublicKeyPEM(nil)
	assert.ErrorIs(t, err, ErrKeyFormat)
	_, err = MarshalPrivateKeyPEM((*rsa.PrivateKey)(nil))
	assert.ErrorIs(t, err, ErrKeyFormat)
	_, err = MarshalRSAPrivateKeyPEM(nil)
	assert.ErrorIs(t, err, ErrKeyFormat)
}

func FuzzParsePEM(f *testing.F) {
	for _, name := range []string{"mastodon/bob.pub.pem", "mastodon/bob.priv.pem", "cavage12/test-key.pub.pem"} {
		b, err := os.ReadFile("testdata/" + name)
		require.NoError(f, err)
		f.Add(b)
	}
	for _, s := range pemBadCases {
		if len(s) < 1000 {
			f.Add([]byte(s))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if k, err := ParsePublicKeyPEM(data); err == nil {
			_, err := MarshalPublicKeyPEM(k)
			require.NoError(t, err)
		} else {
			require.ErrorIs(t, err, ErrKeyFormat)
		}
		if k, err := ParsePrivateKeyPEM(data); err == nil {
			require.NotNil(t, k.Public())
		} else {
			require.ErrorIs(t, err, ErrKeyFormat)
		}
	})
}
