#!/usr/bin/env bash
# The cold-start cost of a metrics library, measured side by side: RUNS fresh JVMs each for the
# functions' own EMF writer and for Powertools for AWS Lambda (Java) v2 metrics (functional API),
# alternating so machine noise hits both alike. Prints the medians and their ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-21}"
out=target/bench
mkdir -p "$out"
mvn -B -q -pl functions/bench -am -DskipTests -Dmaven.test.skip=true package dependency:build-classpath \
    -Dmdep.outputFile="$PWD/$out/bench.classpath" >/dev/null
cp="functions/bench/target/classes:$(cat "$out/bench.classpath")"
results="$out/metrics-cold-start.jsonl"
: > "$results"
# As in template.yaml; AWS_LAMBDA_FUNCTION_NAME makes the EMF library write to stdout as in Lambda.
jvm=(java -XX:+TieredCompilation -XX:TieredStopAtLevel=1 -cp "$cp" io.serverlessmfa.bench.MetricsColdStart)
for ((i = 0; i < runs; i++)); do
    for impl in emf powertools; do
        AWS_LAMBDA_FUNCTION_NAME=bench "${jvm[@]}" "$impl" 2>&1 >/dev/null | grep '^{"impl"' >> "$results"
    done
done
python3 - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
by = {}
for row in rows:
    by.setdefault(row["impl"], []).append(row)
median = {impl: statistics.median(r["firstMetricMicros"] for r in rs) / 1000 for impl, rs in by.items()}
classes = {impl: statistics.median(r["classesLoaded"] for r in rs) for impl, rs in by.items()}
for impl in ("emf", "powertools"):
    print(f"{impl:11s} first metric after {median[impl]:7.1f} ms (median of {len(by[impl])} JVMs), {classes[impl]:.0f} classes loaded")
print(f"powertools / emf: {median['powertools'] / median['emf']:.1f}x, +{median['powertools'] - median['emf']:.0f} ms per cold start")
PY
