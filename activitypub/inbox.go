package activitypub

import (
	"context"
	"net/http"

	"github.com/starling-fed/starling/activitypub/vocab"
)

// serveInbox handles a POST to username's inbox ("" for the shared inbox).
func (f *Federation) serveInbox(w http.ResponseWriter, r *http.Request, username string) {
	http.Error(w, "not implemented", http.StatusNotImplemented)
}

// receiveLocal records an activity published by a local actor for local
// recipients, skipping HTTP and signatures, and queues it for processing
// like any received activity.
func (f *Federation) receiveLocal(ctx context.Context, raw []byte, act *vocab.Object, recipient string) error {
	return errUnimplemented
}

// inboxWorker processes recorded activities until ctx is done.
func (f *Federation) inboxWorker(ctx context.Context) { <-ctx.Done(); f.wg.Done() }

// resumeInbound queues the activities recorded but not processed before a
// restart.
func (f *Federation) resumeInbound(ctx context.Context) {}

// WaitIdle blocks until every received activity recorded so far has been
// processed, or ctx is done.
func (f *Federation) WaitIdle(ctx context.Context) error { return errUnimplemented }
