#!/usr/bin/env bash
# `make fuzz`: starts `make run`, fuzzes the API with Schemathesis against openapi.yaml, and stops
# the stack whatever happens. Five runs, all routes each time:
#   fresh     a valid token of a user without MFA (NONE / PENDING states)
#   enabled   a valid token of a user this script enrols first (ENABLED, then locked: 429)
#   missing   no Authorization header        (only 401 is acceptable)
#   garbage   a malformed bearer token       (only 401 is acceptable)
#   operator  a valid token in the mfa-admin group (the helpdesk routes; others get 403)
# Checks: no 5xx, status codes, content types, headers and bodies as openapi.yaml declares them.
# Figures (requests, 5xx, schema violations) come from the gateway's own log (one line per request)
# and from Schemathesis' NDJSON reports. Reports: target/fuzz/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
st="$root/.venv/bin/st"
api="http://127.0.0.1:3000"
out="$root/target/fuzz"
log="$out/make-run.log"
# Test cases per operation and run (Schemathesis' --max-examples for the fuzzing phase; the
# coverage phase adds its own). Together well over 10,000 requests: a run sends between about
# 9,200 and 11,900 at 550/400 (workers make it vary), hence the headroom.
examples_valid="${FUZZ_EXAMPLES:-800}"
examples_unauthorized="${FUZZ_EXAMPLES_UNAUTHORIZED:-550}"
examples_operator="${FUZZ_EXAMPLES_OPERATOR:-300}"
min_requests="${FUZZ_MIN_REQUESTS:-10000}"
workers="${FUZZ_WORKERS:-4}"
checks=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance
started=$SECONDS
rm -rf "$out"
mkdir -p "$out"

if curl -s -o /dev/null "$api/"; then
  echo "port 3000 is already in use: stop the other 'make run' first" >&2; exit 1
fi
# The stack in its own process group so all of it (make, mvn, the gateway, moto) stops together.
MOTO_PORT=0 setsid make run >"$log" 2>&1 &
stack=$!
# SIGTERM: a background job ignores SIGINT, so Ctrl-C's signal would not reach it.
stop() { kill -TERM -- "-$stack" 2>/dev/null || true; wait "$stack" 2>/dev/null || true; }
trap stop EXIT
for _ in $(seq 1 180); do
  curl -s -o /dev/null "$api/" && break
  kill -0 "$stack" 2>/dev/null || { echo "make run exited:" >&2; cat "$log" >&2; exit 1; }
  sleep 1
done
curl -s -o /dev/null "$api/" || { echo "the local stack did not come up:" >&2; cat "$log" >&2; exit 1; }

token() {
  curl -sf -X POST -H 'Content-Type: application/json' -d "{\"username\":\"$1\",\"groups\":[${2:-}]}" "$api/dev/token" \
    | "$root/.venv/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}
fresh_token="$(token fuzz@example.com)"
enabled_token="$(token fuzz-enabled@example.com)"
# An operator (the mfa-admin group): the helpdesk routes answer it; everyone else gets 403.
operator_token="$(token fuzz-operator@example.com '"mfa-admin"')"

# Enrol the second user as the portal would: setup, then confirm with the current TOTP code
# (RFC 6238, SHA1, 6 digits, 30 s: the contract's defaults, which `make run` keeps).
API="$api" TOKEN="$enabled_token" "$root/.venv/bin/python" - <<'PY'
import base64, hashlib, hmac, json, os, struct, time, urllib.request
def post(path, body):
    request = urllib.request.Request(os.environ["API"] + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": "Bearer " + os.environ["TOKEN"],
                                              "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.load(response)
secret = post("/mfa/setup", {})["secret"]
key = base64.b32decode(secret + "=" * (-len(secret) % 8))
digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
offset = digest[-1] & 0x0F
code = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
assert post("/mfa/confirm", {"code": f"{code:06d}"})["status"] == "ENABLED"
print("enrolled fuzz-enabled@example.com")
PY

# One Schemathesis run; records which gateway log lines belong to it.
declare -A first_line last_line
fuzz() {
  local name="$1" examples="$2"; shift 2
  echo "== $name (--max-examples $examples)"
  first_line[$name]=$(( $(wc -l <"$log") + 1 ))
  local rc=0
  "$st" run openapi.yaml --url "$api" --checks "$checks" --phases examples,coverage,fuzzing \
    --max-examples "$examples" --workers "$workers" --seed "${FUZZ_SEED:-20261128}" \
    --suppress-health-check all --warnings off \
    --report junit,ndjson --report-junit-path "$out/$name-junit.xml" --report-ndjson-path "$out/$name.ndjson" \
    "$@" >"$out/$name.txt" 2>&1 || rc=$?
  last_line[$name]=$(wc -l <"$log")
  tail -n 25 "$out/$name.txt" | sed -n '/^Test cases:/,/^$/p'
  return $rc
}
status=0
fuzz fresh "$examples_valid" -H "Authorization: Bearer $fresh_token" || status=1
fuzz enabled "$examples_valid" -H "Authorization: Bearer $enabled_token" || status=1
fuzz missing "$examples_unauthorized" || status=1
fuzz garbage "$examples_unauthorized" -H "Authorization: Bearer not.a.jwt" || status=1
fuzz operator "$examples_operator" -H "Authorization: Bearer $operator_token" || status=1

# The gateway logs "METHOD /path STATUS Nms" for every request. Besides the operations of
# openapi.yaml, Schemathesis also probes the server (GET /) and sends undeclared methods to the
# declared paths (DELETE /mfa/setup, ...): the gateway answers those 404 like API Gateway does for a
# route it does not have. They count as requests sent; the 401-only rule applies to the operations.
routes="$("$root/.venv/bin/python" -c '
import yaml
for path, item in yaml.safe_load(open("openapi.yaml"))["paths"].items():
    for method in item:
        print(method.upper() + " " + path)')"
lines() { sed -n "${first_line[$1]},${last_line[$1]}p" "$log" | grep -E '^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|TRACE) /' || true; }
# A path template's {name} matches one path segment, as in API Gateway.
operation_lines() { lines "$1" | awk -v routes="$routes" 'BEGIN { n = split(routes, r, "\n"); for (i = 1; i <= n; i++) { p = r[i]; gsub(/\{[^}]*\}/, "[^/]+", p); known[i] = "^" p "$" } } { for (i = 1; i <= n; i++) if (($1 " " $2) ~ known[i]) { print; next } }'; }
total=0; server_errors=0
echo
printf '%-8s %9s %6s   %s\n' run requests 5xx 'statuses'
for name in fresh enabled missing garbage operator; do
  n=$(lines "$name" | wc -l)
  e=$(lines "$name" | awk '$3 >= 500' | wc -l)
  statuses=$(lines "$name" | awk '{print $3}' | sort | uniq -c | awk '{printf "%s:%s ", $2, $1}')
  printf '%-8s %9d %6d   %s\n' "$name" "$n" "$e" "$statuses"
  total=$((total + n)); server_errors=$((server_errors + e))
  if [ "$name" = missing ] || [ "$name" = garbage ]; then
    other=$(operation_lines "$name" | awk '$3 != 401' | wc -l)
    if [ "$other" -ne 0 ]; then
      echo "  $other requests without a valid token were answered with something other than 401:"
      operation_lines "$name" | awk '$3 != 401' | sort | uniq -c | head
      status=1
    fi
  fi
done
# Failed checks per kind, from the NDJSON event streams (every check of every test case).
read -r violations failures <<<"$("$root/.venv/bin/python" - "$out"/*.ndjson <<'PY'
import json, sys
conformance = {"status_code_conformance", "content_type_conformance", "response_headers_conformance",
               "response_schema_conformance"}
def walk(node):
    if isinstance(node, dict):
        checks = node.get("checks")
        if isinstance(checks, dict):
            for results in checks.values():
                for result in results if isinstance(results, list) else []:
                    yield result
        for value in node.values():
            if value is not checks:
                yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)
schema = other = 0
for path in sys.argv[1:]:
    for line in open(path, encoding="utf-8"):
        if '"checks"' not in line:
            continue
        for result in walk(json.loads(line)):
            if result.get("status") == "failure":
                if result.get("name") in conformance:
                    schema += 1
                else:
                    other += 1
print(schema, other)
PY
)"
echo
echo "requests sent: $total   5xx: $server_errors   schema violations: $violations   other failed checks: $failures   time: $((SECONDS - started)) s"
echo "reports: target/fuzz/ (Schemathesis output per run: target/fuzz/<run>.txt)"
if [ "$total" -lt "$min_requests" ]; then
  echo "fewer than $min_requests requests were sent" >&2; status=1
fi
if [ "$server_errors" -ne 0 ] || [ "$violations" -ne 0 ] || [ "$failures" -ne 0 ]; then status=1; fi
exit $status
