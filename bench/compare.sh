#!/usr/bin/env bash
# Our walking engine beside networkx, scipy and pandana on the same data, in one run; writes
# bench/RESULTS.md. Installs the pinned peers (PyPI) into target/bench-venv.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -p server
if [ ! -x target/bench-venv/bin/python ]; then
  python3 -m venv target/bench-venv
fi
target/bench-venv/bin/pip install -q -r bench/requirements.txt
target/bench-venv/bin/python bench/compare.py "$@"
