#!/usr/bin/env bash
# `make fuzz`: starts `make run`, fuzzes the API with Schemathesis against openapi.yaml, and stops
# the stack whatever happens. Four runs over all routes:
#   fresh     a valid token of a user without MFA (NONE / PENDING states)
#   enabled   a valid token of a user this script enrols first (ENABLED, then locked: 429)
#   missing   no Authorization header        (only 401 is acceptable, but on the public routes: 200)
#   garbage   a malformed bearer token       (only 401 is acceptable, but on the public routes: 200)
# and the helpdesk's three routes (/admin/) as an operator (the mfa-admin group):
#   stepless                  the operator's sign-in token, no X-MFA-Token of theirs: Schemathesis
#                             generates the header (openapi.yaml's examples: forged tokens), or
#                             leaves it out; never a 2xx (403 mfa_required, 400)
#   operator-<operationId>    the operator's sign-in token and a fresh step-up in X-MFA-Token:
#                             one run per route, each with a token of its own (see below); never a 403
#                             but cannot_reset_self
# Checks: no 5xx, status codes, content types, headers and bodies as openapi.yaml declares them.
# Figures (requests, 5xx, schema violations) come from the gateway's own log (one line per request)
# and from Schemathesis' NDJSON reports. Reports: target/fuzz/.
#
# The operator's step-up. A helpdesk route accepts an MFA token only while its auth_time is at most
# 5 minutes old (StepUp.MAX_AGE, fixed; MFA_TOKEN_LIFETIME_SECONDS does not lengthen it), so no
# single token can serve a run of several minutes, and this script does not weaken the check for
# fuzzing. Instead the operator is enrolled like any user (setup, confirm with the current TOTP
# code) and the helpdesk runs are split by route: right before each, the script waits for a TOTP
# time step not used yet (a code is accepted once), calls POST /mfa/verify and passes that token.
# After each run it fails the whole fuzz if the run outlasted the token's window
# (FUZZ_STEP_UP_SECONDS, 270: 5 minutes less a margin), if any helpdesk request that carried the
# token was answered 403, or if none succeeded: either would mean requests went out with a stale
# step-up and tested only the refusal. Which requests carried it comes from Schemathesis' NDJSON
# report (unsanitized for these runs, so the header's value can be compared: the reports under
# target/fuzz/ then hold the local stack's throwaway tokens): its coverage phase deliberately drops
# the required X-MFA-Token (403 mfa_required) or the Authorization header (401) now and then.
# The reset run comes last (openapi.yaml's order): Schemathesis reuses ids it saw in earlier answers,
# among them the operator's own (an ADMIN_RESET event names its operator); a reset of the operator
# is answered 403 cannot_reset_self, which the step-up check below does not count as a refused step-up.
# The operator's own /mfa/ routes are not fuzzed (wrong codes would lock the operator out of the
# next step-up); they answer an operator exactly as any user, which the fresh and enabled runs cover.
# The fresh and enabled runs come first, with tokens /dev/token issued at the start (iat: then).
# Setup, recovery-codes and remove take a sign-in at most MFA_REAUTHENTICATION_MINUTES (60, which
# `make run` keeps) old, far longer than those runs last; past it they would answer 401
# reauthentication_required (declared in openapi.yaml) and test only that refusal.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
st="$root/.venv/bin/st"
port="${FUZZ_PORT:-3000}"
api="http://127.0.0.1:$port"
out="$root/target/fuzz"
log="$out/make-run.log"
# Test cases per operation and run (Schemathesis' --max-examples for the fuzzing phase; the
# coverage phase adds its own). Together well over 10,000 requests: a run sends between about
# 9,200 and 11,900 at 550/400 (workers make it vary), hence the headroom.
examples_valid="${FUZZ_EXAMPLES:-800}"
examples_unauthorized="${FUZZ_EXAMPLES_UNAUTHORIZED:-550}"
examples_operator="${FUZZ_EXAMPLES_OPERATOR:-300}"
step_up_seconds="${FUZZ_STEP_UP_SECONDS:-270}"
min_requests="${FUZZ_MIN_REQUESTS:-10000}"
workers="${FUZZ_WORKERS:-4}"
checks=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance
started=$SECONDS
rm -rf "$out"
mkdir -p "$out"

if curl -s -o /dev/null "$api/"; then
  echo "port $port is already in use: stop the other 'make run' first, or pick another with FUZZ_PORT" >&2; exit 1
fi
# The stack in its own process group so all of it (make, mvn, the gateway, moto) stops together.
MOTO_PORT=0 setsid make run GATEWAY_PORT="$port" >"$log" 2>&1 &
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

# The authenticator app and the portal, for the enrolled users. `totp enrol TOKEN` sets up and
# confirms with the current TOTP code (RFC 6238, SHA1, 6 digits, 30 s: the contract's defaults,
# which `make run` keeps) and prints "<secret> <step used>". `totp step-up TOKEN SECRET LAST_STEP`
# waits for a time step after LAST_STEP (each code is accepted once), verifies its code and prints
# "<step used> <auth_time> <MFA token>".
totp() {
  API="$api" "$root/.venv/bin/python" - "$@" <<'PY'
import base64, hashlib, hmac, json, os, struct, sys, time, urllib.request
command, token = sys.argv[1], sys.argv[2]
def post(path, body):
    request = urllib.request.Request(os.environ["API"] + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.load(response)
def code(secret, step):
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"
if command == "enrol":
    secret = post("/mfa/setup", {})["secret"]
    step = int(time.time()) // 30
    assert post("/mfa/confirm", {"code": code(secret, step)})["status"] == "ENABLED"
    print(secret, step)
else:
    secret, last = sys.argv[3], int(sys.argv[4])
    while int(time.time()) // 30 <= last:
        time.sleep(0.5)
    step = int(time.time()) // 30
    answer = post("/mfa/verify", {"code": code(secret, step), "nonce": "fuzz-step-up-" + str(step)})
    mfa_token = answer["mfaToken"]
    payload = json.loads(base64.urlsafe_b64decode(mfa_token.split(".")[1] + "=="))
    assert payload["amr"] == ["otp"] and payload["nonce"] == "fuzz-step-up-" + str(step), payload
    print(step, payload["auth_time"], mfa_token)
PY
}
# Enrol the second user as the portal would, and the operator for their step-ups.
enrolled="$(totp enrol "$enabled_token")"
echo "enrolled fuzz-enabled@example.com"
enrolled="$(totp enrol "$operator_token")"
read -r operator_secret operator_step <<<"$enrolled"
echo "enrolled fuzz-operator@example.com"

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
runs=(fresh enabled missing garbage stepless)
fuzz fresh "$examples_valid" -H "Authorization: Bearer $fresh_token" || status=1
fuzz enabled "$examples_valid" -H "Authorization: Bearer $enabled_token" || status=1
fuzz missing "$examples_unauthorized" || status=1
fuzz garbage "$examples_unauthorized" -H "Authorization: Bearer not.a.jwt" || status=1
fuzz stepless "$examples_operator" -H "Authorization: Bearer $operator_token" --include-path-regex '^/admin/' || status=1
# The step-up runs, one per helpdesk route, each with a token from a verify just before it.
admin_operations="$("$root/.venv/bin/python" -c '
import yaml
for path, item in yaml.safe_load(open("openapi.yaml"))["paths"].items():
    if path.startswith("/admin/"):
        for operation in item.values():
            print(operation["operationId"])')"
[ -n "$admin_operations" ] || { echo "openapi.yaml names no /admin/ operation" >&2; exit 1; }
declare -A step_up_age step_up_tokens
for operation in $admin_operations; do
  stepped_up="$(totp step-up "$operator_token" "$operator_secret" "$operator_step")"
  read -r operator_step auth_time step_up_token <<<"$stepped_up"
  fuzz "operator-$operation" "$examples_operator" -H "Authorization: Bearer $operator_token" \
    -H "X-MFA-Token: $step_up_token" --include-operation-id "$operation" --output-sanitize false || status=1
  step_up_age[operator-$operation]=$(( $(date +%s) - auth_time ))
  step_up_tokens[operator-$operation]=$step_up_token
  runs+=("operator-$operation")
done

# The gateway logs "METHOD /path STATUS Nms" for every request. Besides the operations of
# openapi.yaml, Schemathesis also probes the server (GET /) and sends undeclared methods to the
# declared paths (DELETE /mfa/setup, ...): the gateway answers those 404 like API Gateway does for a
# route it does not have. They count as requests sent; the 401-only rule applies to the operations.
# The operations of openapi.yaml: secured ones (the JWT authorizer) and public ones (security: []).
operations_of() {
  "$root/.venv/bin/python" - "$1" <<'PY'
import sys, yaml
spec = yaml.safe_load(open("openapi.yaml"))
for path, item in spec["paths"].items():
    for method, operation in item.items():
        public = operation.get("security", spec.get("security")) == []
        if public == (sys.argv[1] == "public"):
            print(method.upper() + " " + path)
PY
}
secured_routes="$(operations_of secured)"
public_routes="$(operations_of public)"
[ -n "$secured_routes" ] && [ -n "$public_routes" ] || { echo "openapi.yaml: no secured or no public operation" >&2; exit 1; }
lines() { sed -n "${first_line[$1]},${last_line[$1]}p" "$log" | grep -E '^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|TRACE) /' || true; }
# The lines of run $1 whose request is one of the operations $2 (newline-separated "METHOD /path");
# a path template's {name} matches one path segment, as in API Gateway.
operation_lines() { lines "$1" | awk -v routes="$2" 'BEGIN { n = split(routes, r, "\n"); for (i = 1; i <= n; i++) { p = r[i]; gsub(/\{[^}]*\}/, "[^/]+", p); known[i] = "^" p "$" } } { for (i = 1; i <= n; i++) if (($1 " " $2) ~ known[i]) { print; next } }'; }
helpdesk_routes="$(grep ' /admin/' <<<"$secured_routes")"
# Prints what fails the rule and sets status=1: lines of run $1 among operations $2 whose status matches $3 (awk).
refuse() {
  local found
  found=$(operation_lines "$1" "$2" | awk "$3" | wc -l)
  if [ "$found" -ne 0 ]; then
    echo "  $1: $found requests $4:"
    operation_lines "$1" "$2" | awk "$3" | awk '{print $1, $2, $3}' | sort | uniq -c | sort -rn | head
    status=1
  fi
}
# "<carried> <refused> <passed>": the helpdesk requests of an NDJSON report that carried the
# step-up token $2 in X-MFA-Token, those of them refused at the step-up (403 but cannot_reset_self),
# and those answered past it (2xx, 409, 403 cannot_reset_self).
step_up_requests() {
  "$root/.venv/bin/python" - "$1" "$2" <<'PY'
import base64, json, sys
from urllib.parse import urlsplit
path, token = sys.argv[1], sys.argv[2]
seen = {}
def walk(node):
    if isinstance(node, dict):
        request, response = node.get("request"), node.get("response")
        if isinstance(request, dict) and isinstance(response, dict) and "uri" in request:
            seen[(request["uri"], response.get("timestamp", node.get("timestamp")), json.dumps(request, sort_keys=True))] = (request, response)
        for value in node.values():
            walk(value)
    elif isinstance(node, list):
        for value in node:
            walk(value)
def body_text(response):
    """The response body as text: Schemathesis writes it as {"$base64": "..."} under "content"."""
    content = response.get("content")
    if isinstance(content, dict) and isinstance(content.get("$base64"), str):
        return base64.b64decode(content["$base64"]).decode("utf-8", "replace")
    return content if isinstance(content, str) else json.dumps(content)
for line in open(path, encoding="utf-8"):
    walk(json.loads(line))
carried = refused = succeeded = 0
for request, response in seen.values():
    headers = {name.lower(): values for name, values in request.get("headers", {}).items()}
    if not urlsplit(request["uri"]).path.startswith("/admin/") or headers.get("x-mfa-token") != [token]:
        continue
    carried += 1
    status, text = response.get("status_code", 0), body_text(response)
    # Answers only a request past the step-up gets: a 2xx, a reset of a user without MFA (409), and
    # cannot_reset_self, the contract's answer to an operator resetting their own MFA (the reset run
    # reuses ids it saw, the operator's among them).
    refused += status == 403 and "cannot_reset_self" not in text
    succeeded += 200 <= status < 300 or status == 409 or (status == 403 and "cannot_reset_self" in text)
print(carried, refused, succeeded)
PY
}
total=0; server_errors=0
echo
printf '%-24s %9s %6s   %s\n' run requests 5xx 'statuses'
for name in "${runs[@]}"; do
  n=$(lines "$name" | wc -l)
  e=$(lines "$name" | awk '$3 >= 500' | wc -l)
  statuses=$(lines "$name" | awk '{print $3}' | sort | uniq -c | awk '{printf "%s:%s ", $2, $1}')
  printf '%-24s %9d %6d   %s\n' "$name" "$n" "$e" "$statuses"
  total=$((total + n)); server_errors=$((server_errors + e))
  # The public documents answer anyone, with or without a token, and read nothing from the client.
  refuse "$name" "$public_routes" '$3 != 200' "to a public route were answered with something other than 200"
  case "$name" in
    missing|garbage)
      refuse "$name" "$secured_routes" '$3 != 401' "without a valid token were answered with something other than 401" ;;
    stepless)
      refuse "$name" "$helpdesk_routes" '$3 < 300' "to the helpdesk without the operator's step-up succeeded" ;;
    operator-*)
      read -r carried refused succeeded <<<"$(step_up_requests "$out/$name.ndjson" "${step_up_tokens[$name]}")"
      echo "  $name: $carried helpdesk requests carried the step-up ($succeeded answered past it, $refused refused);" \
        "it was $((step_up_age[$name])) s old at the end of the run (at most $step_up_seconds)"
      if [ "$refused" -ne 0 ] || [ "$succeeded" -eq 0 ]; then
        echo "  $name: the step-up was refused: these requests did not test the helpdesk"; status=1
      fi
      if [ "${step_up_age[$name]}" -gt "$step_up_seconds" ]; then
        echo "  $name outlasted its step-up: lower FUZZ_EXAMPLES_OPERATOR"; status=1
      fi ;;
  esac
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
