#!/usr/bin/env bash
# Prints what `make test` ran, per suite and backend, from the Surefire/Failsafe reports.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
python3 - <<'PY'
import glob, xml.etree.ElementTree as ET
def count(pattern):
    t = f = e = s = 0
    for path in glob.glob(pattern):
        root = ET.parse(path).getroot()
        t += int(root.get("tests", 0)); f += int(root.get("failures", 0))
        e += int(root.get("errors", 0)); s += int(root.get("skipped", 0))
    return t, f, e, s
rows = [("unit tests (core)", "functions/core/target/surefire-reports/TEST-*.xml"),
        ("unit tests (functions)", "functions/mfa/target/surefire-reports/TEST-*.xml"),
        ("integration tests over moto", "functions/mfa/target/failsafe-reports/moto/TEST-*.xml"),
        ("integration tests over LocalStack", "functions/mfa/target/failsafe-reports/localstack/TEST-*.xml"),
        ("local tooling (template, tokens)", "functions/local/target/surefire-reports/TEST-*.xml"),
        ("local tooling over moto (events/, gateway)", "functions/local/target/failsafe-reports/TEST-*.xml")]
total_passed = total_failed = total_skipped = 0
for name, pattern in rows:
    t, f, e, s = count(pattern)
    passed = t - f - e - s
    total_passed += passed; total_failed += f + e; total_skipped += s
    note = " (no Docker engine: skipped)" if "LocalStack" in name and t and s == t else ""
    print(f"{name:44} {passed:4} passed, {f + e} failed, {s} skipped{note}")
print(f"{total_passed} passed, {total_failed} failed, {total_skipped} skipped")
PY
