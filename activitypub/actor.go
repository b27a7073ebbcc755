package activitypub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/starling-fed/starling/activitypub/vocab"
	"github.com/starling-fed/starling/httpsig"
	"github.com/starling-fed/starling/store"
)

// localKeys are a local actor's parsed signing keys.
type localKeys struct {
	rsa       httpsig.SigningKey
	rsaPEM    string
	ed        httpsig.SigningKey
	multibase string
	// rsaMultibase is the RSA key as a Multikey, or "" if it could not be
	// encoded; computed once, as base58 of an RSA key is costly.
	rsaMultibase string
}

// keysOf returns the keys of a local actor (or the instance actor),
// creating them on first use. Parsed keys are cached in memory.
func (f *Federation) keysOf(ctx context.Context, actorIRI string) (*localKeys, error) {
	if k, ok := f.keys.Load(actorIRI); ok {
		return k.(*localKeys), nil
	}
	rsaPair, err := f.st.GetOrCreateKey(ctx, actorIRI, store.AlgorithmRSA2048, func() (store.KeyPair, error) {
		return newKeyPair(actorIRI+"#main-key", store.AlgorithmRSA2048, httpsig.RSAv15SHA256, f.now())
	})
	if err != nil {
		return nil, fmt.Errorf("activitypub: key of %s: %w", actorIRI, err)
	}
	edPair, err := f.st.GetOrCreateKey(ctx, actorIRI, store.AlgorithmEd25519, func() (store.KeyPair, error) {
		return newKeyPair(actorIRI+"#ed25519-key", store.AlgorithmEd25519, httpsig.Ed25519, f.now())
	})
	if err != nil {
		return nil, fmt.Errorf("activitypub: key of %s: %w", actorIRI, err)
	}
	k := &localKeys{rsaPEM: string(rsaPair.PublicKeyPEM)}
	priv, err := httpsig.ParsePrivateKeyPEM(rsaPair.PrivateKeyPEM)
	if err != nil {
		return nil, fmt.Errorf("activitypub: key of %s: %w", actorIRI, err)
	}
	k.rsa = httpsig.SigningKey{KeyID: rsaPair.KeyID, Key: priv}
	edPriv, err := httpsig.ParsePrivateKeyPEM(edPair.PrivateKeyPEM)
	if err != nil {
		return nil, fmt.Errorf("activitypub: key of %s: %w", actorIRI, err)
	}
	k.ed = httpsig.SigningKey{KeyID: edPair.KeyID, Key: edPriv}
	if mb, err := httpsig.EncodeMultikey(priv.Public()); err == nil {
		k.rsaMultibase = mb
	}
	if k.multibase, err = httpsig.EncodeMultikey(edPriv.Public()); err != nil {
		return nil, fmt.Errorf("activitypub: key of %s: %w", actorIRI, err)
	}
	actual, _ := f.keys.LoadOrStore(actorIRI, k)
	return actual.(*localKeys), nil
}

// newKeyPair generates a key pair for the store.
func newKeyPair(keyID, storeAlg string, alg httpsig.Algorithm, now time.Time) (store.KeyPair, error) {
	key, err := httpsig.GenerateKey(alg)
	if err != nil {
		return store.KeyPair{}, err
	}
	privPEM, err := httpsig.MarshalPrivateKeyPEM(key)
	if err != nil {
		return store.KeyPair{}, err
	}
	pubPEM, err := httpsig.MarshalPublicKeyPEM(key.Public())
	if err != nil {
		return store.KeyPair{}, err
	}
	return store.KeyPair{KeyID: keyID, Algorithm: storeAlg, PrivateKeyPEM: privPEM, PublicKeyPEM: pubPEM, Created: now}, nil
}

// instanceKey returns the instance actor's RSA signing key.
func (f *Federation) instanceKey(ctx context.Context) (httpsig.SigningKey, error) {
	k, err := f.keysOf(ctx, f.InstanceActorIRI())
	if err != nil {
		return httpsig.SigningKey{}, err
	}
	return k.rsa, nil
}

// deliveryKey is delivery's KeyFunc: the RSA key of a local actor (or the
// instance actor), named by its IRI.
func (f *Federation) deliveryKey(ctx context.Context, sender string) (httpsig.SigningKey, error) {
	sender, _, _ = strings.Cut(sender, "#")
	if sender != f.InstanceActorIRI() {
		if _, ok := f.Username(sender); !ok {
			return httpsig.SigningKey{}, fmt.Errorf("activitypub: %s is not a local actor", sender)
		}
	}
	k, err := f.keysOf(ctx, sender)
	if err != nil {
		return httpsig.SigningKey{}, err
	}
	return k.rsa, nil
}

// SigningKey returns the RSA key username's activities are signed with,
// creating it on first use.
func (f *Federation) SigningKey(ctx context.Context, username string) (httpsig.SigningKey, error) {
	if _, err := f.LocalActor(ctx, username); err != nil {
		return httpsig.SigningKey{}, err
	}
	k, err := f.keysOf(ctx, f.ActorIRI(username))
	if err != nil {
		return httpsig.SigningKey{}, err
	}
	return k.rsa, nil
}

// storedActorIRI is where a Store-held actor profile is kept. It is not
// served: Local is false and the path is Starling's own.
func (f *Federation) storedActorIRI(username string) string {
	return f.cfg.Origin + "/.starling/actors/" + url.PathEscape(username)
}

// storedActorType is the store type of Store-held actor profiles.
const storedActorType = "StarlingActor"

// LocalActor returns the profile of the local actor username, from
// Config.Actors or from the Store. Unknown usernames fail with ErrNotFound,
// deleted ones with ErrGone. So do names spelled otherwise than the account
// they find (a lookup that ignores case, say): an account is served under
// one name only, the Username its Actor carries.
func (f *Federation) LocalActor(ctx context.Context, username string) (*Actor, error) {
	a, err := f.lookupActor(ctx, username)
	if err != nil {
		return nil, err
	}
	if a.Username != username {
		return nil, fmt.Errorf("%w: actor %q is spelled %q", ErrNotFound, username, a.Username)
	}
	return a, nil
}

// lookupActor returns the profile of the local actor username, with its
// Username as the account spells it: the one Config.Actors gives, else
// username itself.
func (f *Federation) lookupActor(ctx context.Context, username string) (*Actor, error) {
	if username == "" || strings.ContainsAny(username, "/?#") || !f.fitsIRIs(username) {
		return nil, fmt.Errorf("%w: actor %q", ErrNotFound, username)
	}
	var a *Actor
	if f.cfg.Actors != nil {
		var err error
		a, err = f.cfg.Actors(ctx, username)
		if err != nil {
			return nil, err
		}
		if a == nil {
			return nil, fmt.Errorf("%w: actor %q", ErrNotFound, username)
		}
		cp := *a
		a = &cp
		if a.Username == "" {
			a.Username = username
		}
		if !f.fitsIRIs(a.Username) || strings.ContainsAny(a.Username, "/?#") {
			return nil, fmt.Errorf("%w: actor %q", ErrNotFound, a.Username)
		}
		return a, nil
	}
	obj, err := f.st.GetObject(ctx, f.storedActorIRI(username))
	switch {
	case errors.Is(err, store.ErrGone):
		return nil, fmt.Errorf("%w: actor %q", ErrGone, username)
	case errors.Is(err, store.ErrNotFound):
		return nil, fmt.Errorf("%w: actor %q", ErrNotFound, username)
	case err != nil:
		return nil, err
	}
	a = new(Actor)
	if err := json.Unmarshal(obj.Document, a); err != nil {
		return nil, fmt.Errorf("activitypub: stored actor %q: %w", username, err)
	}
	a.Username = username
	return a, nil
}

// fitsIRIs reports whether every IRI of the actor username (its document,
// inbox, collections, keys and Store-held profile) is short enough for the
// store to keep: a longer name can be no actor.
func (f *Federation) fitsIRIs(username string) bool {
	longest := len("/.starling/actors/")
	for _, p := range []string{f.paths.Actor, f.paths.Inbox, f.paths.Outbox, f.paths.Followers,
		f.paths.Following, f.paths.Liked, f.paths.Featured} {
		longest = max(longest, len(p)-len("{name}"))
	}
	longest += len("#ed25519-key")
	return len(f.cfg.Origin)+longest+len(url.PathEscape(username)) <= store.MaxIRILength
}

// CreateActor stores a local actor profile, replacing any earlier one of
// the same username, for servers that keep no user table of their own
// (Config.Actors nil). Its keys are created at once. With Config.Actors set
// it fails with ErrInvalidConfig: the host's callback is the only source of
// actors then. A username that is empty, holds "/", "?", "#", "@" or white
// space, or makes IRIs longer than the store keeps fails before anything
// is stored. Call [Federation.UpdateProfile] afterwards to tell followers
// of a change.
func (f *Federation) CreateActor(ctx context.Context, a Actor) error {
	if f.cfg.Actors != nil {
		return fmt.Errorf("%w: CreateActor with Config.Actors set", ErrInvalidConfig)
	}
	if a.Username == "" || strings.ContainsAny(a.Username, "/?#@ \t\r\n") || !f.fitsIRIs(a.Username) {
		return fmt.Errorf("activitypub: invalid username %q", a.Username)
	}
	if a.Published.IsZero() {
		a.Published = f.now().UTC()
	}
	doc, err := json.Marshal(a)
	if err != nil {
		return err
	}
	if err := f.st.PutObject(ctx, store.Object{
		IRI: f.storedActorIRI(a.Username), Type: storedActorType, Document: doc, Updated: f.now(),
	}); err != nil {
		return err
	}
	_, err = f.keysOf(ctx, f.ActorIRI(a.Username))
	return err
}

// ActorDocument returns the actor document of username as it is served:
// profile, collections, shared inbox endpoint, the RSA key as publicKey and
// both keys as FEP-521a Multikey assertionMethods.
func (f *Federation) ActorDocument(ctx context.Context, username string) (*vocab.Object, error) {
	a, err := f.LocalActor(ctx, username)
	if err != nil {
		return nil, err
	}
	return f.actorDocument(ctx, a)
}

func (f *Federation) actorDocument(ctx context.Context, a *Actor) (*vocab.Object, error) {
	id := f.ActorIRI(a.Username)
	keys, err := f.keysOf(ctx, id)
	if err != nil {
		return nil, err
	}
	typ := a.Type
	if typ == "" {
		typ = vocab.TypePerson
	}
	o := &vocab.Object{
		ID:                        id,
		Type:                      typ,
		PreferredUsername:         a.Username,
		Name:                      a.Name,
		Summary:                   a.Summary,
		Inbox:                     f.InboxIRI(a.Username),
		Outbox:                    f.OutboxIRI(a.Username),
		Followers:                 f.FollowersIRI(a.Username),
		Following:                 f.FollowingIRI(a.Username),
		Liked:                     f.LikedIRI(a.Username),
		Featured:                  f.FeaturedIRI(a.Username),
		Endpoints:                 &vocab.Object{SharedInbox: f.SharedInboxIRI()},
		ManuallyApprovesFollowers: &a.ManuallyApprovesFollowers,
		Discoverable:              &a.Discoverable,
		Indexable:                 &a.Indexable,
		AlsoKnownAs:               a.AlsoKnownAs,
		MovedTo:                   a.MovedTo,
		Published:                 a.Published,
	}
	o.URL = []vocab.Ref{vocab.IRIRef(id)}
	if a.URL != "" {
		o.URL = []vocab.Ref{vocab.IRIRef(a.URL)}
	}
	if a.Icon != "" {
		o.Icon = []vocab.Ref{vocab.ObjectRef(&vocab.Object{Type: vocab.TypeImage, URL: []vocab.Ref{vocab.IRIRef(a.Icon)}})}
	}
	if a.Image != "" {
		o.Image = []vocab.Ref{vocab.ObjectRef(&vocab.Object{Type: vocab.TypeImage, URL: []vocab.Ref{vocab.IRIRef(a.Image)}})}
	}
	for _, fl := range a.Fields {
		o.Attachment = append(o.Attachment, vocab.ObjectRef(&vocab.Object{Type: "PropertyValue", Name: fl.Name, Value: fl.Value}))
	}
	f.addKeys(o, keys)
	return o, nil
}

// addKeys adds publicKey and assertionMethod to an actor document.
func (f *Federation) addKeys(o *vocab.Object, k *localKeys) {
	o.PublicKey = []vocab.Ref{vocab.ObjectRef(&vocab.Object{ID: k.rsa.KeyID, Owner: o.ID, PublicKeyPem: k.rsaPEM})}
	if k.rsaMultibase != "" {
		o.AssertionMethod = append(o.AssertionMethod, vocab.ObjectRef(&vocab.Object{
			ID: k.rsa.KeyID, Type: vocab.TypeMultikey, Controller: o.ID, PublicKeyMultibase: k.rsaMultibase,
		}))
	}
	o.AssertionMethod = append(o.AssertionMethod, vocab.ObjectRef(&vocab.Object{
		ID: k.ed.KeyID, Type: vocab.TypeMultikey, Controller: o.ID, PublicKeyMultibase: k.multibase,
	}))
}

// InstanceActorDocument returns the instance actor: an Application named
// after the host, with a key, whose signature GETs carry.
func (f *Federation) InstanceActorDocument(ctx context.Context) (*vocab.Object, error) {
	id := f.InstanceActorIRI()
	keys, err := f.keysOf(ctx, id)
	if err != nil {
		return nil, err
	}
	yes := true
	o := &vocab.Object{
		ID:                        id,
		Type:                      vocab.TypeApplication,
		PreferredUsername:         f.cfg.InstanceUsername,
		Inbox:                     id + "/inbox",
		Outbox:                    id + "/outbox",
		Endpoints:                 &vocab.Object{SharedInbox: f.SharedInboxIRI()},
		ManuallyApprovesFollowers: &yes,
		URL:                       []vocab.Ref{vocab.IRIRef(f.cfg.Origin + "/")},
	}
	f.addKeys(o, keys)
	return o, nil
}
