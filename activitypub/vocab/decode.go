package vocab

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// Default bounds of a zero Decoder.
const (
	// DefaultMaxDepth is the nesting depth (objects and arrays) allowed when
	// Decoder.MaxDepth is zero.
	DefaultMaxDepth = 64
	// DefaultMaxArrayLen is the longest array allowed when
	// Decoder.MaxArrayLen is zero.
	DefaultMaxArrayLen = 10000
	// DefaultMaxBytes is the largest document allowed when
	// Decoder.MaxBytes is zero: 1 MiB, the size fetched documents are
	// capped at.
	DefaultMaxBytes = 1 << 20
)

// Decoder decodes Activity Streams documents. The zero value is ready to use:
// it applies the default bounds and fails documents that need JSON-LD
// processing with ErrNeedsJSONLD. A Decoder is safe for concurrent use.
//
// Decoding never touches the network: "@context" URLs are recognised by
// name, never fetched. The decoder copies the document once and the
// strings of the result share that copy, so the caller may reuse its buffer
// at once, and a decoded value keeps its document's text alive.
type Decoder struct {
	// Normalize, if set, is called with a document whose "@context" gives
	// terms a meaning other than the usual one (or names a context this
	// package does not know). It must return the document expanded and
	// compacted against DefaultContext, which is then decoded directly.
	// The jsonld package's Normalize fits. If nil, such documents fail
	// with an error matching ErrNeedsJSONLD.
	Normalize func(ctx context.Context, doc []byte) ([]byte, error)
	// MaxDepth bounds the nesting of objects and arrays; zero means
	// DefaultMaxDepth.
	MaxDepth int
	// MaxArrayLen bounds the length of any array; zero means
	// DefaultMaxArrayLen.
	MaxArrayLen int
	// MaxBytes bounds the size of a document; zero means DefaultMaxBytes.
	MaxBytes int64
}

// Unmarshal decodes a document with a zero Decoder.
func Unmarshal(data []byte) (*Object, error) {
	var d Decoder
	return d.Decode(context.Background(), data)
}

// UnmarshalJSON implements json.Unmarshaler with a zero Decoder's rules, so
// an Object can sit inside other JSON structures.
func (o *Object) UnmarshalJSON(data []byte) error {
	var d Decoder
	v, err := d.Decode(context.Background(), data)
	if err != nil {
		return err
	}
	*o = *v
	return nil
}

// Decode decodes one document: a JSON object at the top level.
func (d *Decoder) Decode(ctx context.Context, data []byte) (*Object, error) {
	maxBytes := d.MaxBytes
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	if int64(len(data)) > maxBytes {
		return nil, &DecodeError{Err: ErrTooLarge, Detail: fmt.Sprintf("%d bytes, limit %d", len(data), maxBytes)}
	}
	o, err := d.decode(data)
	if err == nil || d.Normalize == nil || !errors.Is(err, ErrNeedsJSONLD) {
		return o, err
	}
	norm, nerr := d.Normalize(ctx, data)
	if nerr != nil {
		return nil, fmt.Errorf("vocab: normalizing JSON-LD: %w (%w)", nerr, err)
	}
	if int64(len(norm)) > maxBytes {
		return nil, &DecodeError{Err: ErrTooLarge, Detail: "after JSON-LD normalization"}
	}
	o, err = d.decode(norm)
	if err != nil {
		return nil, fmt.Errorf("vocab: decoding normalized document: %w", err)
	}
	return o, nil
}

func (d *Decoder) decode(data []byte) (*Object, error) {
	s := scanner{data: data, maxDepth: d.MaxDepth, maxArray: d.MaxArrayLen}
	if s.maxDepth <= 0 {
		s.maxDepth = DefaultMaxDepth
	}
	if s.maxArray <= 0 {
		s.maxArray = DefaultMaxArrayLen
	}
	s.path = make([]pathElem, 0, 8)
	s.docStr = string(data)
	if c := s.peek(); c != '{' {
		if c == 0 || c == '[' || c == '"' || c == 't' || c == 'f' || c == 'n' || c == '-' || (c >= '0' && c <= '9') {
			if err := s.skip(); err != nil {
				return nil, err
			}
			return nil, s.fail(ErrNotObject, "")
		}
		return nil, s.fail(ErrInvalidJSON, "unexpected character")
	}
	o, err := s.objectValue()
	if err != nil {
		return nil, err
	}
	if s.peek() != 0 {
		return nil, s.fail(ErrInvalidJSON, "data after the document")
	}
	return o, nil
}

// objectValue decodes a JSON object into a new Object.
func (s *scanner) objectValue() (*Object, error) {
	o := s.newObject()
	err := s.object(func(key []byte) error { return s.prop(o, key) })
	if err != nil {
		return nil, err
	}
	return o, nil
}

// prop decodes the value of property key into o.
func (s *scanner) prop(o *Object, key []byte) error {
	term := resolveKey(key)
	var err error
	switch term {
	case "@context":
		var raw []byte
		start := s.pos
		if raw, err = s.raw(); err == nil {
			o.LDContext = raw
			err = s.checkContext(raw, start)
		}
	case "id":
		err = s.iri(&o.ID)
	case "type":
		err = s.types(o)
	case "name":
		err = s.natural(&o.Name, &o.NameMap)
	case "nameMap":
		err = s.langMap(&o.NameMap)
	case "summary":
		err = s.natural(&o.Summary, &o.SummaryMap)
	case "summaryMap":
		err = s.langMap(&o.SummaryMap)
	case "content":
		err = s.natural(&o.Content, &o.ContentMap)
	case "contentMap":
		err = s.langMap(&o.ContentMap)
	case "mediaType":
		err = s.str(&o.MediaType)
	case "source":
		err = s.embedded(&o.Source)
	case "attributedTo":
		err = s.refs(&o.AttributedTo)
	case "inReplyTo":
		err = s.refs(&o.InReplyTo)
	case "url":
		err = s.refs(&o.URL)
	case "context":
		err = s.refs(&o.Context)
	case "generator":
		err = s.refs(&o.Generator)
	case "location":
		err = s.refs(&o.Location)
	case "preview":
		err = s.refs(&o.Preview)
	case "icon":
		err = s.refs(&o.Icon)
	case "image":
		err = s.refs(&o.Image)
	case "tag":
		err = s.refs(&o.Tag)
	case "attachment":
		err = s.refs(&o.Attachment)
	case "replies":
		err = s.ref(&o.Replies)
	case "likes":
		err = s.ref(&o.Likes)
	case "shares":
		err = s.ref(&o.Shares)
	case "to":
		err = s.refs(&o.To)
	case "cc":
		err = s.refs(&o.Cc)
	case "bto":
		err = s.refs(&o.Bto)
	case "bcc":
		err = s.refs(&o.Bcc)
	case "audience":
		err = s.refs(&o.Audience)
	case "published":
		err = s.time(&o.Published)
	case "updated":
		err = s.time(&o.Updated)
	case "startTime":
		err = s.time(&o.StartTime)
	case "endTime":
		err = s.time(&o.EndTime)
	case "deleted":
		err = s.time(&o.Deleted)
	case "duration":
		err = s.str(&o.Duration)
	case "formerType":
		var t string
		if err = s.str(&t); err == nil {
			o.FormerType = typeName(t)
		}
	case "sensitive":
		err = s.boolean(&o.Sensitive)
	case "href":
		err = s.str(&o.Href)
	case "rel":
		err = s.strs(&o.Rel)
	case "hreflang":
		err = s.str(&o.Hreflang)
	case "width":
		err = s.integer(&o.Width)
	case "height":
		err = s.integer(&o.Height)
	case "blurhash":
		err = s.str(&o.Blurhash)
	case "focalPoint":
		err = s.floats(&o.FocalPoint)
	case "latitude":
		err = s.float(&o.Latitude)
	case "longitude":
		err = s.float(&o.Longitude)
	case "value":
		err = s.str(&o.Value)
	case "preferredUsername":
		err = s.str(&o.PreferredUsername)
	case "inbox":
		return s.iriProp(o, key, &o.Inbox)
	case "outbox":
		return s.iriProp(o, key, &o.Outbox)
	case "followers":
		return s.iriProp(o, key, &o.Followers)
	case "following":
		return s.iriProp(o, key, &o.Following)
	case "liked":
		return s.iriProp(o, key, &o.Liked)
	case "featured":
		return s.iriProp(o, key, &o.Featured)
	case "featuredTags":
		return s.iriProp(o, key, &o.FeaturedTags)
	case "sharedInbox":
		return s.iriProp(o, key, &o.SharedInbox)
	case "movedTo":
		return s.iriProp(o, key, &o.MovedTo)
	case "owner":
		return s.iriProp(o, key, &o.Owner)
	case "controller":
		return s.iriProp(o, key, &o.Controller)
	case "endpoints":
		err = s.embedded(&o.Endpoints)
	case "publicKey":
		err = s.refs(&o.PublicKey)
	case "assertionMethod":
		err = s.refs(&o.AssertionMethod)
	case "manuallyApprovesFollowers":
		err = s.boolean(&o.ManuallyApprovesFollowers)
	case "discoverable":
		err = s.boolean(&o.Discoverable)
	case "indexable":
		err = s.boolean(&o.Indexable)
	case "memorial":
		err = s.boolean(&o.Memorial)
	case "suspended":
		err = s.boolean(&o.Suspended)
	case "alsoKnownAs":
		err = s.iris(&o.AlsoKnownAs)
	case "publicKeyPem":
		err = s.str(&o.PublicKeyPem)
	case "publicKeyMultibase":
		err = s.str(&o.PublicKeyMultibase)
	case "actor":
		err = s.refs(&o.Actor)
	case "object":
		err = s.refs(&o.Object)
	case "target":
		err = s.refs(&o.Target)
	case "result":
		err = s.refs(&o.Result)
	case "origin":
		err = s.refs(&o.Origin)
	case "instrument":
		err = s.refs(&o.Instrument)
	case "oneOf":
		err = s.refs(&o.OneOf)
	case "anyOf":
		err = s.refs(&o.AnyOf)
	case "closed":
		o.Closed, err = s.raw()
	case "votersCount":
		err = s.integer(&o.VotersCount)
	case "totalItems":
		err = s.integer(&o.TotalItems)
	case "startIndex":
		err = s.integer(&o.StartIndex)
	case "items":
		err = s.refs(&o.Items)
	case "orderedItems":
		err = s.refs(&o.OrderedItems)
	case "first":
		err = s.ref(&o.First)
	case "last":
		err = s.ref(&o.Last)
	case "current":
		err = s.ref(&o.Current)
	case "next":
		err = s.ref(&o.Next)
	case "prev":
		err = s.ref(&o.Prev)
	case "partOf":
		err = s.ref(&o.PartOf)
	case "describes":
		err = s.ref(&o.Describes)
	case "atomUri":
		err = s.str(&o.AtomURI)
	case "inReplyToAtomUri":
		err = s.str(&o.InReplyToAtomURI)
	case "conversation":
		err = s.str(&o.Conversation)
	case "_misskey_content":
		err = s.str(&o.MisskeyContent)
	case "_misskey_summary":
		err = s.str(&o.MisskeySummary)
	case "_misskey_quote":
		err = s.str(&o.MisskeyQuote)
	case "_misskey_reaction":
		err = s.str(&o.MisskeyReaction)
	case "quoteUrl":
		err = s.str(&o.QuoteURL)
	case "quoteUri":
		err = s.str(&o.QuoteURI)
	case "quote":
		return s.iriProp(o, key, &o.Quote)
	case "quoteAuthorization":
		return s.iriProp(o, key, &o.QuoteAuthorization)
	default:
		return s.extra(o, key)
	}
	return err
}

// extra keeps an unknown property verbatim.
func (s *scanner) extra(o *Object, key []byte) error {
	raw, err := s.raw()
	if err != nil {
		return err
	}
	if o.Extra == nil {
		o.Extra = make(map[string]json.RawMessage, 4)
	}
	o.Extra[string(key)] = raw
	return nil
}

// Objects are allocated in slabs of objectSlab: documents embed many small
// objects (tags, attachments, collections, keys), and one allocation for
// several of them is cheaper than one each.
const objectSlab = 4

// newObject hands out the next Object of the current slab.
func (s *scanner) newObject() *Object {
	if len(s.slab) == 0 {
		s.slab = make([]Object, objectSlab)
	}
	o := &s.slab[0]
	s.slab = s.slab[1:]
	return o
}
