package delivery

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/starling-fed/starling/store"
)

func TestTracker(t *testing.T) {
	tr := newTracker()
	id := "https://a.example/1"
	assert.Equal(t, ActivityStatus{ActivityID: id}, tr.status(id))
	tr.enqueued(id, 4)
	tr.delivered(store.Job{ActivityID: id})
	tr.failing(store.Job{ActivityID: id})
	tr.failing(store.Job{ActivityID: id, LastError: "again"}) // still the same failing job
	tr.gone(store.Job{ActivityID: id})
	st := tr.status(id)
	assert.Equal(t, ActivityStatus{ActivityID: id, Known: true, Enqueued: 4, Delivered: 1, Pending: 2, Failing: 1,
		Dead: 1, Gone: 1}, st)
	assert.False(t, st.Done())
	tr.dead(store.Job{ActivityID: id, LastError: "x"})
	tr.delivered(store.Job{ActivityID: id})
	st = tr.status(id)
	assert.Equal(t, 0, st.Pending)
	assert.Equal(t, 0, st.Failing)
	assert.True(t, st.Done())
	tr.requeued(store.Job{ActivityID: id, LastError: "x"})
	assert.Equal(t, 1, tr.status(id).Pending)
	tr.expanding(id, true)
	assert.True(t, tr.status(id).Expanding)
}

func TestTrackerForgetsOldest(t *testing.T) {
	tr := newTracker()
	for i := range maxTracked + 1 {
		tr.enqueued(string(rune('a'+i%26))+string(rune(i)), 1)
	}
	assert.Len(t, tr.m, maxTracked)
}
