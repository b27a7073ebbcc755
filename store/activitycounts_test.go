package store_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/starling-fed/starling/store"
)

func TestActivityCountsSums(t *testing.T) {
	c := store.ActivityCounts{Delivered: 1, Pending: 2, Failing: 3, Dead: 4}
	assert.Equal(t, int64(5), c.Queued())
	assert.Equal(t, int64(10), c.Total())
	assert.Zero(t, store.ActivityCounts{}.Total())
}
