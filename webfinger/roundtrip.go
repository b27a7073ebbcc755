package webfinger

import (
	"context"
	"fmt"
	"net/url"
)

// VerifyActor performs the round trip Mastodon requires before it trusts
// a remote actor: the account "preferredUsername@host", where host is the
// actor id's host, must WebFinger back to the same actor id. It follows a
// subject on another domain as [Client.Resolve] does, so an actor on
// social.example.com whose account is alice@example.com passes, and
// returns the result with the canonical subject. A different actor, or a
// subject that does not confirm itself, fails with [ErrMismatch].
func (c *Client) VerifyActor(ctx context.Context, actorID, preferredUsername string) (*Result, error) {
	u, err := url.Parse(actorID)
	if err != nil || u.Host == "" {
		return nil, invalid("actor id is not an absolute URL", actorID)
	}
	if preferredUsername == "" {
		return nil, invalid("empty preferredUsername", actorID)
	}
	res, err := c.Resolve(ctx, "acct:"+preferredUsername+"@"+u.Host)
	if err != nil {
		return nil, err
	}
	if res.Actor != actorID {
		return nil, fmt.Errorf("%w: %s@%s is actor %s, not %s", ErrMismatch, preferredUsername, u.Host, res.Actor, actorID)
	}
	return res, nil
}
