package gofedpub_test

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/internal/gofedpub"
	"github.com/starling-fed/starling/httpsig"
)

// BenchmarkGoFedInbox measures how many verified Create(Note) POSTs per
// second go-fed's pub federating actor takes from a known actor whose key
// is cached, over real HTTP on loopback: signature, Date and Digest checks,
// JSON decoding, go-fed's resolution into its types, inbox bookkeeping and
// storing the Note. Every request carries a new Note, so none is
// deduplicated.
//
// Requests are signed before the timer starts: the client's RSA signing is
// not part of the measure. Besides posts/s it reports the RSA-2048
// verifications per second of one core (the bound signature checking puts
// on an inbox) and the posts as a share of it.
func BenchmarkGoFedInbox(b *testing.B) {
	b.Run("sequential", func(b *testing.B) { benchInbox(b, false) })
	b.Run("parallel", func(b *testing.B) { benchInbox(b, true) })
}

// signed is an inbox POST signed ahead of time.
type signed struct {
	body   []byte
	header http.Header
}

func benchInbox(b *testing.B, parallel bool) {
	in := startInstance(b, gofedpub.Config{})
	transport := in.ts.Client().Transport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 4 * runtime.GOMAXPROCS(0)
	client := &http.Client{Transport: transport}
	b.Cleanup(transport.CloseIdleConnections)
	reqs := presign(b, in, b.N)

	var failed atomic.Int64
	send := func(s signed) {
		req, err := http.NewRequest(http.MethodPost, in.inbox, bytes.NewReader(s.body))
		if err != nil {
			failed.Add(1)
			return
		}
		req.Header = s.header
		resp, err := client.Do(req)
		if err != nil {
			failed.Add(1)
			return
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			failed.Add(1)
		}
	}

	before := verifyRate(b)
	b.ReportAllocs()
	b.ResetTimer()
	if parallel {
		var next atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				send(reqs[next.Add(1)-1])
			}
		})
	} else {
		for i := range b.N {
			send(reqs[i])
		}
	}
	b.StopTimer()
	elapsed := b.Elapsed()
	verifies := (before + verifyRate(b)) / 2 // the machine may be shared
	require.Zero(b, failed.Load(), "failed POSTs")
	require.Equal(b, b.N, in.srv.Stored())
	rate := float64(b.N) / elapsed.Seconds()
	b.ReportMetric(rate, "posts/s")
	b.ReportMetric(verifies, "verifies/s")
	b.ReportMetric(100*rate/verifies, "%-of-verify")
}

// presign signs n Create(Note) POSTs by alice, each with a new Note, on all
// cores.
func presign(b *testing.B, in *instance, n int) []signed {
	b.Helper()
	reqs := make([]signed, n)
	var (
		wg       sync.WaitGroup
		next     atomic.Int64
		firstErr error
		once     sync.Once
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				body := gofedpub.CreateNoteJSON(aliceIRI, fmt.Sprintf("%s/statuses/%d", aliceIRI, i))
				req, err := http.NewRequest(http.MethodPost, in.inbox, nil)
				if err == nil {
					req.Header.Set("Content-Type", "application/activity+json")
					err = httpsig.SignCavage(req, body, httpsig.SigningKey{KeyID: aliceKeyID, Key: aliceKey()}, httpsig.CavageOptions{})
				}
				if err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				reqs[i] = signed{body: body, header: req.Header}
			}
		})
	}
	wg.Wait()
	require.NoError(b, firstErr)
	return reqs
}

// verifyRate returns how many RSA-2048 PKCS #1 v1.5 SHA-256 signatures one
// goroutine verifies per second.
func verifyRate(b *testing.B) float64 {
	b.Helper()
	digest := sha256.Sum256([]byte("verify bound"))
	sig, err := rsa.SignPKCS1v15(rand.Reader, aliceKey(), crypto.SHA256, digest[:])
	require.NoError(b, err)
	const window = 100 * time.Millisecond
	n := 0
	start := time.Now()
	for time.Since(start) < window {
		require.NoError(b, rsa.VerifyPKCS1v15(&aliceKey().PublicKey, crypto.SHA256, digest[:], sig))
		n++
	}
	return float64(n) / time.Since(start).Seconds()
}
