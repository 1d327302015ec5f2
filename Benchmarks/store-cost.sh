#!/usr/bin/env bash
# Airlock's CPU per chat.postMessage on each store at the same message rate: one client posts sequentially at a fixed
# rate (default 25 msg/s, under what SecantusDB — a Python server — sustains), on the embedded store and then on
# MongoDB, and the server's CPU (user + system) is divided by the messages. Comparing the stores at one rate keeps
# fixed per-request costs (wake-ups, syscalls) equal on both sides; post-message.sh measures each at saturation, where
# the embedded store runs 100× faster and amortises them.
#   Benchmarks/store-cost.sh              # 300 messages per store, release build (built if missing)
#   Benchmarks/store-cost.sh --smoke      # 30 messages at 10/s, debug build (CI)
#   ... --rate R --messages N --bin PATH
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=25 MESSAGES=300 SMOKE=0 GIVEN_BIN=
while [ $# -gt 0 ]; do
    case "$1" in
        --smoke) SMOKE=1 ;;
        --rate) RATE=$2; shift ;;
        --messages) MESSAGES=$2; shift ;;
        --bin) GIVEN_BIN=$2; shift ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
if [ "$SMOKE" = 1 ]; then
    MESSAGES=30 RATE=10
fi
. Benchmarks/server.sh
use_airlock
start_secantus
echo "binary=$BIN rate=${RATE}/s messages=$MESSAGES room_members=20 message_bytes=200"
declare -A COST
for STORE in embedded mongo; do
    if [ "$STORE" = mongo ]; then
        start_server "$BIN" --store mongo --mongo-uri "$MONGO_URL"
    else
        start_server "$BIN"
    fi
    eval "$(python3 Benchmarks/bench_setup.py "$URL" admin bench-pass 20)"
    sleep 1
    BEFORE=$(cpu_ticks "$PID")
    .venv/bin/python - "$URL" "$BENCH_USER_ID" "$BENCH_TOKEN" "$BENCH_ROOM_ID" "$MESSAGES" "$RATE" <<'PY'
import sys, time
import requests
url, user_id, token, room, count, rate = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), float(sys.argv[6])
session = requests.Session()
headers = {"X-User-Id": user_id, "X-Auth-Token": token}
start = time.monotonic()
for n in range(count):
    session.post(f"{url}/api/v1/chat.postMessage", headers=headers, json={"roomId": room, "text": "x" * 200}).raise_for_status()
    pause = start + (n + 1) / rate - time.monotonic()
    if pause > 0:
        time.sleep(pause)
achieved = count / (time.monotonic() - start)
if achieved < rate * 0.9:
    sys.exit(f"the server kept up with only {achieved:.1f} msg/s of {rate}")
PY
    AFTER=$(cpu_ticks "$PID")
    COST[$STORE]=$(python3 -c "import os; print(round(($AFTER-$BEFORE)/os.sysconf('SC_CLK_TCK')*1e6/$MESSAGES))")
    echo "BENCH store=$STORE server_cpu_us_per_msg=${COST[$STORE]}"
    kill "$PID"; wait "$PID" 2>/dev/null || true
    CLEANUP_PIDS=("$MONGO_PID")
done
python3 -c "print(f'BENCH mongo/embedded cpu per message = {${COST[mongo]}/max(1,${COST[embedded]}):.2f}x')"
