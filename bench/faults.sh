#!/usr/bin/env bash
# Fault tests under load (bench/load.sh's generator): kill -9 of the server, PostgreSQL stopped
# and killed under load (when the server has the PostgreSQL backend), uploads on a full tmpfs,
# slow clients. Each ends with acknowledged answers = stored answers, none twice; exits 1
# otherwise. Replaces the fault section of bench/RESULTS.md.
#   FAULT_SECONDS=20 FAULT_CONCURRENCY=16 FAULT_SLOW_CONNECTIONS=2000 bash bench/faults.sh
# The short form for the test command (no results file): FAULT_SECONDS=5 cargo bench -p server --bench faults
set -euo pipefail
cd "$(dirname "$0")/.."
FAULT_SECONDS=${FAULT_SECONDS:-20} FAULT_SLOW_CONNECTIONS=${FAULT_SLOW_CONNECTIONS:-2000} FAULT_RESULTS="$PWD/bench/RESULTS.md" \
  cargo bench --locked -p server --bench faults "$@"
