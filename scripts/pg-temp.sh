# Sourced by scripts/test and scripts/bench: starts a throw-away PostgreSQL server in a
# temporary folder, sets PG_URL to it, and stops and removes it when the calling script exits.
# initdb refuses to run as root, so as root the cluster belongs to the postgres user.

pg_bin=""
for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && pg_bin="$d"; done
if [ -z "$pg_bin" ] && command -v initdb >/dev/null; then pg_bin="$(dirname "$(command -v initdb)")"; fi
if [ -z "$pg_bin" ]; then
  echo "PostgreSQL binaries (initdb, pg_ctl) not found: install PostgreSQL or set TEST_DATABASE_URL" >&2
  exit 1
fi

as_pg() { if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pg_dir="$(mktemp -d /tmp/slugbase-pg.XXXXXX)"
[ "$(id -u)" = "0" ] && chown postgres "$pg_dir"
pg_stop() { as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$pg_dir"; }
trap pg_stop EXIT

as_pg "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A trust --no-sync >/dev/null
# PostgreSQL cannot be asked for port 0, so a free port is picked; should another process take it
# before the server binds it, the server fails to start and another port is tried.
for try in 1 2 3 4 5; do
  pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  if as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_dir -c fsync=off -c max_connections=300" start >/dev/null; then
    break
  fi
  [ $try = 5 ] && { cat "$pg_dir/log" >&2; exit 1; }
done
PG_URL="postgres://postgres@127.0.0.1:$pg_port/postgres"
PSQL="$pg_bin/psql"
