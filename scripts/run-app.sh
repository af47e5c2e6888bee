#!/usr/bin/env bash
# One command for a newcomer: installs what is needed, builds the client and the server, and
# runs the app on http://127.0.0.1:8080 with the Shanghai 长寿路 demo on SQLite (var/bianmin.db).
# Extra arguments go to the server, e.g. `bash scripts/run-app.sh --dataset helsinki`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
printf '\n==> building the client (trunk build --release)\n'
bash scripts/build-client.sh
printf '\n==> building the server (cargo build --release)\n'
cargo build --release --locked -p server
printf '\n==> starting: open http://127.0.0.1:8080 (Ctrl-C stops)\n'
exec target/release/bianmin-server "$@"
