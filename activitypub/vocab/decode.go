package vocab

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// Default bounds of a zero Decoder.
const (
	// DefaultMaxDepth is the nesting depth (objects and arrays) allowed when
	// Decoder.MaxDepth is zero.
	DefaultMaxDepth = 64
	// DefaultMaxArrayLen is the longest array allowed when
	// Decoder.MaxArrayLen is zero.
	DefaultMaxArrayLen = 10000
	// DefaultMaxObjects is the most embedded objects (each becoming an
	// Object, with Links, tags, keys and collections) allowed in one
	// document when Decoder.MaxObjects is zero. An outbox page of
	// Creates with their Notes, tags and attachments holds a few hundred.
	DefaultMaxObjects = 4096
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
	// MaxObjects bounds how many JSON objects of a document become
	// Objects. An Object is some 1.7 KB while "{}" is two bytes, so
	// without this bound a 1 MiB document could take hundreds of
	// megabytes. Zero means DefaultMaxObjects.
	MaxObjects int
}

// Unmarshal decodes a document with a zero Decoder: default bounds, no
// Normalize hook (documents that need JSON-LD fail with ErrNeedsJSONLD).
// Use a Decoder to set either.
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

// Decode decodes one document: a JSON object at the top level. A nil
// *Decoder decodes like a zero one.
func (d *Decoder) Decode(ctx context.Context, data []byte) (*Object, error) {
	if d == nil {
		d = &Decoder{}
	}
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
	s := scanner{data: data, maxDepth: d.MaxDepth, maxArray: d.MaxArrayLen, maxObjects: d.MaxObjects}
	if s.maxObjects <= 0 {
		s.maxObjects = DefaultMaxObjects
	}
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
	if s.objects >= s.maxObjects {
		if s.peek() != '{' {
			return nil, s.wrongType("object")
		}
		return nil, s.fail(ErrTooManyObjects, "limit "+strconv.Itoa(s.maxObjects))
	}
	s.objects++
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
	case tAtContext:
		var isNull bool
		if isNull, err = s.null(); isNull || err != nil {
			// A null context is no context: the encoder then writes
			// DefaultContext rather than echoing null.
			o.LDContext = nil
			break
		}
		s.ws()
		start := s.pos
		if o.LDContext, err = s.raw(); err == nil {
			err = s.checkContext(start)
		}
	case tID:
		err = s.iri(&o.ID)
	case tType:
		err = s.types(o)
	case tName:
		err = s.natural(&o.Name, &o.NameMap)
	case tNameMap:
		err = s.langMap(&o.NameMap)
	case tSummary:
		err = s.natural(&o.Summary, &o.SummaryMap)
	case tSummaryMap:
		err = s.langMap(&o.SummaryMap)
	case tContent:
		err = s.natural(&o.Content, &o.ContentMap)
	case tContentMap:
		err = s.langMap(&o.ContentMap)
	case tMediaType:
		err = s.str(&o.MediaType)
	case tSource:
		err = s.embedded(&o.Source)
	case tAttributedTo:
		err = s.refs(&o.AttributedTo)
	case tInReplyTo:
		err = s.refs(&o.InReplyTo)
	case tUrl:
		err = s.refs(&o.URL)
	case tContext:
		err = s.refs(&o.Context)
	case tGenerator:
		err = s.refs(&o.Generator)
	case tLocation:
		err = s.refs(&o.Location)
	case tPreview:
		err = s.refs(&o.Preview)
	case tIcon:
		err = s.refs(&o.Icon)
	case tImage:
		err = s.refs(&o.Image)
	case tTag:
		err = s.refs(&o.Tag)
	case tAttachment:
		err = s.refs(&o.Attachment)
	case tReplies:
		err = s.ref(&o.Replies)
	case tLikes:
		err = s.ref(&o.Likes)
	case tShares:
		err = s.ref(&o.Shares)
	case tTo:
		err = s.refs(&o.To)
	case tCc:
		err = s.refs(&o.Cc)
	case tBto:
		err = s.refs(&o.Bto)
	case tBcc:
		err = s.refs(&o.Bcc)
	case tAudience:
		err = s.refs(&o.Audience)
	case tPublished:
		err = s.time(&o.Published)
	case tUpdated:
		err = s.time(&o.Updated)
	case tStartTime:
		err = s.time(&o.StartTime)
	case tEndTime:
		err = s.time(&o.EndTime)
	case tDeleted:
		err = s.time(&o.Deleted)
	case tDuration:
		err = s.str(&o.Duration)
	case tFormerType:
		var t string
		if err = s.str(&t); err == nil {
			o.FormerType = typeName(t)
		}
	case tSensitive:
		err = s.boolean(&o.Sensitive)
	case tHref:
		err = s.str(&o.Href)
	case tRel:
		err = s.strs(&o.Rel)
	case tHreflang:
		err = s.str(&o.Hreflang)
	case tWidth:
		err = s.integer(&o.Width)
	case tHeight:
		err = s.integer(&o.Height)
	case tBlurhash:
		err = s.str(&o.Blurhash)
	case tFocalPoint:
		err = s.floats(&o.FocalPoint)
	case tLatitude:
		err = s.float(&o.Latitude)
	case tLongitude:
		err = s.float(&o.Longitude)
	case tValue:
		err = s.str(&o.Value)
	case tPreferredUsername:
		err = s.str(&o.PreferredUsername)
	case tInbox:
		return s.iriProp(o, key, &o.Inbox)
	case tOutbox:
		return s.iriProp(o, key, &o.Outbox)
	case tFollowers:
		return s.iriProp(o, key, &o.Followers)
	case tFollowing:
		return s.iriProp(o, key, &o.Following)
	case tLiked:
		return s.iriProp(o, key, &o.Liked)
	case tFeatured:
		return s.iriProp(o, key, &o.Featured)
	case tFeaturedTags:
		return s.iriProp(o, key, &o.FeaturedTags)
	case tSharedInbox:
		return s.iriProp(o, key, &o.SharedInbox)
	case tMovedTo:
		return s.iriProp(o, key, &o.MovedTo)
	case tOwner:
		return s.iriProp(o, key, &o.Owner)
	case tController:
		return s.iriProp(o, key, &o.Controller)
	case tEndpoints:
		err = s.embedded(&o.Endpoints)
	case tPublicKey:
		err = s.refs(&o.PublicKey)
	case tAssertionMethod:
		err = s.refs(&o.AssertionMethod)
	case tManuallyApprovesFollowers:
		err = s.boolean(&o.ManuallyApprovesFollowers)
	case tDiscoverable:
		err = s.boolean(&o.Discoverable)
	case tIndexable:
		err = s.boolean(&o.Indexable)
	case tMemorial:
		err = s.boolean(&o.Memorial)
	case tSuspended:
		err = s.boolean(&o.Suspended)
	case tAlsoKnownAs:
		err = s.iris(o, key, &o.AlsoKnownAs)
	case tPublicKeyPem:
		err = s.str(&o.PublicKeyPem)
	case tPublicKeyMultibase:
		err = s.str(&o.PublicKeyMultibase)
	case tActor:
		err = s.refs(&o.Actor)
	case tObject:
		err = s.refs(&o.Object)
	case tTarget:
		err = s.refs(&o.Target)
	case tResult:
		err = s.refs(&o.Result)
	case tOrigin:
		err = s.refs(&o.Origin)
	case tInstrument:
		err = s.refs(&o.Instrument)
	case tOneOf:
		err = s.refs(&o.OneOf)
	case tAnyOf:
		err = s.refs(&o.AnyOf)
	case tClosed:
		o.Closed, err = s.raw()
	case tVotersCount:
		err = s.integer(&o.VotersCount)
	case tTotalItems:
		err = s.integer(&o.TotalItems)
	case tStartIndex:
		err = s.integer(&o.StartIndex)
	case tItems:
		err = s.refs(&o.Items)
	case tOrderedItems:
		err = s.refs(&o.OrderedItems)
	case tFirst:
		err = s.ref(&o.First)
	case tLast:
		err = s.ref(&o.Last)
	case tCurrent:
		err = s.ref(&o.Current)
	case tNext:
		err = s.ref(&o.Next)
	case tPrev:
		err = s.ref(&o.Prev)
	case tPartOf:
		err = s.ref(&o.PartOf)
	case tDescribes:
		err = s.ref(&o.Describes)
	case tAtomUri:
		err = s.str(&o.AtomURI)
	case tInReplyToAtomUri:
		err = s.str(&o.InReplyToAtomURI)
	case tConversation:
		err = s.str(&o.Conversation)
	case tMisskeyContent:
		err = s.str(&o.MisskeyContent)
	case tMisskeySummary:
		err = s.str(&o.MisskeySummary)
	case tMisskeyQuote:
		err = s.str(&o.MisskeyQuote)
	case tMisskeyReaction:
		err = s.str(&o.MisskeyReaction)
	case tQuoteUrl:
		err = s.str(&o.QuoteURL)
	case tQuoteUri:
		err = s.str(&o.QuoteURI)
	case tQuote:
		return s.iriProp(o, key, &o.Quote)
	case tQuoteAuthorization:
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
