#!/usr/bin/env bash
# The browser tests drive Debian's chromium (Playwright cannot download its own here). Install it when missing;
# fail, never skip, when it cannot be installed: `make test` runs this before the suite.
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "chromium is missing at $CHROMIUM and installing it needs root: sudo apt-get install -y chromium" >&2
  exit 1
fi
echo "Installing chromium for the browser tests (apt-get, about a minute)..."
export DEBIAN_FRONTEND=noninteractive
# Another apt run on the machine holds the lock for a while: wait for it instead of failing at once.
apt-get -o DPkg::Lock::Timeout=600 update -qq
apt-get -o DPkg::Lock::Timeout=600 install -y -qq chromium >/dev/null
if [ ! -x "$CHROMIUM" ]; then
  echo "chromium was installed but $CHROMIUM does not exist" >&2
  exit 1
fi
