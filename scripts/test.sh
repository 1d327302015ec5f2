#!/usr/bin/env bash
# Runs the whole test suite: Swift tests, then the Python client integration tests against the debug `airlock`,
# then a few-second benchmark smoke run. Installs what it needs first. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

echo "== python test environment (client packages, SecantusDB)"
scripts/python-env.sh

echo "== swift build (debug, with tests)"
swift build --build-tests

echo "== swift test (MongoDB tests against one SecantusDB, stopped by PID on exit)"
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
AIRLOCK_TEST_MONGO_URI="mongodb://127.0.0.1:$PORT" swift test --skip-build

echo "== python client integration tests (both stores)"
AIRLOCK_BIN="$PWD/.build/debug/airlock" .venv/bin/python -m pytest -q -p no:cacheprovider Tests/Integration

echo "== benchmark smoke"
Benchmarks/post-message.sh --smoke
Benchmarks/js-runtime.sh --smoke
Benchmarks/realtime-fanout.sh --smoke
Benchmarks/apps-install.sh --smoke
Benchmarks/hooks.sh --smoke
Benchmarks/mongo-driver.sh --smoke
Benchmarks/post-message.sh --smoke --store mongo
Benchmarks/post-message.sh --smoke --apps
Benchmarks/outbound-http.sh --smoke
