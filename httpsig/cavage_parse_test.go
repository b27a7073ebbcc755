package httpsig

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cavageParseCases are Signature header values and whether they parse.
var cavageParseCases = []struct {
	name    string
	header  string
	ok      bool
	keyID   string
	headers []string
}{
	{"mastodon", `keyId="https://a.example/users/bob#main-key",algorithm="rsa-sha256",headers="(request-target) host date digest",signature="AAAA"`,
		true, "https://a.example/users/bob#main-key", []string{"(request-target)", "host", "date", "digest"}},
	{"spaces around separators", `keyId = "k" , algorithm="hs2019",	headers="date host", signature="AAAA" `, true, "k", []string{"date", "host"}},
	{"no headers means date", `keyId="k",signature="AAAA"`, true, "k", []string{"date"}},
	{"token values", `keyId="k",algorithm=hs2019,created=1402170695,headers="(created)",signature="AAAA"`, true, "k", []string{"(created)"}},
	{"fractional created", `keyId="k",created=1402170695.25,headers="(created)",signature="AAAA"`, true, "k", []string{"(created)"}},
	{"escaped quote in keyId", `keyId="a\"b,c",signature="AAAA"`, true, `a"b,c`, []string{"date"}},
	{"unknown parameter ignored", `keyId="k",nonce="x",signature="AAAA"`, true, "k", []string{"date"}},
	{"upper-case header names", `keyId="k",headers="Date Host",signature="AAAA"`, true, "k", []string{"date", "host"}},
	{"empty", ``, false, "", nil},
	{"truncated", `keyId="https://a.example/users/bob#main-key",signature="AAA`, false, "", nil},
	{"truncated after comma", `keyId="k",`, false, "", nil},
	{"no keyId", `signature="AAAA"`, false, "", nil},
	{"no signature", `keyId="k"`, false, "", nil},
	{"empty keyId", `keyId="",signature="AAAA"`, false, "", nil},
	{"duplicated keyId", `keyId="a",keyId="b",signature="AAAA"`, false, "", nil},
	{"duplicated signature", `keyId="a",signature="AAAA",signature="AAAA"`, false, "", nil},
	{"duplicated headers, case differs", `keyId="a",headers="date",Headers="host",signature="AAAA"`, false, "", nil},
	{"bad base64", `keyId="k",signature="not base64!"`, false, "", nil},
	{"base64 too short", `keyId="k",signature="A==="`, false, "", nil},
	{"base64 unpadded", `keyId="k",signature="AAAAA"`, false, "", nil},
	{"empty signature", `keyId="k",signature=""`, false, "", nil},
	{"huge signature", `keyId="k",signature="` + strings.Repeat("A", 4000) + `"`, false, "", nil},
	{"huge keyId", `keyId="` + strings.Repeat("k", 3000) + `",signature="AAAA"`, false, "", nil},
	{"huge header", `keyId="k",signature="AAAA",x="` + strings.Repeat("x", 9000) + `"`, false, "", nil},
	{"too many headers", `keyId="k",headers="` + strings.Repeat("a ", 40) + `",signature="AAAA"`, false, "", nil},
	{"too many parameters", strings.Repeat(`a="b",`, 20) + `keyId="k",signature="AAAA"`, false, "", nil},
	{"empty headers", `keyId="k",headers="",signature="AAAA"`, false, "", nil},
	{"bad header name", `keyId="k",headers="da:te",signature="AAAA"`, false, "", nil},
	{"missing comma", `keyId="k" signature="AAAA"`, false, "", nil},
	{"no value", `keyId=,signature="AAAA"`, false, "", nil},
	{"no name", `="k",signature="AAAA"`, false, "", nil},
	{"control character", "keyId=\"k\x00\",signature=\"AAAA\"", false, "", nil},
	{"negative created", `keyId="k",created=-5,signature="AAAA"`, false, "", nil},
	{"huge created", `keyId="k",created=99999999999999999999,signature="AAAA"`, false, "", nil},
	{"created not a number", `keyId="k",created="soon",signature="AAAA"`, false, "", nil},
}

func TestParseCavageSignature(t *testing.T) {
	for _, c := range cavageParseCases {
		t.Run(c.name, func(t *testing.T) {
			p, err := parseCavageSignature(c.header)
			if !c.ok {
				require.ErrorIs(t, err, ErrMalformed)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.keyID, p.keyID)
			assert.Equal(t, c.headers, p.headers)
			assert.Equal(t, []byte{0, 0, 0}, p.sig())

			// What formatCavageSignature writes parses back the same.
			again, err := parseCavageSignature(formatCavageSignature(p))
			require.NoError(t, err)
			assert.Equal(t, p.keyID, again.keyID)
			assert.Equal(t, p.headers, again.headers)
			assert.Equal(t, p.sig(), again.sig())
		})
	}
}

func FuzzParseCavageSignature(f *testing.F) {
	for _, c := range cavageParseCases {
		f.Add(c.header)
	}
	f.Fuzz(func(t *testing.T, header string) {
		p, err := parseCavageSignature(header)
		if err != nil {
			require.ErrorIs(t, err, ErrMalformed)
			return
		}
		require.NotEmpty(t, p.keyID)
		require.NotEmpty(t, p.headers)
		require.NotEmpty(t, p.sig(), "a signature that parses decodes")
		again, err := parseCavageSignature(formatCavageSignature(p))
		require.NoError(t, err)
		require.Equal(t, p.keyID, again.keyID)
		require.Equal(t, p.headers, again.headers)
		require.Equal(t, p.sig(), again.sig())
	})
}
