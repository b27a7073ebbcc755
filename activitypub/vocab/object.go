package vocab

import (
	"encoding/json"
	"time"
)

// Object is any Activity Streams value: an object of any kind (Note,
// Article, Image, Tombstone, ...), a Link or Mention, an actor, an activity,
// a collection or collection page, a Hashtag, an Emoji, a PropertyValue or
// a public key. Type says which; the fields that kind uses are set and the
// rest stay zero. One type for all of them keeps decoding a single pass and
// lets any property hold any kind, as Activity Streams allows.
//
// Every property that may hold several values is a slice, whether the wire
// carried one value or an array. Properties that may hold an IRI, an
// embedded object or a Link are Refs. Properties this package does not know
// are kept verbatim in Extra, so a decoded document encodes back without
// losing anything.
type Object struct {
	// LDContext is the "@context" exactly as decoded. When empty, the
	// encoder writes DefaultContext on a top-level document and nothing on
	// an embedded one.
	LDContext json.RawMessage

	// ID is the object's IRI ("id").
	ID string
	// Type is the first "type", with prefixed or full-IRI spellings of
	// known types shortened to their plain names ("toot:Emoji" is "Emoji").
	Type string
	// MoreTypes holds any further types of a multi-typed object.
	MoreTypes []string

	// Natural language values: the plain value and the per-language map
	// ("contentMap" and so on), keyed by BCP 47 language tag.
	Name       string
	NameMap    map[string]string
	Summary    string
	SummaryMap map[string]string
	Content    string
	ContentMap map[string]string

	// MediaType is the MIME type of content, or of a Link's target.
	MediaType string
	// Source is the source the content was produced from
	// ({content, mediaType}), as Misskey and Lemmy send it.
	Source *Object

	// Common object properties.
	AttributedTo []Ref
	InReplyTo    []Ref
	URL          []Ref
	Context      []Ref // the Activity Streams "context" property, not "@context"
	Generator    []Ref
	Location     []Ref
	Preview      []Ref
	Icon         []Ref
	Image        []Ref
	Tag          []Ref
	Attachment   []Ref
	Replies      *Ref
	Likes        *Ref
	Shares       *Ref

	// Addressing.
	To       []Ref
	Cc       []Ref
	Bto      []Ref
	Bcc      []Ref
	Audience []Ref

	// Times. A zero Time means absent.
	Published time.Time
	Updated   time.Time
	StartTime time.Time
	EndTime   time.Time
	Deleted   time.Time // Tombstone
	// Duration is an xsd:duration such as "PT2M30S".
	Duration string
	// FormerType is a Tombstone's former type.
	FormerType string

	// Sensitive marks content behind a warning (as:sensitive); nil = absent.
	Sensitive *bool

	// Link properties (also used by Mention and Hashtag). Href is not
	// validated as an IRI: Links may point at any scheme.
	Href     string
	Rel      []string
	Hreflang string
	Width    *int64
	Height   *int64

	// Media attachments (Mastodon).
	Blurhash   string
	FocalPoint []float64

	// Place.
	Latitude  *float64
	Longitude *float64

	// PropertyValue (profile metadata fields).
	Value string

	// Actor properties.
	PreferredUsername         string
	Inbox                     string
	Outbox                    string
	Followers                 string
	Following                 string
	Liked                     string
	Featured                  string
	FeaturedTags              string
	Endpoints                 *Object
	SharedInbox               string // inside Endpoints
	PublicKey                 []Ref
	AssertionMethod           []Ref // FEP-521a Multikey verification methods
	ManuallyApprovesFollowers *bool
	Discoverable              *bool
	Indexable                 *bool
	Memorial                  *bool
	Suspended                 *bool
	AlsoKnownAs               []string
	MovedTo                   string

	// Key properties (publicKey and assertionMethod entries).
	Owner              string
	Controller         string
	PublicKeyPem       string
	PublicKeyMultibase string

	// Activity properties.
	Actor      []Ref
	Object     []Ref
	Target     []Ref
	Result     []Ref
	Origin     []Ref
	Instrument []Ref

	// Question.
	OneOf       []Ref
	AnyOf       []Ref
	Closed      json.RawMessage // a date, a boolean or an object
	VotersCount *int64

	// Collections and pages.
	TotalItems   *int64
	Items        []Ref
	OrderedItems []Ref
	First        *Ref
	Last         *Ref
	Current      *Ref
	Next         *Ref
	Prev         *Ref
	PartOf       *Ref
	StartIndex   *int64

	// Profile.
	Describes *Ref

	// OStatus compatibility (Mastodon).
	AtomURI          string
	InReplyToAtomURI string
	Conversation     string

	// Misskey and quote posts.
	MisskeyContent     string // _misskey_content: the post's MFM source
	MisskeySummary     string // _misskey_summary
	MisskeyQuote       string // _misskey_quote
	MisskeyReaction    string // _misskey_reaction on a Like
	QuoteURL           string // quoteUrl (Misskey, Akkoma)
	QuoteURI           string // quoteUri (Fedibird, Akkoma)
	Quote              string // FEP-044f quote
	QuoteAuthorization string // FEP-044f quoteAuthorization

	// Extra holds every property this package does not know, by the name
	// it had on the wire, with its JSON value verbatim.
	Extra map[string]json.RawMessage
}

// Ref is a property value that is either an IRI or an embedded object (which
// may be a Link). Exactly one of IRI and Object is set.
type Ref struct {
	// IRI is the value when it was a plain string.
	IRI string
	// Object is the value when it was a JSON object.
	Object *Object
}

// isZero reports whether the Ref holds nothing (the encoder skips it).
func (r Ref) isZero() bool { return r.IRI == "" && r.Object == nil }

// IRIRef returns a Ref holding an IRI.
func IRIRef(iri string) Ref { return Ref{IRI: iri} }

// ObjectRef returns a Ref holding an embedded object.
func ObjectRef(o *Object) Ref { return Ref{Object: o} }

// ID returns the IRI the reference names: the IRI, the embedded object's
// id, or for an embedded Link without an id, its href.
func (r Ref) ID() string {
	if r.Object == nil {
		return r.IRI
	}
	if r.Object.ID == "" && r.Object.Href != "" {
		return r.Object.Href
	}
	return r.Object.ID
}

// IDs returns the ID of each reference.
func IDs(refs []Ref) []string {
	if len(refs) == 0 {
		return nil
	}
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = r.ID()
	}
	return out
}

// First returns the first reference, or a zero Ref when there is none.
func First(refs []Ref) Ref {
	if len(refs) == 0 {
		return Ref{}
	}
	return refs[0]
}

// HasType reports whether t is the object's type or one of its further
// types.
func (o *Object) HasType(t string) bool {
	if o == nil {
		return false
	}
	if o.Type == t {
		return true
	}
	for _, m := range o.MoreTypes {
		if m == t {
			return true
		}
	}
	return false
}

// IsActor reports whether the object is one of the five actor types.
func (o *Object) IsActor() bool { return o != nil && IsActorType(o.Type) }

// IsActivity reports whether the object is an activity.
func (o *Object) IsActivity() bool { return o != nil && IsActivityType(o.Type) }

// IsCollection reports whether the object is a collection or a page of one.
func (o *Object) IsCollection() bool { return o != nil && IsCollectionType(o.Type) }

// IsLink reports whether the object is a Link or one of its kinds (Mention,
// Hashtag).
func (o *Object) IsLink() bool { return o != nil && IsLinkType(o.Type) }

// IsBot reports whether the actor is automated (Application or Service).
func (o *Object) IsBot() bool {
	return o != nil && (o.Type == TypeApplication || o.Type == TypeService)
}

// ContentIn returns the content in the given language when contentMap has
// it, else the plain content, else any contentMap value (the smallest
// language tag, for determinism).
func (o *Object) ContentIn(lang string) string { return pickLang(o.Content, o.ContentMap, lang) }

// NameIn is ContentIn for name/nameMap.
func (o *Object) NameIn(lang string) string { return pickLang(o.Name, o.NameMap, lang) }

// SummaryIn is ContentIn for summary/summaryMap.
func (o *Object) SummaryIn(lang string) string { return pickLang(o.Summary, o.SummaryMap, lang) }

func pickLang(plain string, m map[string]string, lang string) string {
	if v, ok := m[lang]; ok && lang != "" {
		return v
	}
	if plain != "" {
		return plain
	}
	best, found := "", false
	var bestKey string
	for k, v := range m {
		if !found || k < bestKey {
			best, bestKey, found = v, k, true
		}
	}
	return best
}

// DeliveryInbox returns where to deliver to this actor: its shared inbox
// when it has one, else its inbox. Servers reduce follower lists to distinct
// delivery inboxes this way.
func (o *Object) DeliveryInbox() string {
	if o == nil {
		return ""
	}
	if o.Endpoints != nil && o.Endpoints.SharedInbox != "" {
		return o.Endpoints.SharedInbox
	}
	if o.SharedInbox != "" {
		return o.SharedInbox
	}
	return o.Inbox
}

// Key returns the embedded key with the given id among the actor's
// publicKey and assertionMethod entries, or nil. With an empty id it
// returns the first embedded publicKey.
func (o *Object) Key(id string) *Object {
	if o == nil {
		return nil
	}
	for _, list := range [][]Ref{o.PublicKey, o.AssertionMethod} {
		for _, r := range list {
			if r.Object != nil && (r.Object.ID == id || id == "") {
				return r.Object
			}
		}
	}
	return nil
}
