#!/usr/bin/env bash
# Several nodes on one MongoDB (SecantusDB): chat.postMessage throughput with 1, 2 and 3 nodes (wrk on each node at
# once, 16 connections shared out), the CPU each side spends per message (Airlock's nodes together; the database),
# and cross-node delivery latency (REST post on one node → DDP client on another). No scaling goal: every node and
# the database share this machine's cores.
#   Benchmarks/cluster.sh            # 10 s per step against .build/release/airlock (built if missing)
#   Benchmarks/cluster.sh --smoke    # 2 s, one and two nodes, against the debug binary (CI)
#   ... --bin PATH                   # another build of airlock; nothing is built
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=10 CONNECTIONS=16 SMOKE=0 GIVEN_BIN= MAX_NODES=3 LATENCY_SAMPLES=300
while [ $# -gt 0 ]; do
    case "$1" in
        --smoke) SMOKE=1 ;;
        --bin) GIVEN_BIN=$2; shift ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
if [ "$SMOKE" = 1 ]; then
    DURATION=2 CONNECTIONS=4 MAX_NODES=2 LATENCY_SAMPLES=20
fi
. Benchmarks/server.sh
use_airlock
start_secantus
echo "binary=$BIN connections=$CONNECTIONS duration=${DURATION}s room_members=20 message_bytes=200"
for NODES in $(seq 1 "$MAX_NODES"); do
    MONGO_PORT=${MONGO_URL#mongodb://127.0.0.1:}
    DB_URL="mongodb://127.0.0.1:${MONGO_PORT%%/*}/cluster$NODES?directConnection=true"
    NODE_PIDS=() NODE_URLS=()
    for i in $(seq 1 "$NODES"); do
        start_server "$BIN" --store mongo --mongo-uri "$DB_URL" --node-id "bench-$i"
        NODE_PIDS+=("$PID") NODE_URLS+=("$URL")
    done
    eval "$(python3 Benchmarks/bench_setup.py "${NODE_URLS[0]}" admin bench-pass 20)"
    export BENCH_USER_ID BENCH_TOKEN BENCH_ROOM_ID
    AIRLOCK_BEFORE=0; for pid in "${NODE_PIDS[@]}"; do AIRLOCK_BEFORE=$((AIRLOCK_BEFORE + $(cpu_ticks "$pid"))); done
    MONGO_BEFORE=$(cpu_ticks "$MONGO_PID")
    OUTS=() WRKS=()
    for url in "${NODE_URLS[@]}"; do
        out=$(mktemp); CLEANUP_PATHS+=("$out"); OUTS+=("$out")
        wrk -t1 -c$((CONNECTIONS / NODES)) -d"${DURATION}s" -s Benchmarks/post-message.lua "$url/api/v1/chat.postMessage" >"$out" &
        WRKS+=($!)
    done
    for pid in "${WRKS[@]}"; do wait "$pid"; done
    AIRLOCK_AFTER=0; for pid in "${NODE_PIDS[@]}"; do AIRLOCK_AFTER=$((AIRLOCK_AFTER + $(cpu_ticks "$pid"))); done
    MONGO_AFTER=$(cpu_ticks "$MONGO_PID")
    REQUESTS=0 ERRORS=0
    for out in "${OUTS[@]}"; do
        REQUESTS=$((REQUESTS + $(sed -n 's/.*BENCH requests=\([0-9]*\).*/\1/p' "$out")))
        ERRORS=$((ERRORS + $(sed -n 's/.*errors_status=\([0-9]*\).*/\1/p' "$out")))
    done
    P99=$(sed -n 's/.*p99_ms=\([0-9.]*\).*/\1/p' "${OUTS[0]}")
    python3 -c "import os; t=os.sysconf('SC_CLK_TCK'); r=max(1,$REQUESTS); print(f'BENCH nodes=$NODES msgs_per_s={r/$DURATION:.0f} p99_ms_node1=$P99 airlock_cpu_us_per_msg={($AIRLOCK_AFTER-$AIRLOCK_BEFORE)/t*1e6/r:.0f} secantus_cpu_us_per_msg={($MONGO_AFTER-$MONGO_BEFORE)/t*1e6/r:.0f} errors=$ERRORS')"
    [ "$ERRORS" = 0 ] || { echo "benchmark saw error responses" >&2; exit 1; }
    if [ "$NODES" -ge 2 ]; then
        .venv/bin/python Benchmarks/cluster_latency.py "${NODE_URLS[0]}" "${NODE_URLS[1]}" "$BENCH_USER_ID" "$BENCH_TOKEN" "$BENCH_ROOM_ID" "$LATENCY_SAMPLES"
    fi
    # Stopped here, so the next step starts clean; the exit trap then has only the database left to stop.
    for pid in "${NODE_PIDS[@]}"; do kill "$pid"; wait "$pid" 2>/dev/null || true; done
    CLEANUP_PIDS=("$MONGO_PID")
done
