package delivery_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/starling-fed/starling/activitypub/delivery"
	"github.com/starling-fed/starling/httpsig"
	"github.com/starling-fed/starling/store/memory"
)

// Deliver an activity to an inbox and read its delivery status.
func Example() {
	received := make(chan string, 1)
	inbox := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		received <- r.Header.Get("Content-Type")
		w.WriteHeader(http.StatusAccepted)
	}))
	defer inbox.Close()

	key, err := httpsig.GenerateKey(httpsig.Ed25519)
	if err != nil {
		panic(err)
	}
	d, err := delivery.New(delivery.Config{
		Store: memory.New(),
		Keys: func(_ context.Context, sender string) (httpsig.SigningKey, error) {
			return httpsig.SigningKey{KeyID: sender + "#main-key", Key: key}, nil
		},
		InsecureAllowPrivateAddresses: true, // the inbox is on loopback
	})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	if err := d.Start(ctx); err != nil {
		panic(err)
	}
	defer d.Shutdown(ctx)

	id := "https://example.com/activities/1"
	res, err := d.Publish(ctx, delivery.Message{
		ActivityID: id,
		Activity:   []byte(`{"id":"https://example.com/activities/1","type":"Create","actor":"https://example.com/users/alice"}`),
		Sender:     "https://example.com/users/alice",
		Inboxes:    []string{inbox.URL + "/inbox"},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("enqueued:", res.Enqueued)
	fmt.Println("received as:", <-received)
	for !d.Status(id).Done() {
		time.Sleep(time.Millisecond)
	}
	st := d.Status(id)
	fmt.Printf("delivered %d, pending %d, dead %d\n", st.Delivered, st.Pending, st.Dead)
	// Output:
	// enqueued: 1
	// received as: application/activity+json
	// delivered 1, pending 0, dead 0
}
