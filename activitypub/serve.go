package activitypub

import (
	"context"
	"net/http"

	"github.com/starling-fed/starling/activitypub/vocab"
)

// Handler returns the handler serving everything: actors, the instance actor,
// inboxes, outboxes and collections, objects, WebFinger, host-meta and
// NodeInfo. Requests it does not serve — other paths, and actor or object
// URLs asked for as HTML — go to fallback (404 if nil).
func (f *Federation) Handler(fallback http.Handler) http.Handler {
	return http.NotFoundHandler()
}

// localObject returns a local object by IRI: from Config.Objects, then the
// store. A deleted one fails with ErrGone (the Tombstone returned with it).
func (f *Federation) localObject(ctx context.Context, iri string) (*vocab.Object, error) {
	return nil, errUnimplemented
}
