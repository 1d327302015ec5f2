#!/usr/bin/env bash
# Starts Airlock on the embedded store (data in ./data), installing what it needs first.
# Extra arguments go to `airlock serve`, e.g. scripts/run.sh --port 3100.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release --product airlock
exec .build/release/airlock serve "$@"
