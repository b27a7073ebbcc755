package store_test

import (
	"context"
	"fmt"
	"time"

	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/memory"
)

// An inbox processes each activity once, however often it is delivered.
func ExampleSeen() {
	ctx := context.Background()
	var seen store.Seen = memory.New()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, delivery := range []string{
		"https://remote.example/activities/1",
		"https://remote.example/activities/1", // retried by the sender
		"https://remote.example/activities/2",
	} {
		first, err := seen.MarkSeen(ctx, delivery, now, now.Add(7*24*time.Hour))
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(delivery, first)
	}
	// Output:
	// https://remote.example/activities/1 true
	// https://remote.example/activities/1 false
	// https://remote.example/activities/2 true
}
