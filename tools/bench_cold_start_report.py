"""Medians and ratios of tools/bench-cold-start.sh's runs, written as the "Cold start" section of
docs/performance.md (only between its markers; other sections of the file stay as they are).

    python3 tools/bench_cold_start_report.py runs.jsonl environment.json docs/performance.md
"""
import json
import os
import statistics
import sys

BEGIN, END = "<!-- cold-start:begin -->", "<!-- cold-start:end -->"
FUNCTIONS = ["setup", "confirm", "verify", "status"]
IMPLS = ["ours", "ours-before", "ours-crt", "common", "sdk", "floor", "floor-stream"]
LABELS = {
    "ours": "ours (deployed jar, URLConnection)",
    "ours-before": "ours before (the deployed jar of BASELINE)",
    "ours-crt": "ours on the CRT HTTP client",
    "common": "common build",
    "sdk": "SDK floor (our SDK clients and a first setup's two AWS calls, nothing else)",
    "floor": "floor (constant response, POJO handler)",
    "floor-stream": "floor (constant response, stream handler)",
}
# The goals for setup's cold start (time from JVM start to the first response).
GOAL_VS_COMMON, GOAL_VS_FLOOR = 0.5, 4.0
# With BASELINE: the most a change may add to verify's cold start (the MFA tokens' issue: at most 5 % more).
GOAL_VS_BEFORE_FUNCTION, GOAL_VS_BEFORE = "verify", 1.05


def main(runs_file, environment_file, doc_file):
    rows = [json.loads(line) for line in open(runs_file) if line.strip()]
    env = json.load(open(environment_file))
    if env.get("baseline"):
        LABELS["ours-before"] = f"ours before: the deployed jar of {env['baseline']}"
    by = {}
    for row in rows:
        by.setdefault((row["function"], row["impl"]), []).append(row)

    def median(function, impl, field):
        runs = by.get((function, impl))
        return statistics.median(r[field] for r in runs) if runs else None

    def ms(value):
        return "—" if value is None else f"{value:.0f}"

    def ratio(a, b):
        return None if a is None or b is None else a / b

    def times(value):
        return "—" if value is None else f"{value:.2f}×"

    counts = sorted({len(v) for v in by.values()})
    lines = [BEGIN, "## Cold start", ""]
    lines += [
        "Written by `tools/bench-cold-start.sh` (`make bench`); do not edit between the markers. "
        f"Medians of {'/'.join(map(str, counts))} fresh JVMs per row, run in rotating, interleaved rounds.",
        "",
        "Each run is one JVM with Lambda's flags (`" + env["jvmFlags"] + "`): the init phase (the handler built by "
        "its public constructor, SDK clients included) and one first invocation of the event file of `events/` as "
        "Lambda's Java runtime runs it: a stream handler (ours, which reads the payload with the SDK's JSON core) "
        "gets the file's bytes and writes the response's; a POJO handler (the common build, the POJO floor) gets "
        "the event read, and its response written, by the runtime's own serializer. Against moto on localhost. Before it, another JVM puts the events' user in the state the function needs (no enrollment "
        "for setup, a pending setup and its current code for confirm, MFA on and the next code for verify, MFA "
        "on for status), so the measured JVM does nothing else; every first invocation answered its success "
        "status (201 setup, 200 otherwise) or the run would have failed.",
        "",
        "*Init end* and *first response* are counted from JVM start (RuntimeMXBean); *first response* is the "
        "cold start the caller waits for, less Lambda's own sandbox and runtime start. *CPU* is the process's CPU "
        "time by the first response (all threads, JIT and GC included; 10 ms ticks): less disturbed than wall "
        "time by other work on the machine, and what a Lambda function's fraction of a vCPU (0.58 at 1024 MB) has to "
        "get through. RSS is VmRSS after the first invocation; classes counts every class loaded (about 100 of "
        "them by the measurement itself, in every row).",
        "",
        "| function | implementation | init end (ms) | first response (ms) | of which first invocation (ms) | CPU (ms) | RSS (MB) | classes loaded |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for function in FUNCTIONS:
        for impl in IMPLS:
            if (function, impl) not in by:
                continue
            rss = median(function, impl, "rssKb")
            lines.append(f"| {function} | {LABELS[impl]} | {ms(median(function, impl, 'jvmToInitEndMs'))} | "
                         f"**{ms(median(function, impl, 'jvmToFirstResponseMs'))}** | "
                         f"{ms(median(function, impl, 'firstInvocationMs'))} | {ms(median(function, impl, 'cpuMs'))} | "
                         f"{rss / 1024:.0f} | "
                         f"{median(function, impl, 'classesLoaded'):.0f} |")
    lines += [
        "",
        "Ratios of the medians of *first response* (and, in brackets, of *CPU*):",
        "",
        "| function | ours / floor (POJO) | ours / common | ours / common, above the stream floor | CRT / URLConnection (ours) |",
        "|---|---:|---:|---:|---:|",
    ]

    def pair(function, a, b):
        first = ratio(median(function, a, "jvmToFirstResponseMs"), median(function, b, "jvmToFirstResponseMs"))
        cpu = ratio(median(function, a, "cpuMs"), median(function, b, "cpuMs"))
        return "—" if first is None else f"{times(first)} ({times(cpu)})"

    def above_floor(function):
        cells = []
        for field in ("jvmToFirstResponseMs", "cpuMs"):
            floor, ours, common = (median(function, impl, field) for impl in ("floor-stream", "ours", "common"))
            if None in (floor, ours, common):
                return "—"
            cells.append(times((ours - floor) / (common - floor)))
        return f"{cells[0]} ({cells[1]})"

    for function in FUNCTIONS:
        lines.append(f"| {function} | {pair(function, 'ours', 'floor')} | {pair(function, 'ours', 'common')} | "
                     f"{above_floor(function)} | {pair(function, 'ours-crt', 'ours')} |")
    lines += [
        "",
        "*Above the floor*: (ours − stream floor) / (common − stream floor), what each build adds to a JVM that "
        "already runs the least handler. *ours / floor* is against the POJO floor, whose own time is mostly the "
        "runtime's event serializer: a POJO handler pays it, ours, a stream handler, does not.",
    ]

    lines += before_and_after(rows, env, median, ratio, times)

    vs_common = ratio(median("setup", "ours", "jvmToFirstResponseMs"), median("setup", "common", "jvmToFirstResponseMs"))
    vs_floor = ratio(median("setup", "ours", "jvmToFirstResponseMs"), median("setup", "floor", "jvmToFirstResponseMs"))
    vs_stream_floor = ratio(median("setup", "ours", "jvmToFirstResponseMs"),
                            median("setup", "floor-stream", "jvmToFirstResponseMs"))
    cpu_vs_common = ratio(median("setup", "ours", "cpuMs"), median("setup", "common", "cpuMs"))
    cpu_vs_floor = ratio(median("setup", "ours", "cpuMs"), median("setup", "floor", "cpuMs"))
    met = lambda ok: "**met**" if ok else "**not met**"

    def paired(function, a, b):
        # ours / common within each round (the two JVMs ran minutes apart at most, under the same
        # machine load): how much the ratio of the medians moves with the noise.
        firsts = {(r["impl"], r["round"]): r["jvmToFirstResponseMs"] for r in rows if r["function"] == function}
        ratios = sorted(firsts[(a, n)] / firsts[(b, n)] for (impl, n) in firsts if impl == a and (b, n) in firsts)
        if not ratios:
            return ""
        within = sum(1 for r in ratios if r <= GOAL_VS_COMMON)
        return (f"; round by round {times(statistics.median(ratios))} median, from {times(ratios[0])} to "
                f"{times(ratios[-1])}, at most {GOAL_VS_COMMON}× in {within} of {len(ratios)} rounds")
    def sdk_floor_line():
        sdk, ours, common = (median("setup", impl, "jvmToFirstResponseMs") for impl in ("sdk", "ours", "common"))
        if None in (sdk, ours, common):
            return "- the SDK floor was not measured"
        return (f"- the SDK floor alone (`SdkFloorHandler`: our SDK clients and a first setup's GenerateDataKey and "
                f"TransactWriteItems, nothing else) is {times(sdk / common)} the common build (CPU "
                f"{times(ratio(median('setup', 'sdk', 'cpuMs'), median('setup', 'common', 'cpuMs')))}): "
                f"no setup on the AWS SDK for Java v2 making these calls gets below that. Ours adds {ours - sdk:.0f} ms "
                f"to it ({times((ours - sdk) / common)} of the common build) for everything of its own: reading the "
                f"request, the secret, Key URI and QR code, the encryption, the audit event and counters, metrics and "
                f"the response; {GOAL_VS_COMMON}× would leave that {GOAL_VS_COMMON * common - sdk:.0f} ms")

    lines += [
        "",
        "Goals of the issue for setup's cold start:",
        "",
        f"- at most {GOAL_VS_COMMON}× the common build: {times(vs_common)} (CPU {times(cpu_vs_common)}), "
        f"{met(vs_common is not None and vs_common <= GOAL_VS_COMMON)}{paired('setup', 'ours', 'common')}",
        sdk_floor_line(),
        f"- within {GOAL_VS_FLOOR:g}× the floor: {times(vs_floor)} (CPU {times(cpu_vs_floor)}), "
        f"{met(vs_floor is not None and vs_floor <= GOAL_VS_FLOOR)}; against the stream floor (the least a Java "
        f"function can do): {times(vs_stream_floor)}, "
        f"{met(vs_stream_floor is not None and vs_stream_floor <= GOAL_VS_FLOOR)}",
        "",
        "Sizes:",
        "",
        f"- deployment package (the zip Lambda downloads at a cold start; limit 50 MB): ours "
        f"{env['oursPackageBytes'] / 1e6:.1f} MB, the common build {env['commonPackageBytes'] / 1e6:.1f} MB",
        f"- deployed jar (`functions/mfa/target/mfa-functions-lambda.jar`, every function), unzipped: "
        f"{env['oursJarBytes'] / 1e6:.1f} MB; its entries are stored, not deflated, for a faster class loading "
        f"(the package's zip compresses it, better than per entry)",
        f"- the common build's class path (its classes and {env['commonClasspathJars'] - 1} dependency jars, as `sam build` "
        f"puts them in `lib/`), unzipped: {env['commonClasspathBytes'] / 1e6:.1f} MB",
        f"- the floor's class path (Lambda core and events): {env['floorClasspathBytes'] / 1e6:.1f} MB",
        f"- what the CRT HTTP client adds to our jar (aws-crt-client, crt-core, aws-crt with the native libraries "
        f"of every platform; a platform classifier of aws-crt would cut most of that): {env['crtExtraBytes'] / 1e6:.1f} MB",
        "",
        f"Measured on {env['cpu']} ({env['cpus']} CPUs"
        + (f"; each measured JVM pinned to CPU {env['measuredCpus']}" if env.get('measuredCpus') else "")
        + f", {env['machine']}), {env['java']}; load average "
        f"{env['loadBefore']:.1f} before, {env.get('loadAfter', float('nan')):.1f} after. Not Lambda: the "
        "functions run on java21/arm64 with 1024 MB and SnapStart (template.yaml), and DynamoDB and KMS are "
        "moto on localhost; the ratios carry over better than the milliseconds. "
        + ("Moto spoke TLS in this run (`TLS=1`: a self-signed RSA 2048 certificate for 127.0.0.1, trusted by "
           "each JVM through `javax.net.ssl.trustStore`), so each JVM's first calls made TLS handshakes, as "
           "they do to AWS's endpoints (JSSE for URLConnection and Apache, native code for CRT)."
           if env.get("tls") else
           "Moto speaks plain HTTP, so the TLS handshakes of the first calls to AWS are not in these numbers "
           "(JSSE for URLConnection and Apache, native code for CRT; `TLS=1` puts them in): the CRT comparison "
           "leaves out the part where CRT may differ most."),
        END,
    ]
    section = "\n".join(lines)

    if os.path.exists(doc_file):
        text = open(doc_file).read()
    else:
        text = ("# Performance\n\nMeasurements, each written by its script (`make bench`); "
                "each section is replaced only between its markers.\n")
    if BEGIN in text and END in text:
        before, rest = text.split(BEGIN, 1)
        after = rest.split(END, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    with open(doc_file, "w") as f:
        f.write(text)

    # The summary on the terminal too.
    print(f"cold start, medians of {'/'.join(map(str, counts))} JVMs (first response, ms from JVM start):")
    for function in FUNCTIONS:
        cells = [f"{impl} {ms(median(function, impl, 'jvmToFirstResponseMs'))}" for impl in IMPLS if (function, impl) in by]
        print(f"  {function:8s} " + ", ".join(cells))
    print(f"setup: ours/common {times(vs_common)} (goal ≤ {GOAL_VS_COMMON}×), ours/floor {times(vs_floor)} "
          f"(goal ≤ {GOAL_VS_FLOOR:g}×); written to {doc_file}")


def before_and_after(rows, env, median, ratio, times):
    """With BASELINE: the baseline's deployed jar against ours, function by function, in the same rounds."""
    functions = [f for f in FUNCTIONS if any(r["function"] == f and r["impl"] == "ours-before" for r in rows)]
    if not functions:
        return []
    lines = [
        "",
        f"Before and after, side by side in the same rounds: *before* is the deployed jar built from "
        f"{env.get('baseline')} (its own source tree and build, prepared by its own handlers), *after* the deployed "
        f"jar of {env.get('commit', 'this commit')}. *Paired* compares the two JVMs of each round (they ran seconds "
        "apart, under the same load).",
        "",
        "| function | before: first response (ms) | after (ms) | after / before | paired difference, median (ms) | "
        "after slower in | CPU before → after (ms) | ratio to the common build: before → after | classes loaded |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    goal = []
    for function in functions:
        field = "jvmToFirstResponseMs"
        by_round = {(r["impl"], r["round"]): r for r in rows if r["function"] == function}
        pairs = [(by_round[("ours-before", n)], by_round[("ours", n)]) for (impl, n) in by_round
                 if impl == "ours-before" and ("ours", n) in by_round]
        differences = sorted(after[field] - before[field] for before, after in pairs)
        cpu_differences = sorted(after["cpuMs"] - before["cpuMs"] for before, after in pairs)
        slower = sum(1 for d in differences if d > 0)
        before, after, common = (median(function, impl, field) for impl in ("ours-before", "ours", "common"))
        change = ratio(after, before)
        to_common = (f"{times(ratio(before, common))} → {times(ratio(after, common))}" if common else "—")
        lines.append(
            f"| {function} | {before:.0f} | {after:.0f} | **{times(change)}** | {statistics.median(differences):+.0f} "
            f"(CPU {statistics.median(cpu_differences):+.0f}) | {slower} of {len(pairs)} pairs | "
            f"{median(function, 'ours-before', 'cpuMs'):.0f} → {median(function, 'ours', 'cpuMs'):.0f} | {to_common} | "
            f"{median(function, 'ours-before', 'classesLoaded'):,.0f} → {median(function, 'ours', 'classesLoaded'):,.0f} |")
        if function == GOAL_VS_BEFORE_FUNCTION:
            # Three readings of one goal: the medians' ratio, the median of the pairs' ratios (each pair
            # ran under the same load) and the CPU medians' ratio (least disturbed by other work). On a
            # shared machine they can disagree; the verdict says so rather than pick the kindest.
            paired_ratios = sorted(after[field] / before[field] for before, after in pairs)
            paired = statistics.median(paired_ratios)
            cpu = ratio(median(function, "ours", "cpuMs"), median(function, "ours-before", "cpuMs"))
            readings = [change, paired, cpu]
            if all(r <= GOAL_VS_BEFORE for r in readings):
                verdict = "**met**"
            elif all(r > GOAL_VS_BEFORE for r in readings):
                verdict = "**not met**"
            else:
                verdict = ("**not settled**: the three readings fall on both sides of "
                           f"{times(GOAL_VS_BEFORE)} (more pairs, or a quieter machine, needed)")
            goal.append(
                f"- {function}'s cold start at most {GOAL_VS_BEFORE - 1:.0%} above before: medians {times(change)} "
                f"({(change - 1) * 100:+.1f} %), pair by pair {times(paired)} median (from {times(paired_ratios[0])} to "
                f"{times(paired_ratios[-1])}), CPU {times(cpu)} ({(cpu - 1) * 100:+.1f} %): {verdict}")
    return lines + [""] + goal


if __name__ == "__main__":
    main(*sys.argv[1:])
