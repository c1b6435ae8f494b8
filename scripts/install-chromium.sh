#!/usr/bin/env bash
# Installs Debian's Chromium for the browser e2e tests (tests/e2e/playground.test.ts).
# Idempotent: does nothing if /usr/bin/chromium already exists.
# The Debian package is the only browser source available here (no Playwright
# browser downloads, no internet); playwright-core drives it via executablePath.
set -euo pipefail

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"

if [ ! -x "$CHROMIUM" ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "install-chromium: need root or sudo" >&2; exit 1; }
    SUDO="sudo"
  fi
  echo "install-chromium: $CHROMIUM not found, installing Debian package 'chromium'..."
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends chromium
fi

"$CHROMIUM" --version
