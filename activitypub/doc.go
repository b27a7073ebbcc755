// Package activitypub is Starling's federation engine: what a host
// application mounts to make its users fediverse actors. It serves actors,
// objects and collections, receives activities on personal and shared
// inboxes, runs their side effects, publishes the host's posts and delivers
// them durably, and fetches remote documents through a guarded client.
//
// It ties Starling's smaller packages together: httpsig (signatures),
// webfinger and nodeinfo (discovery), vocab and jsonld (documents), store
// (state) and delivery (the outgoing queue). Each of those stands alone; this
// package is the one most hosts import.
//
// # Getting started
//
// Build a Federation from a Config — the public origin, a store, and how the
// host's accounts map to actors — mount its handler, start it, and publish:
//
//	fed, err := activitypub.New(activitypub.Config{
//		Origin: "https://social.example.com",
//		Store:  st, // store/sqlite, store/postgres or store/memory
//		Actors: func(ctx context.Context, username string) (*activitypub.Actor, error) {
//			u, err := users.Find(ctx, username) // the host's own table
//			if errors.Is(err, sql.ErrNoRows) {
//				return nil, activitypub.ErrNotFound
//			}
//			if err != nil {
//				return nil, err // answered 500
//			}
//			return &activitypub.Actor{Username: u.Name, Name: u.DisplayName}, nil
//		},
//	})
//	if err != nil { ... }
//	mux.Handle("/", fed.Handler(appPages)) // HTML requests fall through to appPages
//	if err := fed.Start(ctx); err != nil { ... }
//	defer fed.Shutdown(context.Background())
//
//	note := vocab.NewNote("", fed.ActorIRI("alice"), "<p>Hello, fediverse!</p>", time.Now())
//	_, err = fed.Publish(ctx, "alice", note) // to the public and alice's followers
//
// An app with no user table of its own leaves Actors nil and creates actors
// in the store with Federation.CreateActor.
//
// A Federation runs once: Start it after mounting its handler (until then
// the inboxes answer 503), and Shutdown when the server stops. To run
// again, build a new one on the same store; it resumes what the first left
// unfinished, received activities and queued deliveries alike.
//
// # What is served
//
// Federation.Handler serves, under the layout in Config.Paths (by default
// /users/{name}, /users/{name}/inbox, /inbox, /objects/{id}, /actor): actor
// documents with their RSA publicKey, FEP-521a Multikey assertionMethods and a
// sharedInbox endpoint; the instance actor, an Application whose key signs
// the server's GETs; outbox, followers, following, liked and featured as paged
// OrderedCollections; objects from the store or from Config.Objects (410 with
// a Tombstone once deleted); WebFinger, host-meta and NodeInfo. A request for
// an actor or object URL that asks for HTML goes to the host's fallback
// handler, so one URL serves both browsers and servers. Posts that are not
// public are shown only to signed requests from their audience.
//
// With Config.AuthorizedFetch every GET of one of our objects or
// collections must be signed, as Mastodon's secure mode requires; actor
// documents stay readable, stripped to what a peer needs to verify our
// signatures, and the instance actor stays whole.
//
// # Receiving
//
// An inbox POST is answered only after every check has passed: the body is
// capped (413), its content type must be ActivityStreams (415), its signature
// (draft-cavage or RFC 9421) must verify under Mastodon's rules (401), the
// signing key must belong to the activity's actor (401; an activity forwarded
// by another server is instead taken as its origin serves it), the activity's
// id must be on its actor's host (400), and neither the actor nor its domain
// may be blocked (403). A duplicate is acknowledged and dropped; a post
// reaching the personal inboxes of several local actors (as bto and bcc
// recipients are reached) is taken once for each. The activity is then
// recorded in the store and answered 202; its side effects run after, in the
// background, and an activity recorded before a crash is processed at the next
// Start. A signed Delete from an actor that is gone (its key answers 410) is
// accepted when its key is cached and dropped quietly otherwise.
//
// Embedded objects are trusted only when they come from the actor's own
// host; others are fetched from their origin. Every side effect checks that
// the sender may do what it asks: only an object's author may update or
// delete it, only a follower may undo a follow.
//
// # Side effects
//
// Each activity type has a default: Follow stores the follower and accepts
// (or waits for Federation.AcceptFollow when the actor approves followers
// manually), Accept and Reject settle our follows, Undo reverses a Follow,
// Like, Announce or Block, Create stores posts addressed to us or from actors
// we follow, Update refreshes an actor or edits a post, Delete tombstones a
// post or forgets an actor, Like and Announce count on our posts, Block drops
// follows, Add and Remove track featured posts, Move (checked against the new
// actor's alsoKnownAs) moves our follows. Replies to our posts that address
// our followers are forwarded to them (ActivityPub §7.1.2).
//
// After the default, the matching field of Config.Hooks is called with the
// typed activity, its sender and its object; Config.Override replaces a
// default, and may call Federation.DefaultSideEffect to keep it.
//
// # Publishing
//
// Federation.Publish takes a post or any activity as a local actor: it mints
// ids, addresses a post publicly by default, stores it in the actor's outbox,
// expands the audience (followers from the store, mentions and direct
// recipients fetched, shared inboxes preferred) and hands it to the delivery
// queue, which signs, retries and survives restarts. Follow, Unfollow, Like,
// Unlike, Announce, Unannounce, Reply, UpdatePost, DeletePost, Pin, Unpin,
// Block, Unblock, Move, UpdateProfile and DeleteActor do the common cases in
// one call; remote accounts may be named "@user@host".
//
// # Fetching
//
// Remote actors, keys and objects are fetched with GETs signed by the
// instance actor, through a client that refuses private, loopback and
// reserved addresses after DNS resolution and on every redirect, accepts only
// ActivityStreams content types, caps bodies and checks that a document's id
// is the URL it came from. Actors and their keys are cached in the store and
// refetched after Config.ActorTTL, or at once when a signature fails with a
// cached key. Reply chains are followed at most Config.MaxFetchDepth deep.
//
// # Several processes
//
// Processes that share one store (PostgreSQL) share followers, keys, caches,
// received activities and the delivery queue; any of them can answer any
// request and make any delivery. Each keeps recent reads of remote actors
// and of Store-held profiles in memory for up to 30 seconds, so a profile
// changed through one process is served by the others within that time.
//
// # Tests and demos
//
// Set Config.InsecureAllowPrivateAddresses to let servers on loopback talk
// to each other over plain http (or https with Config.TLSConfig trusting a
// test certificate), as this package's tests do with httptest servers.
package activitypub
