#!/usr/bin/env bash
# Runs the whole test suite: Swift tests, then the Python client integration tests against the debug `airlock`,
# then a few-second benchmark smoke run. Installs what it needs first. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

echo "== swift build (debug, with tests)"
swift build --build-tests

echo "== swift test"
swift test --skip-build

echo "== python client integration tests"
scripts/python-env.sh
AIRLOCK_BIN="$PWD/.build/debug/airlock" .venv/bin/python -m pytest -q -p no:cacheprovider Tests/Integration

echo "== benchmark smoke"
Benchmarks/post-message.sh --smoke
Benchmarks/js-runtime.sh --smoke
Benchmarks/realtime-fanout.sh --smoke
Benchmarks/apps-install.sh --smoke
