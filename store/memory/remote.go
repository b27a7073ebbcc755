package memory

import (
	"bytes"
	"context"
	"fmt"
	"sync"

	"github.com/starling-fed/starling/store"
)

type remoteState struct {
	mu     sync.Mutex
	actors map[string]*store.RemoteActor
	keys   map[string]string // key id → owner
}

func (r *remoteState) init() {
	r.actors = map[string]*store.RemoteActor{}
	r.keys = map[string]string{}
}

func cloneActor(a *store.RemoteActor) store.RemoteActor {
	c := *a
	c.Document = bytes.Clone(a.Document)
	c.Keys = make([]store.PublicKey, len(a.Keys))
	for i, k := range a.Keys {
		k.PEM = bytes.Clone(k.PEM)
		c.Keys[i] = k
	}
	return c
}

// PutRemoteActor implements [store.RemoteActors].
func (s *Store) PutRemoteActor(ctx context.Context, a store.RemoteActor) error {
	if err := validateIRIs("actor", a.IRI, "inbox", a.Inbox); err != nil {
		return err
	}
	if a.SharedInbox != "" {
		if err := validateIRIs("shared inbox", a.SharedInbox); err != nil {
			return err
		}
	}
	ids := make(map[string]bool, len(a.Keys))
	for _, k := range a.Keys {
		if err := validateIRIs("key id", k.KeyID); err != nil {
			return err
		}
		if len(k.PEM) == 0 {
			return invalid("key %q has no PEM", k.KeyID)
		}
		if ids[k.KeyID] {
			return invalid("key %q listed twice", k.KeyID)
		}
		ids[k.KeyID] = true
	}
	if err := wrapDoc("actor "+a.IRI, a.Document); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	r := &s.remote
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, k := range a.Keys {
		if owner, ok := r.keys[k.KeyID]; ok && owner != a.IRI {
			return fmt.Errorf("memory: key id %q belongs to %q: %w", k.KeyID, owner, store.ErrConflict)
		}
	}
	if old, ok := r.actors[a.IRI]; ok {
		for _, k := range old.Keys {
			delete(r.keys, k.KeyID)
		}
	}
	c := cloneActor(&a)
	for i := range c.Keys {
		c.Keys[i].Owner = a.IRI
		c.Keys[i].Fetched = a.Fetched
		r.keys[c.Keys[i].KeyID] = a.IRI
	}
	r.actors[a.IRI] = &c
	return nil
}

// GetRemoteActor implements [store.RemoteActors].
func (s *Store) GetRemoteActor(ctx context.Context, actorIRI string) (store.RemoteActor, error) {
	if err := check(ctx, "actor", actorIRI); err != nil {
		return store.RemoteActor{}, err
	}
	r := &s.remote
	r.mu.Lock()
	defer r.mu.Unlock()
	a, ok := r.actors[actorIRI]
	if !ok {
		return store.RemoteActor{}, notFound("remote actor", actorIRI)
	}
	return cloneActor(a), nil
}

// RemotePublicKey implements [store.RemoteActors].
func (s *Store) RemotePublicKey(ctx context.Context, keyID string) (store.PublicKey, error) {
	if err := check(ctx, "key id", keyID); err != nil {
		return store.PublicKey{}, err
	}
	r := &s.remote
	r.mu.Lock()
	defer r.mu.Unlock()
	if owner, ok := r.keys[keyID]; ok {
		for _, k := range r.actors[owner].Keys {
			if k.KeyID == keyID {
				k.PEM = bytes.Clone(k.PEM)
				return k, nil
			}
		}
	}
	return store.PublicKey{}, notFound("remote key", keyID)
}

// DeleteRemoteActor implements [store.RemoteActors].
func (s *Store) DeleteRemoteActor(ctx context.Context, actorIRI string) error {
	if err := check(ctx, "actor", actorIRI); err != nil {
		return err
	}
	r := &s.remote
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.actors[actorIRI]; ok {
		for _, k := range old.Keys {
			delete(r.keys, k.KeyID)
		}
		delete(r.actors, actorIRI)
	}
	return nil
}
