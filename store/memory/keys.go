package memory

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/starling-fed/starling/store"
)

// actorAlg names the current-key slot of an actor.
type actorAlg struct{ actor, alg string }

type keyState struct {
	mu      sync.Mutex
	current map[actorAlg]string         // → key id
	byID    map[string]*store.KeyPair   // every key, current or retired
	byActor map[string][]*store.KeyPair // every key of an actor
}

func (k *keyState) init() {
	k.current = map[actorAlg]string{}
	k.byID = map[string]*store.KeyPair{}
	k.byActor = map[string][]*store.KeyPair{}
}

// checkKeyPair validates a key pair handed to the store.
func checkKeyPair(kp store.KeyPair, alg string) error {
	if err := validateIRIs("key id", kp.KeyID); err != nil {
		return err
	}
	if kp.Algorithm != alg {
		return invalid("key algorithm %q, want %q", kp.Algorithm, alg)
	}
	if len(kp.PrivateKeyPEM) == 0 || len(kp.PublicKeyPEM) == 0 {
		return invalid("key %q has no PEM", kp.KeyID)
	}
	return nil
}

func checkAlgorithm(alg string) error {
	if alg != store.AlgorithmRSA2048 && alg != store.AlgorithmEd25519 {
		return invalid("unknown key algorithm %q", alg)
	}
	return nil
}

// cloneKey returns a copy sharing nothing with kp.
func cloneKey(kp *store.KeyPair) store.KeyPair {
	c := *kp
	c.PrivateKeyPEM = bytes.Clone(kp.PrivateKeyPEM)
	c.PublicKeyPEM = bytes.Clone(kp.PublicKeyPEM)
	return c
}

// insertLocked stores kp as actor's current key for its algorithm.
func (k *keyState) insertLocked(actor string, kp store.KeyPair) {
	kp.Owner = actor
	kp.Expires = time.Time{}
	c := cloneKey(&kp)
	k.byID[c.KeyID] = &c
	k.byActor[actor] = append(k.byActor[actor], &c)
	k.current[actorAlg{actor, c.Algorithm}] = c.KeyID
}

// GetOrCreateKey implements [store.Keys]. create runs without the lock
// held; if another caller stored a key meanwhile, that key wins.
func (s *Store) GetOrCreateKey(ctx context.Context, actorIRI, algorithm string, create func() (store.KeyPair, error)) (store.KeyPair, error) {
	if err := validateIRIs("actor", actorIRI); err != nil {
		return store.KeyPair{}, err
	}
	if err := checkAlgorithm(algorithm); err != nil {
		return store.KeyPair{}, err
	}
	if kp, err := s.CurrentKey(ctx, actorIRI, algorithm); err == nil {
		return kp, nil
	}
	kp, err := create()
	if err != nil {
		return store.KeyPair{}, err
	}
	if err := checkKeyPair(kp, algorithm); err != nil {
		return store.KeyPair{}, err
	}
	if err := ctx.Err(); err != nil {
		return store.KeyPair{}, err
	}
	k := &s.keys
	k.mu.Lock()
	defer k.mu.Unlock()
	if id, ok := k.current[actorAlg{actorIRI, algorithm}]; ok {
		return cloneKey(k.byID[id]), nil
	}
	if _, taken := k.byID[kp.KeyID]; taken {
		return store.KeyPair{}, fmt.Errorf("memory: key id %q is in use: %w", kp.KeyID, store.ErrConflict)
	}
	k.insertLocked(actorIRI, kp)
	return cloneKey(k.byID[kp.KeyID]), nil
}

// CurrentKey implements [store.Keys].
func (s *Store) CurrentKey(ctx context.Context, actorIRI, algorithm string) (store.KeyPair, error) {
	if err := check(ctx, "actor", actorIRI); err != nil {
		return store.KeyPair{}, err
	}
	k := &s.keys
	k.mu.Lock()
	defer k.mu.Unlock()
	id, ok := k.current[actorAlg{actorIRI, algorithm}]
	if !ok {
		return store.KeyPair{}, notFound("key of", actorIRI)
	}
	return cloneKey(k.byID[id]), nil
}

// RotateKey implements [store.Keys].
func (s *Store) RotateKey(ctx context.Context, actorIRI string, next store.KeyPair, graceUntil time.Time) error {
	if err := validateIRIs("actor", actorIRI); err != nil {
		return err
	}
	if err := checkAlgorithm(next.Algorithm); err != nil {
		return err
	}
	if err := checkKeyPair(next, next.Algorithm); err != nil {
		return err
	}
	if graceUntil.IsZero() {
		return invalid("zero graceUntil: pass the current time to retire the old key at once")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	k := &s.keys
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, taken := k.byID[next.KeyID]; taken {
		return fmt.Errorf("memory: key id %q is in use: %w", next.KeyID, store.ErrConflict)
	}
	if id, ok := k.current[actorAlg{actorIRI, next.Algorithm}]; ok {
		k.byID[id].Expires = graceUntil
	}
	k.insertLocked(actorIRI, next)
	return nil
}

// live reports whether kp is readable at now.
func live(kp *store.KeyPair, now time.Time) bool {
	return kp.Expires.IsZero() || kp.Expires.After(now)
}

// KeyByID implements [store.Keys].
func (s *Store) KeyByID(ctx context.Context, keyID string, now time.Time) (store.KeyPair, error) {
	if err := check(ctx, "key id", keyID); err != nil {
		return store.KeyPair{}, err
	}
	k := &s.keys
	k.mu.Lock()
	defer k.mu.Unlock()
	kp, ok := k.byID[keyID]
	if !ok || !live(kp, now) {
		return store.KeyPair{}, notFound("key", keyID)
	}
	return cloneKey(kp), nil
}

// ActorKeys implements [store.Keys].
func (s *Store) ActorKeys(ctx context.Context, actorIRI string, now time.Time) ([]store.KeyPair, error) {
	if err := check(ctx, "actor", actorIRI); err != nil {
		return nil, err
	}
	k := &s.keys
	k.mu.Lock()
	defer k.mu.Unlock()
	out := []store.KeyPair{}
	for _, kp := range k.byActor[actorIRI] {
		if live(kp, now) {
			out = append(out, cloneKey(kp))
		}
	}
	slices.SortStableFunc(out, func(a, b store.KeyPair) int {
		if ac, bc := a.Expires.IsZero(), b.Expires.IsZero(); ac != bc {
			if ac {
				return -1
			}
			return 1
		}
		return b.Created.Compare(a.Created)
	})
	return out, nil
}
