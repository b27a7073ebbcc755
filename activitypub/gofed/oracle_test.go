package gofed_test

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"testing"
	"time"

	gfvocab "github.com/go-fed/activity/streams/vocab"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/gofed"
	"github.com/starling-fed/starling/activitypub/internal/corpus"
	"github.com/starling-fed/starling/activitypub/jsonld"
	"github.com/starling-fed/starling/activitypub/vocab"
)

// iterator is what go-fed's generated property iterators have in common.
type iterator[I any] interface {
	IsIRI() bool
	GetIRI() *url.URL
	GetType() gfvocab.Type
	Next() I
}

// ids lists the IRIs and embedded ids a go-fed property holds, with the
// public collection in its full spelling.
func ids[I iterator[I]](it I) []string {
	var out []string
	for ; any(it) != nil; it = it.Next() {
		var id string
		switch {
		case it.IsIRI():
			id = it.GetIRI().String()
		case it.GetType() != nil && it.GetType().GetJSONLDId() != nil:
			id = it.GetType().GetJSONLDId().Get().String()
		}
		if vocab.IsPublic(id) {
			id = vocab.PublicIRI
		}
		out = append(out, id)
	}
	return out
}

// facts is what the oracle compares: what both decoders must agree on.
type facts struct {
	ID, Type                         string
	Actor, Object, AttributedTo      []string
	To, Cc                           []string
	Content                          []string
	ContentMap                       map[string]string
	PreferredUsername, Inbox, Outbox string
	InReplyTo                        []string
	Published                        time.Time
	Summary                          string
}

func vocabFacts(o *vocab.Object) facts {
	f := facts{
		ID: o.ID, Type: o.Type,
		Actor: vocab.IDs(o.Actor), Object: vocab.IDs(o.Object), AttributedTo: vocab.IDs(o.AttributedTo),
		To: vocab.IDs(o.To), Cc: vocab.IDs(o.Cc),
		ContentMap:        o.ContentMap,
		PreferredUsername: o.PreferredUsername, Inbox: o.Inbox, Outbox: o.Outbox,
		InReplyTo: vocab.IDs(o.InReplyTo), Published: o.Published.UTC(), Summary: o.Summary,
	}
	if o.Content != "" {
		f.Content = []string{o.Content}
	}
	return f
}

func gofedFacts(t gfvocab.Type) facts {
	f := facts{Type: t.GetTypeName()}
	if id := t.GetJSONLDId(); id != nil && id.Get() != nil {
		f.ID = id.Get().String()
	}
	if x, ok := t.(interface {
		GetActivityStreamsActor() gfvocab.ActivityStreamsActorProperty
	}); ok && x.GetActivityStreamsActor() != nil {
		f.Actor = ids(x.GetActivityStreamsActor().Begin())
	}
	if x, ok := t.(interface {
		GetActivityStreamsObject() gfvocab.ActivityStreamsObjectProperty
	}); ok && x.GetActivityStreamsObject() != nil {
		f.Object = ids(x.GetActivityStreamsObject().Begin())
	}
	if x, ok := t.(interface {
		GetActivityStreamsAttributedTo() gfvocab.ActivityStreamsAttributedToProperty
	}); ok && x.GetActivityStreamsAttributedTo() != nil {
		f.AttributedTo = ids(x.GetActivityStreamsAttributedTo().Begin())
	}
	if x, ok := t.(interface {
		GetActivityStreamsTo() gfvocab.ActivityStreamsToProperty
	}); ok && x.GetActivityStreamsTo() != nil {
		f.To = ids(x.GetActivityStreamsTo().Begin())
	}
	if x, ok := t.(interface {
		GetActivityStreamsCc() gfvocab.ActivityStreamsCcProperty
	}); ok && x.GetActivityStreamsCc() != nil {
		f.Cc = ids(x.GetActivityStreamsCc().Begin())
	}
	if x, ok := t.(interface {
		GetActivityStreamsContent() gfvocab.ActivityStreamsContentProperty
	}); ok && x.GetActivityStreamsContent() != nil {
		for it := x.GetActivityStreamsContent().Begin(); it != nil; it = it.Next() {
			switch {
			case it.IsXMLSchemaString():
				f.Content = append(f.Content, it.GetXMLSchemaString())
			case it.IsRDFLangString():
				for k, v := range it.GetRDFLangString() {
					if f.ContentMap == nil {
						f.ContentMap = map[string]string{}
					}
					f.ContentMap[k] = v
				}
			}
		}
	}
	if x, ok := t.(interface {
		GetActivityStreamsInReplyTo() gfvocab.ActivityStreamsInReplyToProperty
	}); ok && x.GetActivityStreamsInReplyTo() != nil {
		f.InReplyTo = ids(x.GetActivityStreamsInReplyTo().Begin())
	}
	if x, ok := t.(interface {
		GetActivityStreamsPublished() gfvocab.ActivityStreamsPublishedProperty
	}); ok && x.GetActivityStreamsPublished() != nil && x.GetActivityStreamsPublished().IsXMLSchemaDateTime() {
		f.Published = x.GetActivityStreamsPublished().Get().UTC()
	}
	if x, ok := t.(interface {
		GetActivityStreamsSummary() gfvocab.ActivityStreamsSummaryProperty
	}); ok && x.GetActivityStreamsSummary() != nil {
		for it := x.GetActivityStreamsSummary().Begin(); it != nil; it = it.Next() {
			if it.IsXMLSchemaString() {
				f.Summary = it.GetXMLSchemaString()
			}
		}
	}
	if x, ok := t.(interface {
		GetActivityStreamsPreferredUsername() gfvocab.ActivityStreamsPreferredUsernameProperty
	}); ok && x.GetActivityStreamsPreferredUsername() != nil && x.GetActivityStreamsPreferredUsername().IsXMLSchemaString() {
		f.PreferredUsername = x.GetActivityStreamsPreferredUsername().GetXMLSchemaString()
	}
	if x, ok := t.(interface {
		GetActivityStreamsInbox() gfvocab.ActivityStreamsInboxProperty
	}); ok && x.GetActivityStreamsInbox() != nil {
		if p := x.GetActivityStreamsInbox(); p.IsIRI() {
			f.Inbox = p.GetIRI().String()
		}
	}
	if x, ok := t.(interface {
		GetActivityStreamsOutbox() gfvocab.ActivityStreamsOutboxProperty
	}); ok && x.GetActivityStreamsOutbox() != nil {
		if p := x.GetActivityStreamsOutbox(); p.IsIRI() {
			f.Outbox = p.GetIRI().String()
		}
	}
	return f
}

// TestOracle decodes every corpus document with vocab and with go-fed's
// generated parser and checks that they agree.
func TestOracle(t *testing.T) {
	ctx := context.Background()
	docs := corpus.All()
	require.GreaterOrEqual(t, len(docs), 40)
	for _, doc := range docs {
		t.Run(doc.Name, func(t *testing.T) {
			o, err := vocab.Unmarshal(doc.Data)
			if errors.Is(err, vocab.ErrNeedsJSONLD) {
				// The document's context needs a JSON-LD processor.
				d := vocab.Decoder{Normalize: jsonld.Normalize}
				o, err = d.Decode(ctx, doc.Data)
			}
			if reason, ok := vocabRefuses[doc.Name]; ok {
				require.ErrorIs(t, err, vocab.ErrUnknownContext)
				t.Log("vocab refuses it:", reason)
				return
			}
			require.NoError(t, err)
			gt, err := gofed.Parse(ctx, doc.Data)
			if reason, ok := gofedCannot[doc.Name]; ok {
				require.Error(t, err, "go-fed now parses it: drop it from gofedCannot")
				t.Log("go-fed cannot parse it:", reason)
				return
			}
			require.NoError(t, err)
			want, got := gofedFacts(gt), vocabFacts(o)
			reconcile(gt, doc.Data, &want, &got)
			assert.Equal(t, want, got)
		})
	}
}

// reconcile removes from the comparison what go-fed v1.0.0 does not model,
// each a documented limitation of go-fed rather than a disagreement:
//
//   - a property its type lacks (Akkoma puts "actor" on a Note) is kept as
//     unknown, so it has no typed value to compare;
//   - when a document has both "content" and "contentMap", go-fed reads only
//     "content";
//   - it does not take the bare "Public" spelling for an IRI;
//   - it reads a null value ("inReplyTo": null) as one empty value;
//   - it ignores a property written as a full IRI.
func reconcile(t gfvocab.Type, doc []byte, gofed, ours *facts) {
	if _, ok := t.(interface {
		GetActivityStreamsActor() gfvocab.ActivityStreamsActorProperty
	}); !ok {
		ours.Actor = nil
	}
	if _, ok := t.(interface {
		GetActivityStreamsObject() gfvocab.ActivityStreamsObjectProperty
	}); !ok {
		ours.Object = nil
	}
	if len(ours.Content) > 0 && gofed.ContentMap == nil {
		ours.ContentMap = nil
	}
	if len(gofed.InReplyTo) == 1 && gofed.InReplyTo[0] == "" && len(ours.InReplyTo) == 0 {
		gofed.InReplyTo = nil
	}
	if gofed.Summary == "" && bytes.Contains(doc, []byte(`"`+vocab.NamespaceAS+`summary"`)) {
		ours.Summary = ""
	}
	for _, pair := range [][2][]string{{gofed.To, ours.To}, {gofed.Cc, ours.Cc}} {
		for i, id := range pair[0] {
			if id == "" && i < len(pair[1]) && pair[1][i] == vocab.PublicIRI {
				pair[0][i] = vocab.PublicIRI
			}
		}
	}
}
