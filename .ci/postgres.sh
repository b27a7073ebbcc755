# Sourced by .ci/run: makes sure a PostgreSQL server answers at
# STARLING_POSTGRES_URL, starting or installing a local one when needed.
# STARLING_REQUIRE_POSTGRES=1 makes the PostgreSQL tests fail, not skip,
# when the server cannot be reached.

pg_default_url="postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

pg_ready() {
  command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432
}

ensure_postgres() {
  if [ -n "${STARLING_POSTGRES_URL:-}" ]; then
    export STARLING_REQUIRE_POSTGRES=1
    return 0
  fi
  if ! pg_ready; then
    if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
      echo "PostgreSQL is not installed; installing it from Debian's packages"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      apt-get install -y -qq postgresql >/dev/null
      # Trust local TCP connections, as the tests connect without a password.
      for hba in /etc/postgresql/*/main/pg_hba.conf; do
        sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/' "$hba"
      done
    fi
    for v in $(ls /etc/postgresql); do
      pg_ctlcluster --skip-systemctl-redirect "$v" main start || true
    done
    for _ in $(seq 1 30); do pg_ready && break; sleep 1; done
  fi
  if ! pg_ready; then
    echo "PostgreSQL did not come up on 127.0.0.1:5432" >&2
    return 1
  fi
  # The tests use the database "test"; create it when it is missing.
  if ! psql -h 127.0.0.1 -U postgres -d test -c 'select 1' >/dev/null 2>&1; then
    psql -h 127.0.0.1 -U postgres -d postgres -c 'create database test' >/dev/null
  fi
  export STARLING_POSTGRES_URL="$pg_default_url"
  export STARLING_REQUIRE_POSTGRES=1
}
