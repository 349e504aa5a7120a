#!/usr/bin/env bash
# Run a command against a throw-away PostgreSQL cluster on loopback.
#
#   .ci/with-postgres.sh <command …>
#
# Installs PostgreSQL from the distribution's packages if it is missing, creates a cluster
# in a temporary folder, exports INTERACT_TEST_DATABASE_URL for the command, and stops and
# removes the cluster afterwards, whatever the command's outcome.
#
# Environment:
#   INTERACT_PG_PORT   TCP port of the cluster on 127.0.0.1. Unset: a free port is picked,
#                      so several clusters (several developers, a CI run) never collide.
# Exported to the command besides INTERACT_TEST_DATABASE_URL: INTERACT_TEST_PG_BIN,
# INTERACT_TEST_PG_DATA, INTERACT_TEST_PG_LOG, INTERACT_TEST_PG_AS (the account pg_ctl runs
# as, empty for the current one), so a test can restart the server.
#
# When the server does not start, or the command fails, the server's log is printed and
# kept (its path is shown) instead of being removed with the cluster.
set -euo pipefail

find_bindir() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ]; then echo "$dir"; fi
  done | sort -V | tail -n 1
}

BINDIR=$(find_bindir || true)
if [ -z "$BINDIR" ]; then
  if command -v pg_ctl >/dev/null && command -v initdb >/dev/null; then
    BINDIR=$(dirname "$(command -v pg_ctl)")
  fi
fi
if [ -z "$BINDIR" ]; then
  echo "PostgreSQL server not found; installing it from the distribution's packages" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq postgresql >/dev/null
  BINDIR=$(find_bindir)
fi

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

PORT=${INTERACT_PG_PORT:-$(free_port)}
WORK=$(mktemp -d /tmp/interact-pg.XXXXXX)
DATA="$WORK/data"
SOCKDIR="$WORK/sock"
mkdir -p "$DATA" "$SOCKDIR"

# PostgreSQL refuses to run as root: use the postgres system account then.
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir "$WORK" postgres
  chown -R postgres "$WORK"
  AS_PG=(runuser -u postgres --)
  PG_ACCOUNT=postgres
else
  AS_PG=()
  PG_ACCOUNT=""
fi

LOG="$WORK/server.log"
KEPT_LOG=""

keep_log() {
  # The cluster folder is removed on exit; keep its log beside it and show the end of it.
  [ -n "$KEPT_LOG" ] && return
  KEPT_LOG=$(mktemp /tmp/interact-pg-server.XXXXXX.log)
  cp "$LOG" "$KEPT_LOG" 2>/dev/null || true
  echo "---- PostgreSQL server log (last 40 lines; whole log kept in $KEPT_LOG) ----" >&2
  tail -n 40 "$KEPT_LOG" >&2 || true
}

cleanup() {
  local status=$?
  [ "$status" -ne 0 ] && keep_log
  "${AS_PG[@]}" "$BINDIR/pg_ctl" -D "$DATA" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT

"${AS_PG[@]}" "$BINDIR/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null 2>&1 \
  || "${AS_PG[@]}" "$BINDIR/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --no-locale >/dev/null
if ! "${AS_PG[@]}" "$BINDIR/pg_ctl" -D "$DATA" -w -l "$LOG" \
  -o "-p $PORT -k $SOCKDIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null; then
  echo "PostgreSQL did not start on 127.0.0.1:$PORT (port taken? set INTERACT_PG_PORT to a free port)" >&2
  exit 1
fi
"${AS_PG[@]}" "$BINDIR/createdb" -h 127.0.0.1 -p "$PORT" -U postgres interact_test

export INTERACT_TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/interact_test"
# How to restart this cluster (tests/deployment/test_restart_database.py):
#   ${INTERACT_TEST_PG_AS:+runuser -u $INTERACT_TEST_PG_AS --} $INTERACT_TEST_PG_BIN/pg_ctl -D $INTERACT_TEST_PG_DATA -l $INTERACT_TEST_PG_LOG restart
export INTERACT_TEST_PG_BIN="$BINDIR" INTERACT_TEST_PG_DATA="$DATA" INTERACT_TEST_PG_LOG="$LOG"
export INTERACT_TEST_PG_AS="$PG_ACCOUNT"
echo "PostgreSQL $("$BINDIR/postgres" --version | awk '{print $3}') running on 127.0.0.1:$PORT" >&2
"$@"
