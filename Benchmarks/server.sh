# Sourced by the benchmark scripts: start_server BIN starts `BIN serve` on 127.0.0.1, port 0, with a throwaway data
# directory and admin/bench-pass, sets PID and URL, and stops it (by PID) when the script exits.
start_server() {
    DATA=$(mktemp -d)
    OUT=$(mktemp)
    AIRLOCK_ADMIN_USERNAME=admin AIRLOCK_ADMIN_PASSWORD=bench-pass AIRLOCK_PASSWORD_ITERATIONS=1000 \
        "$1" serve --port 0 --data-dir "$DATA" --log-level warning >"$OUT" 2>&1 &
    PID=$!
    trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DATA" "$OUT"' EXIT
    for _ in $(seq 1 300); do grep -q AIRLOCK_LISTENING "$OUT" && break; sleep 0.1; done
    URL=$(grep -o 'http://[0-9.:]*' "$OUT" | head -1)
    [ -n "$URL" ] || { cat "$OUT"; exit 1; }
}
