#!/usr/bin/env bash
# Apps engine install benchmark: install + enable of a 50 KB app in-process (excluding the upload), and uninstall.
#   Benchmarks/apps-install.sh            # release build, 200 installs
#   Benchmarks/apps-install.sh --smoke    # debug build, 5 installs (CI)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--smoke" ]; then
    BIN=.build/debug/airlock-apps-bench
    [ -x "$BIN" ] || swift build --product airlock-apps-bench
    "$BIN" 5
else
    swift build -c release --product airlock-apps-bench
    .build/release/airlock-apps-bench 200
fi
