package sqlutil

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/starling-fed/starling/store"
)

// hostStateJSON is the stored form of a store.HostState: times as
// microseconds since the epoch, zero as 0 in slices and omitted otherwise.
type hostStateJSON struct {
	Failures    []int64 `json:"failures,omitempty"`
	FailureDays []int64 `json:"failure_days,omitempty"`
	OpenUntil   int64   `json:"open_until,omitempty"`
	LastSuccess int64   `json:"last_success,omitempty"`
}

func toMicro(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromMicro(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}

// EncodeHostState returns the stored form of h (Host is the row key and
// is not included).
func EncodeHostState(h store.HostState) ([]byte, error) {
	var w hostStateJSON
	for _, t := range h.Failures {
		w.Failures = append(w.Failures, toMicro(t))
	}
	for _, t := range h.FailureDays {
		w.FailureDays = append(w.FailureDays, toMicro(t))
	}
	w.OpenUntil, w.LastSuccess = toMicro(h.OpenUntil), toMicro(h.LastSuccess)
	return json.Marshal(w)
}

// DecodeHostState parses what EncodeHostState stored for host.
func DecodeHostState(host string, b []byte) (store.HostState, error) {
	var w hostStateJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return store.HostState{}, err
	}
	h := store.HostState{Host: host, OpenUntil: fromMicro(w.OpenUntil), LastSuccess: fromMicro(w.LastSuccess)}
	for _, v := range w.Failures {
		h.Failures = append(h.Failures, fromMicro(v))
	}
	for _, v := range w.FailureDays {
		h.FailureDays = append(h.FailureDays, fromMicro(v))
	}
	return h, nil
}

// NormalizeHost lower-cases a host name, refusing an empty one or one
// holding a slash or white space with store.ErrInvalid.
func NormalizeHost(host string) (string, error) {
	if host == "" || strings.ContainsAny(host, "/ \t\r\n") {
		return "", fmt.Errorf("%w: host %q", store.ErrInvalid, host)
	}
	return strings.ToLower(host), nil
}
