package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/starling-fed/starling/activitypub"
	"github.com/starling-fed/starling/activitypub/vocab"
	"github.com/starling-fed/starling/store/sqlite"
)

// config is what the flags set.
type config struct {
	Origin string        // public origin, "https://bot.example.com"
	Listen string        // address to listen on, "127.0.0.1:8080"
	Data   string        // SQLite file
	Name   string        // the bot's username
	Every  time.Duration // interval of scheduled posts; 0 for none

	// Only for tests and experiments on one machine: reach loopback and
	// private addresses, plain http, and trust this TLS configuration.
	AllowPrivate bool
	TLSConfig    *tls.Config

	Logger *slog.Logger // nil: discard
	Rand   *rand.Rand   // nil: seeded from the system
}

// bot is a Service actor that accepts every follower, answers mentions and
// posts on a schedule.
type bot struct {
	cfg config
	st  *sqlite.Store
	fed *activitypub.Federation
	log *slog.Logger

	mu  sync.Mutex // guards rng
	rng *rand.Rand

	posts int // scheduled posts made, for their text
}

// newBot opens the store, sets up the Federation and the bot's actor, and
// starts the Federation's workers.
func newBot(ctx context.Context, cfg config) (*bot, error) {
	b := &bot{cfg: cfg, log: cfg.Logger, rng: cfg.Rand}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	if b.rng == nil {
		b.rng = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	st, err := sqlite.Open(ctx, cfg.Data, sqlite.Config{Logger: cfg.Logger})
	if err != nil {
		return nil, err
	}
	b.st = st
	b.fed, err = activitypub.New(activitypub.Config{
		Origin: cfg.Origin,
		Store:  st,
		// Follows are accepted by default: the actor does not approve
		// followers manually. Only mentions need the bot's own code.
		Hooks: activitypub.Hooks{
			Create: b.onCreate,
			Follow: b.onFollow,
		},
		TLSConfig:                     cfg.TLSConfig,
		InsecureAllowPrivateAddresses: cfg.AllowPrivate,
		Logger:                        cfg.Logger,
	})
	if err == nil {
		err = b.fed.CreateActor(ctx, activitypub.Actor{
			Username: cfg.Name,
			Type:     vocab.TypeService,
			Name:     "Dice bot",
			Summary:  "<p>Mention me with “roll”, “d20” or “3d6” and I roll for you; anything else I echo.</p>",
		})
	}
	if err == nil {
		err = b.fed.Start(ctx)
	}
	if err != nil {
		st.Close()
		return nil, err
	}
	return b, nil
}

// Handler serves the bot's actor, inbox, outbox, WebFinger and NodeInfo.
func (b *bot) Handler() http.Handler {
	return b.fed.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "I am a dice bot: follow @%s@%s and mention me.\n", b.cfg.Name, r.Host)
	}))
}

// close stops the Federation and closes the store.
func (b *bot) close(ctx context.Context) error {
	return errors.Join(b.fed.Shutdown(ctx), b.st.Close())
}

func (b *bot) onFollow(ctx context.Context, in *activitypub.Inbound) error {
	b.log.InfoContext(ctx, "new follower", "actor", vocab.First(in.Activity.Actor).ID())
	return nil
}

// onCreate answers a post that mentions the bot.
func (b *bot) onCreate(ctx context.Context, in *activitypub.Inbound) error {
	post := in.Object
	me := b.fed.ActorIRI(b.cfg.Name)
	if post == nil || post.ID == "" || slices.Contains(vocab.IDs(post.AttributedTo), me) || !mentions(post, me) {
		return nil
	}
	b.mu.Lock()
	text := answer(plainText(post.Content), b.rng)
	b.mu.Unlock()
	reply, err := b.fed.Reply(ctx, b.cfg.Name, post.ID, "<p>"+html.EscapeString(text)+"</p>")
	if err != nil {
		return fmt.Errorf("bot: answering %s: %w", post.ID, err)
	}
	b.log.InfoContext(ctx, "answered", "post", post.ID, "reply", reply.ID, "text", text)
	return nil
}

// mentions reports whether post mentions actor in a tag or addresses it.
func mentions(post *vocab.Object, actor string) bool {
	for _, t := range post.Tag {
		if t.Object != nil && t.Object.Type == vocab.TypeMention && t.Object.Href == actor {
			return true
		}
	}
	return slices.Contains(vocab.IDs(post.To), actor) || slices.Contains(vocab.IDs(post.Cc), actor)
}

// schedule posts every cfg.Every until ctx is done.
func (b *bot) schedule(ctx context.Context) {
	if b.cfg.Every <= 0 {
		return
	}
	t := time.NewTicker(b.cfg.Every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := b.postRoll(ctx); err != nil && ctx.Err() == nil {
				b.log.ErrorContext(ctx, "scheduled post", "error", err)
			}
		}
	}
}

// postRoll posts the scheduled roll of a d20 to the bot's followers and
// the public.
func (b *bot) postRoll(ctx context.Context) error {
	b.mu.Lock()
	b.posts++
	text := fmt.Sprintf("Roll #%d of the day: %s", b.posts, rollDice(1, 20, b.rng))
	b.mu.Unlock()
	me := b.fed.ActorIRI(b.cfg.Name)
	note := vocab.NewNote("", me, "<p>"+html.EscapeString(text)+"</p>", time.Now())
	note.Address(vocab.VisibilityPublic, b.fed.FollowersIRI(b.cfg.Name))
	_, err := b.fed.Publish(ctx, b.cfg.Name, note)
	return err
}

// serve runs the bot on ln until ctx is done, then shuts down gracefully:
// the HTTP server first (requests in flight finish), then the Federation
// (activities being processed finish; queued deliveries stay in the store
// for the next start).
func serve(ctx context.Context, cfg config, ln net.Listener) error {
	b, err := newBot(ctx, cfg)
	if err != nil {
		ln.Close()
		return err
	}
	srv := &http.Server{Handler: b.Handler(), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	scheduled := make(chan struct{})
	go func() { b.schedule(ctx); close(scheduled) }()
	b.log.Info("bot running", "actor", b.fed.ActorIRI(cfg.Name), "listen", ln.Addr().String())

	select {
	case err = <-served:
	case <-ctx.Done():
	}
	<-scheduled
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if serr := srv.Shutdown(sctx); serr != nil {
		err = errors.Join(err, serr)
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return errors.Join(err, b.close(sctx))
}
