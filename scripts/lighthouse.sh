#!/usr/bin/env bash
# Lighthouse on the built app, as a phone on a weak network sees it: mobile form factor with
# Lighthouse's default simulated throttling (slow 4G, 4x CPU slowdown), in Debian's Chromium.
# Needs a built client in dist/ (bash scripts/build-client.sh) and a built server; starts the
# server itself on a free loopback port with a fresh database, once per dataset.
#
#   bash scripts/lighthouse.sh                   # shanghai, then helsinki
#   bash scripts/lighthouse.sh shanghai          # just one
#
# Each dataset is measured LH_RUNS times (3) and the median run (by performance score) is kept:
# end2end/test-results/lighthouse/<dataset>.report.{json,html} (every run under runs/). Prints
# one line per dataset, every audit that falls short with its specifics, and the gzip size of
# the client's wasm + js + css. Fails when performance < LH_MIN_PERFORMANCE (90),
# accessibility < LH_MIN_ACCESSIBILITY (95) or the gzip size > BUNDLE_MAX_KB (350).
# The server binary: BIANMIN_SERVER_BIN, else the newer of target/release/bianmin-server and
# target/debug/bianmin-server (an old release build may lack endpoints the client calls).
# The client: BIANMIN_DIST, else dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

datasets=("$@")
[ ${#datasets[@]} -gt 0 ] || datasets=(shanghai helsinki)

server=${BIANMIN_SERVER_BIN:-}
if [ -z "$server" ]; then
  for s in target/release/bianmin-server target/debug/bianmin-server; do
    [ -x "$s" ] && { [ -z "$server" ] || [ "$s" -nt "$server" ]; } && server=$s
  done
fi
[ -n "$server" ] && [ -x "$server" ] || { echo "no server binary: cargo build -p server (or set BIANMIN_SERVER_BIN)" >&2; exit 2; }
dist=$(realpath "${BIANMIN_DIST:-dist}")
[ -f "$dist/index.html" ] || { echo "no built client in $dist: bash scripts/build-client.sh" >&2; exit 2; }
runs=${LH_RUNS:-3}
lighthouse=end2end/node_modules/.bin/lighthouse
[ -x "$lighthouse" ] || { echo "lighthouse missing: (cd end2end && npm ci)" >&2; exit 2; }
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}

out=end2end/test-results/lighthouse
rm -rf "$out/runs"
mkdir -p "$out/runs"
tmp=$(mktemp -d)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

echo "server: $server, client: $dist, $runs run(s) per dataset"
# Simulated throttling scales the CPU time it observes: a busy machine (a cargo build) inflates
# TBT and LCP. Say so, so the numbers are read with care.
read -r load _ </proc/loadavg
if awk -v l="$load" -v c="$(nproc)" 'BEGIN { exit !(l > c * 0.75) }'; then
  echo "warning: load average $load on $(nproc) cores: CPU-bound figures (TBT, LCP) will be inflated"
fi
for ds in "${datasets[@]}"; do
  # Port 0: the server picks a free port and says which on its "serving … on http://ADDR" line.
  log=$tmp/$ds.log
  RUST_LOG=warn "$server" --listen 127.0.0.1:0 --dataset "$ds" --db "$tmp/$ds.db" --dist "$dist" \
    >"$log" 2>&1 &
  pid=$!
  base=""
  for _ in $(seq 600); do
    # Only whole lines count: stderr is unbuffered, a line may arrive in pieces.
    if [ -s "$log" ] && [ -z "$(tail -c1 "$log")" ]; then
      base=$(sed -n 's/.*serving .* on \(http:\/\/[^ ]*\).*/\1/p' "$log" | head -1)
      [ -n "$base" ] && break
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  [ -n "$base" ] || { echo "server for $ds did not start:" >&2; cat "$log" >&2; exit 2; }

  for run in $(seq "$runs"); do
    echo "lighthouse: $ds at $base/ (run $run of $runs)"
    # Its log only matters when it fails.
    "$lighthouse" "$base/" \
      --form-factor=mobile \
      --only-categories=performance,accessibility,best-practices \
      --output=json --output=html --output-path="$out/runs/$ds-$run" \
      --chrome-flags="--headless=new --no-sandbox --disable-gpu" \
      >"$tmp/$ds.lighthouse.log" 2>&1 || { cat "$tmp/$ds.lighthouse.log" >&2; exit 2; }
  done

  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
done

node scripts/lighthouse-check.mjs "$out" "$dist" "${datasets[@]}"
