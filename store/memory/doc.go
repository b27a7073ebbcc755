// Package memory is an in-memory implementation of the store contract, for
// tests and throwaway bots. Everything is lost when the process exits.
//
// # Getting started
//
//	s := memory.New()
//	defer s.Close()
//	added, err := s.AddToCollection(ctx, outboxIRI, noteIRI)
//
// A [*Store] satisfies [store.Store] and the optional [store.JobNotifier]
// and [store.ActivityCounter]; it does not offer [store.Transactor]. It passes the conformance suite
// [github.com/starling-fed/starling/store/storetest], which its own tests run:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store {
//			s := memory.New()
//			t.Cleanup(func() { s.Close() })
//			return s
//		})
//	}
//
// # Costs
//
// Each concern has its own mutex. Claiming pops due jobs off a heap and
// never looks at jobs that are not due; an activity's bytes are kept once
// however many inboxes it is queued for, so a queued job costs about 264
// bytes of heap, its inbox string included (measured with 100,000 jobs of
// one activity; TestMemoryPerQueuedJob holds it under 300). Ordering keys
// add nothing per job. Listing pages and counting followers walk the
// relevant lists and are meant for modest sizes; FollowerInboxes copies
// the distinct inboxes (string headers only) before yielding, so the
// caller may write to the store while ranging. Activity counts are a few
// integers per activity, updated with each job's state, so reading them
// costs the same however many jobs the activity has; a delivered tally
// stays until PurgeActivityCounts drops it.
package memory
