package main

import (
	"context"
	"io"
	"math/rand/v2"
	"net"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub"
	"github.com/starling-fed/starling/activitypub/vocab"
	"github.com/starling-fed/starling/examples/internal/peer"
)

// wait bounds each wait for something to arrive over loopback.
const wait = 15 * time.Second

// TestBot runs the bot over real HTTP on loopback, with a peer server that
// follows it, receives a scheduled post, mentions it and gets the answer.
func TestBot(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	cfg := config{
		Origin:       "http://" + ln.Addr().String(),
		Data:         filepath.Join(t.TempDir(), "bot.db"),
		Name:         "dice",
		Every:        200 * time.Millisecond,
		AllowPrivate: true,
		Rand:         rand.New(rand.NewPCG(1, 2)),
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- serve(ctx, cfg, ln) }()
	t.Cleanup(func() {
		cancel()
		assert.NoError(t, <-served, "graceful shutdown")
	})

	carol := peer.Start(t, "carol", nil)
	bot := cfg.Origin + "/users/dice"

	// carol follows the bot, which accepts at once.
	_, err = carol.Fed.Follow(ctx, carol.User, bot)
	require.NoError(t, err)
	carol.WaitFor(t, wait, "the bot's Accept", func(in *activitypub.Inbound) bool {
		return in.Activity.Type == vocab.TypeAccept && vocab.First(in.Activity.Actor).ID() == bot
	})

	// As a follower she gets the scheduled posts.
	carol.WaitFor(t, wait, "a scheduled roll", func(in *activitypub.Inbound) bool {
		return in.Activity.Type == vocab.TypeCreate && in.Object != nil &&
			regexp.MustCompile(`Roll #\d+ of the day: d20 → \d+`).MatchString(in.Object.Content)
	})

	// She mentions the bot asking for a roll, and gets the answer as a reply.
	note := vocab.NewNote("", carol.ActorIRI(), `<p><a href="`+bot+`" class="mention">@dice</a> roll 3d6 please</p>`, time.Now()).
		Mention(bot, "@dice@"+ln.Addr().String())
	note.Address(vocab.VisibilityPublic, carol.Fed.FollowersIRI(carol.User), bot)
	create, err := carol.Fed.Publish(ctx, carol.User, note)
	require.NoError(t, err)
	asked := vocab.First(create.Object).ID()
	require.NotEmpty(t, asked)
	in := carol.WaitFor(t, wait, "the bot's answer", func(in *activitypub.Inbound) bool {
		return in.Activity.Type == vocab.TypeCreate && in.Object != nil &&
			slices.Contains(vocab.IDs(in.Object.InReplyTo), asked)
	})
	assert.Equal(t, bot, vocab.First(in.Activity.Actor).ID())
	assert.Regexp(t, `3d6 → \d \+ \d \+ \d = \d+`, in.Object.Content)
}

func TestAnswer(t *testing.T) {
	for _, tc := range []struct {
		text string
		want string // a regular expression
	}{
		{"", `^You rang\?`},
		{"roll", `^d6 → [1-6]$`},
		{"can you roll the dice?", `^d6 → [1-6]$`},
		{"d20", `^d20 → \d+$`},
		{"3d6 please", `^3d6 → [1-6] \+ [1-6] \+ [1-6] = \d+$`},
		{"99d6", `^I roll 1 to 20 dice`},
		{"d1", `^I roll 1 to 20 dice`},
		{"hello there", `^You said: hello there$`},
	} {
		t.Run("text="+tc.text, func(t *testing.T) {
			assert.Regexp(t, tc.want, answer(tc.text, rand.New(rand.NewPCG(1, 2))))
		})
	}
}

func TestPlainText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`<p><span class="h-card"><a href="https://x.example/@dice" class="u-url mention">@<span>dice</span></a></span> roll d20</p>`, "roll d20"},
		{`<p>@dice@bot.example.com hi &amp; bye</p>`, "hi & bye"},
		{`<p>line<br>two</p>`, "line two"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			assert.Equal(t, tc.want, plainText(tc.in))
		})
	}
}

func TestParseFlags(t *testing.T) {
	cfg, err := parseFlags([]string{"-origin", "https://bot.example", "-name", "d", "-every", "1h", "-data", "x.db"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, config{Origin: "https://bot.example", Listen: "127.0.0.1:8080", Data: "x.db", Name: "d", Every: time.Hour}, cfg)

	for _, args := range [][]string{{}, {"-origin", "https://b.example", "-every", "-1s"}, {"-origin", "https://b.example", "extra"}} {
		_, err := parseFlags(args, io.Discard)
		assert.Error(t, err, "%q", args)
	}
}
