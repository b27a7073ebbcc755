// Command bot is a fediverse dice bot: a Service actor that accepts every
// follower, answers mentions ("roll", "d20", "3d6"; anything else is
// echoed) and posts a roll on a schedule. Its state is one SQLite file.
//
//	go run ./examples/bot -origin https://bot.example.com -listen 127.0.0.1:8080 -data bot.db -name dice -every 24h
//
// Put it behind a reverse proxy that terminates TLS for the origin's host
// (see examples/microblog for the proxy notes). It stops gracefully on
// SIGINT or SIGTERM.
package main

import (
	"context"
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

func main() {
	cfg, err := parseFlags(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bot:", err)
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
		fmt.Fprintln(os.Stderr, "bot:", err)
		os.Exit(1)
	}
}

// parseFlags reads the command line into a config.
func parseFlags(args []string, stderr io.Writer) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("bot", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Origin, "origin", "", "public origin of the bot, e.g. https://bot.example.com (required)")
	fs.StringVar(&cfg.Listen, "listen", "127.0.0.1:8080", "address to listen on (plain HTTP, behind a TLS proxy)")
	fs.StringVar(&cfg.Data, "data", "bot.db", "SQLite database file")
	fs.StringVar(&cfg.Name, "name", "dice", "the bot's username: @name@host")
	fs.DurationVar(&cfg.Every, "every", 24*time.Hour, "interval of scheduled posts; 0 for none")
	fs.BoolVar(&cfg.AllowPrivate, "insecure-allow-private", false, "reach loopback and private addresses over plain http (local experiments only)")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	if cfg.Origin == "" {
		return cfg, errors.New("-origin is required, e.g. -origin https://bot.example.com")
	}
	if cfg.Every < 0 {
		return cfg, errors.New("-every must not be negative")
	}
	return cfg, nil
}
