package sqlite

import (
	"context"
	"database/sql"
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

func encodeHostState(h store.HostState) ([]byte, error) {
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

func decodeHostState(host string, b []byte) (store.HostState, error) {
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

func normalizeHost(host string) (string, error) {
	if host == "" || strings.ContainsAny(host, "/ \t\r\n") {
		return "", fmt.Errorf("%w: host %q", store.ErrInvalid, host)
	}
	return strings.ToLower(host), nil
}

// HostState implements [store.Queue].
func (s *Store) HostState(ctx context.Context, host string) (store.HostState, error) {
	host, err := normalizeHost(host)
	if err != nil {
		return store.HostState{}, err
	}
	var b []byte
	err = s.reader().QueryRowContext(ctx, `SELECT state FROM host_states WHERE host = ?`, host).Scan(&b)
	if err == sql.ErrNoRows {
		return store.HostState{Host: host}, nil
	}
	if err != nil {
		return store.HostState{}, wrapErr("host state", err)
	}
	h, err := decodeHostState(host, b)
	if err != nil {
		return store.HostState{}, wrapErr("host state", err)
	}
	return h, nil
}

// UpdateHostState implements [store.Queue]. The read and the write share
// one IMMEDIATE transaction, which holds the database's write lock, so
// concurrent updates, in this process or another, run one after another.
func (s *Store) UpdateHostState(ctx context.Context, host string, update func(*store.HostState) error) error {
	host, err := normalizeHost(host)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx querier) error {
		h := store.HostState{Host: host}
		var b []byte
		err := tx.QueryRowContext(ctx, `SELECT state FROM host_states WHERE host = ?`, host).Scan(&b)
		switch {
		case err == nil:
			if h, err = decodeHostState(host, b); err != nil {
				return wrapErr("update host state", err)
			}
		case err != sql.ErrNoRows:
			return wrapErr("update host state", err)
		}
		if err := update(&h); err != nil {
			return err
		}
		h.Host = host
		b, err = encodeHostState(h)
		if err != nil {
			return wrapErr("update host state", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO host_states (host, state) VALUES (?, ?)
			ON CONFLICT (host) DO UPDATE SET state = excluded.state`, host, b); err != nil {
			return wrapErr("update host state", err)
		}
		return nil
	})
}
