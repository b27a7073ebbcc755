package httpsig

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Digests of `{"hello": "world"}`.
const (
	helloBody   = `{"hello": "world"}`
	helloSHA256 = "X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE="
	helloSHA512 = "WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew=="
)

func TestDigestHeader(t *testing.T) {
	assert.Equal(t, "SHA-256="+helloSHA256, DigestHeader([]byte(helloBody)))
	assert.Equal(t, "SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", DigestHeader(nil))
}

// digestCases are the Digest table, also the seeds of FuzzVerifyDigest.
var digestCases = []struct {
	name   string
	header string
	want   error
}{
	{"upper case", "SHA-256=" + helloSHA256, nil},
	{"lower case", "sha-256=" + helloSHA256, nil},
	{"mixed case and spaces", " Sha-256 = " + helloSHA256 + " ", nil},
	{"with sha-512", "SHA-256=" + helloSHA256 + ",SHA-512=" + helloSHA512, nil},
	{"unknown algorithm ignored", "MD5=abc,SHA-256=" + helloSHA256, nil},
	{"only sha-512", "SHA-512=" + helloSHA512, ErrUnknownAlgorithm},
	{"only md5", "MD5=HUXZLQLMuI/KZ5KDcJPcOA==", ErrUnknownAlgorithm},
	{"empty", "", ErrMalformed},
	{"no equals", "SHA-256", ErrMalformed},
	{"no name", "=" + helloSHA256, ErrMalformed},
	{"bad base64", "SHA-256=!!!", ErrMalformed},
	{"two sha-256", "SHA-256=" + helloSHA256 + ",sha-256=" + helloSHA256, ErrMalformed},
	{"wrong sha-256", "SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", ErrDigestMismatch},
	{"wrong sha-512", "SHA-256=" + helloSHA256 + ",SHA-512=" + helloSHA256, ErrDigestMismatch},
	{"truncated", "SHA-256=" + helloSHA256[:21], ErrMalformed},
	{"short", "SHA-256=" + helloSHA256[:20], ErrDigestMismatch},
}

func TestVerifyDigest(t *testing.T) {
	for _, tt := range digestCases {
		t.Run(tt.name, func(t *testing.T) {
			err := VerifyDigest(tt.header, []byte(helloBody))
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tt.want)
		})
	}
	t.Run("body altered", func(t *testing.T) {
		assert.ErrorIs(t, VerifyDigest(DigestHeader([]byte(helloBody)), []byte(`{"hello": "World"}`)), ErrDigestMismatch)
	})
	t.Run("huge", func(t *testing.T) {
		huge := "SHA-256=" + helloSHA256 + "," + strings.Repeat("x", 5000)
		assert.ErrorIs(t, VerifyDigest(huge, []byte(helloBody)), ErrMalformed)
	})
}

func FuzzVerifyDigest(f *testing.F) {
	for _, tt := range digestCases {
		f.Add(tt.header, []byte(helloBody))
	}
	f.Fuzz(func(t *testing.T, header string, body []byte) {
		if err := VerifyDigest(header, body); err == nil {
			// Whatever verified must name a matching SHA-256.
			require.NoError(t, VerifyDigest(DigestHeader(body), body))
		}
	})
}

func TestContentDigest(t *testing.T) {
	got, err := ContentDigest([]byte(helloBody))
	require.NoError(t, err)
	assert.Equal(t, "sha-256=:"+helloSHA256+":", got)

	got, err = ContentDigest([]byte(helloBody), "sha-512", "sha-256", "sha-512")
	require.NoError(t, err)
	assert.Equal(t, "sha-512=:"+helloSHA512+":, sha-256=:"+helloSHA256+":", got)

	_, err = ContentDigest([]byte(helloBody), "md5")
	assert.ErrorIs(t, err, ErrUnknownAlgorithm)
	_, err = ContentDigest([]byte(helloBody), "SHA-256")
	assert.ErrorIs(t, err, ErrUnknownAlgorithm, "RFC 9530 names are lower case")
}

// contentDigestCases are the Content-Digest table, also the seeds of
// FuzzVerifyContentDigest.
var contentDigestCases = []struct {
	name   string
	header string
	want   error
}{
	{"sha-256", "sha-256=:" + helloSHA256 + ":", nil},
	{"sha-512 (RFC 9421 B.2)", "sha-512=:" + helloSHA512 + ":", nil},
	{"both", "sha-256=:" + helloSHA256 + ":, sha-512=:" + helloSHA512 + ":", nil},
	{"unknown member ignored", "md5=:aGk=:, sha-256=:" + helloSHA256 + ":", nil},
	{"only unknown", "unixsum=:aGk=:", ErrUnknownAlgorithm},
	{"empty", "", ErrUnknownAlgorithm},
	{"wrong sha-256", "sha-256=:" + helloSHA512 + ":", ErrDigestMismatch},
	{"one of two wrong", "sha-256=:" + helloSHA256 + ":, sha-512=:" + helloSHA256 + ":", ErrDigestMismatch},
	{"not a byte sequence", "sha-256=\"" + helloSHA256 + "\"", ErrMalformed},
	{"inner list", "sha-256=(:" + helloSHA256 + ":)", ErrMalformed},
	{"duplicate", "sha-256=:" + helloSHA256 + ":, sha-256=:" + helloSHA256 + ":", ErrMalformed},
	{"Digest syntax", "SHA-256=" + helloSHA256, ErrMalformed},
	{"truncated", "sha-256=:" + helloSHA256[:10], ErrMalformed},
	{"bad base64", "sha-256=:!!:", ErrMalformed},
}

func TestVerifyContentDigest(t *testing.T) {
	for _, tt := range contentDigestCases {
		t.Run(tt.name, func(t *testing.T) {
			err := VerifyContentDigest(tt.header, []byte(helloBody))
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tt.want)
		})
	}
	t.Run("body altered", func(t *testing.T) {
		h, err := ContentDigest([]byte(helloBody))
		require.NoError(t, err)
		assert.ErrorIs(t, VerifyContentDigest(h, []byte(`{"hello": "World"}`)), ErrDigestMismatch)
	})
	t.Run("huge", func(t *testing.T) {
		huge := "sha-256=:" + helloSHA256 + ":, a=\"" + strings.Repeat("x", 5000) + "\""
		assert.ErrorIs(t, VerifyContentDigest(huge, []byte(helloBody)), ErrMalformed)
	})
}

func FuzzVerifyContentDigest(f *testing.F) {
	for _, tt := range contentDigestCases {
		f.Add(tt.header, []byte(helloBody))
	}
	f.Fuzz(func(t *testing.T, header string, body []byte) {
		_ = VerifyContentDigest(header, body)
	})
}
