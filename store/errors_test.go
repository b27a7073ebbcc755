package store_test

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/starling-fed/starling/store"
)

func TestErrNotFoundMatchesFSErrNotExist(t *testing.T) {
	err := fmt.Errorf("object %q: %w", "https://example.com/x", store.ErrNotFound)
	assert.ErrorIs(t, err, store.ErrNotFound)
	assert.ErrorIs(t, err, fs.ErrNotExist)
	assert.NotErrorIs(t, store.ErrGone, store.ErrNotFound)
	assert.Equal(t, "store: not found", store.ErrNotFound.Error())
}

func TestSentinelsArePrefixed(t *testing.T) {
	for _, err := range []error{
		store.ErrNotFound, store.ErrGone, store.ErrConflict, store.ErrInvalidCursor,
		store.ErrInvalidIRI, store.ErrTooLarge, store.ErrInvalid, store.ErrLeaseLost,
	} {
		t.Run(err.Error(), func(t *testing.T) {
			assert.True(t, strings.HasPrefix(err.Error(), "store: "))
			for _, other := range []error{store.ErrNotFound, store.ErrGone, store.ErrConflict, store.ErrLeaseLost} {
				if other != err {
					assert.False(t, errors.Is(err, other), "%v must not match %v", err, other)
				}
			}
		})
	}
}
