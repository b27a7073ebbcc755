package store_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/starling-fed/starling/store"
)

func TestJobStateValid(t *testing.T) {
	for _, s := range []store.JobState{store.JobPending, store.JobLeased, store.JobDead} {
		assert.True(t, s.Valid(), s)
	}
	assert.False(t, store.JobState("done").Valid())
	assert.False(t, store.JobState("").Valid())
}

func TestQueueCountsTotal(t *testing.T) {
	assert.Equal(t, 6, store.QueueCounts{Pending: 1, Leased: 2, Dead: 3}.Total())
	assert.Zero(t, store.QueueCounts{}.Total())
}
