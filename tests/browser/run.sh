#!/usr/bin/env bash
# Starts `make run`, runs the browser test against it, and stops the stack whatever happens.
# Installs Chromium (Debian) and playwright-core (npm) when missing.
#   PORTAL_PORT=3100 tests/browser/run.sh    the stack on another port than 3000 (the default)
#   PORTAL_URL=http://127.0.0.1:3100 ...     a stack that already runs there: none is started
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
if ! command -v chromium >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "please install Chromium (Debian: sudo apt-get install chromium)" >&2; exit 1
  fi
fi
(cd tests/browser && npm ci --no-audit --no-fund --silent)
if [ -n "${PORTAL_URL:-}" ]; then
  curl -s -o /dev/null "$PORTAL_URL/" || { echo "nothing answers at PORTAL_URL=$PORTAL_URL" >&2; exit 1; }
  SCREENSHOT_DIR="$root/target/browser" node tests/browser/portal-flow.mjs
  exit
fi
port="${PORTAL_PORT:-3000}"
log="$root/target/browser/make-run.log"
mkdir -p "$(dirname "$log")"
# The stack in its own process group so all of it (make, mvn, the gateway, moto) stops together.
MOTO_PORT=0 GATEWAY_PORT="$port" setsid make run >"$log" 2>&1 &
stack=$!
# SIGTERM: a background job ignores SIGINT, so Ctrl-C's signal would not reach it.
stop() { kill -TERM -- "-$stack" 2>/dev/null || true; wait "$stack" 2>/dev/null || true; }
trap stop EXIT
for _ in $(seq 1 180); do
  curl -s -o /dev/null "http://127.0.0.1:$port/" && break
  kill -0 "$stack" 2>/dev/null || { echo "make run exited:" >&2; cat "$log" >&2; exit 1; }
  sleep 1
done
PORTAL_URL="http://127.0.0.1:$port" SCREENSHOT_DIR="$root/target/browser" node tests/browser/portal-flow.mjs
