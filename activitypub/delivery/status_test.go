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

func TestDurableStatus(t *testing.T) {
	id := "https://a.example/1"
	tests := []struct {
		name      string
		n, fan    store.ActivityCounts
		localGone int
		want      ActivityStatus
	}{
		{"unknown", store.ActivityCounts{}, store.ActivityCounts{}, 0, ActivityStatus{ActivityID: id}},
		{"expanding before any job", store.ActivityCounts{}, store.ActivityCounts{Failing: 1}, 0,
			ActivityStatus{ActivityID: id, Known: true, Expanding: true}},
		{"expansion done", store.ActivityCounts{Delivered: 2}, store.ActivityCounts{Delivered: 1}, 0,
			ActivityStatus{ActivityID: id, Known: true, Enqueued: 2, Delivered: 2}},
		{"mixed, gone capped at dead", store.ActivityCounts{Delivered: 1, Pending: 2, Failing: 3, Dead: 1},
			store.ActivityCounts{}, 4,
			ActivityStatus{ActivityID: id, Known: true, Enqueued: 7, Delivered: 1, Pending: 5, Failing: 3, Dead: 1, Gone: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := durableStatus(id, tt.n, tt.fan, ActivityStatus{Gone: tt.localGone})
			assert.Equal(t, tt.want, got)
		})
	}
}
