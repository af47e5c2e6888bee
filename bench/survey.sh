#!/usr/bin/env bash
# Survey submissions under load (release server on SQLite, durable writes) beside raw SQLite
# writes of the same rows, in one run; then indicator reads with a million answers stored.
# Replaces the survey section of bench/RESULTS.md. Takes about two minutes plus the build.
#   SURVEY_BENCH_SECONDS=10 SURVEY_BENCH_CONCURRENCY=16 SURVEY_BENCH_MILLION=1000000 bash bench/survey.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SURVEY_BENCH_RESULTS="$PWD/bench/RESULTS.md" cargo bench --locked -p server --bench survey_load "$@"
