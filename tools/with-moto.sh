#!/usr/bin/env bash
# Runs a command with moto in server mode on a free loopback port, AWS_ENDPOINT_URL pointing at
# it, and stops moto whatever happens (success, failure, Ctrl-C). MOTO_PORT picks the port
# (default: any free one). MOTO_TLS=1 serves it over TLS instead, with a self-signed RSA 2048
# certificate for 127.0.0.1 (the key type of AWS's endpoint certificates) made for this run, and
# exports MOTO_TRUST_STORE (a PKCS#12 trust store holding it, password "changeit") for the JVMs.
#   tools/with-moto.sh mvn -B verify
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${VENV_PYTHON:-$here/../.venv/bin/python}"
workdir="$(mktemp -d)"
log="$workdir/moto.log"
tls=() scheme=http
if [ "${MOTO_TLS:-}" = 1 ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
      -keyout "$workdir/tls.key" -out "$workdir/tls.crt" 2>/dev/null
  keytool -importcert -noprompt -alias moto -file "$workdir/tls.crt" -keystore "$workdir/trust.p12" \
      -storetype PKCS12 -storepass changeit >/dev/null 2>&1
  tls=(--tls-cert "$workdir/tls.crt" --tls-key "$workdir/tls.key") scheme=https
  export MOTO_TRUST_STORE="$workdir/trust.p12"
fi
"$python" "$here/moto_server.py" --port "${MOTO_PORT:-0}" --port-file "$workdir/port" "${tls[@]}" >"$log" 2>&1 &
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
export AWS_ENDPOINT_URL="$scheme://127.0.0.1:$port"
export AWS_REGION="${AWS_REGION:-us-east-1}" AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}" AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}"
echo "moto (AWS emulator) on $AWS_ENDPOINT_URL"
"$@"
