package activitypub

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/internal/gofedpub"
	"github.com/starling-fed/starling/httpsig"
)

// BenchmarkInboxThroughput measures verified inbox POSTs per second — a Create(Note)
// from a known remote actor whose key is cached, signed with RSA-2048
// (draft-cavage, as most servers send) — against three things measured in
// the same run on the same machine:
//
//   - Starling: a Federation on the SQLite store ("sqlite"), and on the
//     memory store ("memory", like go-fed's), over real HTTP on loopback.
//     The clock stops when every POST was answered 202 and every activity
//     was processed (stored and filed in the recipient's inbox), so the
//     durable record and the side effect are both counted.
//   - raw RSA-2048 PKCS #1 v1.5 verification, the bound signature checking
//     puts on any inbox, on all cores;
//   - a minimal go-fed pub server (memory database) given the same load.
//
// Requests are signed before the clock starts: signing is the sender's
// cost. All three use every core. Besides each rate it reports Starling's
// share of the verify bound ("%-of-verify") and its multiple of go-fed
// ("x-gofed").
func BenchmarkInboxThroughput(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchInboxThroughput(b, true) })
	b.Run("memory", func(b *testing.B) { benchInboxThroughput(b, false) })
}

func benchInboxThroughput(b *testing.B, sqlite bool) {
	ctx := context.Background()
	recv := newNode(b, nodeOptions{SQLite: sqlite, Users: []Actor{{Username: "alice"}}})
	send := newNode(b, nodeOptions{Users: []Actor{{Username: "bob"}}})
	alice, bob := recv.F.ActorIRI("alice"), send.F.ActorIRI("bob")
	key, err := send.F.SigningKey(ctx, "bob")
	require.NoError(b, err)
	// bob is known: his actor and key are cached before the clock starts.
	_, err = recv.F.FetchActor(ctx, bob)
	require.NoError(b, err)

	gofed, err := gofedpub.NewServer(gofedpub.Config{})
	require.NoError(b, err)
	gts := httptest.NewUnstartedServer(nil)
	gts.Config.Handler = gofed
	gts.Start()
	b.Cleanup(gts.Close)
	require.NoError(b, gofed.AddKnownActor(bob, key.KeyID, key.Key.(*rsa.PrivateKey).Public().(*rsa.PublicKey)))
	gofedInbox := gts.URL + gofed.InboxPath()

	var seq atomic.Int64
	starlingBody := func() []byte {
		n := seq.Add(1)
		note := fmt.Sprintf("%s/statuses/%d", bob, n)
		return fmt.Appendf(nil, `{"@context":"https://www.w3.org/ns/activitystreams","id":"%s/activity","type":"Create","actor":"%s","to":["%s"],`+
			`"object":{"id":"%s","type":"Note","attributedTo":"%s","to":["%s"],"content":"<p>post %d</p>","published":"2026-11-22T10:00:00Z"}}`,
			note, bob, alice, note, bob, alice, n)
	}
	gofedBody := func() []byte {
		n := seq.Add(1)
		return gofedpub.CreateNoteJSON(bob, fmt.Sprintf("%s/statuses/%d", bob, n))
	}

	b.StopTimer()
	ours := presignInbox(b, recv.F.InboxIRI("alice"), key, starlingBody, b.N)
	theirs := presignInbox(b, gofedInbox, key, gofedBody, b.N)

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.Cleanup(client.CloseIdleConnections)
	workers := 4 * runtime.GOMAXPROCS(0)

	b.StartTimer()
	start := time.Now()
	postAll(b, client, ours, workers, http.StatusAccepted)
	require.NoError(b, recv.F.WaitIdle(ctx))
	starling := time.Since(start)
	b.StopTimer()

	start = time.Now()
	postAll(b, client, theirs, workers, http.StatusOK)
	goFed := time.Since(start)
	require.Equal(b, b.N, gofed.Stored())

	verify := verifyTime(b, b.N)

	n := float64(b.N)
	b.ReportMetric(n/starling.Seconds(), "posts/s")
	b.ReportMetric(n/goFed.Seconds(), "gofed-posts/s")
	b.ReportMetric(n/verify.Seconds(), "verifies/s")
	b.ReportMetric(100*verify.Seconds()/starling.Seconds(), "%-of-verify")
	b.ReportMetric(goFed.Seconds()/starling.Seconds(), "x-gofed")

	count, err := recv.Store.CountCollection(ctx, recv.F.InboxIRI("alice"))
	require.NoError(b, err)
	require.Equal(b, b.N, count, "every post filed in alice's inbox")
}

// signedPost is an inbox POST signed ahead of time.
type signedPost struct {
	url    string
	body   []byte
	header http.Header
}

// presignInbox signs n POSTs of fresh bodies to inbox, on every core.
func presignInbox(b *testing.B, inbox string, key httpsig.SigningKey, body func() []byte, n int) []signedPost {
	b.Helper()
	out := make([]signedPost, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, runtime.GOMAXPROCS(0))
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				data := body()
				req, err := http.NewRequest(http.MethodPost, inbox, bytes.NewReader(data))
				if err == nil {
					req.Header.Set("Content-Type", "application/activity+json")
					err = httpsig.SignCavage(req, data, key, httpsig.CavageOptions{})
				}
				if err != nil {
					errs <- err
					return
				}
				out[i] = signedPost{url: inbox, body: data, header: req.Header}
			}
		})
	}
	wg.Wait()
	close(errs)
	require.NoError(b, <-errs)
	return out
}

// postAll sends every request from workers goroutines and requires want.
func postAll(b *testing.B, client *http.Client, reqs []signedPost, workers int, want int) {
	b.Helper()
	var next atomic.Int64
	var wg sync.WaitGroup
	var bad atomic.Int64
	var firstBad atomic.Value
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(reqs) {
					return
				}
				req, _ := http.NewRequest(http.MethodPost, reqs[i].url, bytes.NewReader(reqs[i].body))
				req.Header = reqs[i].header.Clone()
				resp, err := client.Do(req)
				if err != nil {
					bad.Add(1)
					firstBad.CompareAndSwap(nil, err.Error())
					continue
				}
				msg, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != want {
					bad.Add(1)
					firstBad.CompareAndSwap(nil, fmt.Sprintf("%d %s", resp.StatusCode, msg))
				}
			}
		})
	}
	wg.Wait()
	require.Zero(b, bad.Load(), "refused POSTs, first: %v", firstBad.Load())
}

// verifyTime returns how long n RSA-2048 PKCS #1 v1.5 SHA-256
// verifications take on every core.
func verifyTime(b *testing.B, n int) time.Duration {
	b.Helper()
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(b, err)
	digest := sha256.Sum256([]byte("(request-target): post /users/alice/inbox"))
	sig, err := rsa.SignPKCS1v15(rand.Reader, priv, crypto.SHA256, digest[:])
	require.NoError(b, err)
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for next.Add(1) <= int64(n) {
				if rsa.VerifyPKCS1v15(&priv.PublicKey, crypto.SHA256, digest[:], sig) != nil {
					panic("verification failed")
				}
			}
		})
	}
	wg.Wait()
	return time.Since(start)
}
