#!/usr/bin/env bash
# A bounded fuzz run over every operation of the API (issue 7): schemathesis, generating
# requests from GET /api/openapi.json, against a debug server on a fresh SQLite file with the
# Shanghai demo data and a logged-in staff session (so staff endpoints are fuzzed past auth).
#
# Fails when any response is a 5xx, breaks its described status, content type or schema, a
# staff endpoint answers without the session, a request takes over FUZZ_API_TIMEOUT seconds,
# fewer than FUZZ_API_MIN_REQUESTS requests were sent, the server logged a panic, or it no
# longer answers /api/health. Failures are printed with a curl line that reproduces them.
#
# Knobs (env):
#   FUZZ_API_SECONDS       time budget of the generated run (default 240)
#   FUZZ_API_MIN_REQUESTS  requests that must have been sent (default 10000)
#   FUZZ_API_MAX_EXAMPLES  test cases per operation and phase (default 200)
#   FUZZ_API_TIMEOUT       per-request timeout in seconds (default 20)
#   FUZZ_API_SEED          schemathesis seed (default: random; printed for reruns)
#   DATABASE_URL           postgres://… runs the server on that (fresh) PostgreSQL database
#                          instead of a new SQLite file
# A longer form, e.g. before a release:
#   FUZZ_API_SECONDS=1800 FUZZ_API_MAX_EXAMPLES=2000 FUZZ_API_MIN_REQUESTS=100000 \
#     bash scripts/fuzz-api.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT_DIR=$PWD

SCHEMATHESIS_VERSION=4.32.5
TARGET=$(realpath -m "${CARGO_TARGET_DIR:-target}")
SECONDS_BUDGET=${FUZZ_API_SECONDS:-240}
MIN_REQUESTS=${FUZZ_API_MIN_REQUESTS:-10000}
MAX_EXAMPLES=${FUZZ_API_MAX_EXAMPLES:-200}
TIMEOUT=${FUZZ_API_TIMEOUT:-20}
SEED=${FUZZ_API_SEED:-$((RANDOM * 32768 + RANDOM))}

# --- schemathesis, pinned, in a venv under target/ (reused when the version matches) ---
VENV="$TARGET/fuzz-venv"
ST="$VENV/bin/schemathesis"
if ! [[ -x "$ST" ]] || ! "$VENV/bin/python" -c "import importlib.metadata as m, sys; \
    sys.exit(m.version('schemathesis') != '$SCHEMATHESIS_VERSION')" 2>/dev/null; then
    printf '==> installing schemathesis %s into %s\n' "$SCHEMATHESIS_VERSION" "$VENV"
    if ! python3 -m venv --help >/dev/null 2>&1; then
        apt-get install -y python3-venv
    fi
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check \
        "schemathesis==$SCHEMATHESIS_VERSION"
fi

# --- the server (debug build, as the API tests use) ---
printf '==> building the server (debug)\n'
cargo build --locked -p server --bin bianmin-server
BIN="$TARGET/debug/bianmin-server"

RUN=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-api.XXXXXX")
mkdir -p "$RUN/dist"
echo '<!doctype html><title>client</title>' >"$RUN/dist/index.html"
DB="$RUN/var/fuzz.db"
SERVER_PID=
cleanup() {
    if [[ -n "$SERVER_PID" ]]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
}
trap cleanup EXIT

PASSWORD="fuzz-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
# A name of its own, so a PostgreSQL database (DATABASE_URL) can be fuzzed more than once.
USERNAME="fuzzer-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
if [[ -n "${DATABASE_URL:-}" ]]; then
    echo "==> database: PostgreSQL (DATABASE_URL)"
else
    echo "==> database: SQLite $DB"
fi
# The database is created and migrated by the server; the account is added before it starts.
BIANMIN_STAFF_PASSWORD="$PASSWORD" RUST_LOG=warn "$BIN" --db "$DB" staff add "$USERNAME" >/dev/null

# `warn` keeps the log small at thousands of requests while still showing errors and panics.
RUST_LOG=warn "$BIN" --listen 127.0.0.1:0 --dataset shanghai --db "$DB" --dist "$RUN/dist" \
    --open-mode-limit 1000000 >"$RUN/server.out" 2>"$RUN/server.log" &
SERVER_PID=$!
BASE=
for _ in $(seq 1 240); do
    BASE=$(sed -n 's/.* on \(http:\/\/[0-9.:]*\).*/\1/p' "$RUN/server.log" | head -1)
    [[ -n "$BASE" ]] && break
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        cat "$RUN/server.log"
        echo "fuzz-api: the server did not start" >&2
        exit 1
    fi
    sleep 0.5
done
[[ -n "$BASE" ]] || { cat "$RUN/server.log"; echo "fuzz-api: no serving line" >&2; exit 1; }
printf '==> server on %s (log: %s)\n' "$BASE" "$RUN/server.log"

# --- a staff session: its cookie and CSRF token go on every request ---
LOGIN=$(curl -sS -i -H 'Content-Type: application/json' \
    --data "{\"username\":\"$USERNAME\",\"password\":\"$PASSWORD\"}" "$BASE/api/staff/login")
COOKIE=$(printf '%s' "$LOGIN" | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(bm_staff=[^;]*\).*/\1/p')
CSRF=$(printf '%s' "$LOGIN" | tr -d '\r' | sed -n 's/.*"csrf":"\([^"]*\)".*/\1/p')
if [[ -z "$COOKIE" || -z "$CSRF" ]]; then
    printf '%s\n' "$LOGIN"
    echo "fuzz-api: staff login failed" >&2
    exit 1
fi

# --- the run ---
# Checks: no 5xx; status codes, content types, headers and bodies as described; a bad input
# is refused (negative_data_rejection); a staff endpoint refuses a request without the session
# (ignored_auth); methods not routed get 405.
CHECKS=not_a_server_error,status_code_conformance,content_type_conformance
CHECKS+=,response_headers_conformance,response_schema_conformance,negative_data_rejection
CHECKS+=,ignored_auth,unsupported_method
COMMON=(
    --checks "$CHECKS"
    --workers 1
    --request-timeout "$TIMEOUT"
    --max-examples "$MAX_EXAMPLES"
    --seed "$SEED"
    --generation-with-security-parameters false
    --suppress-health-check all
    --generation-database none
    --no-color
    -H "Cookie: $COOKIE"
    -H "X-CSRF-Token: $CSRF"
)
# Parallel schemathesis processes of one worker each, over disjoint groups of operations (by
# tag): schemathesis' own worker threads trip a CPython 3.11 bug in concurrent `ast.parse`
# ("AST constructor recursion depth mismatch") inside Hypothesis. Logging out would end the
# fuzzer's session, so that one operation runs last, on its own.
OP_GROUPS=("map|walk|circles|survey" "grade" "merchant" "staff")
printf '==> schemathesis %s: every operation for up to %s s (seed %s, %s processes)\n' \
    "$SCHEMATHESIS_VERSION" "$SECONDS_BUDGET" "$SEED" "${#OP_GROUPS[@]}"
# Schemathesis keeps its replay cache in the working directory: the run's own.
cd "$RUN"
pids=()
for i in "${!OP_GROUPS[@]}"; do
    timeout --kill-after=30 $((SECONDS_BUDGET + 300)) \
        "$ST" --config-file "$ROOT_DIR/scripts/schemathesis.toml" run "$BASE/api/openapi.json" "${COMMON[@]}" --max-time "$SECONDS_BUDGET" \
        --include-tag-regex "^(${OP_GROUPS[$i]})\$" --exclude-path /api/staff/logout \
        --report ndjson --report-ndjson-path "$RUN/run$i.ndjson" >"$RUN/run$i.out" 2>&1 &
    pids+=($!)
done
status=0
for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || { status=$?; printf '\n==> group %s FAILED:\n' "${OP_GROUPS[$i]}"; }
    # Each group's report: its failures (with a curl line reproducing each) and summary.
    sed -n '/^=* \(ERRORS\|FAILURES\|SUMMARY\) =*$/,$p' "$RUN/run$i.out"
done
timeout --kill-after=30 300 \
    "$ST" --config-file "$ROOT_DIR/scripts/schemathesis.toml" run "$BASE/api/openapi.json" "${COMMON[@]}" --max-time 10 --max-examples 50 \
    --include-path /api/staff/logout \
    --report ndjson --report-ndjson-path "$RUN/logout.ndjson" >"$RUN/logout.out" 2>&1 || {
    status=$?
    cat "$RUN/logout.out"
}

# --- what was sent: every request schemathesis recorded in its events ---
REQUESTS=$("$VENV/bin/python" - "$RUN"/*.ndjson <<'EOF'
import json, sys
# Each scenario's recorder holds one interaction (request and response) per request sent.
total = 0
for path in sys.argv[1:]:
    with open(path) as f:
        for line in f:
            finished = json.loads(line).get("ScenarioFinished")
            if finished:
                total += len(finished.get("recorder", {}).get("interactions", {}))
print(total)
EOF
)

failed=()
[[ $status -eq 0 ]] || failed+=("schemathesis reported failures (exit $status; see above)")
if grep -q 'panicked' "$RUN/server.log"; then
    grep -n -A5 'panicked' "$RUN/server.log" | head -40
    failed+=("the server panicked")
fi
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    failed+=("the server is gone")
elif ! curl -fsS --max-time 10 "$BASE/api/health" >/dev/null; then
    failed+=("the server no longer answers /api/health")
fi
if ((REQUESTS < MIN_REQUESTS)); then
    failed+=("only $REQUESTS requests sent, fewer than $MIN_REQUESTS: raise FUZZ_API_SECONDS")
fi

printf '\n==> fuzz-api: %s requests sent (seed %s)\n' "$REQUESTS" "$SEED"
if ((${#failed[@]})); then
    printf 'fuzz-api FAILED: %s\n' "${failed[@]}" >&2
    printf '(server log kept: %s)\n' "$RUN/server.log" >&2
    exit 1
fi
rm -rf "$RUN"
printf 'fuzz-api: OK — no 5xx, no panic, every response as described, server healthy\n'
