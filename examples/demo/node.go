package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"github.com/starling-fed/starling/activitypub"
	"github.com/starling-fed/starling/activitypub/delivery"
	"github.com/starling-fed/starling/examples/internal/devtls"
	"github.com/starling-fed/starling/store/sqlite"
)

// node is one of the demo's servers: its own origin on a loopback port, its
// own SQLite file, its own Federation and one local actor.
type node struct {
	label  string // "A" or "B", as the transcript names it
	user   string // the local actor's username
	origin string
	fed    *activitypub.Federation
	st     *sqlite.Store
	srv    *http.Server
	seen   *observed
	served chan error
}

// startNode starts a server for user (shown as displayName) on a fresh loopback port, serving TLS
// with cert and trusting it for its own outgoing requests.
func startNode(ctx context.Context, label, user, displayName, dir string, cert *devtls.Cert, wr *wire) (*node, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	n := &node{
		label:  label,
		user:   user,
		origin: "https://" + ln.Addr().String(),
		seen:   newObserved(),
		served: make(chan error, 1),
	}
	n.st, err = sqlite.Open(ctx, filepath.Join(dir, label+".db"), sqlite.Config{})
	if err != nil {
		ln.Close()
		return nil, err
	}
	n.fed, err = activitypub.New(activitypub.Config{
		Origin: n.origin,
		Store:  n.st,
		Hooks:  n.seen.hooks(),
		// The throwaway certificate is the only one this server trusts, and
		// loopback addresses are allowed: this demo never leaves the machine.
		TLSConfig:                     cert.ClientConfig(),
		InsecureAllowPrivateAddresses: true,
		Delivery:                      delivery.Config{PollInterval: 50 * time.Millisecond},
	})
	if err == nil {
		err = n.fed.CreateActor(ctx, activitypub.Actor{Username: user, Name: displayName})
	}
	if err == nil {
		err = n.fed.Start(ctx)
	}
	if err != nil {
		ln.Close()
		n.st.Close()
		return nil, fmt.Errorf("server %s: %w", label, err)
	}
	wr.name(n.origin, n.fed.InstanceActorIRI(), label)
	n.srv = &http.Server{
		Handler:           wr.middleware(label, n.fed.Handler(nil)),
		TLSConfig:         cert.ServerConfig(),
		ReadHeaderTimeout: 5 * time.Second,
	}
	go func() { n.served <- n.srv.ServeTLS(ln, "", "") }()
	return n, nil
}

// address is the actor's fediverse address, "@alice@127.0.0.1:port".
func (n *node) address() string { return "@" + n.user + "@" + n.origin[len("https://"):] }

// stop shuts the server down: the HTTP server, then the Federation's
// workers, then the store.
func (n *node) stop(ctx context.Context) error {
	err := n.srv.Shutdown(ctx)
	if serr := <-n.served; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	err = errors.Join(err, n.fed.Shutdown(ctx))
	return errors.Join(err, n.st.Close())
}

// observed collects the activities a server's hooks were given, for the
// demo to wait on.
type observed struct {
	mu      sync.Mutex
	got     []*activitypub.Inbound
	changed chan struct{} // closed and replaced at every new activity
}

func newObserved() *observed { return &observed{changed: make(chan struct{})} }

// hooks returns Hooks that record every activity handed to the host.
func (o *observed) hooks() activitypub.Hooks {
	rec := func(ctx context.Context, in *activitypub.Inbound) error {
		o.mu.Lock()
		o.got = append(o.got, in)
		close(o.changed)
		o.changed = make(chan struct{})
		o.mu.Unlock()
		return nil
	}
	return activitypub.Hooks{
		Follow: rec, Accept: rec, Reject: rec, Undo: rec, Create: rec, Update: rec, Delete: rec,
		Like: rec, Announce: rec, Block: rec, Add: rec, Remove: rec, Move: rec, Flag: rec, Other: rec,
	}
}

// waitFor waits until an activity matching match was recorded, and returns
// it, or fails when ctx is done.
func (o *observed) waitFor(ctx context.Context, match func(*activitypub.Inbound) bool) (*activitypub.Inbound, error) {
	for {
		o.mu.Lock()
		for _, in := range o.got {
			if match(in) {
				o.mu.Unlock()
				return in, nil
			}
		}
		changed := o.changed
		o.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return nil, context.Cause(ctx)
		}
	}
}
