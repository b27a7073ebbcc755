package jsonld_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/starling-fed/starling/activitypub/jsonld"
)

func TestErrorMessages(t *testing.T) {
	for _, err := range []error{
		jsonld.ErrContextNotAllowed, jsonld.ErrInvalidJSON, jsonld.ErrTooLarge, jsonld.ErrTooDeep,
		jsonld.ErrContextCycle, jsonld.ErrTooManyContexts, jsonld.ErrTooComplex, jsonld.ErrInvalidContext,
	} {
		assert.Regexp(t, `^jsonld: `, err.Error())
	}

	inner := errors.New("connection refused")
	ferr := &jsonld.FetchError{URL: "https://a.example/ctx", Err: inner}
	assert.Equal(t, "jsonld: fetching context https://a.example/ctx: connection refused", ferr.Error())
	assert.ErrorIs(t, fmt.Errorf("wrapped: %w", ferr), inner)
	ferr = &jsonld.FetchError{URL: "https://a.example/ctx", StatusCode: 404}
	assert.Equal(t, "jsonld: fetching context https://a.example/ctx: HTTP status 404", ferr.Error())

	perr := &jsonld.ProcessingError{Op: "expand", Code: "invalid @id value", Err: inner}
	assert.Equal(t, "jsonld: expand: connection refused", perr.Error())
	assert.ErrorIs(t, perr, inner)
}
