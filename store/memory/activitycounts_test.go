package memory_test

import (
	"context"
	"fmt"
	"time"

	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/memory"
)

// The counts of an activity follow its jobs; the delivered tally stays
// after the last job, and its payload, are gone.
func ExampleStore_ActivityCounts() {
	ctx := context.Background()
	s := memory.New()
	defer s.Close()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	id := "https://local.example/activities/1"
	_, _ = s.Enqueue(ctx, store.Batch{ActivityID: id, Activity: []byte(`{"id":"` + id + `"}`),
		Sender: "https://local.example/users/alice", Now: now,
		Inboxes: []string{"https://a.example/inbox", "https://b.example/inbox"}})
	jobs, _ := s.Claim(ctx, now, time.Minute, 2)
	_ = s.Complete(ctx, jobs[0])
	_ = s.Retry(ctx, jobs[1], now.Add(time.Minute), "503 Service Unavailable")
	c, _ := s.ActivityCounts(ctx, id)
	fmt.Printf("%+v\n", c)

	jobs, _ = s.Claim(ctx, now.Add(time.Minute), time.Minute, 1)
	_ = s.Complete(ctx, jobs[0])
	c, _ = s.ActivityCounts(ctx, id)
	fmt.Printf("%+v\n", c)

	purged, _ := s.PurgeActivityCounts(ctx, now.Add(24*time.Hour))
	c, _ = s.ActivityCounts(ctx, id)
	fmt.Println(purged, c.Total())
	// Output:
	// {Delivered:1 Pending:0 Failing:1 Dead:0}
	// {Delivered:2 Pending:0 Failing:0 Dead:0}
	// 1 0
}
