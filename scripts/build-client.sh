#!/usr/bin/env bash
# Builds the browser client (Leptos → Wasm) into dist/ with Trunk, release mode (wasm-opt -Oz).
set -euo pipefail
cd "$(dirname "$0")/.."
# Smaller Wasm for weak networks: Leptos's `erase_components` type-erases component bodies
# (less generic code), and crate sources' absolute paths (kept in panic locations) shrink to
# a short prefix. Only the wasm target gets these flags; host builds are untouched.
registry="${CARGO_HOME:-$HOME/.cargo}/registry/src"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--cfg erase_components --remap-path-prefix=$registry=/crates"
# binaryen's wasm-opt from npm comes first on PATH: never Debian's older one.
PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH" trunk build --release
