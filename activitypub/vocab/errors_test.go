package vocab_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/vocab"
)

func TestDecodeErrorMessage(t *testing.T) {
	e := &vocab.DecodeError{Path: "tag[2].href", Offset: 40, Detail: `"x"`, Err: vocab.ErrInvalidIRI}
	assert.Equal(t, `vocab: invalid IRI at tag[2].href (offset 40): "x"`, e.Error())
	assert.ErrorIs(t, e, vocab.ErrInvalidIRI)
	assert.False(t, errors.Is(e, vocab.ErrNeedsJSONLD))

	u := &vocab.DecodeError{Err: vocab.ErrUnknownContext}
	assert.ErrorIs(t, u, vocab.ErrUnknownContext)
	assert.ErrorIs(t, u, vocab.ErrNeedsJSONLD)
	assert.Equal(t, "vocab: unknown @context (offset 0)", u.Error())
}

// Input quoted in an error is cut short: a hostile document must not make
// its error message (and the log line it lands in) as large as itself.
func TestDecodeErrorQuotesInputBriefly(t *testing.T) {
	long := strings.Repeat("é", 100000)
	for name, doc := range map[string]string{
		"IRI":         `{"id":"https://a.example/` + long + ` x"}`,
		"date":        `{"published":"` + long + `"}`,
		"key in path": `{"` + long + `":tru}`,
		"context URL": `{"@context":"https://a.example/` + long + `","type":"Note"}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := vocab.Unmarshal([]byte(doc))
			var de *vocab.DecodeError
			require.ErrorAs(t, err, &de)
			assert.Less(t, len(err.Error()), 400, err.Error())
			assert.True(t, utf8.ValidString(err.Error()))
		})
	}
}
