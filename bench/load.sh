#!/usr/bin/env bash
# Mixed load (map reads, outlet queries, survey submissions) on the release server: SQLite with
# one server, then — when the server has the PostgreSQL backend — PostgreSQL with one server and
# with two servers on one database (requests round-robin), in one run. Replaces the load section
# of bench/RESULTS.md. Takes about 1.5 minutes plus the build; PostgreSQL from scripts/pg.sh.
#   LOAD_SECONDS=20 LOAD_CONCURRENCY=32 LOAD_PG_PORT=55462 LOAD_PORT=18400 bash bench/load.sh
set -euo pipefail
cd "$(dirname "$0")/.."
LOAD_RESULTS="$PWD/bench/RESULTS.md" cargo bench --locked -p server --bench load "$@"
