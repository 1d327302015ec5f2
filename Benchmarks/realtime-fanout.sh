#!/usr/bin/env bash
# Realtime fan-out: one message posted over REST reaches N DDP connections subscribed to the room.
# Prints delivery latency percentiles and the server's RSS per idle connection.
#   Benchmarks/realtime-fanout.sh            # release build, 1000 connections, 20 messages
#   Benchmarks/realtime-fanout.sh --smoke    # debug build, 50 connections, 3 messages (CI)
set -euo pipefail
cd "$(dirname "$0")/.."
CONNECTIONS=1000 ROUNDS=20 MODE=release
if [ "${1:-}" = "--smoke" ]; then CONNECTIONS=50 ROUNDS=3 MODE=debug; fi
if [ "$MODE" = release ]; then
    swift build -c release --product airlock
    swift build -c release --product airlock-realtime-bench
fi
[ -x ".build/$MODE/airlock-realtime-bench" ] || swift build --product airlock-realtime-bench
# The server needs a descriptor per connection.
ulimit -n "$(ulimit -Hn)"
. Benchmarks/server.sh
# One token from one address opens every connection: lift the per-user and per-address caps (defaults 50).
start_server ".build/$MODE/airlock" --limit "ws.maxConnectionsPerUser=$CONNECTIONS" --limit "ws.maxAnonymousConnectionsPerAddress=$CONNECTIONS" \
    --limit "http.maxConnectionsPerAddress=$((CONNECTIONS + 16))"
".build/$MODE/airlock-realtime-bench" "$URL" admin bench-pass "$PID" "$CONNECTIONS" "$ROUNDS"
