#!/usr/bin/env bash
# Installs everything the app and its tests need on a fresh Debian machine, from the package
# registries only (Debian apt, crates.io, npm). Idempotent: a tool already at the pinned version
# is not reinstalled, so a warm machine pays seconds, not minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen pinned in Cargo.lock

step() { printf '\n==> %s\n' "$*"; }

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || need_apt+=(fonts-wqy-microhei)
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs npm)
# The PostgreSQL backend's tests, the PostGIS comparison and the load tests (scripts/pg.sh).
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
dpkg -s postgresql-15-postgis-3 >/dev/null 2>&1 || need_apt+=(postgresql-15-postgis-3)
# The API fuzz run installs schemathesis from PyPI into a venv (scripts/fuzz-api.sh).
python3 -c 'import ensurepip' >/dev/null 2>&1 || need_apt+=(python3-venv)
if [ ${#need_apt[@]} -gt 0 ]; then
  step "apt: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi

step "rust target wasm32-unknown-unknown"
rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

if ! trunk --version 2>/dev/null | grep -q " ${TRUNK_VERSION}\$"; then
  step "cargo install trunk ${TRUNK_VERSION} (takes ~6 min once)"
  cargo install trunk --version "${TRUNK_VERSION}" --locked
fi
if ! wasm-bindgen --version 2>/dev/null | grep -q " ${WASM_BINDGEN_VERSION}\$"; then
  step "cargo install wasm-bindgen-cli ${WASM_BINDGEN_VERSION} (takes ~2 min once)"
  # Without --locked: the crate's own lock file names a webpki-roots version crates.io lacks.
  cargo install wasm-bindgen-cli --version "${WASM_BINDGEN_VERSION}"
fi

step "cargo fetch (Trunk builds offline)"
cargo fetch --locked

step "npm packages (leaflet, binaryen's wasm-opt, playwright)"
npm ci --no-audit --no-fund --loglevel=error
(cd end2end && npm ci --no-audit --no-fund --loglevel=error)

step "setup done"
