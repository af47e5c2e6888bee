#!/usr/bin/env bash
# Builds the browser client (Leptos → Wasm) into dist/ with Trunk, release mode (wasm-opt -Oz).
set -euo pipefail
cd "$(dirname "$0")/.."
# binaryen's wasm-opt from npm comes first on PATH: never Debian's older one.
PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH" trunk build --release
