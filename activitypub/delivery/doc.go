// Package delivery sends activities to remote inboxes, durably: every
// delivery is a job in the store's queue, so a crash, a restart or a peer
// that is down for days loses nothing, and several processes sharing one
// database share the work.
//
// # Getting started
//
//	d, err := delivery.New(delivery.Config{
//		Store: st, // a store.Store: store/sqlite, store/postgres, store/memory
//		Keys: func(ctx context.Context, sender string) (httpsig.SigningKey, error) {
//			return httpsig.SigningKey{KeyID: sender + "#main-key", Key: privateKey}, nil
//		},
//		OnGone: func(ctx context.Context, inbox, activityID string) { /* drop the follower */ },
//	})
//	if err != nil { ... }
//	if err := d.Start(ctx); err != nil { ... }
//	defer d.Shutdown(context.Background())
//
//	_, err = d.Publish(ctx, delivery.Message{
//		ActivityID:  "https://example.com/activities/1",
//		Activity:    activityJSON,
//		Sender:      "https://example.com/users/alice",
//		FollowersOf: "https://example.com/users/alice",
//	})
//
// Every attempt is signed afresh with the sender's key by an
// [httpsig.Transport], which tries RFC 9421 first and falls back to
// draft-cavage for peers that refuse it, remembering per host. Requests go
// through Starling's SSRF-guarded client: public addresses and https only,
// unless [Config.InsecureAllowPrivateAddresses] is set for tests and demos.
//
// # Fan-out
//
// [Delivery.Publish] takes the activity, its sender and its audience:
// inboxes (already reduced to shared inboxes by the caller) and, with
// [Message.FollowersOf], the accepted followers of a local actor, whose
// distinct shared-or-personal inboxes the store lists. Duplicates are
// dropped and one job per inbox is stored in one call. A followers
// audience above [Config.ExpandThreshold] is expanded in two stages: one
// queued job walks the followers and enqueues their deliveries in batches,
// so Publish returns at once even for a million followers. An expansion
// cut short by a crash runs again from the start; the store skips inboxes
// still queued, so only those delivered in between get the activity
// twice. Delivery is at least once throughout: a process killed after an
// inbox accepted a delivery but before the store recorded it delivers
// that one again.
//
// # Retries
//
// A failed attempt is retried with exponential backoff and jitter along
// [Config.Schedule] (by default about three days, see [DefaultSchedule]).
// A 429 or 503 with Retry-After waits as long as the peer asks, up to
// [Config.MaxRetryAfter]. Answers that retrying cannot change, any 4xx but
// 401, 408 and 429, and 501, dead-letter the job at once; 410 Gone also
// calls [Config.OnGone] so the host can drop that follower. Dead jobs are
// kept with their reason: list them with [Delivery.DeadJobs] and put them
// back with [Delivery.Requeue].
//
// # Breaker
//
// Each host has a circuit breaker whose state lives in the store, so all
// processes share it. [Config.BreakerThreshold] failures (no answer, or a
// 5xx) within [Config.BreakerWindow] open the circuit: the host's jobs wait
// for [Config.BreakerOpenFor] instead of hammering it, then one worker
// sends a probe whose outcome closes the circuit or opens it again. A host
// that failed on [Config.UnavailableDays] distinct days (seven, as in
// Mastodon) is unavailable: its jobs are dead-lettered without being tried
// until a delivery to it succeeds or the engine, having received a validly
// signed request from it, calls [Delivery.MarkHostAlive].
// [Delivery.HostStatus] reports a host's state and queue.
//
// # Ordering
//
// Jobs given the same [Message.OrderingKey] for the same inbox are
// delivered in the order they were published: the store does not hand out
// a job while an earlier one with its key and inbox is queued. Use the
// IRI of the object the activity is about, so a Delete never overtakes
// its Create.
//
// # Scale-out
//
// Workers claim due jobs with a lease ([Config.Lease]); no job is handed
// to two workers whose leases overlap, whichever process they run in, so
// any number of processes on one PostgreSQL store share the queue. A
// process that dies leaves its jobs to the others when their leases end;
// [Delivery.Shutdown] hands back at once the jobs it claimed but has not
// started, and waits for the attempts in flight (or, when its context
// ends, cancels them and hands their jobs back too). Each process
// runs at most [Config.Workers] deliveries, and at most
// [Config.PerHostLimit] to one host; connections are reused per host
// (HTTP/1.1 keep-alive and HTTP/2). Stores that implement
// [store.JobNotifier] wake idle workers as soon as jobs are enqueued;
// otherwise they poll every [Config.PollInterval].
//
// # Observability
//
// Each attempt is logged on [Config.Logger] with the inbox, activity id,
// status and attempt number. [Delivery.Status] counts an activity's
// deliveries that are delivered, pending, failing and dead. With a store
// that implements [store.ActivityCounter] (all of Starling's do) the
// counts are the store's: they survive a restart and every process
// sharing the store reads the same. Otherwise they are what this process
// recorded since it started (see [ActivityStatus]).
package delivery
