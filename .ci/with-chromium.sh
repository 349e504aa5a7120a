#!/usr/bin/env bash
# Run a command (the browser suite) with Debian's Chromium available.
#
#   .ci/with-chromium.sh <command …>
#
# Installs the distribution's `chromium` (and CJK fonts, so pages lay out as a person sees
# them) if Chromium is missing. Outside CI a failed install is not fatal: the browser tests
# then skip with a message. Under CI=true they must run, so a failed install fails here.
set -euo pipefail

have_chromium() {
  [ -n "${INTERACT_CHROMIUM:-}" ] && [ -x "$INTERACT_CHROMIUM" ] && return 0
  [ -x /usr/lib/chromium/chromium ] || command -v chromium >/dev/null 2>&1
}

if ! have_chromium; then
  echo "Chromium not found; installing it from the distribution's packages" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO="unavailable"; fi
  fi
  if [ "$SUDO" != "unavailable" ] && command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    { $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq &&
      $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq chromium fonts-noto-cjk >/dev/null; } ||
      echo "Installing Chromium failed" >&2
  fi
  if ! have_chromium; then
    if [ -n "${CI:-}" ]; then
      echo "Chromium is required under CI and could not be installed." >&2
      exit 1
    fi
    echo "No Chromium: the browser tests will be skipped." >&2
  fi
fi
"$@"
