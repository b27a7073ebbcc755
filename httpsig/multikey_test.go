package httpsig

import (
	"crypto/ed25519"
	"crypto/rsa"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The FEP-8b32 test key pair: the private Multikey is base58btc(0x80 0x26 ||
// seed), the public one base58btc(0xed 0x01 || key).
const (
	fepPrivateMultikey = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
	fepPublicMultikey  = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
)

func TestMultikeyFEPVector(t *testing.T) {
	raw, err := base58Decode(fepPrivateMultikey[1:])
	require.NoError(t, err)
	require.Len(t, raw, 34)
	require.Equal(t, []byte{0x80, 0x26}, raw[:2])
	pub := ed25519.NewKeyFromSeed(raw[2:]).Public().(ed25519.PublicKey)

	got, err := DecodeMultikey(fepPublicMultikey)
	require.NoError(t, err)
	assert.Equal(t, pub, got)

	enc, err := EncodeMultikey(pub)
	require.NoError(t, err)
	assert.Equal(t, fepPublicMultikey, enc)
	assert.True(t, strings.HasPrefix(enc, "z6Mk"))
}

func TestMultikeyRSA(t *testing.T) {
	priv := readPrivateKey(t, "mastodon/bob.priv.pem").(*rsa.PrivateKey)
	enc, err := EncodeMultikey(priv) // a private key stands for its public half
	require.NoError(t, err)
	raw, err := base58Decode(enc[1:])
	require.NoError(t, err)
	assert.Equal(t, []byte{0x85, 0x24}, raw[:2], "rsa-pub multicodec 0x1205 as varint")
	got, err := DecodeMultikey(enc)
	require.NoError(t, err)
	assert.True(t, priv.PublicKey.Equal(got))
}

func TestBase58(t *testing.T) {
	cases := []struct{ raw, enc string }{
		{"", ""},
		{"\x00", "1"},
		{"\x00\x00\x01", "112"},
		{"hello world", "StV1DL6CwTryKyV"},
		{"\x00\x00\x28\x7f\xb4\xcd", "11233QC4"},
	}
	for _, c := range cases {
		assert.Equal(t, c.enc, base58Encode([]byte(c.raw)), "%q", c.raw)
		if c.enc != "" {
			got, err := base58Decode(c.enc)
			require.NoError(t, err)
			assert.Equal(t, []byte(c.raw), got)
		}
	}
}

// multikeyBadCases are strings DecodeMultikey must refuse.
var multikeyBadCases = []string{
	"",
	"z",
	"6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",   // no multibase prefix
	"uMkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",   // base64url, not base58btc
	"z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ",   // one character short
	"z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2l", // 'l' is not base58
	"z0OIl", // none of these are
	"z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq",                  // a private key
	"z" + base58Encode([]byte{0x85, 0x24, 1, 2, 3}),                     // RSA prefix, bad DER
	"z" + strings.Repeat("2", 5000),                                     // huge
	"z" + base58Encode(append([]byte{0xed, 0x01}, make([]byte, 33)...)), // 33-byte Ed25519
}

func TestDecodeMultikeyRejects(t *testing.T) {
	for _, s := range multikeyBadCases {
		_, err := DecodeMultikey(s)
		assert.ErrorIs(t, err, ErrKeyFormat, "%.60q", s)
	}
	_, err := EncodeMultikey(ed25519.PublicKey{1, 2})
	assert.ErrorIs(t, err, ErrKeyFormat)
	_, err = EncodeMultikey("not a key")
	assert.ErrorIs(t, err, ErrKeyFormat)
	_, err = EncodeMultikey((*rsa.PublicKey)(nil))
	assert.ErrorIs(t, err, ErrKeyFormat)
}

func FuzzDecodeMultikey(f *testing.F) {
	f.Add(fepPublicMultikey)
	for _, s := range multikeyBadCases {
		if len(s) < 200 {
			f.Add(s)
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := DecodeMultikey(s)
		if err != nil {
			require.ErrorIs(t, err, ErrKeyFormat)
			return
		}
		enc, err := EncodeMultikey(k)
		require.NoError(t, err)
		again, err := DecodeMultikey(enc)
		require.NoError(t, err)
		require.Equal(t, k, again)
	})
}
