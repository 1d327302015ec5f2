#!/usr/bin/env bash
# Runs the whole test suite: Swift tests, then the Python client integration tests against the debug `airlock`,
# then a few-second benchmark smoke run. Installs what it needs first. Exits non-zero on any failure.
# Every phase has a time limit (a hang fails fast instead of eating CI's 90 minutes) and prints how long it took.
set -euo pipefail
cd "$(dirname "$0")/.."

TOTAL_START=$SECONDS
# phase NAME LIMIT_SECONDS COMMAND...: runs COMMAND under `timeout`, reports its time, stops the script on failure.
phase() {
    local name=$1 limit=$2
    shift 2
    echo "== $name (limit ${limit}s)"
    local start=$SECONDS status=0
    timeout --kill-after=30 "$limit" "$@" || status=$?
    echo "== $name: $((SECONDS - start)) s$([ "$status" -ne 0 ] && echo ", FAILED (exit $status$([ "$status" -eq 124 ] && echo ': time limit'))")"
    return "$status"
}

phase "system packages" 900 scripts/install-deps.sh
phase "python test environment (client packages, SecantusDB)" 600 scripts/python-env.sh
phase "javascript unit tests (runtime JS in a bare vm context, the calendar sample's parser and feed; node --test)" 120 \
    node --test Tests/JavaScript/ SampleApps/calendar/test/
phase "SDK typings up to date, sample apps type-check against them (tsc --strict)" 300 scripts/check-typings.sh
phase "package dependencies match the imports" 300 scripts/check-imports.py
phase "swift build (debug, with tests)" 1800 swift build --build-tests

SECANTUS_LOG=$(mktemp)
.venv/bin/secantusd-py --host 127.0.0.1 --port 0 --storage-path :memory: >"$SECANTUS_LOG" 2>&1 &
SECANTUS_PID=$!
trap 'kill "$SECANTUS_PID" 2>/dev/null || true; rm -f "$SECANTUS_LOG"' EXIT
for _ in $(seq 1 600); do
    PORT=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$SECANTUS_LOG" | head -1 | cut -d: -f2 || true)
    [ -n "$PORT" ] && break
    kill -0 "$SECANTUS_PID" 2>/dev/null || { cat "$SECANTUS_LOG"; echo "SecantusDB failed to start" >&2; exit 1; }
    sleep 0.1
done
[ -n "$PORT" ] || { echo "SecantusDB did not start" >&2; exit 1; }
phase "swift test (MongoDB tests against one SecantusDB, stopped by PID on exit)" 900 \
    env AIRLOCK_TEST_MONGO_URI="mongodb://127.0.0.1:$PORT" scripts/swift-test.sh

phase "python client integration tests (both stores)" 900 \
    env AIRLOCK_BIN="$PWD/.build/debug/airlock" .venv/bin/python -m pytest -q -p no:cacheprovider --timeout=120 Tests/Integration

bench() { phase "benchmark smoke: $*" 300 "$@"; }
bench Benchmarks/post-message.sh --smoke
bench Benchmarks/js-runtime.sh --smoke
bench Benchmarks/realtime-fanout.sh --smoke
bench Benchmarks/apps-install.sh --smoke
bench Benchmarks/hooks.sh --smoke
bench Benchmarks/mongo-driver.sh --smoke
bench Benchmarks/post-message.sh --smoke --store mongo
bench Benchmarks/post-message.sh --smoke --apps
bench Benchmarks/outbound-http.sh --smoke
bench Benchmarks/worker.sh --smoke
bench Benchmarks/webhooks.sh --smoke
bench Benchmarks/cluster.sh --smoke
bench Benchmarks/store-cost.sh --smoke
echo "== all phases passed in $((SECONDS - TOTAL_START)) s"
