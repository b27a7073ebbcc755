package httpsig

import (
	"fmt"
	"time"
)

// Mastodon's time window, the default of both policies.
const (
	defaultClockSkew   = time.Hour       // tolerance for clocks that disagree
	defaultValidity    = 5 * time.Minute // life of a signature that names no expiry
	defaultMaxValidity = 12 * time.Hour  // cap on the expiry a signature may claim
)

// window is the time a signature is accepted in, the way Mastodon reckons
// it for both families: from created minus skew until expires plus skew,
// where expires defaults to created plus validity and is capped at created
// plus maxValidity. With the defaults a Date-only draft-cavage signature is
// accepted from Date − 1 h to Date + 1 h 05 m.
type window struct {
	skew, validity, maxValidity time.Duration
}

// newWindow fills in the defaults for zero or negative durations.
func newWindow(skew, validity, maxValidity time.Duration) window {
	return window{
		skew:        orDuration(skew, defaultClockSkew),
		validity:    orDuration(validity, defaultValidity),
		maxValidity: orDuration(maxValidity, defaultMaxValidity),
	}
}

// check reports whether now lies in the window of a signature made at
// created that, if hasExpires, claims to expire at expires. Errors wrap
// ErrNotYetValid or ErrExpired.
func (w window) check(now, created, expires time.Time, hasExpires bool) error {
	if !hasExpires {
		expires = created.Add(w.validity)
	}
	if limit := created.Add(w.maxValidity); expires.After(limit) {
		expires = limit
	}
	if created.After(now.Add(w.skew)) {
		return fmt.Errorf("%w: created %s, now %s", ErrNotYetValid, created.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	if now.After(expires.Add(w.skew)) {
		return fmt.Errorf("%w: valid until %s, now %s", ErrExpired, expires.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	return nil
}

// orDuration returns d if positive, else def.
func orDuration(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}
