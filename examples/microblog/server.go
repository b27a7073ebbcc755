package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/starling-fed/starling/activitypub"
	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/postgres"
	"github.com/starling-fed/starling/store/sqlite"
)

// server is the microblog: one user, one Federation, one store.
type server struct {
	cfg config
	st  store.Store
	fed *activitypub.Federation
}

// openStore opens PostgreSQL when a URL is configured, else SQLite in the
// data directory.
func openStore(ctx context.Context, cfg config) (store.Store, error) {
	if cfg.DB != "" {
		return postgres.Open(ctx, cfg.DB, postgres.Config{Schema: cfg.DBSchema, Logger: cfg.Logger})
	}
	if err := os.MkdirAll(cfg.Data, 0o750); err != nil {
		return nil, err
	}
	return sqlite.Open(ctx, filepath.Join(cfg.Data, "microblog.db"), sqlite.Config{Logger: cfg.Logger})
}

// newServer opens the store, creates the user's actor and starts the
// Federation.
func newServer(ctx context.Context, cfg config) (*server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	s := &server{cfg: cfg, st: st}
	s.fed, err = activitypub.New(activitypub.Config{
		// The public origin, not the address the proxy forwards to: every
		// IRI, and the scheme RFC 9421 signatures are checked against,
		// come from here.
		Origin:                        "https://" + cfg.Domain,
		Store:                         st,
		TLSConfig:                     cfg.TLSConfig,
		InsecureAllowPrivateAddresses: cfg.AllowPrivate,
		Logger:                        cfg.Logger,
	})
	if err == nil {
		name := cfg.Name
		if name == "" {
			name = cfg.User
		}
		err = s.fed.CreateActor(ctx, activitypub.Actor{
			Username: cfg.User, Name: name, URL: "https://" + cfg.Domain + "/",
			Discoverable: true, Indexable: true,
		})
	}
	if err == nil {
		err = s.fed.Start(ctx)
	}
	if err != nil {
		st.Close()
		return nil, err
	}
	return s, nil
}

// handler is everything the microblog serves: the Federation's documents
// and inboxes, and the HTML page for people.
func (s *server) handler() http.Handler {
	return s.fed.Handler(s.pages())
}

// close stops the Federation and closes the store.
func (s *server) close(ctx context.Context) error {
	return errors.Join(s.fed.Shutdown(ctx), s.st.Close())
}

// serve runs the microblog on ln until ctx is done, then shuts down
// gracefully: requests in flight finish, activities being processed finish,
// queued deliveries stay in the store for the next start.
func serve(ctx context.Context, cfg config, ln net.Listener) error {
	s, err := newServer(ctx, cfg)
	if err != nil {
		ln.Close()
		return err
	}
	srv := &http.Server{
		Handler:           s.handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	s.cfg.Logger.Info("microblog running", "actor", s.fed.ActorIRI(cfg.User), "listen", ln.Addr().String())
	select {
	case err = <-served:
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	err = errors.Join(err, srv.Shutdown(sctx))
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return errors.Join(err, s.close(sctx))
}
