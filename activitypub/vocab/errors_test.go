package vocab_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"

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
