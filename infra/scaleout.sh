#!/usr/bin/env bash
# The scale-out stack on one machine, without Docker: PostgreSQL and RabbitMQ on loopback (started by
# infra/services/), two API processes and one worker sharing them and one data directory (adapter files).
# docs/operations.md tells how to use it; docker-compose.yml describes the same stack for containers.
#   infra/scaleout.sh start    builds (Release), starts everything, waits until each host answers /health
#   infra/scaleout.sh stop     stops the three hosts, then the servers
#   infra/scaleout.sh stop-hosts   stops the three hosts only (the RabbitMQ node and PostgreSQL server stay up for
#                                  other checkouts that share them)
#   infra/scaleout.sh status   what runs, and each host's /health
#   infra/scaleout.sh start-worker   starts the worker again (after it was killed), servers and API processes as they are,
#                                    with the settings start was given; the last worker's log is kept as worker.previous.log
# Settings (environment): SCALEOUT_API_PORTS (default "5080 5081"), SCALEOUT_WORKER_PORT (5090),
# SCALEOUT_DATA (artifacts/scaleout/data), SCALEOUT_DATABASE (domainassistant), SCALEOUT_VHOST (RabbitMQ virtual host,
# default "/"; another is created when missing, so a second checkout's stack on the same node keeps its queues apart); any other ASP.NET setting as usual
# (e.g. Domains__Default=fernbrook-recycling) reaches all three hosts. start saves them all (artifacts/scaleout/settings.env):
# the other commands act on the stack as started, so a worker started again runs with the settings the others run with.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
state="$root/artifacts/scaleout"
settings="$state/settings.env"
# The commands after start act on the stack as it was started (its ports, database, virtual host, and the settings a
# restarted worker must share with the hosts still running), whatever the calling shell has.
if [ "${1:-}" != start ] && [ -f "$settings" ]; then . "$settings"; fi
data="${SCALEOUT_DATA:-$state/data}"
api_ports=(${SCALEOUT_API_PORTS:-5080 5081})
worker_port=${SCALEOUT_WORKER_PORT:-5090}
database=${SCALEOUT_DATABASE:-domainassistant}
vhost=${SCALEOUT_VHOST:-/}
health_timeout_s=300

log() { echo "scaleout: $*"; }

server_env() {
  set -a
  . "$root/artifacts/services/postgres.env"
  . "$root/artifacts/services/rabbitmq.env"
  set +a
}

# The stack's own database on the test server, kept between starts (the per-run test database is not used).
ensure_database() {
  local port
  port=$(sed -n "s/^POSTGRES_ADMIN_CONNECTION=.*Port=\([0-9]*\).*/\1/p" "$root/artifacts/services/postgres.env")
  if ! runuser -u postgres -- psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = '$database'" | grep -q 1; then
    runuser -u postgres -- psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc "CREATE DATABASE $database"
    log "created database $database"
  fi
  echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=$database"
}

# The stack's virtual host, when not the default one: kept between starts, so queued messages outlive a restart.
ensure_vhost() {
  [ "$vhost" = / ] && return 0
  rabbitmqctl -n rabbit@localhost -q add_vhost "$vhost" >/dev/null 2>&1 || true
  rabbitmqctl -n rabbit@localhost -q set_permissions -p "$vhost" guest ".*" ".*" ".*"
}

# Settings all three hosts share: one database, one broker (a virtual host kept between starts, "/" by default, so
# queued messages outlive a restart of the stack), one data directory.
common_settings() {
  export ASPNETCORE_ENVIRONMENT=Production
  export Storage__Database=PostgreSql
  export Storage__PostgreSqlConnection="$1"
  export Storage__DataDirectory="$data"
  export Bus__Transport=RabbitMq
  export Bus__RabbitMq__Host="$RABBITMQ_HOST"
  export Bus__RabbitMq__Port="$RABBITMQ_PORT"
  export Bus__RabbitMq__VirtualHost="$vhost"
}

start_host() { # name project port [extra env assignments...]
  local name=$1 project=$2 port=$3
  shift 3
  local dll="$root/src/$project/bin/Release/net10.0/$project.dll"
  log "starting $name on http://127.0.0.1:$port"
  # Detached from this script's output (a caller piping it would otherwise wait on the hosts), in their own session.
  env "$@" ASPNETCORE_URLS="http://127.0.0.1:$port" setsid nohup dotnet "$dll" >"$state/$name.log" 2>&1 </dev/null &
  echo $! >"$state/$name.pid"
}

await_health() { # name port
  local name=$1 port=$2 deadline=$((SECONDS + health_timeout_s))
  until curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1; do
    if ! kill -0 "$(cat "$state/$name.pid")" 2>/dev/null; then
      echo "scaleout: $name exited; the end of $state/$name.log:" >&2
      tail -20 "$state/$name.log" >&2
      return 1
    fi
    [ $SECONDS -lt $deadline ] || { echo "scaleout: $name not healthy after ${health_timeout_s}s (see $state/$name.log)" >&2; return 1; }
    sleep 1
  done
  log "$name healthy"
}

hosts() {
  local i
  for i in "${!api_ports[@]}"; do echo "api-$((i + 1))"; done
  echo worker
}

# What start was given: the SCALEOUT_* variables and every ASP.NET setting (a name with "__"), for the commands after it.
save_settings() {
  local name
  for name in $(compgen -e); do
    case "$name" in
      SCALEOUT_* | *__*) printf 'export %s=%q\n' "$name" "${!name}" ;;
    esac
  done >"$settings"
}

start() {
  mkdir -p "$state" "$data"
  save_settings
  "$root/infra/services/postgres.sh" start
  "$root/infra/services/rabbitmq.sh" start
  server_env
  local connection
  connection=$(ensure_database | tail -1)
  ensure_vhost
  log "building (Release)"
  dotnet build "$root/src/DomainAssistant.Api" -c Release -nologo -v quiet -clp:ErrorsOnly
  dotnet build "$root/src/DomainAssistant.Worker" -c Release -nologo -v quiet -clp:ErrorsOnly
  common_settings "$connection"
  # The worker first: it declares the job queues the API processes send to.
  start_host worker DomainAssistant.Worker "$worker_port"
  await_health worker "$worker_port"
  local i
  for i in "${!api_ports[@]}"; do
    start_host "api-$((i + 1))" DomainAssistant.Api "${api_ports[$i]}" Jobs__RunInProcess=false
  done
  for i in "${!api_ports[@]}"; do await_health "api-$((i + 1))" "${api_ports[$i]}"; done
  log "ready: API at $(printf 'http://127.0.0.1:%s ' "${api_ports[@]}"), worker at http://127.0.0.1:$worker_port; logs in $state"
}

start_worker() {
  # The killed worker's log says what it was doing when it died: kept beside the new one's.
  if [ -f "$state/worker.log" ]; then mv "$state/worker.log" "$state/worker.previous.log"; fi
  server_env
  common_settings "$(ensure_database | tail -1)"
  start_host worker DomainAssistant.Worker "$worker_port"
  await_health worker "$worker_port"
}

stop_hosts() {
  local name pid
  for name in $(hosts); do
    [ -f "$state/$name.pid" ] || continue
    pid=$(cat "$state/$name.pid")
    if kill -0 "$pid" 2>/dev/null; then
      log "stopping $name ($pid)"
      kill "$pid"
      # A graceful stop lets the outbox and consumers finish; after 30 s it is forced.
      for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$state/$name.pid"
  done
}

stop() {
  stop_hosts
  "$root/infra/services/rabbitmq.sh" stop
  "$root/infra/services/postgres.sh" stop
}

status() {
  local i name port
  for i in "${!api_ports[@]}"; do
    name="api-$((i + 1))"; port=${api_ports[$i]}
    echo "$name http://127.0.0.1:$port/health: $(curl -fsS "http://127.0.0.1:$port/health" 2>/dev/null || echo down)"
  done
  echo "worker http://127.0.0.1:$worker_port/health: $(curl -fsS "http://127.0.0.1:$worker_port/health" 2>/dev/null || echo down)"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  stop-hosts) stop_hosts ;;
  status) status ;;
  start-worker) start_worker ;;
  *) echo "usage: $0 start|stop|stop-hosts|status|start-worker" >&2; exit 2 ;;
esac
