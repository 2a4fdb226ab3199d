#!/usr/bin/env bash
# The whole test suite, as a new user (and CI) runs it on a fresh machine:
# installs and starts the real servers the tests need, runs every test project, stops the servers,
# and ends with one line: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

started=()
stop_services() {
  local s
  for s in "${started[@]}"; do "$root/infra/services/$s.sh" stop || true; done
}
trap stop_services EXIT

# Each file in infra/services/ installs and starts one real server the tests use (none yet needs one
# when the folder is empty). Their tests read the addresses from the environment they export.
for script in infra/services/*.sh; do
  [ -e "$script" ] || continue
  name=$(basename "$script" .sh)
  echo "== starting $name"
  if ! "$script" start; then echo "error: could not start $name (see above)" >&2; exit 1; fi
  started+=("$name")
  if [ -f "$root/artifacts/services/$name.env" ]; then set -a; . "$root/artifacts/services/$name.env"; set +a; fi
done

echo "== building"
dotnet build DomainAssistant.sln -nologo -v quiet -clp:ErrorsOnly || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }

echo "== testing"
dotnet test DomainAssistant.sln --no-build -nologo --logger "trx" --logger "console;verbosity=normal" --results-directory "$results"
status=$?

passed=0; failed=0; total=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  t=$(sed -E 's/.* total="([0-9]+)".*/\1/' <<<"$counters")
  p=$(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$counters")
  f=$(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$counters")
  total=$((total + t)); passed=$((passed + p)); failed=$((failed + f))
done
skipped=$((total - passed - failed))
if [ "$failed" -gt 0 ]; then
  # The failures again, last, so a log that keeps only its tail still names them.
  echo "== failed tests"
  for trx in "$results"/*.trx; do
    [ -e "$trx" ] || continue
    awk '/<UnitTestResult [^>]*outcome="Failed"/ { match($0, /testName="[^"]*"/); print "  FAILED " substr($0, RSTART + 10, RLENGTH - 11); failed = 1 }
         failed && /<Message>/ { inmessage = 1; lines = 0; sub(/.*<Message>/, "") }
         inmessage && lines < 6 { line = $0; sub(/<\/Message>.*/, "", line); print "    " line; lines++ }
         /<\/Message>/ { inmessage = 0; failed = 0 }' "$trx"
  done
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi   # a crashed test host counts as a failure
stop_services 2>&1 | sed 's/^/  /'
started=()
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
