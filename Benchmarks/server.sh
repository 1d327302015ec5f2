# Sourced by the benchmark scripts.
#   start_server BIN [ARGS...]  starts `BIN serve` on 127.0.0.1, port 0, with a throwaway data directory and
#                               admin/bench-pass; sets PID and URL.
#   start_secantus              starts SecantusDB (MongoDB wire protocol, from .venv) on 127.0.0.1, port 0, in
#                               memory; sets MONGO_PID and MONGO_URL.
#   cpu_ticks PID               the process's user + system CPU so far, in clock ticks.
#   use_airlock                 sets BIN: $GIVEN_BIN (--bin) if set, the debug build with SMOKE=1, else the release
#                               build (built now).
# Everything started here is stopped by PID when the script exits.
CLEANUP_PIDS=()
CLEANUP_PATHS=()
cleanup() {
    for pid in "${CLEANUP_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    rm -rf "${CLEANUP_PATHS[@]}"
}
trap cleanup EXIT

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

use_airlock() {
    if [ -n "${GIVEN_BIN:-}" ]; then
        BIN=$GIVEN_BIN
    elif [ "${SMOKE:-0}" = 1 ]; then
        BIN=.build/debug/airlock
    else
        swift build -c release --product airlock
        BIN=.build/release/airlock
    fi
}

start_server() {
    local bin=$1
    shift
    DATA=$(mktemp -d)
    OUT=$(mktemp)
    CLEANUP_PATHS+=("$DATA" "$OUT")
    AIRLOCK_ADMIN_USERNAME=admin AIRLOCK_ADMIN_PASSWORD=bench-pass AIRLOCK_PASSWORD_ITERATIONS=1000 \
        "$bin" serve --port 0 --data-dir "$DATA" --log-level warning "$@" >"$OUT" 2>&1 &
    PID=$!
    CLEANUP_PIDS=("$PID" "${CLEANUP_PIDS[@]}")
    for _ in $(seq 1 300); do grep -q AIRLOCK_LISTENING "$OUT" && break; sleep 0.1; done
    URL=$(grep -o 'http://[0-9.:]*' "$OUT" | head -1)
    [ -n "$URL" ] || { cat "$OUT"; exit 1; }
}

start_secantus() {
    [ -x .venv/bin/secantusd-py ] || scripts/python-env.sh
    local log
    log=$(mktemp)
    CLEANUP_PATHS+=("$log")
    .venv/bin/secantusd-py --host 127.0.0.1 --port 0 --storage-path :memory: >"$log" 2>&1 &
    MONGO_PID=$!
    CLEANUP_PIDS+=("$MONGO_PID")
    local port=""
    for _ in $(seq 1 300); do
        port=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$log" | head -1 | cut -d: -f2 || true)
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { cat "$log"; exit 1; }
    MONGO_URL="mongodb://127.0.0.1:$port/bench?directConnection=true"
}
