// Command microblog is a single-user fediverse server in one binary, meant
// to run on a small VPS behind a reverse proxy that terminates TLS. It
// serves the user's actor and posts, a page listing the posts with a form
// to write one, and keeps its state in SQLite (or PostgreSQL, by URL).
//
//	STARLING_DOMAIN=social.example.com STARLING_PASSWORD=secret go run ./examples/microblog
//
// Every flag has an environment variable, so it runs unchanged under
// systemd or in a container; see README.md for the reverse-proxy setup. It
// stops gracefully on SIGINT or SIGTERM.
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
	"os"
	"os/signal"
	"syscall"
	"time"
)

// config is what the flags and environment set.
type config struct {
	Domain   string // public host name: the origin is https://Domain
	Data     string // directory of the SQLite file
	DB       string // PostgreSQL URL; empty for SQLite in Data
	DBSchema string // PostgreSQL schema; empty for the server's default
	Listen   string // plain-HTTP address the proxy forwards to
	User     string // the username: @User@Domain
	Name     string // display name
	Password string // for the post form; empty disables posting

	// Only for tests and experiments on one machine.
	AllowPrivate bool
	TLSConfig    *tls.Config
	Logger       *slog.Logger
}

func main() {
	cfg, err := parseFlags(os.Args[1:], os.Getenv, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "microblog:", err)
		os.Exit(2)
	}
	cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", cfg.Listen)
	if err == nil {
		err = serve(ctx, cfg, ln)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "microblog:", err)
		os.Exit(1)
	}
}

// parseFlags reads the command line, with defaults from the environment
// (getenv) so that a flag overrides its variable.
func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	var cfg config
	fs := flag.NewFlagSet("microblog", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Domain, "domain", env("STARLING_DOMAIN", ""), "public host name, e.g. social.example.com; $STARLING_DOMAIN (required)")
	fs.StringVar(&cfg.Data, "data", env("STARLING_DATA", "data"), "directory of the SQLite database; $STARLING_DATA")
	fs.StringVar(&cfg.DB, "db", env("STARLING_DB", ""), "PostgreSQL URL, instead of SQLite; $STARLING_DB")
	fs.StringVar(&cfg.DBSchema, "db-schema", env("STARLING_DB_SCHEMA", ""), "PostgreSQL schema; $STARLING_DB_SCHEMA")
	fs.StringVar(&cfg.Listen, "listen", env("STARLING_LISTEN", "127.0.0.1:8080"), "plain-HTTP address the proxy forwards to; $STARLING_LISTEN")
	fs.StringVar(&cfg.User, "user", env("STARLING_USER", "me"), "username, as in @user@domain; $STARLING_USER")
	fs.StringVar(&cfg.Name, "name", env("STARLING_NAME", ""), "display name; $STARLING_NAME")
	fs.StringVar(&cfg.Password, "password", env("STARLING_PASSWORD", ""), "password of the post form; $STARLING_PASSWORD (empty: posting off)")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	if cfg.Domain == "" {
		return cfg, errors.New("set -domain or STARLING_DOMAIN, e.g. social.example.com")
	}
	return cfg, nil
}

// shutdownTimeout bounds the graceful shutdown.
const shutdownTimeout = 10 * time.Second
