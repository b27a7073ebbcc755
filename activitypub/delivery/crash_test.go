package delivery_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/activitypub/delivery"
	"github.com/starling-fed/starling/store/sqlite"
)

// Environment of the crash child process.
const (
	envCrashDB      = "STARLING_DELIVERY_CRASH_DB"
	envCrashInboxes = "STARLING_DELIVERY_CRASH_INBOXES"
)

const (
	crashInboxes = 5000
	crashServers = 50
	// crashLease is the child's lease. The recovering process runs its
	// clock this far ahead, so the dead child's leases are over at once.
	crashLease = time.Hour
	crashID    = "https://local.example/activities/crash"
)

// counter is a set of inboxes on loopback servers that count deliveries.
type counter struct {
	mu    sync.Mutex
	hits  map[string]int
	total atomic.Int64
}

func (c *counter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	c.hits[r.Host+r.URL.Path]++
	c.mu.Unlock()
	c.total.Add(1)
	w.WriteHeader(http.StatusAccepted)
}

// TestCrashRecovery SIGKILLs a process midway through a 5,000-inbox
// fan-out on SQLite; a fresh process on the same file finishes the work.
// Every inbox must get the activity at least once; duplicates (deliveries
// the child made but had not recorded) are counted and reported.
func TestCrashRecovery(t *testing.T) {
	if os.Getenv(envCrashDB) != "" {
		t.Skip("running as the crash child")
	}
	c := &counter{hits: make(map[string]int)}
	var inboxes []string
	for i := range crashServers {
		srv := httptest.NewServer(c)
		t.Cleanup(srv.Close)
		for j := range crashInboxes / crashServers {
			inboxes = append(inboxes, fmt.Sprintf("%s/users/u%d/inbox", srv.URL, i*1000+j))
		}
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "delivery.db")
	list := filepath.Join(dir, "inboxes")
	require.NoError(t, os.WriteFile(list, []byte(strings.Join(inboxes, "\n")), 0o600))

	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), envCrashDB+"="+db, envCrashInboxes+"="+list)
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	// The bound only limits how long a stuck child takes to fail the
	// test; a race-instrumented child on a loaded runner is slow.
	deadline := time.After(3 * time.Minute)
	for c.total.Load() < crashInboxes/4 {
		select {
		case err := <-exited:
			t.Fatalf("child exited before the kill: %v\n%s", err, out.String())
		case <-deadline:
			_ = cmd.Process.Kill()
			t.Fatalf("child too slow: %d deliveries\n%s", c.total.Load(), out.String())
		case <-time.After(time.Millisecond):
		}
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	<-exited
	atKill := c.total.Load()

	ctx := context.Background()
	st, err := sqlite.Open(ctx, db, sqlite.Config{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	left, err := st.CountJobs(ctx, "")
	require.NoError(t, err)
	d, err := delivery.New(delivery.Config{
		Store: st, Keys: staticKeys(testKey(t)), InsecureAllowPrivateAddresses: true,
		Clock:        func() time.Time { return time.Now().Add(crashLease) },
		PollInterval: 10 * time.Millisecond,
		Schedule:     []time.Duration{10 * time.Millisecond},
	})
	require.NoError(t, err)
	require.NoError(t, d.Start(ctx))
	waitFor(t, d, "the rest of the fan-out", func() bool {
		n, err := st.CountJobs(ctx, "")
		require.NoError(t, err)
		return n.Total() == 0
	})
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	require.NoError(t, d.Shutdown(sctx))

	c.mu.Lock()
	defer c.mu.Unlock()
	dups := 0
	for _, in := range inboxes {
		host := strings.TrimPrefix(in, "http://")
		n := c.hits[host]
		if !assert.GreaterOrEqual(t, n, 1, "inbox %s never got the activity", in) {
			break
		}
		dups += n - 1
	}
	assert.Len(t, c.hits, crashInboxes)
	t.Logf("killed after %d deliveries; %d jobs left (%d leased by the dead child); %d duplicate deliveries",
		atKill, left.Total(), left.Leased, dups)
}

// TestCrashChild is the process TestCrashRecovery kills: it publishes
// the fan-out and delivers until killed.
func TestCrashChild(t *testing.T) {
	db := os.Getenv(envCrashDB)
	if db == "" {
		t.Skip("helper process for TestCrashRecovery")
	}
	raw, err := os.ReadFile(os.Getenv(envCrashInboxes))
	require.NoError(t, err)
	ctx := context.Background()
	st, err := sqlite.Open(ctx, db, sqlite.Config{})
	require.NoError(t, err)
	d, err := delivery.New(delivery.Config{
		Store: st, Keys: staticKeys(testKey(t)), InsecureAllowPrivateAddresses: true,
		Lease: crashLease, PollInterval: 10 * time.Millisecond,
		Schedule: []time.Duration{10 * time.Millisecond},
	})
	require.NoError(t, err)
	_, err = d.Publish(ctx, delivery.Message{
		ActivityID: crashID, Activity: activity(crashID), Sender: testSender,
		Inboxes: strings.Split(string(raw), "\n"),
	})
	require.NoError(t, err)
	require.NoError(t, d.Start(ctx))
	time.Sleep(5 * time.Minute) // killed long before; bounded if the parent is gone
}
