package vocab

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
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
// name, never fetched.
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
	o := new(Object)
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

// iriProp decodes a property whose value is an IRI. Peers sometimes embed
// the object instead (a followers collection with its totalItems, say); the
// field then gets the embedded id, and the whole value is kept in Extra so
// that encoding writes it back unchanged.
func (s *scanner) iriProp(o *Object, key []byte, dst *string) error {
	switch s.peek() {
	case '{':
		start := s.pos
		e, err := s.objectValue()
		if err != nil {
			return err
		}
		*dst = e.ID
		if o.Extra == nil {
			o.Extra = make(map[string]json.RawMessage, 4)
		}
		o.Extra[string(key)] = append(json.RawMessage(nil), s.data[start:s.pos]...)
		return nil
	case '[':
		// A one-element array holding the IRI.
		n := 0
		return s.array(func(int) error {
			n++
			if n > 1 {
				return s.fail(ErrWrongType, "want one IRI, have several")
			}
			return s.iri(dst)
		})
	}
	return s.iri(dst)
}

func (s *scanner) str(dst *string) error {
	if s.peek() == '{' {
		return s.unwrap(func() error { return s.str(dst) })
	}
	if isNull, err := s.null(); isNull || err != nil {
		return err
	}
	v, err := s.readString()
	if err != nil {
		return err
	}
	*dst = v
	return nil
}

func (s *scanner) strs(dst *[]string) error {
	if isNull, err := s.null(); isNull || err != nil {
		return err
	}
	if s.peek() != '[' {
		var v string
		if err := s.str(&v); err != nil {
			return err
		}
		*dst = append(*dst, v)
		return nil
	}
	return s.array(func(int) error {
		v, err := s.readString()
		if err != nil {
			return err
		}
		*dst = append(*dst, v)
		return nil
	})
}

// natural decodes name, summary or content: a string, or (as a JSON-LD
// processor may write it) a language map.
func (s *scanner) natural(dst *string, m *map[string]string) error {
	if s.peek() == '{' {
		return s.langMap(m)
	}
	return s.str(dst)
}

func (s *scanner) langMap(dst *map[string]string) error {
	if isNull, err := s.null(); isNull || err != nil {
		return err
	}
	return s.object(func(key []byte) error {
		if isNull, err := s.null(); isNull || err != nil {
			return err
		}
		v, err := s.readString()
		if err != nil {
			return err
		}
		if *dst == nil {
			*dst = make(map[string]string, 2)
		}
		(*dst)[string(key)] = v
		return nil
	})
}

func (s *scanner) boolean(dst **bool) error {
	if s.peek() == '{' {
		return s.unwrap(func() error { return s.boolean(dst) })
	}
	if isNull, err := s.null(); isNull || err != nil {
		return err
	}
	v, err := s.readBool()
	if err != nil {
		return err
	}
	*dst = &v
	return nil
}

func (s *scanner) integer(dst **int64) error {
	if s.peek() == '{' {
		return s.unwrap(func() error { return s.integer(dst) })
	}
	if isNull, err := s.null(); isNull || err != nil {
		return err
	}
	v, err := s.readInt()
	if err != nil {
		return err
	}
	*dst = &v
	return nil
}

func (s *scanner) float(dst **float64) error {
	if s.peek() == '{' {
		return s.unwrap(func() error { return s.float(dst) })
	}
	if isNull, err := s.null(); isNull || err != nil {
		return err
	}
	if s.peek() == '"' {
		// Pixelfed writes coordinates as strings.
		b, err := s.readStringBytes()
		if err != nil {
			return err
		}
		v, perr := strconv.ParseFloat(string(b), 64)
		if perr != nil {
			return s.fail(ErrInvalidValue, "not a number: "+strconv.Quote(string(b)))
		}
		*dst = &v
		return nil
	}
	v, err := s.readFloat()
	if err != nil {
		return err
	}
	*dst = &v
	return nil
}

func (s *scanner) floats(dst *[]float64) error {
	if s.peek() == '{' {
		return s.unwrap(func() error { return s.floats(dst) })
	}
	if isNull, err := s.null(); isNull || err != nil {
		return err
	}
	return s.array(func(int) error {
		v, err := s.readFloat()
		if err != nil {
			return err
		}
		*dst = append(*dst, v)
		return nil
	})
}

func (s *scanner) time(dst *time.Time) error {
	if s.peek() == '{' {
		return s.unwrap(func() error { return s.time(dst) })
	}
	if isNull, err := s.null(); isNull || err != nil {
		return err
	}
	b, err := s.readStringBytes()
	if err != nil {
		return err
	}
	t, err := time.Parse(time.RFC3339Nano, string(b))
	if err != nil {
		return s.fail(ErrInvalidValue, "not an RFC 3339 date-time: "+string(b))
	}
	if _, off := t.Zone(); off == 0 {
		t = t.UTC()
	}
	*dst = t
	return nil
}

// types decodes "type": one name or several.
func (s *scanner) types(o *Object) error {
	add := func() error {
		t, err := s.readString()
		if err != nil {
			return err
		}
		t = typeName(t)
		if o.Type == "" {
			o.Type = t
		} else {
			o.MoreTypes = append(o.MoreTypes, t)
		}
		return nil
	}
	if isNull, err := s.null(); isNull || err != nil {
		return err
	}
	if s.peek() == '[' {
		return s.array(func(int) error { return add() })
	}
	return add()
}

// iri decodes a string that must be an IRI. The three spellings of the
// public collection become PublicIRI.
func (s *scanner) iri(dst *string) error {
	if isNull, err := s.null(); isNull || err != nil {
		return err
	}
	b, err := s.readStringBytes()
	if err != nil {
		return err
	}
	if v, ok := publicSpelling(b); ok {
		*dst = v
		return nil
	}
	v := string(b)
	if !validIRI(v) {
		return s.fail(ErrInvalidIRI, strconv.Quote(v))
	}
	*dst = v
	return nil
}

func (s *scanner) iris(dst *[]string) error {
	if isNull, err := s.null(); isNull || err != nil {
		return err
	}
	one := func() error {
		if s.peek() == '{' {
			o, err := s.objectValue()
			if err != nil {
				return err
			}
			if o.ID == "" {
				return s.fail(ErrWrongType, "embedded object without id")
			}
			*dst = append(*dst, o.ID)
			return nil
		}
		var v string
		if err := s.iri(&v); err != nil {
			return err
		}
		*dst = append(*dst, v)
		return nil
	}
	if s.peek() == '[' {
		return s.array(func(int) error { return one() })
	}
	return one()
}

// embedded decodes a property holding one embedded object.
func (s *scanner) embedded(dst **Object) error {
	if isNull, err := s.null(); isNull || err != nil {
		return err
	}
	o, err := s.objectValue()
	if err != nil {
		return err
	}
	*dst = o
	return nil
}

// refValue decodes one IRI or embedded object.
func (s *scanner) refValue() (Ref, error) {
	switch s.peek() {
	case '{':
		o, err := s.objectValue()
		return Ref{Object: o}, err
	case '"':
		var r Ref
		err := s.iri(&r.IRI)
		return r, err
	}
	return Ref{}, s.wrongType("IRI or object")
}

// refs decodes a property that may hold one or several IRIs or objects.
func (s *scanner) refs(dst *[]Ref) error {
	if isNull, err := s.null(); isNull || err != nil {
		return err
	}
	if s.peek() != '[' {
		r, err := s.refValue()
		if err != nil {
			return err
		}
		if *dst == nil {
			*dst = []Ref{r}
			return nil
		}
		*dst = append(*dst, r)
		return nil
	}
	return s.array(func(int) error {
		if isNull, err := s.null(); isNull || err != nil {
			return err
		}
		r, err := s.refValue()
		if err != nil {
			return err
		}
		if *dst == nil {
			// Most arrays are short: one allocation instead of three.
			*dst = make([]Ref, 0, 4)
		}
		*dst = append(*dst, r)
		return nil
	})
}

// ref decodes a functional property: one IRI or object.
func (s *scanner) ref(dst **Ref) error {
	if isNull, err := s.null(); isNull || err != nil {
		return err
	}
	if s.peek() == '[' {
		var rs []Ref
		if err := s.refs(&rs); err != nil {
			return err
		}
		switch len(rs) {
		case 0:
			return nil
		case 1:
			*dst = &rs[0]
			return nil
		}
		return s.fail(ErrWrongType, "want one value, have several")
	}
	r, err := s.refValue()
	if err != nil {
		return err
	}
	*dst = &r
	return nil
}

// publicSpelling recognises "as:Public" and "Public" (and the full IRI).
func publicSpelling(b []byte) (string, bool) {
	switch string(b) {
	case PublicIRI, "as:Public", "Public", "http://www.w3.org/ns/activitystreams#Public":
		return PublicIRI, true
	}
	return "", false
}

// IsPublic reports whether iri names the public collection in any of its
// three spellings: the full IRI, "as:Public" or "Public".
func IsPublic(iri string) bool {
	switch iri {
	case PublicIRI, "as:Public", "Public", "http://www.w3.org/ns/activitystreams#Public":
		return true
	}
	return false
}

// ValidIRI reports whether s is acceptable as an id or reference: an
// absolute http or https IRI with a host, or an at:// or did: identifier
// (sent by bridges; kept, never fetched).
func ValidIRI(s string) bool { return validIRI(s) }

func validIRI(str string) bool {
	var rest string
	switch {
	case strings.HasPrefix(str, "https://"):
		rest = str[len("https://"):]
	case strings.HasPrefix(str, "http://"):
		rest = str[len("http://"):]
	case strings.HasPrefix(str, "at://"):
		rest = str[len("at://"):]
	case strings.HasPrefix(str, "did:"):
		rest = str[len("did:"):]
		i := strings.IndexByte(rest, ':')
		if i <= 0 || i == len(rest)-1 {
			return false
		}
		return cleanIRIChars(rest)
	default:
		return false
	}
	if rest == "" || rest[0] == '/' || rest[0] == '?' || rest[0] == '#' {
		return false
	}
	return cleanIRIChars(rest)
}

func cleanIRIChars(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c <= ' ', c == 0x7f, c == '"', c == '<', c == '>', c == '\\', c == '^', c == '`', c == '{', c == '|', c == '}':
			return false
		}
	}
	return true
}

// unwrap reads a JSON-LD value or list object ({"@value": v} or
// {"@list": [...]}, as expanded documents write them) and calls fn at the
// value inside.
func (s *scanner) unwrap(fn func() error) error {
	found := false
	err := s.object(func(k []byte) error {
		switch string(k) {
		case "@value", "@list", "@set":
			if found {
				return s.fail(ErrWrongType, "several values")
			}
			found = true
			return fn()
		case "@type", "@language", "@direction", "@index":
			return s.skip()
		}
		return s.fail(ErrWrongType, "want a value, have an object")
	})
	if err == nil && !found {
		return s.fail(ErrWrongType, "want a value, have an object")
	}
	return err
}
