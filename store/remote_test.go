package store_test

import (
	"context"
	"fmt"
	"time"

	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/memory"
)

// A signature's key id leads to the cached actor that owns it, with the
// fetch time a refetch policy looks at.
func ExampleRemoteActors() {
	ctx := context.Background()
	var cache store.RemoteActors = memory.New()
	fetched := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	err := cache.PutRemoteActor(ctx, store.RemoteActor{
		IRI:         "https://remote.example/users/bob",
		Document:    []byte(`{"id":"https://remote.example/users/bob","type":"Person"}`),
		Inbox:       "https://remote.example/users/bob/inbox",
		SharedInbox: "https://remote.example/inbox",
		Keys:        []store.PublicKey{{KeyID: "https://remote.example/users/bob#main-key", PEM: []byte("-----BEGIN PUBLIC KEY-----\n...")}},
		Fetched:     fetched,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	k, err := cache.RemotePublicKey(ctx, "https://remote.example/users/bob#main-key")
	if err != nil {
		fmt.Println(err)
		return
	}
	stale := time.Date(2026, 1, 3, 0, 0, 0, 0, time.UTC).Sub(k.Fetched) > 24*time.Hour
	fmt.Println(k.Owner, "refetch:", stale)
	// Output:
	// https://remote.example/users/bob refetch: true
}
