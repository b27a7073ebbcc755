package httpsig

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/httpsig/internal/sfv"
)

func TestParseSigParams(t *testing.T) {
	d, err := sfv.ParseDictionary(`s=("@method" "x-a";bs);created=1;expires=2;nonce="n";alg="ed25519";keyid="k";tag="t";future=?1`)
	require.NoError(t, err)
	p, err := parseSigParams(d[0].Value)
	require.NoError(t, err)
	assert.Equal(t, int64(1), p.created)
	assert.True(t, p.hasCreated)
	assert.Equal(t, int64(2), p.expires)
	assert.True(t, p.hasExpires)
	assert.Equal(t, "n", p.nonce)
	assert.Equal(t, "ed25519", p.alg)
	assert.Equal(t, "k", p.keyID)
	assert.Equal(t, "t", p.tag)
	assert.Len(t, p.components, 2)

	for _, bad := range []string{
		`s=("@method");expires=1.5`,
		`s=("@method");nonce=1`,
		`s=("@method");keyid=tok`,
		`s=("@method");alg=:aGk=:`,
		`s=("@method" "@method")`,
		`s=(1)`,
		`s=:aGk=:`,
	} {
		d, err := sfv.ParseDictionary(bad)
		require.NoError(t, err, bad)
		_, err = parseSigParams(d[0].Value)
		assert.ErrorIs(t, err, ErrMalformed, bad)
	}

	// Each component may cost a parse of a large field before the
	// signature is checked: their number is bounded.
	var b strings.Builder
	b.WriteString(`s=(`)
	for i := range maxComponents + 1 {
		fmt.Fprintf(&b, `"x-a";key="k%d" `, i)
	}
	b.WriteString(`);created=1;keyid="k"`)
	d, err = sfv.ParseDictionary(b.String())
	require.NoError(t, err)
	_, err = parseSigParams(d[0].Value)
	assert.ErrorIs(t, err, ErrMalformed, "too many components")
}

func TestSignatureBase(t *testing.T) {
	req := httptestRequest(t, http.MethodGet, "https://example.com/a")
	req.Header.Set("X-Multi", " one ")
	req.Header.Add("X-Multi", "two\t")
	m := requestMessage(req, "https")
	comps := []component{{name: "@method"}, {name: "x-multi"}}
	input := sfv.InnerList{Items: []sfv.Item{comps[0].item(), comps[1].item()}, Params: sfv.Params{{Key: "created", Value: int64(5)}}}
	base, err := signatureBase(m, comps, input)
	require.NoError(t, err)
	assert.Equal(t, "\"@method\": GET\n\"x-multi\": one, two\n\"@signature-params\": (\"@method\" \"x-multi\");created=5", string(base))

	req.Header.Set("X-Multi", "line\nbreak")
	_, err = signatureBase(m, comps, input)
	assert.ErrorIs(t, err, ErrMalformed)

	_, err = signatureBase(m, []component{{name: "@method"}}, sfv.InnerList{Params: sfv.Params{{Key: "Bad", Value: true}}})
	assert.ErrorIs(t, err, ErrMalformed)
}
