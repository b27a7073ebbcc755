// Command blog is a tiny CMS that joined the fediverse. It has its own
// tables of users, articles and comments (database/sql on SQLite) and adds
// federation without moving them: its users become actors through
// Config.Actors, its articles are served as ActivityPub Articles through
// Config.Objects and reach their author's followers when published or
// edited, and replies from the fediverse become comments on the article's
// page.
//
//	go run ./examples/blog -origin https://blog.example.com -listen 127.0.0.1:8080 -data ./blog-data -password secret
//
// Publish with a form POST to /admin/articles (author, slug, title, body,
// password). It stops gracefully on SIGINT or SIGTERM.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/starling-fed/starling/activitypub"
	"github.com/starling-fed/starling/store/sqlite"
)

// config is what the flags set.
type config struct {
	Origin   string // public origin, "https://blog.example.com"
	Listen   string // address to listen on
	Data     string // directory of blog.db (the blog's) and federation.db (Starling's)
	Password string // for POST /admin/articles; empty disables publishing over HTTP

	// Only for tests and experiments on one machine.
	AllowPrivate bool
	TLSConfig    *tls.Config
	Logger       *slog.Logger
}

func main() {
	cfg, err := parseFlags(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "blog:", err)
		os.Exit(2)
	}
	cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", cfg.Listen)
	if err == nil {
		err = serve(ctx, cfg, ln, nil)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "blog:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("blog", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Origin, "origin", "", "public origin, e.g. https://blog.example.com (required)")
	fs.StringVar(&cfg.Listen, "listen", "127.0.0.1:8080", "address to listen on (plain HTTP, behind a TLS proxy)")
	fs.StringVar(&cfg.Data, "data", "blog-data", "directory for the databases")
	fs.StringVar(&cfg.Password, "password", os.Getenv("BLOG_PASSWORD"), "password for publishing (default $BLOG_PASSWORD)")
	fs.BoolVar(&cfg.AllowPrivate, "insecure-allow-private", false, "reach loopback and private addresses over plain http (local experiments only)")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if cfg.Origin == "" {
		return cfg, errors.New("-origin is required, e.g. -origin https://blog.example.com")
	}
	return cfg, nil
}

// newBlog opens both databases, builds the Federation on the blog's tables
// and starts it. Close it with close.
func newBlog(ctx context.Context, cfg config) (*Blog, func(context.Context) error, error) {
	if err := os.MkdirAll(cfg.Data, 0o750); err != nil {
		return nil, nil, err
	}
	db, err := openDB(ctx, filepath.Join(cfg.Data, "blog.db"))
	if err != nil {
		return nil, nil, err
	}
	st, err := sqlite.Open(ctx, filepath.Join(cfg.Data, "federation.db"), sqlite.Config{Logger: cfg.Logger})
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	b := &Blog{db: db}
	b.fed, err = activitypub.New(activitypub.Config{
		Origin:  cfg.Origin,
		Store:   st,
		Actors:  b.actor,  // the blog's users are the actors
		Objects: b.object, // its articles are served from its own table
		Hooks: activitypub.Hooks{
			Create: b.onCreate, // replies become comments
			Delete: b.onDelete,
		},
		TLSConfig:                     cfg.TLSConfig,
		InsecureAllowPrivateAddresses: cfg.AllowPrivate,
		Logger:                        cfg.Logger,
	})
	if err == nil {
		b.origin = b.fed.Origin()
		err = b.fed.Start(ctx)
	}
	if err != nil {
		st.Close()
		db.Close()
		return nil, nil, err
	}
	closeAll := func(ctx context.Context) error {
		return errors.Join(b.fed.Shutdown(ctx), st.Close(), db.Close())
	}
	return b, closeAll, nil
}

// serve runs the blog on ln until ctx is done, then shuts down gracefully.
// ready, if set, is called with the blog once it serves.
func serve(ctx context.Context, cfg config, ln net.Listener, ready func(*Blog)) error {
	b, closeAll, err := newBlog(ctx, cfg)
	if err != nil {
		ln.Close()
		return err
	}
	if err := b.seed(ctx); err != nil {
		ln.Close()
		return errors.Join(err, closeAll(context.WithoutCancel(ctx)))
	}
	srv := &http.Server{
		// Everything goes through the Federation's handler; what it does
		// not serve (the blog's pages, and article URLs asked for as
		// HTML) falls through to the blog's own.
		Handler:           b.fed.Handler(b.pagesHandler(cfg.Password)),
		ReadHeaderTimeout: 10 * time.Second,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	if ready != nil {
		ready(b)
	}
	select {
	case err = <-served:
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	err = errors.Join(err, srv.Shutdown(sctx))
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return errors.Join(err, closeAll(sctx))
}

// seed gives an empty blog its first user, so there is someone to follow.
func (b *Blog) seed(ctx context.Context) error {
	var n int
	if err := b.db.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil || n > 0 {
		return err
	}
	return b.AddUser(ctx, "ada", "Ada", "Writes about engines, analytical and otherwise.")
}
