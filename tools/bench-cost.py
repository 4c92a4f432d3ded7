#!/usr/bin/env python3
"""AWS calls and cost per operation, and the capacity math for KMS and DynamoDB.

Reads the calls and DynamoDB capacity that AwsCallsPerOperationIT counted (through SDK execution
interceptors on the functions' own clients) and the memory size of template.yaml, prices them at
list prices and writes the section between <!-- cost:begin --> and <!-- cost:end --> of
docs/performance.md.

usage: tools/bench-cost.py functions/mfa/target/aws-calls.json docs/performance.md [data-key-cache.txt] [warm-c1.json]

warm-c1.json: JMH's results of tools/bench-warm.sh (C1 only, as deployed), for the CPU of one MFA token
(TokenSigning.token); without it the tokens' CPU is left out of the model and said so.
"""
import json
import math
import re
import sys
from pathlib import Path

# List prices, us-east-1 (aws.amazon.com/<service>/pricing), in USD. Change them here.
LAMBDA_GB_SECOND_ARM64 = 0.0000133334
LAMBDA_REQUEST = 0.20 / 1e6
HTTP_API_REQUEST = 1.00 / 1e6          # first 300 million a month
DYNAMODB_WRITE_UNIT = 0.625 / 1e6      # on-demand write request unit
DYNAMODB_READ_UNIT = 0.125 / 1e6       # on-demand read request unit
KMS_REQUEST = 0.03 / 10_000

# A model, not a measurement (no AWS here): typical in-region latencies of one call, and the
# functions' own CPU time per request; billed duration is their sum, rounded up to 1 ms.
LATENCY_MS = {"GetItem": 4, "PutItem": 6, "TransactWriteItems": 12, "Query": 5, "BatchGetItem": 5,
              "Decrypt": 8, "GenerateDataKey": 8, "Encrypt": 8}
OWN_CPU_MS = 2
# Lambda gives a function one vCPU at 1,769 MB, proportionally less below (AWS Lambda Developer Guide,
# "Configuring Lambda function memory"): CPU time measured here takes this much longer there.
LAMBDA_MB_PER_VCPU = 1769
# The MFA token signing keys (functions/token): a container reads them again every 5 minutes
# (KeySchedule.REFRESH_INTERVAL: one GetItem) and unseals the current one once per container and
# key (one Decrypt); rotation makes a new key every 30 days (template.yaml's default schedule).
KEY_REFRESH_S = 300
KEY_ROTATION_S = 30 * 86400
# How long a verify container lives: an assumption (AWS does not document it); each start costs the
# signing key's GetItem and Decrypt once.
CONTAINER_LIFETIME_S = 3600

# The reference load of the capacity math (issue: 10M users, 1,000 verifications per second).
USERS = 10_000_000
VERIFICATIONS_PER_SECOND = 1_000
VERIFY_CONTAINERS = 30                  # ~1,000/s x ~20 ms, with headroom
ENROLMENT_DAYS = 90                     # the rollout: 10M users set up MFA over 90 days
SETUP_CONTAINER_HOURS_PER_DAY = 2 * 10  # two setup containers busy ten hours a day
MAX_AGE_S = 900                         # DataKeyCaching.DEFAULT
MAX_USES = 10_000
KMS_QUOTA_DEFAULT = 5_500               # symmetric cryptographic requests per second, most regions
KMS_QUOTA_LARGE = 50_000                # us-east-1, us-west-2, eu-west-1
DYNAMODB_TABLE_QUOTA = 40_000           # on-demand read and write units per second, per table (default)
PARTITION_WRITE_LIMIT = 1_000           # write units per second, per partition key


def memory_gb(template: str) -> float:
    match = re.search(r"^\s+MemorySize:\s*(\d+)", template, re.MULTILINE)
    return int(match.group(1)) / 1024


def duration_ms(calls, extra_ms=0.0):
    return OWN_CPU_MS + extra_ms + sum(LATENCY_MS.get(call.split()[-1], 5) for call in calls)


def cost(calls, read_units, write_units, gb, kms_calls, extra_ms=0.0):
    """Dollars per million requests, by service."""
    per_million = 1e6
    lambda_cost = LAMBDA_REQUEST + math.ceil(duration_ms(calls, extra_ms)) / 1000 * gb * LAMBDA_GB_SECOND_ARM64
    dynamodb = read_units * DYNAMODB_READ_UNIT + write_units * DYNAMODB_WRITE_UNIT
    kms = kms_calls * KMS_REQUEST
    parts = {"lambda": lambda_cost, "api": HTTP_API_REQUEST, "dynamodb": dynamodb, "kms": kms}
    parts["total"] = sum(parts.values())
    return {name: value * per_million for name, value in parts.items()}


def kms_calls(calls):
    return sum(1 for call in calls if call.startswith("Kms "))


def without(calls, removed):
    """calls less one occurrence of each of removed (the signing key's, made once per container)."""
    rest = list(calls)
    for call in removed:
        rest.remove(call)
    return rest


def signs(row):
    """Whether an operation signs an MFA token: its container unseals the signing key."""
    return "Kms Decrypt" in row.get("coldSigningKeys", [])


def token_cpu_us(warm_json):
    """One MFA token's CPU (µs, C1 only) from tools/bench-warm.sh's JMH results, or None."""
    if not warm_json or not Path(warm_json).exists():
        return None
    for row in json.loads(Path(warm_json).read_text(encoding="utf-8")):
        if row["benchmark"].endswith("TokenSigning.token"):
            secondary = {k.lstrip("\u00b7"): v for k, v in row["secondaryMetrics"].items()}
            return secondary["cpu.thread"]["score"]
    return None


def misses_per_second(containers, keys, max_age_s, rate):
    """Unwraps per second: each container holds each data key max_age_s after unwrapping it, so
    per container and key one miss per (max_age_s + mean wait for the next request of that key)."""
    per_key_rate = rate / (containers * keys)
    return containers * keys / (max_age_s + 1 / per_key_rate)


def first_request(row):
    """The calls of a container's first request; the signing key's marked with a dagger."""
    keys = list(row.get("coldSigningKeys", []))
    names = []
    for call in row["cold"]:
        if call in keys:
            keys.remove(call)
            names.append(call.split()[-1] + "†")
        else:
            names.append(call.split()[-1])
    return f"{len(names)}: {', '.join(names)}"


def section(counted, gb, measured=None, token_us=None):
    data_keys = ENROLMENT_DAYS * SETUP_CONTAINER_HOURS_PER_DAY * 3600 / MAX_AGE_S + USERS / MAX_USES
    miss = misses_per_second(VERIFY_CONTAINERS, data_keys, MAX_AGE_S, VERIFICATIONS_PER_SECOND)
    miss_ratio = miss / VERIFICATIONS_PER_SECOND
    vcpu = gb * 1024 / LAMBDA_MB_PER_VCPU
    token_ms = None if token_us is None else token_us / 1000 / min(vcpu, 1)
    sign_ms = lambda row: token_ms if token_ms is not None and signs(row) else 0.0
    out = ["## AWS calls and cost per operation", "",
           "Counted by `AwsCallsPerOperationIT` through SDK execution interceptors on the functions' own clients "
           "(one count per API call; the SDK's retries are not calls), for the first request a container serves and "
           "for a warm one (its data key cached). DynamoDB capacity of the warm request by the on-demand billing "
           "rules (item sizes measured on the stored items). Cost per 1M at list prices (us-east-1, arm64, "
           f"{gb * 1024:.0f} MB as in template.yaml); Lambda duration is a model: {OWN_CPU_MS} ms of our own CPU plus "
           "typical in-region latencies per call (" + ", ".join(f"{k} {v} ms" for k, v in LATENCY_MS.items()) + ")"
           + (f", plus, for the operations that sign an MFA token (confirm, verify, recover), one token's CPU: "
              f"{token_us:,.0f} µs measured with JMH (C1 only, as deployed; warm-cost section) on this machine, "
              f"{token_ms:.2f} ms on the {vcpu:.2f} vCPU of {gb * 1024:.0f} MB" if token_ms is not None else
              "; the MFA token's signing CPU is not in it (no JMH results given)") + ".",
           "",
           "| Operation | AWS calls, warm | First request of a container | RRU | WRU | $ per 1M, warm | $ per 1M, KMS every time |",
           "|---|---|---|---|---|---|---|"]
    for operation, row in counted.items():
        # "KMS every time": the data key's Decrypt on every request (MFA_DATA_KEY_MAX_AGE_SECONDS=0); the
        # signing key's calls stay once per container whatever that setting.
        per_request = without(row["cold"], row.get("coldSigningKeys", []))
        warm = cost(row["warm"], row["readUnits"], row["writeUnits"], gb, kms_calls(row["warm"]), sign_ms(row))
        cold = cost(per_request, row["readUnits"], row["writeUnits"], gb, kms_calls(per_request), sign_ms(row))
        out.append(f"| `{operation}` | {len(row['warm'])}: {', '.join(c.split()[-1] for c in row['warm'])} | "
                   f"{first_request(row)} | {row['readUnits']:g} | "
                   f"{row['writeUnits']:g} | {warm['total']:.2f} | {cold['total']:.2f} |")
    out += ["",
            "† once per container for the MFA token signing keys, not per request: confirm, verify and recover read "
            "the keys (GetItem) and unseal the current one (Decrypt); the helpdesk's routes read the published keys to "
            f"check the operator's token. A container reads the keys again every {KEY_REFRESH_S // 60} minutes (one "
            "GetItem) and unseals a new key once after each rotation. Not in the per-request costs; amortized below."]
    verify = counted["POST /mfa/verify"]
    verify_per_request = without(verify["cold"], verify.get("coldSigningKeys", []))
    direct = cost(verify_per_request, verify["readUnits"], verify["writeUnits"], gb, 1, sign_ms(verify))
    cached = cost(verify["warm"], verify["readUnits"], verify["writeUnits"], gb, miss_ratio, sign_ms(verify))
    unsigned = cost(verify["warm"], verify["readUnits"], verify["writeUnits"], gb, miss_ratio)
    out += ["",
            "### The cost lever: KMS per verification", "",
            f"With a KMS Decrypt per verification (`MFA_DATA_KEY_MAX_AGE_SECONDS=0`), one verification costs "
            f"${direct['total']:.2f} per 1M, of which KMS ${direct['kms']:.2f} ({direct['kms'] / direct['total']:.0%}), "
            f"the HTTP API ${direct['api']:.2f}, DynamoDB ${direct['dynamodb']:.2f}, Lambda ${direct['lambda']:.2f}. "
            "`EnvelopeSecretCipher` seals each secret with an AES-256-GCM data key that KMS hands out and wraps "
            "(the AWS Encryption SDK's caching pattern): a container reuses a data key for at most "
            f"{MAX_AGE_S // 60} minutes and {MAX_USES:,} secrets, and keeps unwrapped keys for at most "
            f"{MAX_AGE_S // 60} minutes, so a verification needs KMS only when its container has not unwrapped "
            "that user's data key in the last 15 minutes. Same guarantees: the table alone opens nothing (data "
            "keys are wrapped by the KMS key), a ciphertext copied to another user fails the GCM tag (the user id "
            "is authenticated data), setup cannot decrypt (kms:GenerateDataKey only), and a disabled KMS key stops "
            f"working everywhere within {MAX_AGE_S // 60} minutes. What is given up: CloudTrail shows one Decrypt "
            "per data key and container, not one per user.",
            "",
            "### Capacity math: 10M users, 1,000 verifications per second", "",
            f"- **Data keys in use.** A rollout of {USERS / 1e6:.0f}M users over {ENROLMENT_DAYS} days with "
            f"{SETUP_CONTAINER_HOURS_PER_DAY} setup-container-hours a day makes at most "
            f"{ENROLMENT_DAYS * SETUP_CONTAINER_HOURS_PER_DAY * 3600 // MAX_AGE_S:,.0f} data keys by age and "
            f"{USERS // MAX_USES:,} by uses: K ≈ {data_keys:,.0f} (each wraps ~{USERS / data_keys:,.0f} users' "
            "secrets; the 10,000-entry cache holds them all, about 3 MB).",
            f"- **KMS.** Without caching: {VERIFICATIONS_PER_SECOND:,} Decrypt/s, "
            f"{VERIFICATIONS_PER_SECOND / KMS_QUOTA_DEFAULT:.0%} of the default shared quota of "
            f"{KMS_QUOTA_DEFAULT:,} symmetric requests/s ({VERIFICATIONS_PER_SECOND / KMS_QUOTA_LARGE:.0%} of "
            f"{KMS_QUOTA_LARGE:,} in the largest regions), shared with every other KMS user of the account. "
            f"With caching, C = {VERIFY_CONTAINERS} warm verify containers, each unwrapping a key at most once "
            f"per {MAX_AGE_S // 60} minutes: C·K / (max age + C·K / rate) = {miss:,.0f} Decrypt/s, "
            f"a miss ratio of {miss_ratio:.0%}, {miss / KMS_QUOTA_DEFAULT:.1%} of the default quota. "
            f"Cost per 1M verifications: ${cached['total']:.2f} instead of ${direct['total']:.2f} "
            f"({1 - cached['total'] / direct['total']:.0%} less). "
            + (f"The model is measured, not assumed: {measured.strip()} (`DataKeyCacheWorkloadIT`: Poisson "
               "arrivals on a simulated clock, every KMS call counted on the wire). " if measured else "")
            + "Longer max ages trade revocation latency for "
            "fewer calls: " + ", ".join(
                f"{age // 60} min → {misses_per_second(VERIFY_CONTAINERS, data_keys, age, VERIFICATIONS_PER_SECOND):,.0f}/s"
                for age in (300, 900, 3600)) + ".",
            signing_section(verify, gb, cached, unsigned, token_us, token_ms, vcpu),
            f"- **DynamoDB.** A verification is one strongly consistent GetItem ({verify['readUnits']:g} RRU) and one "
            f"conditional PutItem ({verify['writeUnits']:g} WRU): {VERIFICATIONS_PER_SECOND * verify['readUnits']:,.0f} "
            f"RRU/s and {VERIFICATIONS_PER_SECOND * verify['writeUnits']:,.0f} WRU/s, "
            f"{VERIFICATIONS_PER_SECOND * verify['writeUnits'] / DYNAMODB_TABLE_QUOTA:.1%} of the on-demand table quota "
            f"({DYNAMODB_TABLE_QUOTA:,}/s each way). Every user is its own partition key, so no partition nears its "
            f"{PARTITION_WRITE_LIMIT:,} WRU/s; verifications never touch the adoption counters. State changes write "
            f"one of 8 counter shards in their transaction (2 WRU): up to {8 * PARTITION_WRITE_LIMIT // 2:,} state "
            f"changes per second before a shard throttles, against {USERS * 2 / (ENROLMENT_DAYS * 86400):.1f}/s on "
            "average during the rollout.",
            ]
    return "\n".join(out)


def signing_section(verify, gb, cached, unsigned, token_us, token_ms, vcpu):
    """What signing an MFA token adds to 1M verifications at the reference load."""
    seconds = 1e6 / VERIFICATIONS_PER_SECOND                       # the time 1M verifications take
    refreshes = VERIFY_CONTAINERS * seconds / KEY_REFRESH_S          # a GetItem per container every 5 minutes
    starts = VERIFY_CONTAINERS * seconds / CONTAINER_LIFETIME_S      # new containers: a GetItem and a Decrypt each
    rotations = VERIFY_CONTAINERS * seconds / KEY_ROTATION_S         # a Decrypt per container per new key
    queries, decrypts = refreshes + starts, starts + rotations
    read_units = verify.get("coldSigningKeysReadUnits", 1.0) or 1.0
    calls = (queries * (read_units * DYNAMODB_READ_UNIT + LATENCY_MS["GetItem"] / 1000 * gb * LAMBDA_GB_SECOND_ARM64)
             + decrypts * (KMS_REQUEST + LATENCY_MS["Decrypt"] / 1000 * gb * LAMBDA_GB_SECOND_ARM64))
    cpu = cached["lambda"] - unsigned["lambda"]
    text = (f"- **MFA tokens.** A warm verify signs without an AWS call (2 calls, as before tokens). Per 1M "
            f"verifications ({seconds:,.0f} s at {VERIFICATIONS_PER_SECOND:,}/s, C = {VERIFY_CONTAINERS} containers): "
            f"{refreshes:,.0f} GetItems re-reading the keys every {KEY_REFRESH_S // 60} minutes, and, taking each "
            f"container to be replaced every {CONTAINER_LIFETIME_S // 60} minutes (an assumption: AWS does not say how "
            f"long an execution environment lives), {starts:,.0f} first requests' GetItem and Decrypt, plus "
            f"{rotations:.2f} Decrypts after rotations (a key every {KEY_ROTATION_S // 86400} days): "
            f"{queries:,.0f} GetItems ({read_units:g} RRU each, measured) and {decrypts:,.0f} Decrypts, "
            f"with their Lambda time **${calls:.2f}** (${calls:.5f}) per 1M verifications.")
    if token_us is None:
        return text + " The signature's CPU was not measured in this run (no JMH results given to tools/bench-cost.py)."
    return text + (f" The signature's CPU is not free: {token_us:,.0f} µs per token (JMH, C1 only) is {token_ms:.2f} ms "
                   f"on {vcpu:.2f} vCPU; in 1 ms billing steps the model's warm verify goes from "
                   f"{math.ceil(duration_ms(verify['warm'])):.0f} to {math.ceil(duration_ms(verify['warm'], token_ms)):.0f} ms, "
                   f"**+${cpu:.2f}** per 1M verifications (${unsigned['total']:.2f} → ${cached['total']:.2f}; "
                   f"${token_ms / 1000 * gb * LAMBDA_GB_SECOND_ARM64 * 1e6:.3f} in proportion to the time alone). "
                   "The calls for the signing key round to nothing; the signature's CPU does not.")


def main():
    counted = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    document = Path(sys.argv[2])
    gb = memory_gb(Path("template.yaml").read_text(encoding="utf-8"))
    measured = Path(sys.argv[3]).read_text(encoding="utf-8") if len(sys.argv) > 3 and Path(sys.argv[3]).exists() else None
    token_us = token_cpu_us(sys.argv[4] if len(sys.argv) > 4 else None)
    text = document.read_text(encoding="utf-8") if document.exists() else "# Performance\n"
    block = "<!-- cost:begin -->\n" + section(counted, gb, measured, token_us) + "\n<!-- cost:end -->"
    if "<!-- cost:begin -->" in text:
        text = re.sub(r"<!-- cost:begin -->.*?<!-- cost:end -->", lambda _: block, text, flags=re.DOTALL)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    document.parent.mkdir(parents=True, exist_ok=True)
    document.write_text(text, encoding="utf-8")
    print(section(counted, gb, measured, token_us))


if __name__ == "__main__":
    main()
