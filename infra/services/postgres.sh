#!/usr/bin/env bash
# PostgreSQL for the scale-out store tests, on loopback, without systemd; run as root (docs/build.md, "The test command").
#   infra/services/postgres.sh start   installs Debian's postgresql from apt when missing, starts one server of its
#                                      own (data under /var/tmp/domainassistant-postgres-*, port 55432-55931) and writes
#                                      artifacts/services/postgres.env (POSTGRES_CONNECTION: a fresh database for
#                                      this run)
#   infra/services/postgres.sh stop    drops this run's database and stops the server
# Both are idempotent: starting a running server (or stopping a stopped one) succeeds.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
# The server runs as the postgres user, which may not enter the checkout (a clone under /root): its data lives
# outside it, one folder per checkout.
state="/var/tmp/domainassistant-postgres-$(echo "$root" | md5sum | cut -c1-12)"
data="$state/data"
env_file="$root/artifacts/services/postgres.env"
# Not the packaged cluster's 5432, so a machine's own PostgreSQL stays untouched; one port per checkout, so a second
# clone's test run starts a server of its own beside this one.
port=$((55432 + 0x$(echo "$root" | md5sum | cut -c1-4) % 500))

log() { echo "postgres: $*"; }

# Runs a command silently; shows what it printed only when it fails.
quietly() {
  local out
  if ! out=$("$@" 2>&1); then
    echo "$out" >&2
    echo "postgres: failed: $*" >&2
    return 1
  fi
}

bin_dir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$dir" ] && [ -x "$dir/pg_ctl" ] && echo "$dir"
}

install_server() {
  bin_dir >/dev/null && return 0
  [ "$(id -u)" -eq 0 ] || { echo "postgres: postgresql is not installed and installing it needs root" >&2; return 1; }
  if ! apt-cache policy postgresql 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    log "apt-get update"
    quietly apt-get update -qq
  fi
  log "installing postgresql"
  # The package would create and start a cluster of its own through systemd or pg_ctlcluster; this script runs
  # its own server instead, so the package's cluster is not wanted.
  mkdir -p /etc/postgresql-common
  echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.conf
  DEBIAN_FRONTEND=noninteractive quietly apt-get install -y -qq --no-install-recommends postgresql
}

# The server refuses to run as root: every server command runs as the postgres user the package creates.
as_postgres() { runuser -u postgres -- "$@"; }

pg() { as_postgres "$(bin_dir)/$1" "${@:2}"; }

is_running() {
  [ -f "$data/postmaster.pid" ] && pg pg_ctl -D "$data" status >/dev/null 2>&1
}

init_cluster() {
  [ -f "$data/PG_VERSION" ] && return 0
  mkdir -p "$data"
  chown -R postgres:postgres "$state"
  log "initdb $data"
  # trust on loopback only: a throwaway test server that listens on 127.0.0.1 and nothing else.
  quietly pg initdb -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8
}

write_env() {
  local database="tests_$(date +%s)_$$"
  drop_database
  quietly as_postgres psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc "CREATE DATABASE $database"
  mkdir -p "$(dirname "$env_file")"
  # Quoted: infra/test.sh sources this file, and a bare ';' would end the assignment.
  printf "POSTGRES_CONNECTION='Host=127.0.0.1;Port=%s;Username=postgres;Database=%s'\nPOSTGRES_ADMIN_CONNECTION='Host=127.0.0.1;Port=%s;Username=postgres;Database=postgres'\n" \
    "$port" "$database" "$port" >"$env_file"
}

start() {
  install_server
  init_cluster
  if is_running; then
    log "already running on 127.0.0.1:$port"
  else
    log "starting on 127.0.0.1:$port"
    # The socket directory defaults to /var/run/postgresql, which only the packaged cluster's start creates.
    quietly pg pg_ctl -D "$data" -l "$state/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$state -c max_connections=300 -c fsync=on" start
    log "ready"
  fi
  write_env
}

# The database an earlier start of this checkout made, if any.
drop_database() {
  [ -f "$env_file" ] || return 0
  local database
  database=$(sed -n "s/^POSTGRES_CONNECTION=.*Database=\([A-Za-z0-9_]*\).*/\1/p" "$env_file")
  [ -n "$database" ] && as_postgres psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null 2>&1 || true
  rm -f "$env_file"
}

stop() {
  is_running && drop_database
  rm -f "$env_file"
  if bin_dir >/dev/null && is_running; then
    log "shutting down"
    quietly pg pg_ctl -D "$data" -m fast -w stop
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
