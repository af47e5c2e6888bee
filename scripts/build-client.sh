#!/usr/bin/env bash
# Builds the browser clients (Leptos → Wasm) with Trunk, release mode (wasm-opt -Oz): the map into
# dist/, the survey pages into dist/s/, the desk pages (merchant, staff review, circles) into dist/m/.
set -euo pipefail
cd "$(dirname "$0")/.."
# Smaller Wasm for weak networks: Leptos's `erase_components` type-erases component bodies
# (less generic code), and crate sources' absolute paths (kept in panic locations) shrink to
# a short prefix. Only the wasm target gets these flags; host builds are untouched.
registry="${CARGO_HOME:-$HOME/.cargo}/registry/src"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--cfg erase_components --remap-path-prefix=$registry=/crates"
# binaryen's wasm-opt from npm comes first on PATH: never Debian's older one.
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# The map first: Trunk empties its dist directory (dist/) before writing, which would take the
# survey bundle with it.
trunk build --release
# The survey pages (survey form, indicators, staff): a second, smaller bundle under /s/; the
# server answers /survey, /indicators and /staff… with dist/s/index.html.
trunk build survey.html --release --dist dist/s --public-url /s/
# The desk pages (merchant registration and listing, staff review, circle editor): a third
# bundle under /m/, with Leaflet from the map's dist/leaflet/.
trunk build desk.html --release --dist dist/m --public-url /m/
