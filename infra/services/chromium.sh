#!/usr/bin/env bash
# Debian's Chromium for the browser tests (Playwright drives it; it cannot download a browser of its own here).
#   infra/services/chromium.sh start   installs chromium from apt when missing and writes
#                                      artifacts/services/chromium.env (CHROMIUM_PATH)
#   infra/services/chromium.sh stop    nothing to stop: each test launches and closes its own browser
set -euo pipefail
cd "$(dirname "$0")/../.."
env_file="$(pwd)/artifacts/services/chromium.env"

case "${1:-}" in
  start)
    if ! command -v chromium >/dev/null; then
      [ "$(id -u)" -eq 0 ] || { echo "chromium: not installed, and installing it needs root" >&2; exit 1; }
      echo "chromium: installing from apt"
      if ! apt-cache policy chromium 2>/dev/null | grep -q 'Candidate: [0-9]'; then apt-get update -qq; fi
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    fi
    mkdir -p "$(dirname "$env_file")"
    echo "CHROMIUM_PATH=$(command -v chromium)" > "$env_file"
    echo "chromium: $(chromium --version 2>/dev/null | head -1)"
    ;;
  stop)
    rm -f "$env_file"
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
