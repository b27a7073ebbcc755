package sqlite_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/sqlite"
)

// Open a store in a file, queue a delivery and claim it as a worker would.
func Example() {
	dir, err := os.MkdirTemp("", "starling-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(dir, "starling.db"), sqlite.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	now := time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)
	added, err := s.Enqueue(ctx, store.Batch{
		ActivityID: "https://example.com/activities/1",
		Activity:   []byte(`{"id":"https://example.com/activities/1","type":"Create"}`),
		Sender:     "https://example.com/users/alice#main-key",
		Inboxes:    []string{"https://a.example/inbox", "https://b.example/inbox"},
		Now:        now,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("queued", added)

	jobs, err := s.Claim(ctx, now, time.Minute, 10)
	if err != nil {
		log.Fatal(err)
	}
	for _, j := range jobs {
		fmt.Println("deliver to", j.Inbox)
		if err := s.Complete(ctx, j); err != nil {
			log.Fatal(err)
		}
	}
	counts, err := s.CountJobs(ctx, "")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("left", counts.Total())
	// Output:
	// queued 2
	// deliver to https://a.example/inbox
	// deliver to https://b.example/inbox
	// left 0
}
