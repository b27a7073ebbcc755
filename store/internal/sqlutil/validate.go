package sqlutil

import (
	"fmt"
	"time"

	"github.com/starling-fed/starling/store"
)

// The checks below run before a backend writes anything, so bad input
// fails with the store's sentinel errors and nothing is stored half-way.

// ValidateIRIs checks every IRI argument, reporting the first bad one.
func ValidateIRIs(iris ...string) error {
	for _, iri := range iris {
		if err := store.ValidateIRI(iri); err != nil {
			return err
		}
	}
	return nil
}

// PageLimit checks and caps a page size.
func PageLimit(limit int) (int, error) {
	if limit <= 0 {
		return 0, fmt.Errorf("%w: page limit %d is not positive", store.ErrInvalid, limit)
	}
	return min(limit, store.MaxPageSize), nil
}

// DecodePosition turns a page cursor into the sequence to page below; the
// empty cursor starts at the top.
func DecodePosition(cursor, scope string) (int64, error) {
	if cursor == "" {
		return 1<<63 - 1, nil
	}
	c, err := store.DecodeCursor(cursor, scope)
	if err != nil {
		return 0, err
	}
	return c.Position, nil
}

// ValidAlgorithm reports an unknown key algorithm as store.ErrInvalid.
func ValidAlgorithm(alg string) error {
	if alg != store.AlgorithmRSA2048 && alg != store.AlgorithmEd25519 {
		return fmt.Errorf("%w: unknown key algorithm %q", store.ErrInvalid, alg)
	}
	return nil
}

// ValidateKeyPair checks a key pair about to become its owner's current key.
func ValidateKeyPair(k store.KeyPair) error {
	if err := store.ValidateIRI(k.KeyID); err != nil {
		return err
	}
	if err := ValidAlgorithm(k.Algorithm); err != nil {
		return err
	}
	if len(k.PrivateKeyPEM) == 0 || len(k.PublicKeyPEM) == 0 {
		return fmt.Errorf("%w: key %s lacks PEM", store.ErrInvalid, k.KeyID)
	}
	return nil
}

// ValidateFollow checks a follow relationship before it is stored.
func ValidateFollow(f store.Follow) error {
	if err := ValidateIRIs(f.Follower, f.Followee, f.ActivityID, f.Inbox); err != nil {
		return err
	}
	if f.SharedInbox != "" {
		if err := store.ValidateIRI(f.SharedInbox); err != nil {
			return err
		}
	}
	if !f.State.Valid() {
		return fmt.Errorf("%w: follow state %q", store.ErrInvalid, f.State)
	}
	return nil
}

// ValidateRemoteActor checks a remote actor and its keys before they are
// stored.
func ValidateRemoteActor(a store.RemoteActor) error {
	if err := ValidateIRIs(a.IRI, a.Inbox); err != nil {
		return err
	}
	if a.SharedInbox != "" {
		if err := store.ValidateIRI(a.SharedInbox); err != nil {
			return err
		}
	}
	if err := store.ValidateDocument(a.Document); err != nil {
		return err
	}
	seen := make(map[string]bool, len(a.Keys))
	for _, k := range a.Keys {
		if err := store.ValidateIRI(k.KeyID); err != nil {
			return err
		}
		if len(k.PEM) == 0 {
			return fmt.Errorf("%w: key %s has no PEM", store.ErrInvalid, k.KeyID)
		}
		if seen[k.KeyID] {
			return fmt.Errorf("%w: key %s listed twice", store.ErrInvalid, k.KeyID)
		}
		seen[k.KeyID] = true
	}
	return nil
}

// ValidateBatch checks a whole batch before anything is written and
// returns the distinct inboxes with their hosts, in batch order.
func ValidateBatch(b store.Batch) (inboxes, hosts []string, err error) {
	if err := ValidateIRIs(b.ActivityID, b.Sender); err != nil {
		return nil, nil, err
	}
	if err := store.ValidateDocument(b.Activity); err != nil {
		return nil, nil, err
	}
	if b.Now.IsZero() {
		return nil, nil, fmt.Errorf("%w: batch has no enqueue time", store.ErrInvalid)
	}
	seen := make(map[string]bool, len(b.Inboxes))
	for _, inbox := range b.Inboxes {
		host, err := store.HostOf(inbox)
		if err != nil {
			return nil, nil, err
		}
		if seen[inbox] {
			continue
		}
		seen[inbox] = true
		inboxes = append(inboxes, inbox)
		hosts = append(hosts, host)
	}
	return inboxes, hosts, nil
}

// CreateKey runs a GetOrCreateKey caller's create func for actorIRI and
// checks its result: the owner is set to actorIRI and the expiry cleared,
// the algorithm must be the one asked for, and the pair must pass
// [ValidateKeyPair]. Both SQL backends call it before inserting.
func CreateKey(actorIRI, algorithm string, create func() (store.KeyPair, error)) (store.KeyPair, error) {
	created, err := create()
	if err != nil {
		return store.KeyPair{}, err
	}
	created.Owner = actorIRI
	created.Expires = time.Time{}
	if created.Algorithm != algorithm {
		return store.KeyPair{}, fmt.Errorf("%w: created key has algorithm %q, want %q", store.ErrInvalid, created.Algorithm, algorithm)
	}
	if err := ValidateKeyPair(created); err != nil {
		return store.KeyPair{}, err
	}
	return created, nil
}
