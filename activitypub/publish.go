package activitypub

import (
	"context"
	"log/slog"
)

// inboxGone is told by delivery that an inbox answered 410 Gone.
func (f *Federation) inboxGone(ctx context.Context, inbox string) {
	f.log.LogAttrs(ctx, slog.LevelInfo, "inbox gone", slog.String("inbox", inbox))
}
