#!/usr/bin/env bash
# Incoming webhook throughput: wrk (2 threads, 8 keep-alive connections) posting a 100-byte JSON payload into a hook
# that posts into a room, without a script and then with a Rocket.Chat-style script (its sandbox a worker process,
# the default). Prints requests/s, latency percentiles and server CPU per request for each, then checks the room
# holds every message the hooks accepted.
#   Benchmarks/webhooks.sh              # 10 s each against .build/release/airlock (built if missing)
#   Benchmarks/webhooks.sh --smoke      # 2 s each against the debug binary (CI)
#   ... --in-process                    # the scripts' sandbox in the server's process
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=10 CONNECTIONS=8 BIN=.build/release/airlock SMOKE=0 RUNTIME=worker
while [ $# -gt 0 ]; do
    case "$1" in
        --smoke) SMOKE=1 ;;
        --in-process) RUNTIME=in-process ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
if [ "$SMOKE" = 1 ]; then
    DURATION=2 CONNECTIONS=4 BIN=.build/debug/airlock
else
    swift build -c release --product airlock
fi
. Benchmarks/server.sh
start_server "$BIN" --apps-runtime "$RUNTIME" --limit hooks.requestsPerMinute=100000000
eval "$(python3 Benchmarks/bench_setup.py "$URL" admin bench-pass 20)"
echo "binary=$BIN scripts=$RUNTIME connections=$CONNECTIONS duration=${DURATION}s room_members=20"
workers_ticks() { local sum=0; for child in $(pgrep -P "$PID"); do sum=$((sum + $(cpu_ticks "$child"))); done; echo "$sum"; }
ROOM_NAME=bench-room  # what bench_setup.py creates
SCRIPT='class Script { process_incoming_request({ request }) { const c = request.content; return { content: { text: `Build #${c.build} ${c.status} on ${c.branch} (${c.author})` } }; } }'
ACCEPTED=0
for mode in plain script; do
    BODY=$(python3 -c 'import json,sys; print(json.dumps({"type": "webhook-incoming", "name": sys.argv[1], "enabled": True, "username": "admin",
        "channel": "#" + sys.argv[2], "scriptEnabled": sys.argv[1] == "script", "script": sys.argv[3]}))' "$mode" "$ROOM_NAME" "$SCRIPT")
    HOOK=$(curl -sf -H "X-User-Id: $BENCH_USER_ID" -H "X-Auth-Token: $BENCH_TOKEN" -H 'Content-Type: application/json' \
        "$URL/api/v1/integrations.create" -d "$BODY" | python3 -c 'import json,sys; i=json.load(sys.stdin)["integration"]; print(i["_id"] + "/" + i["token"])')
    # One request first: the script's sandbox starts on first use, not inside the measurement.
    curl -sf -H 'Content-Type: application/json' "$URL/hooks/$HOOK" -d '{"text":"warm-up","status":"x","build":0,"branch":"x","author":"x"}' >/dev/null
    ACCEPTED=$((ACCEPTED + 1))
    CPU_BEFORE=$(cpu_ticks "$PID")
    WORKERS_BEFORE=$(workers_ticks)
    RESULT=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s Benchmarks/webhooks.lua "$URL/hooks/$HOOK")
    CPU_AFTER=$(cpu_ticks "$PID")
    WORKERS_AFTER=$(workers_ticks)
    echo "-- $mode"
    echo "$RESULT" | grep '^BENCH'
    REQUESTS=$(echo "$RESULT" | sed -n 's/.*BENCH requests=\([0-9]*\).*/\1/p')
    ERRORS=$(echo "$RESULT" | sed -n 's/.*errors_status=\([0-9]*\).*/\1/p')
    python3 -c "import os; t=os.sysconf('SC_CLK_TCK'); print(f'BENCH server_cpu_us_per_request={($CPU_AFTER-$CPU_BEFORE)/t*1e6/max(1,$REQUESTS):.0f} sandbox_cpu_us_per_request={($WORKERS_AFTER-$WORKERS_BEFORE)/t*1e6/max(1,$REQUESTS):.0f}')"
    [ "$ERRORS" = "0" ] || { echo "benchmark saw error responses" >&2; exit 1; }
    ACCEPTED=$((ACCEPTED + REQUESTS))
done
STORED=$(curl -s -H "X-User-Id: $BENCH_USER_ID" -H "X-Auth-Token: $BENCH_TOKEN" \
    "$URL/api/v1/channels.history?roomId=$BENCH_ROOM_ID&count=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
echo "stored_messages=$STORED (accepted=$ACCEPTED)"
# wrk may count a request cut off at the deadline; the server may have stored it. Allow that many per run.
[ "$STORED" -ge "$ACCEPTED" ] && [ "$STORED" -le $((ACCEPTED + 2 * CONNECTIONS)) ] || { echo "stored count mismatch" >&2; exit 1; }
