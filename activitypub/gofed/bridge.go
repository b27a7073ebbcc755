package gofed

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/go-fed/activity/streams"
	gfvocab "github.com/go-fed/activity/streams/vocab"

	"github.com/starling-fed/starling/activitypub/vocab"
)

// ErrNilValue reports a nil value handed to a conversion.
var ErrNilValue = errors.New("gofed: nil value")

// ToType converts o to the go-fed value of its type (a
// vocab.ActivityStreamsNote for a Note, and so on).
//
// The conversion goes through JSON: o is encoded with vocab.Marshal and the
// result is resolved by streams.ToType, so it is exactly what go-fed makes
// of the document a peer would receive. go-fed keeps the properties it does
// not know (sensitive, sharedInbox, quote posts, ...) as unknown properties
// and writes them back when serializing. A type go-fed does not know
// (Hashtag at the top level, EmojiReact, QuoteAuthorization) fails with
// an error wrapping streams.ErrUnhandledType.
func ToType(ctx context.Context, o *vocab.Object) (gfvocab.Type, error) {
	if o == nil {
		return nil, ErrNilValue
	}
	data, err := vocab.Marshal(o)
	if err != nil {
		return nil, err
	}
	return Parse(ctx, data)
}

// Parse resolves a JSON document with go-fed's streams.ToType. It exists so
// that code holding bytes reaches go-fed the same way ToType does.
func Parse(ctx context.Context, data []byte) (gfvocab.Type, error) {
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("gofed: %w", err)
	}
	t, err := streams.ToType(ctx, m)
	if err != nil {
		return nil, fmt.Errorf("gofed: go-fed cannot resolve the document: %w", err)
	}
	return t, nil
}

// FromType converts a go-fed value to a vocab Object: the value is
// serialized with streams.Serialize and the JSON decoded by d (a zero
// Decoder when d is nil).
//
// go-fed writes "@context" as the list of its vocabularies' namespace URLs
// (such as "http://joinmastodon.org/ns"), which are not context documents,
// and writes every term of them unprefixed. FromType replaces that list with
// vocab.DefaultContext, which declares those terms the same way, so the
// result carries the context vocab writes itself.
func FromType(ctx context.Context, t gfvocab.Type, d *vocab.Decoder) (*vocab.Object, error) {
	if t == nil {
		return nil, ErrNilValue
	}
	m, err := streams.Serialize(t)
	if err != nil {
		return nil, fmt.Errorf("gofed: serializing: %w", err)
	}
	m["@context"] = json.RawMessage(vocab.DefaultContext)
	data, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("gofed: %w", err)
	}
	if d == nil {
		d = &vocab.Decoder{}
	}
	return d.Decode(ctx, data)
}
