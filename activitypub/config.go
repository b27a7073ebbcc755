package activitypub

import (
	"context"
	"crypto/tls"
	"log/slog"
	"net/http"
	"time"

	"github.com/starling-fed/starling/activitypub/delivery"
	"github.com/starling-fed/starling/activitypub/nodeinfo"
	"github.com/starling-fed/starling/activitypub/vocab"
	"github.com/starling-fed/starling/store"
)

// Defaults of the Config fields that have one.
const (
	// DefaultMaxInboxBytes caps an inbox POST body: 1 MiB, the size
	// Mastodon accepts for an activity.
	DefaultMaxInboxBytes = 1 << 20
	// DefaultInboxWorkers is how many received activities are processed at
	// once in one process.
	DefaultInboxWorkers = 16
	// DefaultActorTTL is how long a cached remote actor is used before it
	// is fetched again.
	DefaultActorTTL = 24 * time.Hour
	// DefaultSeenTTL is how long an activity id is remembered to drop
	// duplicate deliveries.
	DefaultSeenTTL = 14 * 24 * time.Hour
	// DefaultMaxFetchDepth bounds how far a reply chain (inReplyTo) is
	// followed when a reply's ancestors are fetched.
	DefaultMaxFetchDepth = 8
	// DefaultMaxFetchBytes caps a fetched document.
	DefaultMaxFetchBytes = 1 << 20
	// DefaultPageSize is the number of items of a collection page.
	DefaultPageSize = 20
)

// Config configures a [Federation]. Only Origin and Store are required; every
// other field documents what its zero value means.
type Config struct {
	// Origin is the public scheme and host of the server, with its port when
	// it is not the scheme's default: "https://social.example.com". Every
	// IRI the Federation mints starts with it. Required; https unless
	// InsecureAllowPrivateAddresses is set (tests and demos may use http).
	Origin string

	// Store keeps follows, keys, cached remote actors, published objects,
	// collections, the inbound record and the delivery queue. Required.
	Store store.Store

	// Actors maps a username to the host's own account, as an actor
	// profile, or answers an error wrapping ErrNotFound (unknown) or
	// ErrGone (deleted). The host keeps its accounts; the Federation
	// serves them as actors. If nil, actors are kept in the Store: create
	// them with [Federation.CreateActor].
	Actors ActorFunc

	// Objects, if set, serves objects the host keeps in its own tables (the
	// articles of a CMS, say) by IRI, before the Store is asked. It
	// answers an error wrapping ErrNotFound for IRIs it does not know
	// (the Store is then asked) or ErrGone for deleted ones.
	Objects ObjectFunc

	// Paths is the URL layout; see [Paths] for the defaults.
	Paths Paths

	// Moderation refuses activities from blocked domains and actors.
	Moderation Moderation

	// Hooks are the host's callbacks, run after each activity's default
	// side effect. All are optional.
	Hooks Hooks

	// Override replaces the default side effect of an activity type
	// ("Follow", "Create", ...). The function may call
	// [Federation.DefaultSideEffect] to keep the default and add to it.
	// Hooks still run after an override that returns nil.
	Override map[string]InboxFunc

	// AuthorizedFetch requires a valid signature on every GET of one of
	// our objects or collections, as Mastodon's secure mode does (401
	// unsigned, 403 for a blocked signer). Actors' keys and a bare actor
	// document (id, type, preferredUsername, inbox, outbox, endpoints,
	// publicKey, assertionMethod) stay readable unsigned, so peers can
	// verify our signatures, and so does the instance actor. Paths that
	// name none of our objects still reach the host's fallback. Off by
	// default.
	AuthorizedFetch bool

	// CavageOnly refuses RFC 9421 signatures on the inboxes with 401, and
	// makes draft-cavage the first signature tried with every host (as
	// PreferCavage does), as most of today's fediverse expects. A peer that
	// refuses a draft-cavage signature (400 or 401, or 404 from a host not
	// yet known) is still asked again with RFC 9421: the setting changes
	// what is sent first and what is accepted, not what a peer may ask for.
	// Off by default: RFC 9421 is tried first and draft-cavage on refusal,
	// and both are accepted.
	CavageOnly bool

	// PreferCavage tries draft-cavage first with hosts not yet known,
	// saving a round trip with peers that only speak it.
	PreferCavage bool

	// Transport sends every outgoing request (fetches and deliveries),
	// under the signing transport. If nil, Starling's guarded transport:
	// https only, public addresses only (checked after DNS resolution and
	// on every redirect). A Transport set here is used as given.
	Transport http.RoundTripper

	// TLSConfig is used by the default Transport for https, e.g. to trust
	// a test certificate. If nil, the system roots.
	TLSConfig *tls.Config

	// InsecureAllowPrivateAddresses lets the default Transport, WebFinger
	// and deliveries reach loopback, private and reserved addresses, and
	// plain http. Only for tests and single-machine demos.
	InsecureAllowPrivateAddresses bool

	// Delivery tunes the delivery queue. Store, Keys, Transport, Clock,
	// Logger, PreferCavage, UserAgent and InsecureAllowPrivateAddresses are
	// filled in from this Config when left zero; OnGone is wrapped so the
	// Federation drops followers whose inbox is gone before calling it.
	Delivery delivery.Config

	// InboxWorkers is how many received activities are processed at once
	// in this process. If zero or negative, DefaultInboxWorkers.
	InboxWorkers int

	// MaxInboxBytes caps an inbox POST body (413 beyond). If zero or
	// negative, DefaultMaxInboxBytes.
	MaxInboxBytes int64

	// MaxFetchBytes caps a fetched document. If zero or negative,
	// DefaultMaxFetchBytes.
	MaxFetchBytes int64

	// ActorTTL is how long a cached remote actor and its keys are used
	// before they are fetched again (a failed signature refetches at once).
	// If zero or negative, DefaultActorTTL.
	ActorTTL time.Duration

	// SeenTTL is how long activity ids are remembered to drop duplicates.
	// If zero or negative, DefaultSeenTTL.
	SeenTTL time.Duration

	// MaxFetchDepth bounds how many ancestors of a reply are fetched. If
	// zero, DefaultMaxFetchDepth; if negative, none.
	MaxFetchDepth int

	// PageSize is the number of items per collection page, at most
	// store.MaxPageSize. If zero or negative, DefaultPageSize.
	PageSize int

	// InstanceUsername is the preferredUsername of the instance actor, the
	// Application that signs GETs, and the user part of its acct: address.
	// If empty, the Origin's host name (as Mastodon does). It may not hold
	// "@", "/", "?", "#", "%" or white space.
	InstanceUsername string

	// NodeInfo returns the server's NodeInfo figures. If nil, a document
	// naming Starling as the software, with open registrations off and
	// zero usage, is served.
	NodeInfo func(ctx context.Context) (*nodeinfo.Document, error)

	// UserAgent is sent with every outgoing request. If empty, "Starling".
	UserAgent string

	// Clock returns the current time. If nil, time.Now.
	Clock func() time.Time

	// Logger receives a record per refused request and per failed
	// side effect. If nil, nothing is logged.
	Logger *slog.Logger
}

// Paths is the URL layout of the server: ServeMux-style paths relative to
// the Origin, in which "{name}" stands for a username and "{id}" for an
// object id. Each actor path must contain "{name}" exactly once, Object
// "{id}" exactly once. A zero field takes the default shown.
type Paths struct {
	Actor     string // "/users/{name}"
	Inbox     string // "/users/{name}/inbox"
	Outbox    string // "/users/{name}/outbox"
	Followers string // "/users/{name}/followers"
	Following string // "/users/{name}/following"
	Liked     string // "/users/{name}/liked"
	Featured  string // "/users/{name}/featured"
	// SharedInbox receives activities for several local actors at once.
	SharedInbox string // "/inbox"
	// Object is where Publish puts the objects and activities it mints
	// ids for.
	Object string // "/objects/{id}"
	// InstanceActor is the Application actor that signs GETs.
	InstanceActor string // "/actor"
}

// Moderation says whom the server refuses to hear from. Activities from a
// blocked domain or actor are refused with 403 before any side effect, and
// keys on blocked domains are never fetched.
type Moderation struct {
	// BlockedDomains lists host names refused, with their subdomains:
	// "example.com" blocks "example.com" and "a.example.com".
	BlockedDomains []string

	// Blocked, if set, is asked about every remote actor that sends
	// something, and refuses it when it answers true.
	Blocked func(ctx context.Context, actorIRI string) (bool, error)
}

// Actor is the profile of a local actor: what the host knows of one of its
// accounts. The Federation turns it into the actor document, adding ids,
// collections, endpoints and keys.
type Actor struct {
	// Username is the preferredUsername: the "alice" of @alice@host, and
	// the {name} of the actor's URLs. An ActorFunc that finds an account
	// under another spelling (its lookup ignores case, say) returns the
	// account's own: the actor is served under that name only, and other
	// spellings are not found. If an ActorFunc leaves it empty, the name
	// asked for. It may not contain "/", "?" or "#".
	Username string
	// Type is the actor type; if empty, "Person". "Service" and
	// "Application" mark a bot.
	Type string
	// Name is the display name; Summary the bio, as HTML.
	Name    string
	Summary string
	// URL is the HTML profile page. If empty, the actor IRI.
	URL string
	// Icon and Image are URLs of the avatar and header images.
	Icon  string
	Image string
	// ManuallyApprovesFollowers makes follows wait for the host's
	// [Federation.AcceptFollow] instead of being accepted at once.
	ManuallyApprovesFollowers bool
	// Discoverable and Indexable are Mastodon's opt-ins to directories and
	// search.
	Discoverable bool
	Indexable    bool
	// AlsoKnownAs lists the actor's other ids (set before a Move to here);
	// MovedTo is the actor it moved to.
	AlsoKnownAs []string
	MovedTo     string
	// Fields are the profile's name/value pairs (PropertyValue).
	Fields []Field
	// Published is when the account was created.
	Published time.Time
}

// Field is one name/value pair of a profile; Value may hold HTML.
type Field struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// ActorFunc looks up a local actor by username. It returns an error wrapping
// ErrNotFound for an unknown username and ErrGone for a deleted account;
// any other error is answered 500. It is called with any name a request
// carries, and must be safe for concurrent use.
type ActorFunc func(ctx context.Context, username string) (*Actor, error)

// ObjectFunc looks up an object the host keeps by its IRI. It returns an
// error wrapping ErrNotFound for an IRI it does not serve and ErrGone for a
// deleted one. It must be safe for concurrent use.
type ObjectFunc func(ctx context.Context, iri string) (*vocab.Object, error)

// InboxFunc handles one received activity.
type InboxFunc func(ctx context.Context, in *Inbound) error

// Inbound is a received activity that passed every check: its signature
// verified, its actor owns the key, its id is on its actor's host, it is not
// a duplicate and nobody blocked it.
type Inbound struct {
	// Activity is the activity as decoded.
	Activity *vocab.Object
	// Raw is the activity's JSON as received.
	Raw []byte
	// Actor is the document of the activity's actor (who signed it).
	Actor *vocab.Object
	// Object is the activity's object, dereferenced: embedded and from the
	// actor's own host, or fetched from its origin when it was only an IRI
	// or was claimed for another host. Nil when it could not be had or the
	// activity does not need it.
	Object *vocab.Object
	// Recipient is the local actor IRI whose personal inbox received the
	// activity, or "" when it came through the shared inbox.
	Recipient string
	// Received is when the activity was accepted.
	Received time.Time
	// Pending is set for a Follow of an actor that approves followers
	// manually: the follow waits for [Federation.AcceptFollow] or
	// [Federation.RejectFollow].
	Pending bool
}

// Hooks are the host's callbacks, one per activity type, each run after that
// type's default side effect has succeeded. An error is logged; the activity
// is not processed again. All fields are optional.
type Hooks struct {
	Follow   InboxFunc // a remote actor follows a local one (Inbound.Pending if awaiting approval)
	Accept   InboxFunc // our Follow was accepted
	Reject   InboxFunc // our Follow was rejected
	Undo     InboxFunc // a Follow, Like, Announce or Block was undone
	Create   InboxFunc // a post addressed to us or from someone we follow
	Update   InboxFunc // an actor refreshed or a post edited
	Delete   InboxFunc // a post tombstoned or an actor deleted
	Like     InboxFunc // one of our objects was liked
	Announce InboxFunc // one of our objects, or something we follow, was shared
	Block    InboxFunc // a remote actor blocked a local one
	Add      InboxFunc // an object was pinned (featured)
	Remove   InboxFunc // an object was unpinned
	Move     InboxFunc // a followed actor moved (already verified against alsoKnownAs)
	Flag     InboxFunc // a report of abuse
	// Other receives activity types with no default side effect.
	Other InboxFunc
}
