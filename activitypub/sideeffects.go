package activitypub

import "context"

// DefaultSideEffect runs the built-in side effect of in's activity type,
// for an Override that adds to it.
func (f *Federation) DefaultSideEffect(ctx context.Context, in *Inbound) error {
	return errUnimplemented
}

// AcceptFollow accepts a pending Follow of a local actor that approves
// followers manually, and sends the Accept.
func (f *Federation) AcceptFollow(ctx context.Context, followActivityID string) error {
	return errUnimplemented
}

// RejectFollow rejects a pending (or accepted) Follow of a local actor and
// sends the Reject.
func (f *Federation) RejectFollow(ctx context.Context, followActivityID string) error {
	return errUnimplemented
}
