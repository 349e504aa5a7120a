#!/usr/bin/env bash
# The deployment test (tests/deployment): PostgreSQL, Redis, an S3-compatible store, two
# gunicorn "machines" and one scheduler, all on 127.0.0.1 and free ports.
#
#   .ci/deployment-test.sh <python> -m pytest tests/deployment
#
# Installs redis-server (and, through .ci/with-postgres.sh, PostgreSQL) from the
# distribution's packages when missing. Set INTERACT_DEPLOYMENT_LOGS=1 to print the
# servers' logs at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v redis-server >/dev/null; then
  echo "redis-server not found; installing it from the distribution's packages" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq redis-server >/dev/null
fi

exec .ci/with-postgres.sh "$@"
