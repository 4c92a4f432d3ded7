#!/usr/bin/env bash
# AWS calls and cost per operation: counts the calls of every operation over moto
# (AwsCallsPerOperationIT, SDK execution interceptors on the functions' own clients), prices them
# at list prices and writes the cost and capacity sections of docs/performance.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mkdir -p target/bench
VENV_PYTHON="${VENV_PYTHON:-.venv/bin/python}" tools/with-moto.sh mvn -B -ntp -q verify -pl functions/mfa -am \
    -Dit.test=AwsCallsPerOperationIT,DataKeyCacheWorkloadIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    -Dfailsafe.failIfNoSpecifiedTests=false -Dmfa.requireTools=true >target/bench/aws-calls.log 2>&1 \
    || { tail -50 target/bench/aws-calls.log >&2; exit 1; }
python3 tools/bench-cost.py functions/mfa/target/aws-calls.json docs/performance.md functions/mfa/target/data-key-cache.txt \
    target/bench/warm-c1.json
