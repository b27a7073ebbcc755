package vocab

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// ErrInvalidExtra reports an Extra value that is not valid JSON.
var ErrInvalidExtra = errors.New("vocab: Extra value is not valid JSON")

// Marshal encodes o as a top-level document in the compact form that
// Mastodon, GoToSocial, Misskey and Threads accept:
//
//   - "@context" first: o.LDContext when set (a decoded document keeps its
//     own), else DefaultContext;
//   - known properties under their plain terms, in a fixed order, then the
//     Extra properties sorted by name;
//   - to, cc, bto, bcc, audience, tag, attachment, alsoKnownAs, items,
//     orderedItems, oneOf, anyOf and assertionMethod always as arrays
//     (Pixelfed requires tag and attachment to be), other properties as a
//     single value when they hold one;
//   - the public collection as its full IRI.
//
// Embedded objects carry no "@context" unless they were decoded with one.
// A property present in Extra is written from Extra instead of its field
// (this is how a value of an unexpected shape survives a round trip).
func Marshal(o *Object) ([]byte, error) {
	if o == nil {
		return nil, ErrNilObject
	}
	e := encoder{buf: make([]byte, 0, 1024)}
	if err := e.object(o, true); err != nil {
		return nil, err
	}
	return e.buf, nil
}

// MarshalJSON implements json.Marshaler; it is Marshal, except that a nil
// Object is JSON null. Like every method of Object it has a pointer
// receiver: hand encoding/json a *Object.
func (o *Object) MarshalJSON() ([]byte, error) {
	if o == nil {
		return []byte("null"), nil
	}
	return Marshal(o)
}

// ErrNilObject reports a nil *Object handed to Marshal.
var ErrNilObject = errors.New("vocab: cannot encode a nil Object")

type encoder struct {
	buf   []byte
	o     *Object
	comma bool
	depth int
}

// maxEncodeDepth bounds the nesting of embedded objects when encoding, so
// that an object graph with a cycle fails instead of recursing forever.
const maxEncodeDepth = 256

// ErrCycle reports an object that embeds itself, directly or not (or nests
// deeper than any document could).
var ErrCycle = errors.New("vocab: embedded objects nest too deep (a cycle?)")

func (e *encoder) key(k string) bool {
	if _, shadowed := e.o.Extra[k]; shadowed {
		return false
	}
	if e.comma {
		e.buf = append(e.buf, ',')
	}
	e.comma = true
	e.buf = appendString(e.buf, k)
	e.buf = append(e.buf, ':')
	return true
}

func (e *encoder) str(k, v string) {
	if v != "" && e.key(k) {
		e.buf = appendString(e.buf, v)
	}
}

func (e *encoder) iri(k, v string) {
	if IsPublic(v) {
		v = PublicIRI
	}
	e.str(k, v)
}

func (e *encoder) langMap(k string, m map[string]string) {
	if len(m) == 0 || !e.key(k) {
		return
	}
	keys := make([]string, 0, len(m))
	for l := range m {
		keys = append(keys, l)
	}
	slices.Sort(keys)
	e.buf = append(e.buf, '{')
	for i, l := range keys {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		e.buf = appendString(e.buf, l)
		e.buf = append(e.buf, ':')
		e.buf = appendString(e.buf, m[l])
	}
	e.buf = append(e.buf, '}')
}

func (e *encoder) boolean(k string, v *bool) {
	if v != nil && e.key(k) {
		e.buf = strconv.AppendBool(e.buf, *v)
	}
}

func (e *encoder) integer(k string, v *int64) {
	if v != nil && e.key(k) {
		e.buf = strconv.AppendInt(e.buf, *v, 10)
	}
}

func (e *encoder) float(k string, v *float64) error {
	if v == nil || !e.key(k) {
		return nil
	}
	return e.appendFloat(*v)
}

func (e *encoder) appendFloat(f float64) error {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return errors.New("vocab: cannot encode NaN or infinity")
	}
	e.buf = strconv.AppendFloat(e.buf, f, 'g', -1, 64)
	return nil
}

// time writes t in UTC ("Z"), as Mastodon writes dates. A year outside
// 0000-9999 has no RFC 3339 form and fails.
func (e *encoder) time(k string, t time.Time) error {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	if y := t.Year(); y < 0 || y > 9999 {
		return ErrInvalidTime
	}
	if e.key(k) {
		e.buf = append(e.buf, '"')
		e.buf = t.AppendFormat(e.buf, time.RFC3339Nano)
		e.buf = append(e.buf, '"')
	}
	return nil
}

// ErrInvalidTime reports a time whose year RFC 3339 cannot write.
var ErrInvalidTime = errors.New("vocab: time outside years 0000-9999")

func (e *encoder) strs(k string, v []string, array bool) {
	if len(v) == 0 || !e.key(k) {
		return
	}
	if len(v) == 1 && !array {
		e.buf = appendString(e.buf, v[0])
		return
	}
	e.buf = append(e.buf, '[')
	for i, s := range v {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		e.buf = appendString(e.buf, s)
	}
	e.buf = append(e.buf, ']')
}

func (e *encoder) refs(k string, v []Ref, array bool) error {
	n := 0
	for _, r := range v {
		if !r.isZero() {
			n++
		}
	}
	if n == 0 || !e.key(k) {
		return nil
	}
	if n == 1 && !array {
		for _, r := range v {
			if !r.isZero() {
				return e.refValue(r)
			}
		}
	}
	e.buf = append(e.buf, '[')
	first := true
	for _, r := range v {
		if r.isZero() {
			continue
		}
		if !first {
			e.buf = append(e.buf, ',')
		}
		first = false
		if err := e.refValue(r); err != nil {
			return err
		}
	}
	e.buf = append(e.buf, ']')
	return nil
}

func (e *encoder) ref(k string, r *Ref) error {
	if r == nil || r.isZero() || !e.key(k) {
		return nil
	}
	return e.refValue(*r)
}

func (e *encoder) refValue(r Ref) error {
	if r.Object != nil {
		return e.nested(r.Object)
	}
	v := r.IRI
	if IsPublic(v) {
		v = PublicIRI
	}
	e.buf = appendString(e.buf, v)
	return nil
}

func (e *encoder) embedded(k string, o *Object) error {
	if o == nil || !e.key(k) {
		return nil
	}
	return e.nested(o)
}

func (e *encoder) nested(o *Object) error {
	if e.depth >= maxEncodeDepth {
		return ErrCycle
	}
	saveO, saveComma := e.o, e.comma
	e.depth++
	err := e.object(o, false)
	e.depth--
	e.o, e.comma = saveO, saveComma
	return err
}

func (e *encoder) object(o *Object, top bool) error {
	e.o, e.comma = o, false
	e.buf = append(e.buf, '{')
	// "@context" comes first, wherever it was set: a value in Extra
	// overrides LDContext like any other property.
	ctx, inExtra := o.Extra["@context"]
	if !inExtra {
		ctx = o.LDContext
	}
	switch {
	case len(ctx) > 0:
		if !json.Valid(ctx) {
			return ErrInvalidExtra
		}
		e.buf = append(e.buf, `"@context":`...)
		e.buf = append(e.buf, ctx...)
		e.comma = true
	case top:
		e.buf = append(e.buf, `"@context":`...)
		e.buf = append(e.buf, DefaultContext...)
		e.comma = true
	}
	e.str("id", o.ID)
	if o.Type != "" && e.key("type") {
		if len(o.MoreTypes) == 0 {
			e.buf = appendString(e.buf, o.Type)
		} else {
			e.buf = append(e.buf, '[')
			e.buf = appendString(e.buf, o.Type)
			for _, t := range o.MoreTypes {
				e.buf = append(e.buf, ',')
				e.buf = appendString(e.buf, t)
			}
			e.buf = append(e.buf, ']')
		}
	}
	// Activities.
	for _, p := range [...]struct {
		k string
		v []Ref
	}{{"actor", o.Actor}, {"object", o.Object}, {"target", o.Target}, {"result", o.Result},
		{"origin", o.Origin}, {"instrument", o.Instrument}} {
		if err := e.refs(p.k, p.v, false); err != nil {
			return err
		}
	}
	// Actors.
	e.str("preferredUsername", o.PreferredUsername)
	e.str("name", o.Name)
	e.langMap("nameMap", o.NameMap)
	e.str("summary", o.Summary)
	e.langMap("summaryMap", o.SummaryMap)
	e.iri("inbox", o.Inbox)
	e.iri("outbox", o.Outbox)
	e.iri("followers", o.Followers)
	e.iri("following", o.Following)
	e.iri("liked", o.Liked)
	e.iri("featured", o.Featured)
	e.iri("featuredTags", o.FeaturedTags)
	if err := e.embedded("endpoints", o.Endpoints); err != nil {
		return err
	}
	e.iri("sharedInbox", o.SharedInbox)
	e.boolean("manuallyApprovesFollowers", o.ManuallyApprovesFollowers)
	e.boolean("discoverable", o.Discoverable)
	e.boolean("indexable", o.Indexable)
	e.boolean("memorial", o.Memorial)
	e.boolean("suspended", o.Suspended)
	e.strs("alsoKnownAs", o.AlsoKnownAs, true)
	e.iri("movedTo", o.MovedTo)
	if err := e.refs("publicKey", o.PublicKey, false); err != nil {
		return err
	}
	if err := e.refs("assertionMethod", o.AssertionMethod, true); err != nil {
		return err
	}
	e.iri("owner", o.Owner)
	e.iri("controller", o.Controller)
	e.str("publicKeyPem", o.PublicKeyPem)
	e.str("publicKeyMultibase", o.PublicKeyMultibase)
	// Objects.
	for _, p := range [...]struct {
		k string
		v []Ref
	}{{"inReplyTo", o.InReplyTo}, {"attributedTo", o.AttributedTo}, {"url", o.URL},
		{"context", o.Context}, {"generator", o.Generator}, {"location", o.Location}} {
		if err := e.refs(p.k, p.v, false); err != nil {
			return err
		}
	}
	for _, p := range [...]struct {
		k string
		v time.Time
	}{{"published", o.Published}, {"updated", o.Updated}, {"startTime", o.StartTime},
		{"endTime", o.EndTime}, {"deleted", o.Deleted}} {
		if err := e.time(p.k, p.v); err != nil {
			return err
		}
	}
	e.str("duration", o.Duration)
	e.str("formerType", o.FormerType)
	for _, p := range [...]struct {
		k string
		v []Ref
	}{{"to", o.To}, {"cc", o.Cc}, {"bto", o.Bto}, {"bcc", o.Bcc}, {"audience", o.Audience}} {
		if err := e.refs(p.k, p.v, true); err != nil {
			return err
		}
	}
	e.boolean("sensitive", o.Sensitive)
	e.str("atomUri", o.AtomURI)
	e.str("inReplyToAtomUri", o.InReplyToAtomURI)
	e.str("conversation", o.Conversation)
	e.str("mediaType", o.MediaType)
	e.str("content", o.Content)
	e.langMap("contentMap", o.ContentMap)
	if err := e.embedded("source", o.Source); err != nil {
		return err
	}
	e.str("_misskey_content", o.MisskeyContent)
	e.str("_misskey_summary", o.MisskeySummary)
	e.str("_misskey_quote", o.MisskeyQuote)
	e.str("_misskey_reaction", o.MisskeyReaction)
	e.str("quoteUrl", o.QuoteURL)
	e.str("quoteUri", o.QuoteURI)
	e.iri("quote", o.Quote)
	e.iri("quoteAuthorization", o.QuoteAuthorization)
	// Links and media.
	e.str("href", o.Href)
	e.strs("rel", o.Rel, false)
	e.str("hreflang", o.Hreflang)
	e.integer("width", o.Width)
	e.integer("height", o.Height)
	e.str("blurhash", o.Blurhash)
	if len(o.FocalPoint) > 0 && e.key("focalPoint") {
		e.buf = append(e.buf, '[')
		for i, f := range o.FocalPoint {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			if err := e.appendFloat(f); err != nil {
				return err
			}
		}
		e.buf = append(e.buf, ']')
	}
	if err := e.float("latitude", o.Latitude); err != nil {
		return err
	}
	if err := e.float("longitude", o.Longitude); err != nil {
		return err
	}
	e.str("value", o.Value)
	for _, p := range [...]struct {
		k     string
		v     []Ref
		array bool
	}{{"icon", o.Icon, false}, {"image", o.Image, false}, {"preview", o.Preview, false},
		{"attachment", o.Attachment, true}, {"tag", o.Tag, true},
		{"oneOf", o.OneOf, true}, {"anyOf", o.AnyOf, true}} {
		if err := e.refs(p.k, p.v, p.array); err != nil {
			return err
		}
	}
	if len(o.Closed) > 0 && e.key("closed") {
		if !json.Valid(o.Closed) {
			return ErrInvalidExtra
		}
		e.buf = append(e.buf, o.Closed...)
	}
	e.integer("votersCount", o.VotersCount)
	// Collections.
	e.integer("totalItems", o.TotalItems)
	e.integer("startIndex", o.StartIndex)
	for _, p := range [...]struct {
		k string
		v *Ref
	}{{"replies", o.Replies}, {"likes", o.Likes}, {"shares", o.Shares}, {"describes", o.Describes},
		{"first", o.First}, {"last", o.Last}, {"current", o.Current}, {"prev", o.Prev},
		{"next", o.Next}, {"partOf", o.PartOf}} {
		if err := e.ref(p.k, p.v); err != nil {
			return err
		}
	}
	if err := e.refs("items", o.Items, true); err != nil {
		return err
	}
	if err := e.refs("orderedItems", o.OrderedItems, true); err != nil {
		return err
	}
	// Unknown properties, sorted for stable output.
	if len(o.Extra) > 0 {
		keys := make([]string, 0, len(o.Extra))
		for k := range o.Extra {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if k == "@context" {
				continue // written first, above
			}
			v := o.Extra[k]
			if !json.Valid(v) {
				return ErrInvalidExtra
			}
			if e.comma {
				e.buf = append(e.buf, ',')
			}
			e.comma = true
			e.buf = appendString(e.buf, k)
			e.buf = append(e.buf, ':')
			e.buf = append(e.buf, v...)
		}
	}
	e.buf = append(e.buf, '}')
	return nil
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, escaping what JSON requires plus
// U+2028 and U+2029, and replacing invalid UTF-8 with U+FFFD.
func appendString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			buf = append(buf, s[start:i]...)
			switch c {
			case '"', '\\':
				buf = append(buf, '\\', c)
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			buf = append(buf, s[start:i]...)
			buf = append(buf, `\ufffd`...)
			i += n
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			buf = append(buf, s[start:i]...)
			buf = append(buf, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += n
			start = i
			continue
		}
		i += n
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}
