#!/usr/bin/env bash
# Cold start of the functions, measured side by side against moto: for each function (setup,
# confirm, verify, status) and implementation, a fresh JVM with Lambda's flags runs the init phase
# (the handler's construction) and one first invocation of the function's events/ file, and reports
# the times from JVM start, the resident memory and the classes loaded
# (io.serverlessmfa.bench.coldstart.ColdStart). Implementations:
#   ours      our handler as deployed (the shaded jar, URLConnection HTTP client)
#   ours-crt  our handler with its SDK clients on the AWS CRT HTTP client
#   common    the function written the common way (functions/bench/common; setup, confirm, verify)
#   floor     a handler that answers a constant response (POJO; floor-stream: a stream handler)
#   sdk       setup only: our SDK clients and a first setup's two AWS calls, nothing else (the
#             least any setup on the AWS SDK for Java v2 pays;
#             io.serverlessmfa.bench.coldstart.SdkFloorHandler)
#   ours-before  with BASELINE=<commit>: the deployed jar built from that commit (a source tree of
#             its own under target/bench/, nothing installed), for BASELINE_FUNCTIONS (default
#             confirm verify): a change's before and after, side by side in the same rounds
# Before each run but floor, another JVM puts the events' user in the state the function needs
# (io.serverlessmfa.bench.coldstart.Prepare), so the measured JVM does only init + one invocation.
# RUNS rounds (default 7, at least 5), each running every function x implementation once, in an
# order that rotates, so machine noise hits all alike. Medians, ratios and sizes go to the
# "Cold start" section of docs/performance.md (between its markers; the rest of the file stays).
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-7}"
out=target/bench/cold-start
results="$out/runs.jsonl"
baseline="${BASELINE:-}"
export BASELINE_FUNCTIONS="${BASELINE_FUNCTIONS:-confirm verify}"
# TLS=1 serves moto over TLS (tools/with-moto.sh's MOTO_TLS), so each JVM's first calls make TLS
# handshakes as they do to AWS; by default moto speaks plain HTTP.
# MEASURED_CPUS=0 runs each measured JVM on one CPU (taskset), as a function with at most one vCPU
# has: work a function overlaps on threads of its own then no longer runs in parallel.
# A narrower run (e.g. FUNCTIONS=verify IMPLS="ours ours-before common" DOC=target/bench/ab.md for a
# longer before/after of one function): which functions and implementations, and where the section goes.
export FUNCTIONS="${FUNCTIONS:-setup confirm verify status}" IMPLS="${IMPLS:-ours ours-crt common sdk floor floor-stream ours-before}"
doc="${DOC:-docs/performance.md}"

if [ "${1:-}" != "--measure" ]; then
    if ! [[ "$runs" =~ ^[0-9]+$ ]] || (( runs < 5 )); then
        echo "RUNS must be a number, at least 5 (a median of fewer JVMs says little)" >&2
        exit 2
    fi
    rm -rf "$out"
    mkdir -p "$out"
    # The deployed jar, the bench classes and the common build, and each module's class path.
    mvn -B -q -pl functions/bench,functions/bench/common -am -DskipTests -Dmaven.test.skip=true \
        package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null
    export BASELINE_DIR=""
    if [ -n "$baseline" ]; then
        # The baseline's own tree and build (git archive: no worktree, nothing installed into ~/.m2),
        # kept per commit so a second run does not build it again.
        commit="$(git rev-parse --short "$baseline^{commit}")"
        BASELINE_DIR="target/bench/baseline-$commit"
        if [ ! -f "$BASELINE_DIR/functions/mfa/target/mfa-functions-lambda.jar" ]; then
            rm -rf "$BASELINE_DIR"
            mkdir -p "$BASELINE_DIR"
            git archive "$commit" | tar -x -C "$BASELINE_DIR"
            (cd "$BASELINE_DIR" && mvn -B -q -pl functions/mfa -am -Dmaven.test.skip=true package >/dev/null)
        fi
        echo "$commit" > "$BASELINE_DIR/commit"
    fi
    # TLS=1: moto over TLS, as AWS's endpoints are reached (each JVM's first call then makes a TLS
    # handshake, trusting the run's own certificate); the default is plain HTTP.
    [ "${TLS:-}" != 1 ] || export MOTO_TLS=1
    RUNS="$runs" tools/with-moto.sh "$0" --measure
    exec python3 tools/bench_cold_start_report.py "$results" "$out/environment.json" "$doc"
fi

# --measure: inside tools/with-moto.sh (AWS_ENDPOINT_URL, AWS_REGION and credentials are set).
export MFA_TABLE_NAME=serverless-mfa-local MFA_KMS_KEY_ID=alias/serverless-mfa-local

bench_deps="$(tr ':' '\n' < functions/bench/target/classpath.txt)"
jar_of() { # the jar of one artifact of the bench module's class path, by artifactId
    local jar
    jar="$(grep -E "/$1/[^/]+/$1-[^/]+\.jar$" <<<"$bench_deps")"
    [ -n "$jar" ] || { echo "no $1 on the bench class path" >&2; exit 1; }
    echo "$jar"
}
bench_classes=functions/bench/target/classes
# The Lambda Java runtime's event serializer, as the runtime brings it: on every class path alike.
serializer="$(jar_of aws-lambda-java-serialization)"
ours_jar=functions/mfa/target/mfa-functions-lambda.jar
# The tools that prepare a run (EnsureResources, Prepare) call SDK operations the functions never
# do (CreateTable, Scan, DeleteItem, ...), which the deployed jar's clients no longer carry: they
# run on the shaded jar, the same classes before that shrinking.
tools_jar=functions/mfa/target/mfa-functions-shaded.jar
crt_jars="$(jar_of aws-crt-client):$(jar_of crt-core):$(jar_of aws-crt)"
floor_jars="$(jar_of aws-lambda-java-core):$(jar_of aws-lambda-java-events):$(jar_of joda-time)"
common_jars="$(ls functions/bench/common/target/mfa-bench-common-*.jar):$(cat functions/bench/common/target/classpath.txt)"
declare -A classpath=(
    [ours]="$bench_classes:$ours_jar:$serializer"
    [ours-crt]="$bench_classes:$ours_jar:$crt_jars:$serializer"
    [common]="$bench_classes:$common_jars:$serializer"
    [floor]="$bench_classes:$floor_jars:$serializer"
    [floor-stream]="$bench_classes:$floor_jars:$serializer"
    [sdk]="$bench_classes:$ours_jar:$serializer"
    [tools]="$bench_classes:$tools_jar:$serializer"
)
if [ -n "${BASELINE_DIR:-}" ]; then
    classpath[ours-before]="$bench_classes:$BASELINE_DIR/functions/mfa/target/mfa-functions-lambda.jar:$serializer"
    # The baseline prepares its own runs: each build reads the data it writes.
    classpath[tools-before]="$bench_classes:$BASELINE_DIR/functions/mfa/target/mfa-functions-shaded.jar:$serializer"
fi

# Our handlers as template.yaml names them; the common build's; the floor.
handler_in_template() { # function [template]
    local handler template="${2:-template.yaml}"
    handler="$(awk -v fn="  $1:" '$0 == fn {f = 1} f && /Handler:/ {print $2; exit}' "$template")"
    [ -n "$handler" ] || { echo "$template has no handler for $1" >&2; exit 1; }
    echo "${handler%%::*}"
}
read -r -a functions <<<"$FUNCTIONS"
declare -A ours_handler=(
    [setup]="$(handler_in_template SetupFunction)" [confirm]="$(handler_in_template ConfirmFunction)"
    [verify]="$(handler_in_template VerifyFunction)" [status]="$(handler_in_template StatusFunction)"
)
declare -A before_handler=()
if [ -n "${BASELINE_DIR:-}" ]; then
    for fn in setup confirm verify status; do
        before_handler[$fn]="$(handler_in_template "${fn^}Function" "$BASELINE_DIR/template.yaml")"
    done
fi
declare -A common_handler=(
    [setup]=io.serverlessmfa.bench.common.SetupHandler [confirm]=io.serverlessmfa.bench.common.ConfirmHandler
    [verify]=io.serverlessmfa.bench.common.VerifyHandler
)
handler_of() { # impl function
    case "$1" in
        ours | ours-crt) echo "${ours_handler[$2]}" ;;
        ours-before) echo "${before_handler[$2]}" ;;
        common) echo "${common_handler[$2]:-}" ;;
        floor) echo io.serverlessmfa.bench.coldstart.FloorHandler ;;
        floor-stream) echo io.serverlessmfa.bench.coldstart.FloorStreamHandler ;;
        sdk) if [ "$2" = setup ]; then echo io.serverlessmfa.bench.coldstart.SdkFloorHandler; fi ;;
    esac
}
expected_status() { # impl function
    if [ "${1#floor}" = "$1" ] && [ "$2" = setup ]; then echo 201; else echo 200; fi
}

# Lambda's JVM: the flags of template.yaml's JAVA_TOOL_OPTIONS (also the java17/21 runtimes'
# default) and the serial collector the runtimes use.
jvm_flags=(-XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC)
# With TLS=1, every JVM trusts the run's certificate (not a Lambda flag: the only difference).
trust=()
[ -z "${MOTO_TRUST_STORE:-}" ] || trust=(-Djavax.net.ssl.trustStore="$MOTO_TRUST_STORE" -Djavax.net.ssl.trustStorePassword=changeit)

run_java() { # log classpath main args... (MEASURED_CPUS=<list>: the measured JVM runs on those CPUs only)
    local log="$1" cp="$2" pin=()
    shift 2
    if [ "$log" = "$out/run.log" ] && [ -n "${MEASURED_CPUS:-}" ]; then
        pin=(taskset -c "$MEASURED_CPUS")
    fi
    if ! "${pin[@]}" java "${jvm_flags[@]}" "${trust[@]}" -cp "$cp" "$@" >/dev/null 2>"$log"; then
        echo "failed: java -cp <${cp:0:40}...> $*" >&2
        cat "$log" >&2
        exit 1
    fi
}

run_java "$out/ensure.log" "${classpath[tools]}" io.serverlessmfa.bench.coldstart.EnsureResources

baseline_commit=""
[ -z "${BASELINE_DIR:-}" ] || baseline_commit="$(cat "$BASELINE_DIR/commit")"
python3 - "$out/environment.json" "$runs" "${jvm_flags[*]}" "$(git rev-parse --short HEAD)" "$baseline_commit" <<'PY'
import json, os, platform, subprocess, sys
model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()
json.dump({"cpu": model, "cpus": os.cpu_count(), "machine": platform.machine(), "java": java[1] if len(java) > 1 else java[0],
           "runs": int(sys.argv[2]), "jvmFlags": sys.argv[3], "loadBefore": os.getloadavg()[0],
           "commit": sys.argv[4], "baseline": sys.argv[5] or None,
           "measuredCpus": os.environ.get("MEASURED_CPUS") or None,
           "tls": os.environ.get("AWS_ENDPOINT_URL", "").startswith("https:")}, open(sys.argv[1], "w"))
PY

impls=()
for impl in $IMPLS; do
    [ "$impl" != ours-before ] || [ -n "${BASELINE_DIR:-}" ] || continue
    impls+=("$impl")
done
measured() { # impl function: whether the rounds run it
    [ -n "$(handler_of "$1" "$2")" ] || return 1
    [ "$1" != ours-before ] || [[ " $BASELINE_FUNCTIONS " == *" $2 "* ]]
}
: > "$results"
for ((round = 1; round <= runs; round++)); do
    # Rotate the order of the implementations from round to round.
    shift_by=$(( (round - 1) % ${#impls[@]} ))
    order=("${impls[@]:shift_by}" "${impls[@]:0:shift_by}")
    for fn in "${functions[@]}"; do
        for impl in "${order[@]}"; do
            measured "$impl" "$fn" || continue
            handler="$(handler_of "$impl" "$fn")"
            event="events/$fn.json"
            if [ "${impl#floor}" = "$impl" ]; then
                family=ours; tools=tools; [ "$impl" = common ] && family=common && tools=common
                [ "$impl" = ours-before ] && family=ours-before && tools=tools-before
                event="$out/event-$fn.json"
                run_java "$out/prepare.log" "${classpath[$tools]}" io.serverlessmfa.bench.coldstart.Prepare \
                    "$(handler_of "$family" setup)" "$(handler_of "$family" confirm)" "$fn" events "$event"
            fi
            BENCH_LAUNCH_EPOCH_MS="$(date +%s%3N)" AWS_LAMBDA_FUNCTION_NAME="bench-$fn" \
                run_java "$out/run.log" "${classpath[$impl]}" io.serverlessmfa.bench.coldstart.ColdStart \
                "$impl" "$handler" "$event" "$(expected_status "$impl" "$fn")"
            line="$(grep '^{"bench":"cold-start"' "$out/run.log")"
            echo "{\"function\":\"$fn\",\"round\":$round,${line#\{}" >> "$results"
        done
    done
    echo "cold start: round $round of $runs done" >&2
done

# Sizes: the deployed jar, and each class path as it would be deployed.
python3 - "$out/environment.json" "$ours_jar" "${classpath[common]}" "${classpath[floor]}" "$crt_jars" "$bench_classes" "$serializer" <<'PY'
import json, os, sys
env_file, ours_jar, common_cp, floor_cp, crt_cp, bench_classes, serializer = sys.argv[1:]
def deployed(cp):
    # What the implementation deploys: the bench classes (the measuring main) and the runtime's
    # serializer are not part of any function.
    return [p for p in cp.split(":") if p not in (bench_classes, serializer)]
def size(cp):
    return sum(os.path.getsize(p) for p in deployed(cp))
def package(cp):
    # The deployment package as `sam build` zips it (lib/*.jar, deflated): what Lambda downloads
    # on a cold start and counts against its 50 MB limit.
    import io, zipfile
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for p in deployed(cp):
            archive.write(p, "lib/" + os.path.basename(p))
    return buffer.getbuffer().nbytes
env = json.load(open(env_file))
env.update(oursJarBytes=os.path.getsize(ours_jar), commonClasspathBytes=size(common_cp),
           oursPackageBytes=package(ours_jar), commonPackageBytes=package(common_cp),
           commonClasspathJars=len(deployed(common_cp)),
           floorClasspathBytes=size(floor_cp), crtExtraBytes=size(crt_cp), loadAfter=os.getloadavg()[0])
json.dump(env, open(env_file, "w"))
PY
