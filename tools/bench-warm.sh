#!/usr/bin/env bash
# Warm cost per operation: JMH measures setup, confirm and verify in-process (our core use cases with an
# in-memory store and a pass-through cipher, so no AWS round trip), next to java-totp and googleauth doing the
# same TOTP and QR work. Two runs: the JVM's default JIT (C1 + C2), and C1 only as template.yaml deploys the
# functions (-XX:TieredStopAtLevel=1). Writes the section between the warm-cost markers of docs/performance.md.
#
# Knobs (defaults take about 4 minutes on 2 cores): FORKS, WARMUP, ITERATIONS (1 s each) for the default-JIT
# run; C1_FORKS for the C1 run (0 skips it); BENCH (a JMH regexp, default all); NO_DOC=1 leaves the doc alone;
# REPORT_ONLY=1 renders the section again from the last run's results in target/bench.
set -euo pipefail
cd "$(dirname "$0")/.."
forks="${FORKS:-2}"
warmup="${WARMUP:-4}"
iterations="${ITERATIONS:-5}"
c1_forks="${C1_FORKS:-1}"
bench="${BENCH:-io.serverlessmfa.microbench.}"
out=target/bench
doc=docs/performance.md
jar=functions/microbench/target/mfa-microbench.jar
mkdir -p "$out"

if [ -z "${REPORT_ONLY:-}" ]; then
    mvn -B -q -pl functions/microbench -am -Dmaven.test.skip=true package >/dev/null
    load="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
    started=$SECONDS

    # Each implementation's setup once, with the benchmarks' sanity checks (every QR code reads back as its URI).
    java -cp "$jar" io.serverlessmfa.microbench.Describe > "$out/warm-qr.jsonl"

    # JMH's own output goes to a log per run; the JSON results feed the section below.
    run() { # name, forks, extra JVM flags
        local name="$1" runforks="$2" flags="$3"
        echo "JMH ($name): $runforks fork(s), $warmup x 1 s warmup, $iterations x 1 s measurement per benchmark; log: $out/warm-$name.log"
        java -jar "$jar" "$bench" -foe true -f "$runforks" -wi "$warmup" -w 1s -i "$iterations" -r 1s -t 1 \
            ${flags:+-jvmArgsAppend "$flags"} \
            -prof io.serverlessmfa.microbench.CpuTimeProfiler -prof gc \
            -rf json -rff "$out/warm-$name.json" > "$out/warm-$name.log" 2>&1 \
            || { tail -40 "$out/warm-$name.log" >&2; exit 1; }
    }
    run default "$forks" ""
    rm -f "$out/warm-c1.json"
    if [ "$c1_forks" -gt 0 ]; then
        run c1 "$c1_forks" "-XX:+TieredCompilation -XX:TieredStopAtLevel=1"
    fi
    elapsed=$((SECONDS - started))
    echo "$elapsed $load" > "$out/warm-run.txt"
fi
read -r elapsed load < "$out/warm-run.txt"

python3 - "$out" "$doc" "$elapsed" "$load" "${NO_DOC:-}" <<'PY'
import json, os, platform, re, subprocess, sys
from datetime import datetime, timezone

out, doc, elapsed, load, no_doc = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
IMPLS = [("Ours", "ours"), ("JavaTotp", "java-totp 1.7.1"), ("GoogleAuth", "googleauth 1.5.0")]
OPS = ["setup", "confirm", "verify"]

def load_run(name):
    path = os.path.join(out, f"warm-{name}.json")
    if not os.path.exists(path):
        return None, {}
    rows = json.load(open(path))
    results = {}
    for row in rows:
        cls, op = row["benchmark"].split(".")[-2:]
        secondary = {k.lstrip("\u00b7"): v for k, v in row["secondaryMetrics"].items()}
        results[(cls, op)] = (row["primaryMetric"], secondary)
    return rows[0], results

def num(x):
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return None if x != x else x

def fmt(x):
    if x is None:
        return "n/a"
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"

def score(metric):
    s, e = num(metric["score"]), num(metric["scoreError"])
    return fmt(s) + (f" ± {fmt(e)}" if e is not None else "")

meta, default = load_run("default")
meta_c1, c1 = load_run("c1")
qr = {j["impl"]: j for j in map(json.loads, open(os.path.join(out, "warm-qr.jsonl")))}

def cpu(results, cls, op):
    return num(results[(cls, op)][1]["cpu.thread"]["score"])

def cpu_score(results, cls, op):
    return score(results[(cls, op)][1]["cpu.thread"])

def ratio(results, cls, op):
    if (cls, op) not in results or ("Ours", op) not in results:
        return ""
    return f"{cpu(results, cls, op) / cpu(results, 'Ours', op):.2f}×"

lines = ["| Operation | Implementation | µs/op | CPU µs/op | × ours | JVM CPU µs/op | allocated B/op |"
         + (" C1 only: µs/op | C1 only: CPU µs/op | × ours |" if c1 else ""),
         "|---|---|--:|--:|--:|--:|--:|" + ("--:|--:|--:|" if c1 else "")]
for op in OPS:
    for cls, label in IMPLS:
        if (cls, op) not in default:
            if op == "confirm" and cls == "GoogleAuth":
                lines.append(f"| {op} | {label} | — (no confirm step) |" + " |" * (4 + (3 if c1 else 0)))
            continue
        primary, sec = default[(cls, op)]
        cells = [op, label, score(primary), cpu_score(default, cls, op), ratio(default, cls, op),
                 fmt(num(sec["cpu.process"]["score"])), f"{num(sec['gc.alloc.rate.norm']['score']):,.0f}"]
        if c1:
            cells += ([score(c1[(cls, op)][0]), cpu_score(c1, cls, op), ratio(c1, cls, op)]
                      if (cls, op) in c1 else ["", "", ""])
        lines.append("| " + " | ".join(cells) + " |")
table = "\n".join(lines)

# The MFA token's share: one token alone, the JDK's signature alone, and verify with and without its signature.
TOKEN_ROWS = [(("TokenSigning", "token"), "one MFA token: `SigningKeyRing.prepare` (the key in hand) and `sign` (JSON, base64url, ES256)"),
              (("TokenSigning", "signature"), "the ES256 signature alone (JDK `SHA256withECDSAinP1363Format`, SunEC)"),
              (("Ours", "verify"), "verify (as in the table above: with its token)"),
              (("Ours", "verifyWithoutSigning"), "verify with a signer that returns a constant (verify less the signature)")]
token_lines = ["| | CPU µs/op | µs/op | allocated B/op |" + (" C1 only: CPU µs/op |" if c1 else ""),
               "|---|--:|--:|--:|" + ("--:|" if c1 else "")]
for key, label in TOKEN_ROWS:
    if key not in default:
        continue
    primary, sec = default[key]
    cells = [label, cpu_score(default, *key), score(primary), f"{num(sec['gc.alloc.rate.norm']['score']):,.0f}"]
    if c1:
        cells.append(cpu_score(c1, *key) if key in c1 else "")
    token_lines.append("| " + " | ".join(cells) + " |")
def signing_share(results):
    if ("Ours", "verify") not in results or ("Ours", "verifyWithoutSigning") not in results:
        return None
    return cpu(results, "Ours", "verify") - cpu(results, "Ours", "verifyWithoutSigning")
share, share_c1 = signing_share(default), signing_share(c1)
token_table = "\n".join(token_lines)
if share is not None:
    token_table += (f"\n\nThe token adds {fmt(share)} µs of CPU to a warm verify "
                    f"({fmt(cpu(default, 'Ours', 'verifyWithoutSigning'))} → {fmt(cpu(default, 'Ours', 'verify'))} µs)"
                    + (f"; with C1 only, as deployed, {fmt(share_c1)} µs "
                       f"({fmt(cpu(c1, 'Ours', 'verifyWithoutSigning'))} → {fmt(cpu(c1, 'Ours', 'verify'))} µs)"
                       if share_c1 is not None else "") + ".")

def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"

commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
jvm = f"{meta['vmName']} {meta['vmVersion']}"
def config(m, flags):
    return (f"{m['forks']} fork{'s' if m['forks'] != 1 else ''} × ({m['warmupIterations']} warmup + "
            f"{m['measurementIterations']} measured iterations of {m['measurementTime']}), {m['threads']} thread{flags}")
runs = f"default JIT: {config(meta, '')}"
if meta_c1:
    runs += f"; C1 only: {config(meta_c1, ', `-XX:TieredStopAtLevel=1`')}"
busy = ""
try:
    if float(load.split()[0]) > (os.cpu_count() or 1) * 0.75:
        busy = (f"\n  **This machine was shared** (load average {load.split()[0]} on {os.cpu_count()} cores at the start): the "
                "benchmark thread waited for a core, so the wall-clock µs/op are inflated and their errors wide; the CPU "
                "columns are the measurement to read.")
except ValueError:
    pass
qr_note = "; ".join(f"{name} {q['qrPixels']}×{q['qrPixels']} px, {q['pngBytes']} B of PNG for a {q['uriChars']}-character URI"
                    for name, q in qr.items())

section = f"""## Warm cost per operation

What one warm invocation costs in CPU for the work that is ours, measured with JMH in-process: the core use cases
`StartSetup`, `ConfirmSetup` and `VerifyCode`, wired as the functions wire them (policy defaults: SHA-1, 6 digits,
30 s, ±1 step, one recovery code; QR at 6 px per module), with **the AWS round trips excluded**: the store is a
HashMap with the conditional write's version check and the "cipher" returns the bytes as they are. Also excluded:
the adapters' own CPU (DynamoDB item mapping, the SDK's serialisation, signing and HTTP, JSON, API Gateway
event parsing). Next to them, java-totp and googleauth doing the same TOTP and QR work with the same parameters.

{table}

**The MFA token** (confirm, verify and recover sign one; setup does not). Signed by the functions' own
`SigningKeyRing` (`CompactJws`, `Es256`), its key made, sealed and unsealed once at set-up over in-memory stand-ins
for DynamoDB and KMS (`InMemoryDynamoDb`, `PassThroughKms`), as in a container after its first token: per token no
read and no Decrypt (each benchmark checks it, and that its tokens verify).

{token_table}

- **µs/op**: JMH average time per operation, single-threaded (score ± 99.9 % confidence interval, as all ±).
  Single-threaded average time is CPU time only on an otherwise idle core, so the CPU columns are measured too:
  **CPU** is the benchmark thread's CPU time (ThreadMXBean) per operation, which waiting for a core that another
  process holds does not inflate; **JVM CPU** is the whole process (GC and JIT threads included: what a one-vCPU
  sandbox pays). **× ours** divides the CPU time by ours for the same operation. **allocated** is JMH's
  `gc.alloc.rate.norm`. **C1 only** is the JIT as template.yaml deploys the functions
  (`JAVA_TOOL_OPTIONS=-XX:+TieredCompilation -XX:TieredStopAtLevel=1`, for the cold start).{busy}
- Every operation does the whole work and succeeds: setup starts from a user without an enrollment; confirm and
  verify start from a fresh pending or enabled record (one HashMap put inside the measured operation), as the
  same code on the same record is refused as a replay. Each benchmark checks this, and that its QR code reads
  back as its Key URI, before it is measured.
- setup: ours = secret, Key URI, QR matrix (zxing-core) and our own PNG encoder, data URI, the pending record;
  java-totp = `DefaultSecretGenerator`, `QrData`, `ZxingPngQrGenerator` (AWT/ImageIO), `Utils.getDataUriForImage`;
  googleauth = `createCredentials` (which also makes 5 scratch codes and a check code), `getOtpAuthTotpURL`,
  zxing `QRCodeWriter` + `MatrixToImageWriter` (AWT/ImageIO). java-totp has no error-correction setting (zxing's
  default L), ours and googleauth use M. All three images have the same size:
  {qr_note}.
- confirm: ours = TOTP check (3 steps), one recovery code and its keyed hash (SHA-256, HMAC-SHA-256), the enabled record, its MFA token;
  java-totp = `isValidCode` + `RecoveryCodeGenerator.generateCodes(1)`, **not hashed** (java-totp stores nothing);
  googleauth has no confirm step.
- verify: ours = read, TOTP check over the 3 steps of the window with replay protection, write, its MFA token (ES256);
  java-totp = `DefaultCodeVerifier.isValidCode` (3 steps, no early exit); googleauth = `authorize` (stops at the
  first match: 2 HMACs here for a code of the current step). Neither library keeps state, refuses a replay or
  signs a token: next to them, read ours less its signature (verify without signing, the token table).
- Run: {runs}.
  {jvm} on {os.cpu_count()} × {cpu_model()}, load average {load} at the start; {elapsed} s of JMH. Commit {commit}, {datetime.now(timezone.utc):%Y-%m-%d}. Lambda runs arm64 with a fraction of a
  vCPU at 1024 MB, so absolute times there differ; the ratios carry over better. Reproduce: `tools/bench-warm.sh`
  (part of `make bench`); raw JMH JSON and logs in `target/bench/warm-*`.
"""

print(table)
print(f"\n{elapsed} s of JMH")
if no_doc:
    sys.exit(0)
begin, end = "<!-- warm-cost:begin -->", "<!-- warm-cost:end -->"
block = f"{begin}\n{section}{end}"
if os.path.exists(doc):
    text = open(doc, encoding="utf-8").read()
    if begin in text and end in text:
        text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
else:
    text = "# Performance\n\n" + block + "\n"
open(doc, "w", encoding="utf-8").write(text)
print(f"wrote the warm-cost section of {doc}")
PY
