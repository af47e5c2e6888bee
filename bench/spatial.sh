#!/usr/bin/env bash
# Outlets by bbox and 15-minute walk at 100,000 outlets: SQLite R*Tree and PostgreSQL GiST (the
# server's db::list_outlets) against the B-tree they replace and against PostGIS ST_DWithin, on
# the same data in one run (release build). Starts the tests' own PostgreSQL on loopback
# (scripts/pg.sh; PostGIS from Debian, installed by scripts/setup.sh) and replaces the spatial
# section of bench/RESULTS.md. About three minutes plus the build.
#   SPATIAL_BENCH_PG_PORT=55432 SPATIAL_BENCH_OUTLETS=100000 SPATIAL_BENCH_POINTS=1000 bash bench/spatial.sh
set -euo pipefail
cd "$(dirname "$0")/.."
url=$(bash scripts/pg.sh start "${SPATIAL_BENCH_PG_PORT:-55432}")
SPATIAL_BENCH_PG_URL="$url" SPATIAL_BENCH_RESULTS="$PWD/bench/RESULTS.md" \
  cargo bench --locked -p server --bench spatial "$@"
