package sqlite

import (
	"context"
	"database/sql"

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
	err = s.reader().QueryRowContext(ctx, `SELECT state FROM host_states WHERE host = ?`, host).Scan(&b)
	if err == sql.ErrNoRows {
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

// UpdateHostState implements [store.Queue]. The read and the write share
// one IMMEDIATE transaction, which holds the database's write lock, so
// concurrent updates, in this process or another, run one after another.
func (s *Store) UpdateHostState(ctx context.Context, host string, update func(*store.HostState) error) error {
	host, err := sqlutil.NormalizeHost(host)
	if err != nil {
		return err
	}
	return s.write(ctx, "update host state", func(tx querier) error {
		h := store.HostState{Host: host}
		var b []byte
		err := tx.QueryRowContext(ctx, `SELECT state FROM host_states WHERE host = ?`, host).Scan(&b)
		switch {
		case err == nil:
			if h, err = sqlutil.DecodeHostState(host, b); err != nil {
				return wrapErr("update host state", err)
			}
		case err != sql.ErrNoRows:
			return wrapErr("update host state", err)
		}
		if err := update(&h); err != nil {
			return err
		}
		h.Host = host
		b, err = sqlutil.EncodeHostState(h)
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
