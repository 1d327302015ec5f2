#!/usr/bin/env bash
# JavaScript runtime benchmarks: call latencies (on the VM thread and through the async API), VM start-up with a
# 50 KB bundle, and RSS per idle VM in a fresh process.
#   Benchmarks/js-runtime.sh            # release build, full iteration counts
#   Benchmarks/js-runtime.sh --smoke    # debug build, a few iterations (CI)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--smoke" ]; then
    BIN=.build/debug/airlock-js-bench
    [ -x "$BIN" ] || swift build --product airlock-js-bench
    "$BIN" calls 500
    "$BIN" startup 5
    "$BIN" memory 10
else
    swift build -c release --product airlock-js-bench
    BIN=.build/release/airlock-js-bench
    "$BIN" calls 100000
    "$BIN" startup 200
    "$BIN" memory 100
fi
