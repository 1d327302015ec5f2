#!/usr/bin/env bash
# MongoDB driver layer: record ↔ BSON mapping, pool pop/push and the hop onto the driver threads, without a server;
# then insert/find round trips against SecantusDB (a Python server: those numbers are mostly its own).
#   Benchmarks/mongo-driver.sh            # release build
#   Benchmarks/mongo-driver.sh --smoke    # debug build, few iterations (CI)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--smoke" ]; then
    BIN=.build/debug/airlock-mongo-bench ITERATIONS=200
    [ -x "$BIN" ] || swift build --product airlock-mongo-bench
else
    swift build -c release --product airlock-mongo-bench
    BIN=.build/release/airlock-mongo-bench ITERATIONS=20000
fi
. Benchmarks/server.sh
start_secantus
"$BIN" "$ITERATIONS" --uri "$MONGO_URL"
