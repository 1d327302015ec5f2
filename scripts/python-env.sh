#!/usr/bin/env bash
# Creates .venv with the pinned Python test clients (Tests/Integration/requirements.txt), retrying pip.
set -euo pipefail
cd "$(dirname "$0")/.."
REQ=Tests/Integration/requirements.txt
if [ -x .venv/bin/python ] && cmp -s "$REQ" .venv/.requirements 2>/dev/null; then exit 0; fi
python3 -m venv .venv
for attempt in 1 2 3; do
    if .venv/bin/pip install -q --disable-pip-version-check -r "$REQ"; then
        cp "$REQ" .venv/.requirements
        exit 0
    fi
    echo "pip install failed (attempt $attempt), retrying..." >&2
    sleep $((attempt * 5))
done
exit 1
