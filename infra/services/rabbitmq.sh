#!/usr/bin/env bash
# RabbitMQ for the bus tests, on loopback, without systemd; run as root (docs/build.md, "The test command").
#   infra/services/rabbitmq.sh start   installs rabbitmq-server from apt when missing, starts one node and
#                                      writes artifacts/services/rabbitmq.env (RABBITMQ_HOST, RABBITMQ_PORT,
#                                      RABBITMQ_VHOST: a fresh virtual host for this run; RABBITMQ_WORKER_VHOST:
#                                      another, for the worker host's tests, whose worker binds the same
#                                      exchanges the feedback tests check while both projects' tests run at once;
#                                      RABBITMQ_API_VHOST: a third, for the API host's tests, for the same reason)
#   infra/services/rabbitmq.sh stop    shuts the node down and stops epmd
# Both are idempotent: starting a running node (or stopping a stopped one) succeeds.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
state="$root/artifacts/services/rabbitmq"
env_file="$root/artifacts/services/rabbitmq.env"
port=5672
startup_timeout_s=90

# The same environment for the server and for rabbitmqctl, so rabbitmqctl finds this node and no other.
export RABBITMQ_NODENAME=rabbit@localhost
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export RABBITMQ_NODE_PORT=$port
export ERL_EPMD_ADDRESS=127.0.0.1
export RABBITMQ_MNESIA_BASE="$state/mnesia"
export RABBITMQ_LOG_BASE="$state/log"
# Erlang distribution (port 25672) listens on loopback too, not on every interface. consumer_timeout (3 h instead of
# 30 min): an alignment run holds its start message unacknowledged until it ends, and a longer run would otherwise
# have its channel closed and the message delivered again mid-run (docs/operations.md).
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1} -rabbit consumer_timeout 10800000"

log() { echo "rabbitmq: $*"; }

install_server() {
  command -v rabbitmq-server >/dev/null && return 0
  [ "$(id -u)" -eq 0 ] || { echo "rabbitmq: rabbitmq-server is not installed and installing it needs root" >&2; return 1; }
  # Fetch package lists only when apt knows no candidate (a fresh machine has none).
  if ! apt-cache policy rabbitmq-server 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    log "apt-get update"
    quietly apt-get update -qq
  fi
  log "installing rabbitmq-server"
  DEBIAN_FRONTEND=noninteractive quietly apt-get install -y -qq --no-install-recommends rabbitmq-server
}

# Runs a command silently; shows what it printed only when it fails.
quietly() {
  local out
  if ! out=$("$@" 2>&1); then
    echo "$out" >&2
    echo "rabbitmq: failed: $*" >&2
    return 1
  fi
}

is_running() {
  timeout 15 rabbitmqctl -q status >/dev/null 2>&1
}

prepare_dirs() {
  mkdir -p "$RABBITMQ_MNESIA_BASE" "$RABBITMQ_LOG_BASE"
  # The server drops to the rabbitmq user: it must own its data and logs.
  chown -R rabbitmq:rabbitmq "$state"
}

await_startup() {
  local deadline=$((SECONDS + startup_timeout_s))
  # await_startup fails fast while the node is not yet registered with epmd: retry until the deadline.
  until timeout 30 rabbitmqctl -q await_startup --timeout 30 >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      echo "rabbitmq: the node did not start within ${startup_timeout_s}s; see $RABBITMQ_LOG_BASE" >&2
      return 1
    fi
    sleep 1
  done
}

# Each start gets a virtual host of its own, so queues and bindings left by another run on the same node
# (a run that was killed, or another checkout's) never reach this run's tests.
write_env() {
  local vhost="tests-$(date +%s)-$$" v
  for v in "$vhost" "$vhost-worker" "$vhost-api"; do
    # Explicit returns: start() calls this in an || list, where set -e does not apply.
    quietly rabbitmqctl -q add_vhost "$v" || return 1
    quietly rabbitmqctl -q set_permissions -p "$v" guest ".*" ".*" ".*" || return 1
  done
  mkdir -p "$(dirname "$env_file")"
  printf 'RABBITMQ_HOST=127.0.0.1\nRABBITMQ_PORT=%s\nRABBITMQ_VHOST=%s\nRABBITMQ_WORKER_VHOST=%s\nRABBITMQ_API_VHOST=%s\n' "$port" "$vhost" "$vhost-worker" "$vhost-api" >"$env_file"
}

start_node() {
  prepare_dirs
  log "starting $RABBITMQ_NODENAME on 127.0.0.1:$port"
  rabbitmq-server -detached >/dev/null
  await_startup
  log "ready"
}

# A node started by another checkout keeps running after that checkout's folder is deleted, and then cannot add a
# virtual host ({error,enoent}: its data directory is gone). Such a node is shut down (killed if it will not go) and
# a node of this checkout started in its place.
replace_node() {
  log "the running node cannot add a virtual host (its data directory may be gone); restarting it"
  timeout 60 rabbitmqctl -q shutdown >/dev/null 2>&1 || pkill -KILL -f 'beam.smp.*-s rabbit boot' || true
  local deadline=$((SECONDS + 30))
  while is_running && [ $SECONDS -lt $deadline ]; do sleep 1; done
  start_node
}

start() {
  install_server
  if is_running; then
    log "already running on 127.0.0.1:$port"
    write_env 2>/dev/null || { replace_node; write_env; }
  else
    start_node
    write_env
  fi
}

stop() {
  if [ -f "$env_file" ] && command -v rabbitmqctl >/dev/null && is_running; then
    local vhost
    for vhost in $(sed -n 's/^RABBITMQ_\(WORKER_\|API_\)\{0,1\}VHOST=//p' "$env_file"); do
      rabbitmqctl -q delete_vhost "$vhost" >/dev/null 2>&1 || true
    done
  fi
  rm -f "$env_file"
  if command -v rabbitmqctl >/dev/null && is_running; then
    log "shutting down"
    timeout 60 rabbitmqctl -q shutdown >/dev/null
  fi
  # epmd outlives the node; stop it only when no other Erlang node still uses it.
  if command -v epmd >/dev/null && timeout 5 epmd -names 2>/dev/null | grep -q 'at port'; then
    log "epmd still serves other nodes; leaving it"
  elif command -v epmd >/dev/null; then
    timeout 5 epmd -kill >/dev/null 2>&1 || true
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
