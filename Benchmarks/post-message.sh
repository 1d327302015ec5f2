#!/usr/bin/env bash
# chat.postMessage throughput: 16 keep-alive connections (wrk, 2 threads) into a 20-member room, 200-byte messages.
# Prints messages/s and latency percentiles, then checks the room holds exactly the messages wrk counted.
#   Benchmarks/post-message.sh              # 10 s against .build/release/airlock (built if missing)
#   Benchmarks/post-message.sh --smoke      # 2 s against the debug binary (CI)
#   ... --store mongo                       # the MongoDB store, on SecantusDB (a Python server: see its CPU line)
#   ... --apps                              # with three apps installed: prevent + modify + post (Benchmarks/Apps),
#                                           # each in its worker process (the default)
#   ... --apps --in-process                 # the same apps in the server's process
#   ... --bin PATH                          # another build of airlock (before/after comparisons); nothing is built
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=10 CONNECTIONS=16 STORE=embedded SMOKE=0 APPS=0 GIVEN_BIN= RUNTIME=worker
while [ $# -gt 0 ]; do
    case "$1" in
        --smoke) SMOKE=1 ;;
        --store) STORE=$2; shift ;;
        --apps) APPS=1 ;;
        --in-process) RUNTIME=in-process ;;
        --bin) GIVEN_BIN=$2; shift ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
if [ "$SMOKE" = 1 ]; then
    DURATION=2 CONNECTIONS=4
fi
. Benchmarks/server.sh
use_airlock
if [ "$STORE" = mongo ]; then
    start_secantus
    start_server "$BIN" --apps-runtime "$RUNTIME" --store mongo --mongo-uri "$MONGO_URL"
else
    start_server "$BIN" --apps-runtime "$RUNTIME"
fi
eval "$(python3 Benchmarks/bench_setup.py "$URL" admin bench-pass 20)"
export BENCH_USER_ID BENCH_TOKEN BENCH_ROOM_ID
if [ "$APPS" = 1 ]; then
    for app in prevent modify post; do
        ZIP=$(mktemp --suffix=.zip)
        CLEANUP_PATHS+=("$ZIP")
        python3 -c "import sys, zipfile, os; d=sys.argv[1]; z=zipfile.ZipFile(sys.argv[2], 'w'); [z.write(os.path.join(d, f), f) for f in os.listdir(d)]; z.close()" "Benchmarks/Apps/$app" "$ZIP"
        curl -sf -H "X-User-Id: $BENCH_USER_ID" -H "X-Auth-Token: $BENCH_TOKEN" -F "app=@$ZIP" "$URL/api/apps" \
            | python3 -c 'import json,sys; a=json.load(sys.stdin)["app"]; print("installed", a["nameSlug"], a["status"]); sys.exit(a["status"] != "manually_enabled")'
    done
fi
echo "binary=$BIN store=$STORE apps=$APPS runtime=$RUNTIME connections=$CONNECTIONS duration=${DURATION}s room_members=20 message_bytes=200"
# The apps' worker processes are the server's children.
workers_ticks() { local sum=0; for child in $(pgrep -P "$PID"); do sum=$((sum + $(cpu_ticks "$child"))); done; echo "$sum"; }
CPU_BEFORE=$(cpu_ticks "$PID")
WORKERS_BEFORE=$(workers_ticks)
[ "$STORE" = mongo ] && MONGO_CPU_BEFORE=$(cpu_ticks "$MONGO_PID")
RESULT=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s Benchmarks/post-message.lua "$URL/api/v1/chat.postMessage")
CPU_AFTER=$(cpu_ticks "$PID")
WORKERS_AFTER=$(workers_ticks)
echo "$RESULT" | grep '^BENCH'
REQUESTS=$(echo "$RESULT" | sed -n 's/.*BENCH requests=\([0-9]*\).*/\1/p')
# Server CPU per message (user + system): steadier than throughput on a shared 2-core machine.
python3 -c "import os,sys; t=os.sysconf('SC_CLK_TCK'); print(f'BENCH server_cpu_us_per_msg={($CPU_AFTER-$CPU_BEFORE)/t*1e6/max(1,$REQUESTS):.0f} server_cores_busy={($CPU_AFTER-$CPU_BEFORE)/t/$DURATION:.2f} workers_cpu_us_per_msg={($WORKERS_AFTER-$WORKERS_BEFORE)/t*1e6/max(1,$REQUESTS):.0f}')"
if [ "$STORE" = mongo ]; then
    MONGO_CPU_AFTER=$(cpu_ticks "$MONGO_PID")
    python3 -c "import os; t=os.sysconf('SC_CLK_TCK'); print(f'BENCH secantus_cpu_us_per_msg={($MONGO_CPU_AFTER-$MONGO_CPU_BEFORE)/t*1e6/max(1,$REQUESTS):.0f} secantus_cores_busy={($MONGO_CPU_AFTER-$MONGO_CPU_BEFORE)/t/$DURATION:.2f}')"
fi
ERRORS=$(echo "$RESULT" | sed -n 's/.*errors_status=\([0-9]*\).*/\1/p')
STORED=$(curl -s -H "X-User-Id: $BENCH_USER_ID" -H "X-Auth-Token: $BENCH_TOKEN" \
    "$URL/api/v1/channels.history?roomId=$BENCH_ROOM_ID&count=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
echo "stored_messages=$STORED (wrk requests=$REQUESTS, non-2xx=$ERRORS)"
[ "$ERRORS" = "0" ] || { echo "benchmark saw error responses" >&2; exit 1; }
# wrk may count a request cut off at the deadline; the server may have stored it. Allow that many.
[ "$STORED" -ge "$REQUESTS" ] && [ "$STORED" -le $((REQUESTS + CONNECTIONS)) ] || { echo "stored count mismatch" >&2; exit 1; }
