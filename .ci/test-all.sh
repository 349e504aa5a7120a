#!/usr/bin/env bash
# The whole test suite, as `make test` runs it: its passes side by side, each with its log.
#
#   .ci/test-all.sh <python>
#
# Passes (tests/ is one suite; a pass is where it runs):
#   unit        the unit suite on SQLite                       always
#   browser     the browser journeys in Debian's Chromium      always
#   deployment  PostgreSQL, Redis, S3, two gunicorn machines   CI=true or INTERACT_TEST_DEPLOYMENT=1
#   postgres    the unit suite again on PostgreSQL             CI=true or INTERACT_TEST_POSTGRES=1
#
# They run as three streams at once (unit then deployment; browser; postgres): most of a
# pass's time is spent waiting (on Chromium, on a server, on PostgreSQL), so on a 2-core
# machine three streams take little more than the longest alone. Set INTERACT_TEST_SERIAL=1
# to run them one after another instead.
#
# Each pass writes its output to its own log (in INTERACT_TEST_LOGS, default a new folder
# under /tmp, shown at the start); a line is printed as each pass ends, with its time. At the
# end the logs of the passes that failed are printed whole (their last 400 lines), then one
# summary line per pass. Exit status: 0 only when every pass that ran passed.
set -uo pipefail
cd "$(dirname "$0")/.."

PYTHON=${1:?usage: .ci/test-all.sh <python>}
LOGS=${INTERACT_TEST_LOGS:-$(mktemp -d /tmp/interact-test-logs.XXXXXX)}
mkdir -p "$LOGS"
START=$(date +%s)

wanted() {  # wanted <variable>: the pass runs under CI or when <variable>=1
  [ -n "${CI:-}" ] || [ "${!1:-}" = "1" ]
}

# run_pass <name> <command …>: one pass, its output in $LOGS/<name>.log, its status and
# seconds in $LOGS/<name>.status ("<status> <seconds>").
run_pass() {
  local name=$1 began status
  shift
  began=$(date +%s)
  "$@" >"$LOGS/$name.log" 2>&1 </dev/null
  status=$?
  echo "$status $(( $(date +%s) - began ))" >"$LOGS/$name.status"
  if [ "$status" -eq 0 ]; then
    echo "== $name: passed in $(( $(date +%s) - began )) s ($(tail -n 1 "$LOGS/$name.log"))"
  else
    echo "== $name: FAILED (exit $status) in $(( $(date +%s) - began )) s"
  fi
  return "$status"
}

PASSES=(unit browser)
unit_stream() {
  run_pass unit "$PYTHON" -m pytest
  if wanted INTERACT_TEST_DEPLOYMENT; then
    # Its own PostgreSQL port when one is set (the postgres pass may be using that one).
    INTERACT_PG_PORT=${INTERACT_PG_PORT:+$((INTERACT_PG_PORT + 1))} \
      run_pass deployment .ci/deployment-test.sh "$PYTHON" -m pytest tests/deployment
  fi
}
browser_stream() {
  run_pass browser .ci/with-chromium.sh "$PYTHON" -m pytest tests/browser
}
postgres_stream() {
  run_pass postgres .ci/with-postgres.sh "$PYTHON" -m pytest
}
wanted INTERACT_TEST_DEPLOYMENT && PASSES+=(deployment)
wanted INTERACT_TEST_POSTGRES && PASSES+=(postgres)

echo "== make test: passes ${PASSES[*]}; logs in $LOGS"
# System packages first, one install at a time (two apt-get runs at once wait on each
# other's lock, or fail): each script installs what it needs when missing, then runs `true`.
.ci/with-chromium.sh true || exit 1
if wanted INTERACT_TEST_DEPLOYMENT; then
  INTERACT_PG_PORT=${INTERACT_PG_PORT:+$((INTERACT_PG_PORT + 1))} .ci/deployment-test.sh true >/dev/null || exit 1
elif wanted INTERACT_TEST_POSTGRES; then
  .ci/with-postgres.sh true >/dev/null || exit 1
fi
if [ "${INTERACT_TEST_SERIAL:-}" = "1" ]; then
  unit_stream
  browser_stream
  wanted INTERACT_TEST_POSTGRES && postgres_stream
else
  unit_stream &
  browser_stream &
  if wanted INTERACT_TEST_POSTGRES; then postgres_stream & fi
  wait
fi

failed=()
for name in "${PASSES[@]}"; do
  read -r status _ <"$LOGS/$name.status" 2>/dev/null || status=missing
  [ "$status" = "0" ] || failed+=("$name")
done
for name in "${failed[@]}"; do
  echo
  echo "================ $name: the end of its log ($LOGS/$name.log) ================"
  tail -n 400 "$LOGS/$name.log" 2>/dev/null || echo "(no log)"
done
echo
echo "================ summary ($(( $(date +%s) - START )) s in all) ================"
for name in "${PASSES[@]}"; do
  if read -r status seconds <"$LOGS/$name.status" 2>/dev/null; then
    if [ "$status" = "0" ]; then
      echo "$name: passed in $seconds s — $(tail -n 1 "$LOGS/$name.log")"
    else
      echo "$name: FAILED (exit $status) in $seconds s — $(tail -n 1 "$LOGS/$name.log")"
    fi
  else
    echo "$name: did not finish"
  fi
done
[ "${#failed[@]}" -eq 0 ]
