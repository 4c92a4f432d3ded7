#!/usr/bin/env bash
# The recovery-code hash key, both designs measured side by side in one run over moto, through the
# functions' own SDK clients (io.serverlessmfa.bench.recoverykey.RecoveryKeyBench): the sealed key
# (SealedRecoveryCodeKey: GetItem + Decrypt once per container, then local HMAC-SHA-256) against a
# KMS HMAC key (GenerateMac / VerifyMac for every code issued or checked). ROUNDS interleaved rounds
# (default 61, at least 30) after WARMUP unrecorded ones (default 10), in one JVM with Lambda's flags;
# every HTTP request counted. Medians, ratios, round trips and the KMS requests per 1M operations of
# each design, priced as tools/bench-cost.py prices, go to target/bench/recovery-key.json and to the
# "Recovery-code hash key" section of docs/performance.md (between its markers).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rounds="${ROUNDS:-61}" warmup="${WARMUP:-10}"
if ! [[ "$rounds" =~ ^[0-9]+$ ]] || (( rounds < 30 )); then
    echo "ROUNDS must be a number, at least 30" >&2
    exit 2
fi
out=target/bench
mkdir -p "$out"
mvn -B -q -pl functions/bench -am -DskipTests -Dmaven.test.skip=true package dependency:build-classpath \
    -Dmdep.outputFile="$PWD/$out/bench.classpath" >/dev/null
# The round-trip counter, registered as a global SDK interceptor on this bench's class path only.
interceptors="$out/recovery-key-interceptors"
mkdir -p "$interceptors/software/amazon/awssdk/global/handlers"
echo io.serverlessmfa.bench.recoverykey.RoundTrips > "$interceptors/software/amazon/awssdk/global/handlers/execution.interceptors"
cp="$interceptors:functions/bench/target/classes:$(cat "$out/bench.classpath")"
results="$out/recovery-key.jsonl"
load_before="$(cut -d' ' -f1 /proc/loadavg)"
# Lambda's JVM flags (template.yaml's JAVA_TOOL_OPTIONS and the runtime's collector), as the other benches.
MFA_TABLE_NAME=serverless-mfa-local MFA_KMS_KEY_ID=alias/serverless-mfa-local \
    VENV_PYTHON="${VENV_PYTHON:-.venv/bin/python}" tools/with-moto.sh \
    java -XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$cp" \
    io.serverlessmfa.bench.recoverykey.RecoveryKeyBench "$rounds" "$warmup" "$results" >"$out/recovery-key.log" 2>&1 \
    || { tail -40 "$out/recovery-key.log" >&2; exit 1; }
python3 tools/bench_recovery_key_report.py "$results" "$out/recovery-key.json" docs/performance.md \
    "$rounds" "$warmup" "$load_before"
