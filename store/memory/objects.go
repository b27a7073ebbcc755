package memory

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/starling-fed/starling/store"
)

type objectState struct {
	mu   sync.Mutex
	byID map[string]*store.Object
}

func (o *objectState) init() { o.byID = map[string]*store.Object{} }

func cloneObject(o *store.Object) store.Object {
	c := *o
	c.Document = bytes.Clone(o.Document)
	return c
}

// PutObject implements [store.Objects].
func (s *Store) PutObject(ctx context.Context, obj store.Object) error {
	if err := validateIRIs("object", obj.IRI); err != nil {
		return err
	}
	if err := wrapDoc("object "+obj.IRI, obj.Document); err != nil {
		return err
	}
	if obj.Type == "" {
		return invalid("object %q has no type", obj.IRI)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	o := &s.objects
	o.mu.Lock()
	defer o.mu.Unlock()
	if old, ok := o.byID[obj.IRI]; ok && !old.Deleted.IsZero() {
		return fmt.Errorf("memory: object %q: %w", obj.IRI, store.ErrGone)
	}
	c := cloneObject(&obj)
	c.FormerType, c.Deleted = "", time.Time{}
	o.byID[obj.IRI] = &c
	return nil
}

// GetObject implements [store.Objects].
func (s *Store) GetObject(ctx context.Context, iri string) (store.Object, error) {
	if err := check(ctx, "object", iri); err != nil {
		return store.Object{}, err
	}
	o := &s.objects
	o.mu.Lock()
	defer o.mu.Unlock()
	obj, ok := o.byID[iri]
	if !ok {
		return store.Object{}, notFound("object", iri)
	}
	c := cloneObject(obj)
	if !obj.Deleted.IsZero() {
		return c, fmt.Errorf("memory: object %q: %w", iri, store.ErrGone)
	}
	return c, nil
}

// DeleteObject implements [store.Objects].
func (s *Store) DeleteObject(ctx context.Context, iri string, deleted time.Time) error {
	if err := validateIRIs("object", iri); err != nil {
		return err
	}
	if deleted.IsZero() {
		return invalid("object %q: zero deletion time", iri)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	o := &s.objects
	o.mu.Lock()
	defer o.mu.Unlock()
	obj, ok := o.byID[iri]
	switch {
	case !ok:
		return notFound("object", iri)
	case !obj.Deleted.IsZero():
		return nil
	}
	o.byID[iri] = &store.Object{
		IRI:        iri,
		Type:       "Tombstone",
		Document:   store.TombstoneDocument(iri, obj.Type, deleted),
		Local:      obj.Local,
		Fetched:    obj.Fetched,
		Updated:    deleted,
		FormerType: obj.Type,
		Deleted:    deleted,
	}
	return nil
}

// PurgeObject implements [store.Objects].
func (s *Store) PurgeObject(ctx context.Context, iri string) error {
	if err := check(ctx, "object", iri); err != nil {
		return err
	}
	o := &s.objects
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.byID, iri)
	return nil
}
