#!/usr/bin/env python3
"""The recovery-code hash key, both designs: medians, ratios and cost, from tools/bench-recovery-key.sh.

Reads the JSON lines of io.serverlessmfa.bench.recoverykey.RecoveryKeyBench (one per measurement and
round), writes the summary to a JSON file and the section between <!-- recovery-key:begin --> and
<!-- recovery-key:end --> of docs/performance.md. Prices and the container assumption are
tools/bench-cost.py's own (imported, not copied), so the two sections price alike.

usage: tools/bench_recovery_key_report.py results.jsonl summary.json docs/performance.md rounds warm-up load-before
"""
import importlib.util
import json
import os
import platform
import re
import statistics
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
spec = importlib.util.spec_from_file_location("bench_cost", HERE / "bench-cost.py")
cost = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cost)

MEASURES = {
    "sealed-cold": "sealed key, cold: a new `SealedRecoveryCodeKey(...).current()` on the existing key item (GetItem + Decrypt)",
    "sealed-hash": "sealed key, warm: one code hashed (`RecoveryCodeHasher.hash`: a 128-bit salt, SHA-256, HMAC-SHA-256)",
    "sealed-check": "sealed key, warm: one code checked against one stored hash (`RecoveryCodeHasher.findMatch`)",
    "kms-generate-mac": "KMS HMAC key: one `GenerateMac` (HMAC_SHA_256) of the same message, per code issued",
    "kms-verify-mac": "KMS HMAC key: one `VerifyMac` of the same message, per stored hash checked",
}
# Paired, round by round: (numerator, denominator, what the ratio says).
RATIOS = [
    ("sealed-cold", "kms-generate-mac", "a container's unsealing against one KMS MAC call"),
    ("kms-generate-mac", "sealed-hash", "issuing a code: KMS GenerateMac against the local hash"),
    ("kms-verify-mac", "sealed-check", "checking a code: KMS VerifyMac against the local check"),
]


def routes(n):
    """Per route, with n recovery codes per user: (codes hashed, stored hashes checked)."""
    return [("`POST /mfa/confirm`", f"issues {n}", n, 0),
            ("`POST /mfa/recovery-codes` (regenerate)", f"issues {n}", n, 0),
            ("`POST /mfa/recover`", f"checks {n}, issues 1", 1, n),
            ("`POST /mfa/remove` with a recovery code", f"checks {n}", 0, n)]


def fmt_ms(nanos):
    ms = nanos / 1e6
    return f"{ms:,.1f} ms" if ms >= 1 else f"{nanos / 1e3:,.0f} µs"


def fmt_usd(x):
    if x == 0:
        return "$0"
    if x >= 0.01:
        return f"${x:,.2f}" if x >= 1 or round(x, 2) == round(x, 3) else f"${x:,.3f}"
    return f"${x:.6f}".rstrip("0")


def main():
    results, summary_path, doc, rounds, warmup, load_before = sys.argv[1:7]
    rows = [json.loads(line) for line in Path(results).read_text(encoding="utf-8").splitlines() if line.strip()]
    by = {}
    for row in rows:
        by.setdefault(row["measure"], []).append(row)
    assert set(by) == set(MEASURES), f"measures {sorted(by)}, not {sorted(MEASURES)}"
    n_rounds = min(len(rs) for rs in by.values())

    def q(values, p):
        values = sorted(values)
        return values[min(len(values) - 1, int(p * len(values)))]

    stats = {}
    for name, rs in by.items():
        wall = [r["nanos"] for r in rs]
        cpu = [r["cpuNanos"] for r in rs]
        trips = {r["roundTrips"] for r in rs}
        assert len(trips) == 1, f"{name}: round trips vary: {trips}"
        stats[name] = {"medianNanos": statistics.median(wall), "p10Nanos": q(wall, 0.1), "p90Nanos": q(wall, 0.9),
                       "medianCpuNanos": statistics.median(cpu), "roundTrips": trips.pop(), "samples": len(rs)}
    per_round = {}
    for row in rows:
        per_round.setdefault(row["round"], {})[row["measure"]] = row
    ratios = []
    for num, den, label in RATIOS:
        paired = [r[num]["nanos"] / r[den]["nanos"] for r in per_round.values() if num in r and den in r]
        ratios.append({"numerator": num, "denominator": den, "label": label,
                       "ofMedians": stats[num]["medianNanos"] / stats[den]["medianNanos"],
                       "pairedMedian": statistics.median(paired), "pairedMin": min(paired), "pairedMax": max(paired),
                       "cpuOfMedians": stats[num]["medianCpuNanos"] / stats[den]["medianCpuNanos"],
                       "pairs": len(paired)})

    template = Path("template.yaml").read_text(encoding="utf-8")
    gb = cost.memory_gb(template)
    default_codes = int(re.search(r"RecoveryCodeCount:\s*\n\s+Type: Number\s*\n\s+Default: (\d+)", template).group(1))
    max_codes = int(re.search(r"RecoveryCodeCount:(?:.*\n){1,4}?\s+MaxValue: (\d+)", template).group(1))
    # The cost section's assumption for the signing key, reused: C containers serving the reference load, each
    # replaced every CONTAINER_LIFETIME_S; container starts per 1M requests of one function.
    seconds_per_million = 1e6 / cost.VERIFICATIONS_PER_SECOND
    starts = cost.VERIFY_CONTAINERS * seconds_per_million / cost.CONTAINER_LIFETIME_S
    read_units = 1.0   # GetItem, strongly consistent, of an item under 4 KB (the sealed key: about 200 B)
    kms_ms = cost.LATENCY_MS["Decrypt"]
    lambda_per_ms = gb * cost.LAMBDA_GB_SECOND_ARM64 / 1000 * 1e6      # $ per 1M requests per ms of duration
    sealed_per_start = cost.KMS_REQUEST + read_units * cost.DYNAMODB_READ_UNIT
    sealed_per_start_time = (cost.LATENCY_MS["GetItem"] + kms_ms) * gb * cost.LAMBDA_GB_SECOND_ARM64 / 1000

    def route_rows(n):
        out = []
        for route, what, hashed, checked in routes(n):
            k = hashed + checked
            sealed = starts * sealed_per_start      # per 1M requests: the container starts among them pay once
            out.append({"route": route, "codes": what, "kmsPerRequestHmac": k,
                        "hmacKmsPerMillion": k * 1e6, "hmacKmsUsd": k * 1e6 * cost.KMS_REQUEST,
                        "hmacLambdaUsd": k * kms_ms * lambda_per_ms,
                        "sealedKmsPerMillion": starts, "sealedGetItemsPerMillion": starts,
                        "sealedUsd": sealed, "sealedLambdaUsd": starts * sealed_per_start_time,
                        "worstSealedUsd": 1e6 * sealed_per_start,
                        "hmacWarmNanos": hashed * stats["kms-generate-mac"]["medianNanos"]
                                         + checked * stats["kms-verify-mac"]["medianNanos"],
                        "sealedWarmNanos": hashed * stats["sealed-hash"]["medianNanos"]
                                           + checked * stats["sealed-check"]["medianNanos"],
                        "hmacTrips": k})
            out[-1]["sealedColdNanos"] = out[-1]["sealedWarmNanos"] + stats["sealed-cold"]["medianNanos"]
        return out

    per_route = {n: route_rows(n) for n in (default_codes, max_codes)}
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    cpu_model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")),
                     platform.machine())
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()
    load_after = os.getloadavg()[0]
    summary = {"commit": commit, "date": f"{datetime.now(timezone.utc):%Y-%m-%d}", "rounds": int(rounds),
               "warmUpRounds": int(warmup), "cpu": cpu_model, "cpus": os.cpu_count(),
               "java": java[1] if len(java) > 1 else java[0], "loadBefore": float(load_before), "loadAfter": load_after,
               "measures": stats, "ratios": ratios, "containerStartsPerMillion": starts,
               "kmsRequestUsd": cost.KMS_REQUEST, "dynamoDbReadUnitUsd": cost.DYNAMODB_READ_UNIT,
               "routes": {str(n): rs for n, rs in per_route.items()}}
    Path(summary_path).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")

    s = stats
    measured = ["| measurement | round trips | median | 10th–90th percentile | client CPU (median) |",
                "|---|--:|--:|--:|--:|"]
    for name, label in MEASURES.items():
        measured.append(f"| {label} | {s[name]['roundTrips']} | **{fmt_ms(s[name]['medianNanos'])}** | "
                        f"{fmt_ms(s[name]['p10Nanos'])} – {fmt_ms(s[name]['p90Nanos'])} | {fmt_ms(s[name]['medianCpuNanos'])} |")
    ratio_lines = ["| ratio | of the medians | round by round (median, min – max) | client CPU |", "|---|--:|--:|--:|"]
    for r in ratios:
        ratio_lines.append(f"| {r['numerator']} / {r['denominator']}: {r['label']} | **{r['ofMedians']:,.1f}×** | "
                           f"{r['pairedMedian']:,.1f}× ({r['pairedMin']:,.1f}× – {r['pairedMax']:,.1f}×) | "
                           f"{r['cpuOfMedians']:,.1f}× |")

    def cost_table(n):
        lines = ["| route | recovery codes | KMS HMAC key: KMS requests per 1M | its cost per 1M (KMS; + Lambda time in the model) "
                 "| sealed key: Decrypts + GetItems per 1M | its cost per 1M (KMS + DynamoDB; + Lambda time) "
                 "| sealed key if every request started a container |",
                 "|---|---|--:|--:|--:|--:|--:|"]
        for r in per_route[n]:
            lines.append(f"| {r['route']} | {r['codes']} | {r['hmacKmsPerMillion']:,.0f} | **{fmt_usd(r['hmacKmsUsd'])}** "
                         f"(+{fmt_usd(r['hmacLambdaUsd'])}) | {starts:.1f} + {starts:.1f} | **{fmt_usd(r['sealedUsd'])}** "
                         f"(+{fmt_usd(r['sealedLambdaUsd'])}) | {fmt_usd(r['worstSealedUsd'])} |")
        return "\n".join(lines)

    def latency_table(n):
        lines = ["| route | recovery codes | KMS HMAC key, every request (round trips) | sealed key, warm container "
                 "| sealed key, a container's first recovery code (round trips) |", "|---|---|--:|--:|--:|"]
        for r in per_route[n]:
            lines.append(f"| {r['route']} | {r['codes']} | {fmt_ms(r['hmacWarmNanos'])} ({r['hmacTrips']}) | "
                         f"{fmt_ms(r['sealedWarmNanos'])} (0) | {fmt_ms(r['sealedColdNanos'])} (2) |")
        return "\n".join(lines)

    cold, gen, ver = s["sealed-cold"]["medianNanos"], s["kms-generate-mac"]["medianNanos"], s["kms-verify-mac"]["medianNanos"]
    # Codes a container must handle before the sealed key is ahead: 2 round trips once against 1 per code.
    local = s["sealed-hash"]["medianNanos"]
    ahead = int(cold // (gen - local)) + 1 if gen > local else None
    ordinal = {1: "first", 2: "second", 3: "third"}.get(ahead, f"{ahead}th")
    on_moto = ", on moto's timings too" if ahead == 3 else f"; on moto's timings, from its {ordinal}"
    vcpu = min(1.0, gb * 1024 / cost.LAMBDA_MB_PER_VCPU)
    busy = ""
    if float(load_before) > (os.cpu_count() or 1) * 0.75:
        busy = (f" **The machine was busy** (1-minute load average {float(load_before):.1f} on {os.cpu_count()} CPUs at "
                "the start, this script's own Maven build just before included): wall times are inflated; the "
                "round-by-round ratios and the round trips are the figures to read.")
    section = f"""## Recovery-code hash key

Written by `tools/bench-recovery-key.sh` (`make bench`); do not edit between the markers. Recovery codes are
stored as keyed hashes bound to the user (`RecoveryCodeHasher`: HMAC-SHA-256 over the salted SHA-256 of the code
and the user id), so that someone who can write the table but not use KMS cannot plant a code of their choice
(issue 15). The key must be one only the functions can use through KMS. Two designs do that:

- **Sealed key (chosen; `SealedRecoveryCodeKey`).** 256 bits that KMS made (`GenerateDataKey`, once per
  deployment), stored sealed in one item of the table, unsealed once per container (a strongly consistent
  GetItem and a `Decrypt` under the purpose `mfa-recovery-code-key`) at the first recovery code it hashes or
  checks; after that, every hash and check is a local HMAC. With SnapStart the key is dropped before the
  snapshot and unsealed again after each restore, which counts as a container start here.
- **KMS HMAC key** (the alternative, not built): a KMS key of spec `HMAC_256` and usage
  `GENERATE_VERIFY_MAC`; one `GenerateMac` per code issued (confirm issues `MFA_RECOVERY_CODE_COUNT` codes,
  default {default_codes}; regenerate the same; recover 1) and one `VerifyMac` per stored hash checked (recover,
  and remove with a recovery code: `findMatch` checks every stored hash, each under its own salt), on every
  request, warm or cold. The key never leaves KMS.

**Measured** side by side in one JVM with Lambda's flags (`-XX:+TieredCompilation -XX:TieredStopAtLevel=1
-XX:+UseSerialGC`), through the functions' own SDK clients (`AwsClients`: URLConnection, the same timeouts and
retries) against moto on localhost: {n_rounds} rounds after {warmup} unrecorded ones, each round running the five
measurements once in an order that rotates from round to round. Every HTTP request the clients sent was counted
(an SDK interceptor on this bench's class path only); every measurement checked its result (the same key
unsealed, the code matched, the MAC valid) and its round trips, or the run would have failed. The KMS HMAC key
(`HMAC_256`) was made in moto once, before the rounds; the message MACed is the one `RecoveryCodeHasher` MACs
({32 + 4 + 36 + 32} bytes for a UUID user id).

{chr(10).join(measured)}

Ratios, of the medians and round by round (each round's measurements ran milliseconds apart, under the same load):

{chr(10).join(ratio_lines)}

*Client CPU* is the measuring thread's CPU time (the SDK's marshalling, SigV4 signing, HTTP and parsing; for the
local measurements, all of it), not moto's. The warm hash includes drawing its 128-bit salt from `SecureRandom`.

**Moto's latency is not AWS's.** Moto is a Python server on the same 2 CPUs, serving one request at a time, on
localhost: its milliseconds are its own handling, not a network's nor KMS's, and this repository cites no
measured AWS KMS latency to put in their place. What carries over is the shape: the sealed key costs **2 round
trips once per container** (GetItem, then Decrypt, in series) and nothing afterwards (µs of local CPU); the KMS
HMAC key costs **1 round trip per code issued or checked, on every request**. Whatever one KMS call takes in AWS,
a container's unsealing is one GetItem and one KMS call, in series, once ({cold / gen:.1f}× one `GenerateMac` on
moto): counted in round trips the two designs are level at a container's second code (2 against 2) and the
sealed key is ahead from its third{on_moto}.
The unsealing was measured in a warm JVM, its connections open and the SDK's classes loaded: the two round trips
alone, as in a container whose first request has already made a DynamoDB and a KMS call (a new connection's
TLS handshake and a first call's class loading are not in it). The client CPU per KMS call ({fmt_ms(s['kms-generate-mac']['medianCpuNanos'])} here, with C1 only) is
paid in the function whatever the network; at {gb * 1024:.0f} MB a function has {vcpu:.2f} of a vCPU.

**Latency each design adds to a route, as measured on moto** (the medians above, times the codes hashed and the
stored hashes checked; {default_codes} recovery code per user, the default):

{latency_table(default_codes)}

With {max_codes} codes per user (`MFA_RECOVERY_CODE_COUNT`'s maximum) the KMS HMAC key makes {max_codes} calls on
confirm and regenerate and {max_codes + 1} on recover, in series unless the function ran them in parallel:

{latency_table(max_codes)}

**Cost per 1M requests of each route**, at tools/bench-cost.py's list prices: {fmt_usd(cost.KMS_REQUEST * 10_000)}
per 10,000 KMS requests (`GenerateMac`, `VerifyMac` and `Decrypt` alike), {fmt_usd(cost.DYNAMODB_READ_UNIT * 1e6)}
per million read request units (the key's GetItem is strongly consistent: 1 RRU for an item under 4 KB, not 0.5).
The container starts are the cost section's assumption for the signing key, reused: C = {cost.VERIFY_CONTAINERS}
containers serving {cost.VERIFICATIONS_PER_SECOND:,} requests/s, each replaced every
{cost.CONTAINER_LIFETIME_S // 60} minutes (AWS does not say how long an execution environment lives), so 1M
requests ({seconds_per_million:,.0f} s) see {starts:.1f} container starts per function. The Lambda time in
brackets is the cost model's, not a measurement: its assumed {kms_ms} ms per KMS call and
{cost.LATENCY_MS['GetItem']} ms per GetItem (tools/bench-cost.py), at {gb * 1024:.0f} MB
(${lambda_per_ms:.4f} per 1M requests per millisecond). The last column is the bound: every request in a
new container.

{cost_table(default_codes)}

With {max_codes} codes per user:

{cost_table(max_codes)}

The sealed key costs fewer KMS requests than the HMAC key whenever fewer containers start than requests arrive;
at the bound (every request a new container) it costs one Decrypt and one GetItem per request, the same KMS
requests as the HMAC key's one call on a route that issues or checks one code, and half those of recover. The
one-time costs are left out of both columns: the sealed key's `GenerateDataKey` and PutItem once per deployment;
the HMAC key's second KMS key (a symmetric encryption key cannot make MACs), billed monthly like every KMS key.

**The decision: the sealed key.** Both give the same protection against a table-only writer: the key is not in
the table in a usable form, and only the four functions that hash recovery codes (and the one-time
`RecoveryHashUpgradeFunction`) may unseal it, under the key policy's purpose condition (docs/security.md). The sealed key makes no KMS request after a container's first, where the
HMAC key makes one per code issued or checked and puts a KMS round trip in series on every confirm, recover,
regenerate and removal with a recovery code, warm or cold; and the functions' shrunk KMS client
(`functions/mfa/client-shrink.pro`, which keeps only the operations the functions call) would carry two more
operations, more classes at every cold start (not measured here). What the sealed key gives up: the key is in the function's memory while it runs, as the token signing key
and the TOTP data keys already are, and CloudTrail shows one Decrypt per container, not one call per code.

Run: {n_rounds} rounds (+{warmup} warm-up), {cpu_model} ({os.cpu_count()} CPUs), {summary['java']}; load average
{float(load_before):.1f} before, {load_after:.1f} after. Commit {commit}, {summary['date']}.{busy} Reproduce:
`tools/bench-recovery-key.sh` (`ROUNDS`, at least 30; `WARMUP`); raw rows in `target/bench/recovery-key.jsonl`,
the summary in `target/bench/recovery-key.json`.
"""
    begin, end = "<!-- recovery-key:begin -->", "<!-- recovery-key:end -->"
    block = f"{begin}\n{section}{end}"
    path = Path(doc)
    text = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    if begin in text and end in text:
        text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
    print("\n".join(measured))
    print()
    print("\n".join(ratio_lines))
    print(f"wrote the recovery-key section of {doc} and {summary_path}")


if __name__ == "__main__":
    main()
