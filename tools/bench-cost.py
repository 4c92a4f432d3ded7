#!/usr/bin/env python3
"""AWS calls and cost per operation, and the capacity math for KMS and DynamoDB.

Reads the calls and DynamoDB capacity that AwsCallsPerOperationIT counted (through SDK execution
interceptors on the functions' own clients) and the memory size of template.yaml, prices them at
list prices and writes the section between <!-- cost:begin --> and <!-- cost:end --> of
docs/performance.md.

usage: tools/bench-cost.py functions/mfa/target/aws-calls.json docs/performance.md [data-key-cache.txt]
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


def duration_ms(calls):
    return OWN_CPU_MS + sum(LATENCY_MS.get(call.split()[-1], 5) for call in calls)


def cost(calls, read_units, write_units, gb, kms_calls):
    """Dollars per million requests, by service."""
    per_million = 1e6
    lambda_cost = LAMBDA_REQUEST + math.ceil(duration_ms(calls)) / 1000 * gb * LAMBDA_GB_SECOND_ARM64
    dynamodb = read_units * DYNAMODB_READ_UNIT + write_units * DYNAMODB_WRITE_UNIT
    kms = kms_calls * KMS_REQUEST
    parts = {"lambda": lambda_cost, "api": HTTP_API_REQUEST, "dynamodb": dynamodb, "kms": kms}
    parts["total"] = sum(parts.values())
    return {name: value * per_million for name, value in parts.items()}


def kms_calls(calls):
    return sum(1 for call in calls if call.startswith("Kms "))


def misses_per_second(containers, keys, max_age_s, rate):
    """Unwraps per second: each container holds each data key max_age_s after unwrapping it, so
    per container and key one miss per (max_age_s + mean wait for the next request of that key)."""
    per_key_rate = rate / (containers * keys)
    return containers * keys / (max_age_s + 1 / per_key_rate)


def section(counted, gb, measured=None):
    data_keys = ENROLMENT_DAYS * SETUP_CONTAINER_HOURS_PER_DAY * 3600 / MAX_AGE_S + USERS / MAX_USES
    miss = misses_per_second(VERIFY_CONTAINERS, data_keys, MAX_AGE_S, VERIFICATIONS_PER_SECOND)
    miss_ratio = miss / VERIFICATIONS_PER_SECOND
    out = ["## AWS calls and cost per operation", "",
           "Counted by `AwsCallsPerOperationIT` through SDK execution interceptors on the functions' own clients "
           "(one count per API call; the SDK's retries are not calls), for the first request a container serves and "
           "for a warm one (its data key cached). DynamoDB capacity of the warm request by the on-demand billing "
           "rules (item sizes measured on the stored items). Cost per 1M at list prices (us-east-1, arm64, "
           f"{gb * 1024:.0f} MB as in template.yaml); Lambda duration is a model: {OWN_CPU_MS} ms of our own CPU plus "
           "typical in-region latencies per call (" + ", ".join(f"{k} {v} ms" for k, v in LATENCY_MS.items()) + ").",
           "",
           "| Operation | AWS calls, warm | First request of a container | RRU | WRU | $ per 1M, warm | $ per 1M, KMS every time |",
           "|---|---|---|---|---|---|---|"]
    for operation, row in counted.items():
        warm = cost(row["warm"], row["readUnits"], row["writeUnits"], gb, kms_calls(row["warm"]))
        cold = cost(row["cold"], row["readUnits"], row["writeUnits"], gb, kms_calls(row["cold"]))
        out.append(f"| `{operation}` | {len(row['warm'])}: {', '.join(c.split()[-1] for c in row['warm'])} | "
                   f"{len(row['cold'])}: {', '.join(c.split()[-1] for c in row['cold'])} | {row['readUnits']:g} | "
                   f"{row['writeUnits']:g} | {warm['total']:.2f} | {cold['total']:.2f} |")
    verify = counted["POST /mfa/verify"]
    direct = cost(verify["cold"], verify["readUnits"], verify["writeUnits"], gb, 1)
    cached = cost(verify["warm"], verify["readUnits"], verify["writeUnits"], gb, miss_ratio)
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


def main():
    counted = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    document = Path(sys.argv[2])
    gb = memory_gb(Path("template.yaml").read_text(encoding="utf-8"))
    measured = Path(sys.argv[3]).read_text(encoding="utf-8") if len(sys.argv) > 3 and Path(sys.argv[3]).exists() else None
    text = document.read_text(encoding="utf-8") if document.exists() else "# Performance\n"
    block = "<!-- cost:begin -->\n" + section(counted, gb, measured) + "\n<!-- cost:end -->"
    if "<!-- cost:begin -->" in text:
        text = re.sub(r"<!-- cost:begin -->.*?<!-- cost:end -->", lambda _: block, text, flags=re.DOTALL)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    document.parent.mkdir(parents=True, exist_ok=True)
    document.write_text(text, encoding="utf-8")
    print(section(counted, gb, measured))


if __name__ == "__main__":
    main()
