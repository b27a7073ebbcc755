package memory_test

import (
	"context"
	"fmt"
	"time"

	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/memory"
)

// Followers are approved later, deliveries go to distinct inboxes, and the
// outbox pages newest first.
func Example() {
	ctx := context.Background()
	s := memory.New()
	defer s.Close()

	const alice = "https://local.example/users/alice"
	follows := []store.Follow{
		{Follower: "https://remote.example/users/bob", Inbox: "https://remote.example/users/bob/inbox", SharedInbox: "https://remote.example/inbox"},
		{Follower: "https://remote.example/users/carol", Inbox: "https://remote.example/users/carol/inbox", SharedInbox: "https://remote.example/inbox"},
		{Follower: "https://small.example/dave", Inbox: "https://small.example/dave/inbox"},
	}
	for i, f := range follows {
		f.Followee = alice
		f.ActivityID = fmt.Sprintf("%s/follows/%d", f.Follower, i)
		f.State = store.FollowPending
		if _, err := s.PutFollow(ctx, f); err != nil {
			fmt.Println(err)
			return
		}
	}

	// Alice accepts each Follow, found by the id her Accept names.
	for i, f := range follows {
		pending, err := s.FollowByActivity(ctx, fmt.Sprintf("%s/follows/%d", f.Follower, i))
		if err != nil {
			fmt.Println(err)
			return
		}
		_ = s.SetFollowState(ctx, pending.Follower, pending.Followee, store.FollowAccepted)
	}
	n, _ := s.CountFollowers(ctx, alice, store.FollowAccepted)
	fmt.Println("followers:", n)
	for inbox, err := range s.FollowerInboxes(ctx, alice) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("deliver to", inbox)
	}

	outbox := alice + "/outbox"
	for i := 1; i <= 3; i++ {
		_, _ = s.AddToCollection(ctx, outbox, fmt.Sprintf("%s/notes/%d", alice, i))
	}
	page, _ := s.CollectionPage(ctx, outbox, "", 2)
	fmt.Println(page.Items, page.Next != "")
	page, _ = s.CollectionPage(ctx, outbox, page.Next, 2)
	fmt.Println(page.Items, page.Next != "")

	_, err := s.CollectionPage(ctx, outbox, "forged", 2)
	fmt.Println(err)
	// Output:
	// followers: 3
	// deliver to https://remote.example/inbox
	// deliver to https://small.example/dave/inbox
	// [https://local.example/users/alice/notes/3 https://local.example/users/alice/notes/2] true
	// [https://local.example/users/alice/notes/1] false
	// memory: store: invalid cursor: not base64url
}

// A worker claims due deliveries with a lease, completes what succeeded
// and reschedules what failed.
func Example_deliveryQueue() {
	ctx := context.Background()
	s := memory.New()
	defer s.Close()
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)

	added, _ := s.Enqueue(ctx, store.Batch{
		ActivityID: "https://local.example/users/alice/activities/1",
		Activity:   []byte(`{"type":"Create"}`),
		Sender:     "https://local.example/users/alice#main-key",
		Inboxes:    []string{"https://remote.example/inbox", "https://down.example/inbox"},
		Now:        now,
	})
	fmt.Println("enqueued", added)

	jobs, _ := s.Claim(ctx, now, time.Minute, 10)
	for _, j := range jobs {
		if j.Host == "down.example" {
			_ = s.Retry(ctx, j, now.Add(time.Hour), "503 Service Unavailable")
			continue
		}
		_ = s.Complete(ctx, j)
	}
	c, _ := s.CountJobs(ctx, "")
	fmt.Printf("pending %d, leased %d\n", c.Pending, c.Leased)

	jobs, _ = s.Claim(ctx, now.Add(time.Minute), time.Minute, 10)
	fmt.Println("due after a minute:", len(jobs))
	jobs, _ = s.Claim(ctx, now.Add(time.Hour), time.Minute, 10)
	fmt.Println("due after an hour:", len(jobs), jobs[0].Inbox, "attempt", jobs[0].Attempts, jobs[0].LastError)
	// Output:
	// enqueued 2
	// pending 1, leased 0
	// due after a minute: 0
	// due after an hour: 1 https://down.example/inbox attempt 2 503 Service Unavailable
}
