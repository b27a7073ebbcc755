package activitypub

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/starling-fed/starling/activitypub/vocab"
	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/memory"
)

// BenchmarkServe measures answering GETs of an actor document, an object
// and an outbox page through Handler, beside writing the same bytes from
// memory: "x-static" is how many times longer the Federation takes than a
// handler that only writes a prepared body.
func BenchmarkServe(b *testing.B) {
	fed, err := New(Config{Origin: "https://social.example", Store: memory.New()})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if err := fed.CreateActor(ctx, Actor{Username: "alice", Name: "Alice", Summary: "<p>bio</p>"}); err != nil {
		b.Fatal(err)
	}
	for range 20 {
		o := note(fed.NewID(), fed.ActorIRI("alice"), publicIRI)
		act := create(o.ID+"/activity", o)
		for _, x := range []*vocab.Object{o, act} {
			doc, err := vocab.Marshal(x)
			if err != nil {
				b.Fatal(err)
			}
			if err := fed.Store().PutObject(ctx, store.Object{IRI: x.ID, Type: x.Type, Document: doc, Local: true, Updated: time.Now()}); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := fed.Store().AddToCollection(ctx, fed.OutboxIRI("alice"), act.ID); err != nil {
			b.Fatal(err)
		}
	}
	page, err := fed.Store().CollectionPage(ctx, fed.OutboxIRI("alice"), "", 1)
	if err != nil {
		b.Fatal(err)
	}
	h := fed.Handler(nil)
	for _, tc := range []struct{ name, url string }{
		{"actor", fed.ActorIRI("alice")},
		{"object", page.Items[0]},
		{"outbox-page", fed.OutboxIRI("alice") + "?page=true"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, tc.url, nil)
			req.Header.Set("Accept", apAccept)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			body := rec.Body.Bytes()
			static := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", ContentType)
				_, _ = w.Write(body)
			})
			run := func(h http.Handler, n int) time.Duration {
				start := time.Now()
				for range n {
					h.ServeHTTP(httptest.NewRecorder(), req)
				}
				return time.Since(start)
			}
			b.ResetTimer()
			fedTime := run(h, b.N)
			b.StopTimer()
			staticTime := run(static, b.N)
			b.ReportMetric(float64(fedTime)/float64(max(staticTime, 1)), "x-static")
		})
	}
}
