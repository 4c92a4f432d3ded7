#!/usr/bin/env bash
# Runs a command with moto in server mode on a free loopback port, AWS_ENDPOINT_URL pointing at
# it, and stops moto whatever happens (success, failure, Ctrl-C). MOTO_PORT picks the port
# (default: any free one).
#   tools/with-moto.sh mvn -B verify
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${VENV_PYTHON:-$here/../.venv/bin/python}"
workdir="$(mktemp -d)"
log="$workdir/moto.log"
"$python" "$here/moto_server.py" --port "${MOTO_PORT:-0}" --port-file "$workdir/port" >"$log" 2>&1 &
moto_pid=$!
cleanup() {
  kill "$moto_pid" 2>/dev/null || true
  wait "$moto_pid" 2>/dev/null || true
  rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
for _ in $(seq 1 300); do
  [ -s "$workdir/port" ] && break
  if ! kill -0 "$moto_pid" 2>/dev/null; then
    echo "moto failed to start:" >&2; cat "$log" >&2; exit 1
  fi
  sleep 0.1
done
[ -s "$workdir/port" ] || { echo "moto did not start within 30 s" >&2; cat "$log" >&2; exit 1; }
port="$(cat "$workdir/port")"
export AWS_ENDPOINT_URL="http://127.0.0.1:$port"
export AWS_REGION="${AWS_REGION:-us-east-1}" AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}" AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}"
echo "moto (AWS emulator) on $AWS_ENDPOINT_URL"
"$@"
