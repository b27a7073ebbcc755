// Command gofedmin is the yardstick of the examples' size and build-time
// measurement: the smallest program that mounts a go-fed/activity
// federating actor (pub.NewFederatingActor) and its ActivityStreams handler
// on net/http. Every method go-fed requires of the host is a stub; the
// program exists to be built and measured beside examples/bot, not to
// federate. See examples/README.md, "Size and build time".
package main

import (
	"context"
	"errors"
	"log"
	"net/http"
	"net/url"
	"time"

	"github.com/go-fed/activity/pub"
	"github.com/go-fed/activity/streams/vocab"
)

var errStub = errors.New("gofedmin: not implemented")

func main() {
	actor := pub.NewFederatingActor(app{}, app{}, db{}, app{})
	objects := pub.NewActivityStreamsHandler(db{}, app{})
	mux := http.NewServeMux()
	mux.HandleFunc("POST /inbox", func(w http.ResponseWriter, r *http.Request) {
		if ok, err := actor.PostInbox(r.Context(), w, r); err != nil || !ok {
			http.Error(w, "not an ActivityPub request", http.StatusBadRequest)
		}
	})
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		if ok, err := objects(r.Context(), w, r); err != nil || !ok {
			http.NotFound(w, r)
		}
	})
	srv := &http.Server{Addr: "127.0.0.1:8080", Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.ListenAndServe())
}

// app and db are every interface go-fed asks a host application to
// implement: pub.CommonBehavior, pub.FederatingProtocol and pub.Clock (app),
// pub.Database (db).
type (
	app struct{}
	db  struct{}
)

var (
	_ pub.CommonBehavior     = app{}
	_ pub.FederatingProtocol = app{}
	_ pub.Clock              = app{}
	_ pub.Database           = db{}
)

// pub.Clock

func (app) Now() time.Time { return time.Now() }

// pub.CommonBehavior

func (app) AuthenticateGetInbox(c context.Context, _ http.ResponseWriter, _ *http.Request) (context.Context, bool, error) {
	return c, false, nil
}

func (app) AuthenticateGetOutbox(c context.Context, _ http.ResponseWriter, _ *http.Request) (context.Context, bool, error) {
	return c, false, nil
}

func (app) GetOutbox(context.Context, *http.Request) (vocab.ActivityStreamsOrderedCollectionPage, error) {
	return nil, errStub
}

func (app) NewTransport(context.Context, *url.URL, string) (pub.Transport, error) {
	return nil, errStub
}

// pub.FederatingProtocol

func (app) PostInboxRequestBodyHook(c context.Context, _ *http.Request, _ pub.Activity) (context.Context, error) {
	return c, nil
}

func (app) AuthenticatePostInbox(c context.Context, _ http.ResponseWriter, _ *http.Request) (context.Context, bool, error) {
	return c, false, nil
}

func (app) Blocked(context.Context, []*url.URL) (bool, error) { return false, nil }

func (app) FederatingCallbacks(context.Context) (pub.FederatingWrappedCallbacks, []interface{}, error) {
	return pub.FederatingWrappedCallbacks{}, nil, nil
}

func (app) DefaultCallback(context.Context, pub.Activity) error { return nil }

func (app) MaxInboxForwardingRecursionDepth(context.Context) int { return 4 }

func (app) MaxDeliveryRecursionDepth(context.Context) int { return 4 }

func (app) FilterForwarding(_ context.Context, recipients []*url.URL, _ pub.Activity) ([]*url.URL, error) {
	return recipients, nil
}

func (app) GetInbox(context.Context, *http.Request) (vocab.ActivityStreamsOrderedCollectionPage, error) {
	return nil, errStub
}

// pub.Database

func (db) Lock(context.Context, *url.URL) error   { return nil }
func (db) Unlock(context.Context, *url.URL) error { return nil }

func (db) InboxContains(context.Context, *url.URL, *url.URL) (bool, error) { return false, nil }

func (db) GetInbox(context.Context, *url.URL) (vocab.ActivityStreamsOrderedCollectionPage, error) {
	return nil, errStub
}

func (db) SetInbox(context.Context, vocab.ActivityStreamsOrderedCollectionPage) error {
	return errStub
}

func (db) Owns(context.Context, *url.URL) (bool, error) { return false, nil }

func (db) ActorForOutbox(context.Context, *url.URL) (*url.URL, error) { return nil, errStub }
func (db) ActorForInbox(context.Context, *url.URL) (*url.URL, error)  { return nil, errStub }
func (db) OutboxForInbox(context.Context, *url.URL) (*url.URL, error) { return nil, errStub }

func (db) Exists(context.Context, *url.URL) (bool, error)      { return false, nil }
func (db) Get(context.Context, *url.URL) (vocab.Type, error)   { return nil, errStub }
func (db) Create(context.Context, vocab.Type) error            { return errStub }
func (db) Update(context.Context, vocab.Type) error            { return errStub }
func (db) Delete(context.Context, *url.URL) error              { return errStub }
func (db) NewID(context.Context, vocab.Type) (*url.URL, error) { return nil, errStub }

func (db) GetOutbox(context.Context, *url.URL) (vocab.ActivityStreamsOrderedCollectionPage, error) {
	return nil, errStub
}

func (db) SetOutbox(context.Context, vocab.ActivityStreamsOrderedCollectionPage) error {
	return errStub
}

func (db) Followers(context.Context, *url.URL) (vocab.ActivityStreamsCollection, error) {
	return nil, errStub
}

func (db) Following(context.Context, *url.URL) (vocab.ActivityStreamsCollection, error) {
	return nil, errStub
}

func (db) Liked(context.Context, *url.URL) (vocab.ActivityStreamsCollection, error) {
	return nil, errStub
}
