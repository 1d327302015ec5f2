#!/usr/bin/env bash
# Hook overhead: one app modifying a 1 KB message, serial, dispatcher call → modified message, with a breakdown.
#   Benchmarks/hooks.sh            # release build, 20,000 calls
#   Benchmarks/hooks.sh --smoke    # debug build, 200 calls (CI)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--smoke" ]; then
    BIN=.build/debug/airlock-hooks-bench
    [ -x "$BIN" ] || swift build --product airlock-hooks-bench
    "$BIN" 200
else
    swift build -c release --product airlock-hooks-bench
    .build/release/airlock-hooks-bench 20000
fi
