package delivery_test

import (
	"bytes"
	"context"
	"crypto"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/delivery"
	"github.com/starling-fed/starling/httpsig"
	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/memory"
	"github.com/starling-fed/starling/store/sqlite"
)

const (
	benchFollowers = 10000
	benchHosts     = 1000
)

// loopbackHosts is an http.Transport that reaches every host name on one
// loopback listener, so a benchmark can deliver to a thousand distinct
// hosts (each with its own connection pool) on one machine.
func loopbackHosts(addr string, perHost int) *http.Transport {
	var dialer net.Dialer
	return &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return dialer.DialContext(ctx, network, addr)
		},
		MaxIdleConns:        benchHosts * perHost,
		MaxIdleConnsPerHost: perHost,
		IdleConnTimeout:     time.Minute,
	}
}

// signRate measures how many signatures per second key makes when every
// core signs, as the delivery workers do.
func signRate(tb testing.TB, key crypto.Signer) float64 {
	body := activity("https://local.example/activities/sign")
	sk := httpsig.SigningKey{KeyID: testKeyID, Key: key}
	var n atomic.Int64
	stop := time.Now().Add(time.Second)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for time.Now().Before(stop) {
				req, _ := http.NewRequest(http.MethodPost, "http://h1.bench.example/inbox", bytes.NewReader(body))
				req.Header.Set("Content-Type", delivery.ContentType)
				if err := httpsig.SignRFC9421(req, body, sk, httpsig.RFC9421Options{}); err != nil {
					tb.Error(err)
					return
				}
				n.Add(1)
			}
		})
	}
	wg.Wait()
	return float64(n.Load())
}

// BenchmarkFanout delivers one activity to 10,000 followers on 1,000
// hosts (one shared inbox per host, so 1,000 deliveries) through the
// two-stage expansion, and reports deliveries per second beside the rate
// at which the same key signs on the same machine.
func BenchmarkFanout(b *testing.B) {
	for _, st := range []string{"memory", "sqlite"} {
		for _, alg := range []httpsig.Algorithm{httpsig.RSAv15SHA256, httpsig.Ed25519} {
			name := "rsa2048"
			if alg == httpsig.Ed25519 {
				name = "ed25519"
			}
			b.Run(st+"/"+name, func(b *testing.B) { benchFanout(b, st, alg) })
		}
	}
}

func benchFanout(b *testing.B, kind string, alg httpsig.Algorithm) {
	ctx := context.Background()
	var s store.Store
	switch kind {
	case "memory":
		s = memory.New()
	default:
		var err error
		s, err = sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"), sqlite.Config{})
		require.NoError(b, err)
	}
	b.Cleanup(func() { _ = s.Close() })
	var received atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		received.Add(1)
		w.WriteHeader(http.StatusAccepted)
	}))
	b.Cleanup(srv.Close)
	now := time.Now()
	for i := range benchFollowers {
		host := fmt.Sprintf("h%04d.bench.example", i%benchHosts)
		_, err := s.PutFollow(ctx, store.Follow{
			Follower:    fmt.Sprintf("http://%s/users/u%d", host, i),
			Followee:    testSender,
			ActivityID:  fmt.Sprintf("http://%s/follows/%d", host, i),
			State:       store.FollowAccepted,
			Inbox:       fmt.Sprintf("http://%s/users/u%d/inbox", host, i),
			SharedInbox: fmt.Sprintf("http://%s/inbox", host),
			Created:     now,
		})
		require.NoError(b, err)
	}
	key, err := httpsig.GenerateKey(alg)
	require.NoError(b, err)
	d, err := delivery.New(delivery.Config{
		Store: s, Keys: staticKeys(key),
		Transport:    loopbackHosts(srv.Listener.Addr().String(), delivery.DefaultPerHostLimit),
		PollInterval: 10 * time.Millisecond,
	})
	require.NoError(b, err)
	require.NoError(b, d.Start(ctx))
	b.Cleanup(func() { _ = d.Shutdown(ctx) })

	before := signRate(b, key)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		id := fmt.Sprintf("https://local.example/activities/bench-%d", i)
		_, err := d.Publish(ctx, delivery.Message{ActivityID: id, Activity: activity(id), Sender: testSender,
			FollowersOf: testSender})
		require.NoError(b, err)
		for !d.Status(id).Done() {
			time.Sleep(time.Millisecond)
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	// The machine may be shared: take the signing rate on both sides of
	// the run.
	signs := (before + signRate(b, key)) / 2
	got := received.Load()
	require.Equal(b, int64(b.N*benchHosts), got)
	rate := float64(got) / elapsed.Seconds()
	b.ReportMetric(rate, "deliveries/s")
	b.ReportMetric(signs, "signs/s")
	b.ReportMetric(100*rate/signs, "%-of-signing")
	b.ReportMetric(0, "ns/op")
}
