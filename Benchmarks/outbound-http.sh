#!/usr/bin/env bash
# IHttp cost: an app endpoint that makes one GET to a local allowed server, against the same endpoint refusing a URL
# before any network (the difference is the outbound request: resolve, check, pinned client, round trip), and the
# same GET made directly by the benchmark's client (the upstream's own cost, to subtract).
#   Benchmarks/outbound-http.sh            # 500 calls each against .build/release/airlock (built if missing)
#   Benchmarks/outbound-http.sh --smoke    # 20 calls each against the debug binary (CI)
set -euo pipefail
cd "$(dirname "$0")/.."
CALLS=500 BIN=.build/release/airlock
if [ "${1:-}" = "--smoke" ]; then
    CALLS=20 BIN=.build/debug/airlock
else
    swift build -c release --product airlock
fi
. Benchmarks/server.sh
# The upstream is a second Airlock (its /api/info): a fast HTTP/1.1 server, unlike Python's http.server.
start_server "$BIN"
UPSTREAM_PORT=${URL##*:}
start_server "$BIN" --apps-http-allow "127.0.0.1:$UPSTREAM_PORT"
ZIP=$(mktemp --suffix=.zip)
CLEANUP_PATHS+=("$ZIP")
python3 -c "import sys, zipfile, os; d=sys.argv[1]; z=zipfile.ZipFile(sys.argv[2], 'w'); [z.write(os.path.join(d, f), f) for f in os.listdir(d)]; z.close()" \
    Tests/Fixtures/Apps/network "$ZIP"
python3 - "$URL" "$ZIP" "$UPSTREAM_PORT" "$CALLS" <<'PY'
import json, subprocess, sys, time, urllib.request

url, zip_path, port, calls = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

def call(path, body, headers=None):
    request = urllib.request.Request(url + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())

login = call("/api/v1/login", {"user": "admin", "password": "bench-pass"})["data"]
installed = json.loads(subprocess.run(
    ["curl", "-sf", "-H", f"X-User-Id: {login['userId']}", "-H", f"X-Auth-Token: {login['authToken']}", "-F", f"app=@{zip_path}", url + "/api/apps"],
    check=True, capture_output=True).stdout)["app"]
fetch = f"/api/apps/public/{installed['id']}/fetch"

def measure(target, expect_ok):
    samples = []
    for _ in range(calls):
        start = time.perf_counter()
        answer = call(fetch, {"method": "get", "url": target})
        samples.append((time.perf_counter() - start) * 1e6)
        assert answer["ok"] == expect_ok, answer
    samples.sort()
    return samples

def report(name, samples):
    pick = lambda q: samples[min(len(samples) - 1, int(q * len(samples)))]
    print(f"{name}: p50 {pick(0.5):.0f} µs  p90 {pick(0.9):.0f} µs  p99 {pick(0.99):.0f} µs  (n={len(samples)})")

measure(f"http://127.0.0.1:{port}/api/info", True)  # warm-up
local = measure(f"http://127.0.0.1:{port}/api/info", True)
refused = measure("ftp://127.0.0.1/", False)
direct = []
for _ in range(calls):
    start = time.perf_counter()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/info") as response:
        response.read()
    direct.append((time.perf_counter() - start) * 1e6)
direct.sort()
median = lambda samples: samples[len(samples) // 2]
report("app endpoint + IHttp GET to a local allowed server", local)
report("app endpoint, URL refused before any network", refused)
report("the same GET made directly by this client (the upstream's own cost)", direct)
print(f"outbound request through IHttp (difference of medians): {median(local) - median(refused):.0f} µs; "
      f"beyond the upstream's own cost: {median(local) - median(refused) - median(direct):.0f} µs")
PY
