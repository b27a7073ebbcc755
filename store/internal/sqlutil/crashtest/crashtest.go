// Package crashtest checks that a store loses nothing it acknowledged when
// its process is killed: a child process (the test binary re-executed) runs
// a delivery workload and reports each acknowledged write on stdout; the
// parent kills it with SIGKILL midway, reopens the store and checks that
// every acknowledged enqueue survived and every job is either completed or
// claimable again once its lease has expired.
package crashtest

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/starling-fed/starling/store"
)

// EnvChild marks the child process; EnvTarget tells it which database to
// open (a file name, a schema…, as the backend's test decides).
const (
	EnvChild  = "STARLING_CRASH_CHILD"
	EnvTarget = "STARLING_CRASH_TARGET"
)

// Workload shape: each batch delivers one activity to inboxesPerBatch
// inboxes; a claim takes up to claimLimit jobs and completes every other one,
// leaving the rest leased as if their worker were still busy.
const (
	inboxesPerBatch = 5
	claimLimit      = 8
	lease           = time.Minute
	prefix          = "crash:"
	workers         = 2
)

// epoch is the workload's clock origin; the child advances a logical clock
// from it, so the test never depends on wall time.
func epoch() time.Time { return time.Date(2026, time.January, 2, 3, 4, 5, 0, time.UTC) }

// IsChild reports whether this process is the crash test's child.
func IsChild() bool { return os.Getenv(EnvChild) == "1" }

// Target returns the database the child should open.
func Target() string { return os.Getenv(EnvTarget) }

func activityIRI(batch int) string {
	return fmt.Sprintf("https://local.example/activities/%d", batch)
}

func inboxIRI(batch, i int) string {
	return fmt.Sprintf("https://h%d.example/users/u%d/inbox", i, batch)
}

// Child runs the workload on s until the process is killed (or a safety
// limit of 30 seconds passes). Enqueuing and claiming run on separate
// goroutines so the kill can land in the middle of any transaction.
func Child(t *testing.T, s store.Store) {
	ctx := context.Background()
	var mu sync.Mutex
	report := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		// One write per line: lines reach the pipe whole.
		_, _ = fmt.Fprintf(os.Stdout, prefix+format+"\n", args...)
	}
	stop := time.Now().Add(30 * time.Second)
	var wg sync.WaitGroup
	wg.Go(func() {
		for b := 0; time.Now().Before(stop); b++ {
			inboxes := make([]string, inboxesPerBatch)
			for i := range inboxes {
				inboxes[i] = inboxIRI(b, i)
			}
			_, err := s.Enqueue(ctx, store.Batch{
				ActivityID: activityIRI(b),
				Activity:   fmt.Appendf(nil, `{"id":%q,"type":"Create","n":%d}`, activityIRI(b), b),
				Sender:     "https://local.example/users/alice#main-key",
				Inboxes:    inboxes,
				Now:        epoch(),
			})
			if err != nil {
				report("error enqueue %v", err)
				return
			}
			report("E %d", b)
		}
	})
	for w := range workers {
		wg.Go(func() {
			for n := 0; time.Now().Before(stop); n++ {
				now := epoch().Add(time.Duration(n) * time.Millisecond)
				jobs, err := s.Claim(ctx, now, lease, claimLimit)
				if err != nil {
					report("error claim %v", err)
					return
				}
				for _, j := range jobs {
					report("L %s %s", j.ActivityID, j.Inbox)
				}
				for i, j := range jobs {
					if (i+w)%2 == 1 {
						continue // stays leased, as if still being delivered
					}
					if err := s.Complete(ctx, j); err != nil {
						report("error complete %v", err)
						return
					}
					report("C %s %s", j.ActivityID, j.Inbox)
				}
			}
		})
	}
	wg.Wait()
}

// Config describes one crash test run.
type Config struct {
	// ChildTest is the name of the test function that, when IsChild,
	// opens the store named by Target and calls Child.
	ChildTest string
	// Target is passed to the child as EnvTarget.
	Target string
	// KillAfter is how many completions the parent waits for before it
	// kills the child. Zero means 200.
	KillAfter int
	// Reopen opens the store again after the kill, as a restarted process
	// would.
	Reopen func(t *testing.T) store.Store
}

// Result summarises a run, for the test log.
type Result struct {
	// Batches is the number of acknowledged enqueues, Completed of
	// acknowledged completions, Recovered of jobs claimable after the
	// restart, InFlight of completions that committed unacknowledged.
	Batches, Completed, Recovered, InFlight int
}

// Run starts the child, kills it with SIGKILL after cfg.KillAfter
// acknowledged completions (or 10 seconds), reopens the store and checks
// that nothing acknowledged was lost.
func Run(t *testing.T, cfg Config) Result {
	t.Helper()
	if cfg.KillAfter <= 0 {
		cfg.KillAfter = 200
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+cfg.ChildTest+"$", "-test.count=1", "-test.timeout=60s")
	cmd.Env = append(os.Environ(), EnvChild+"=1", EnvTarget+"="+cfg.Target)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())

	lines := make(chan string, 1024)
	readDone := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		readDone <- sc.Err()
	}()

	enqueued := map[int]bool{}
	completed := map[string]bool{}
	claimed := map[string]bool{}
	record := func(line string) {
		rest, ok := strings.CutPrefix(line, prefix)
		if !ok {
			return
		}
		var b int
		var activity, inbox string
		switch {
		case strings.HasPrefix(rest, "E "):
			_, err := fmt.Sscanf(rest, "E %d", &b)
			require.NoError(t, err, line)
			enqueued[b] = true
		case strings.HasPrefix(rest, "L "):
			_, err := fmt.Sscanf(rest, "L %s %s", &activity, &inbox)
			require.NoError(t, err, line)
			claimed[activity+" "+inbox] = true
		case strings.HasPrefix(rest, "C "):
			_, err := fmt.Sscanf(rest, "C %s %s", &activity, &inbox)
			require.NoError(t, err, line)
			completed[activity+" "+inbox] = true
		default:
			t.Errorf("child: %s", rest)
		}
	}
	timeout := time.After(10 * time.Second)
	killed := false
	for !killed {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("child exited before it was killed: %v\n%s", cmd.Wait(), stderr.String())
			}
			record(line)
			if len(completed) >= cfg.KillAfter {
				killed = true
			}
		case <-timeout:
			killed = true
		}
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	// Lines written before the kill are acknowledgements too.
	for line := range lines {
		record(line)
	}
	require.NoError(t, <-readDone)
	err = cmd.Wait()
	var exitErr *exec.ExitError
	require.ErrorAs(t, err, &exitErr, "child must die by the signal")
	ws, _ := exitErr.Sys().(syscall.WaitStatus)
	require.True(t, ws.Signaled(), "child was not killed by a signal: %v", err)
	require.NotEmpty(t, enqueued, "child acknowledged no enqueue before the kill")

	s := cfg.Reopen(t)
	ctx := context.Background()
	// Every lease has expired a day later: everything not completed must
	// be claimable.
	later := epoch().Add(24 * time.Hour)
	remaining := map[string]bool{}
	for {
		jobs, err := s.Claim(ctx, later, time.Hour, 1000)
		require.NoError(t, err)
		if len(jobs) == 0 {
			break
		}
		for _, j := range jobs {
			key := j.ActivityID + " " + j.Inbox
			assert.False(t, completed[key], "completed job %s came back", key)
			assert.False(t, remaining[key], "job %s claimed twice", key)
			remaining[key] = true
			assert.JSONEq(t, fmt.Sprintf(`{"id":%q,"type":"Create","n":%d}`, j.ActivityID, mustBatch(t, j.ActivityID)), string(j.Activity))
		}
	}
	counts, err := s.CountJobs(ctx, "")
	require.NoError(t, err)
	assert.Equal(t, len(remaining), counts.Leased, "every remaining job was claimable")
	assert.Zero(t, counts.Pending+counts.Dead)
	// A job claimed but neither acknowledged as completed nor found again
	// was being completed when the kill came: its Complete committed but
	// was not reported. Each worker has at most one such job.
	inFlight := 0
	for b := range enqueued {
		for i := range inboxesPerBatch {
			key := activityIRI(b) + " " + inboxIRI(b, i)
			if completed[key] || remaining[key] {
				continue
			}
			if claimed[key] {
				inFlight++
				continue
			}
			t.Errorf("acknowledged job %s was lost", key)
		}
	}
	assert.LessOrEqual(t, inFlight, workers, "jobs missing after claim, more than one per worker")
	return Result{Batches: len(enqueued), Completed: len(completed), Recovered: len(remaining), InFlight: inFlight}
}

func mustBatch(t *testing.T, activityID string) int {
	var b int
	_, err := fmt.Sscanf(activityID, "https://local.example/activities/%d", &b)
	require.NoError(t, err, activityID)
	return b
}
