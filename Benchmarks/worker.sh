#!/usr/bin/env bash
# Worker-process runtime vs its floors, in one run: pipe ping-pong and a Node child (same JSON round trip), hook round
# trips isolated and in process, worker CPU per call, memory of 10 idle workers, start-up and restart after SIGKILL.
# Runs twice: pinned to one vCPU (taskset -c 0; children inherit it) and unpinned.
#   Benchmarks/worker.sh            # release build, 20,000 calls
#   Benchmarks/worker.sh --smoke    # debug build, 300 calls, pinned only (CI)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--smoke" ]; then
    DIR=.build/debug
    [ -x "$DIR/airlock-worker-bench" ] || swift build --product airlock-worker-bench
    [ -x "$DIR/airlock" ] || swift build --product airlock
    taskset -c 0 "$DIR/airlock-worker-bench" 300 "$PWD/$DIR/airlock"
else
    swift build -c release --product airlock-worker-bench
    swift build -c release --product airlock
    DIR=.build/release
    echo "== pinned to vCPU 0"
    taskset -c 0 "$DIR/airlock-worker-bench" 20000 "$PWD/$DIR/airlock"
    echo "== unpinned"
    "$DIR/airlock-worker-bench" 20000 "$PWD/$DIR/airlock"
fi
