package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/starling-fed/starling/store"
	"github.com/starling-fed/starling/store/internal/sqlutil"
)

// HostState implements [store.Queue].
func (s *Store) HostState(ctx context.Context, host string) (store.HostState, error) {
	host, err := sqlutil.NormalizeHost(host)
	if err != nil {
		return store.HostState{}, err
	}
	var b []byte
	err = s.q().QueryRow(ctx, `SELECT state FROM host_states WHERE host = $1`, host).Scan(&b)
	if err == pgx.ErrNoRows {
		return store.HostState{Host: host}, nil
	}
	if err != nil {
		return store.HostState{}, wrapErr("host state", err)
	}
	h, err := sqlutil.DecodeHostState(host, b)
	if err != nil {
		return store.HostState{}, wrapErr("host state", err)
	}
	return h, nil
}

// UpdateHostState implements [store.Queue]. The host's row is created if
// missing and locked FOR UPDATE for the read-modify-write, so concurrent
// updates from any instance run one after another.
func (s *Store) UpdateHostState(ctx context.Context, host string, update func(*store.HostState) error) error {
	host, err := sqlutil.NormalizeHost(host)
	if err != nil {
		return err
	}
	return s.write(ctx, "update host state", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO host_states (host, state) VALUES ($1, '{}') ON CONFLICT (host) DO NOTHING`, host); err != nil {
			return wrapErr("update host state", err)
		}
		var b []byte
		if err := tx.QueryRow(ctx, `SELECT state FROM host_states WHERE host = $1 FOR UPDATE`, host).Scan(&b); err != nil {
			return wrapErr("update host state", err)
		}
		h, err := sqlutil.DecodeHostState(host, b)
		if err != nil {
			return wrapErr("update host state", err)
		}
		if err := update(&h); err != nil {
			return err
		}
		h.Host = host
		if b, err = sqlutil.EncodeHostState(h); err != nil {
			return wrapErr("update host state", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE host_states SET state = $2 WHERE host = $1`, host, b); err != nil {
			return wrapErr("update host state", err)
		}
		return nil
	})
}
