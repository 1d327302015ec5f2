#!/usr/bin/env bash
# Installs the Debian packages Airlock needs, only when some are missing. Retries apt on network hiccups.
set -euo pipefail

PACKAGES=(pkg-config libssl-dev libsqlite3-dev zlib1g-dev libjavascriptcoregtk-4.1-dev libmongoc-dev esbuild wrk python3-venv nodejs node-typescript chromium chromium-driver)

missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "Installing Debian packages: ${missing[*]}" >&2
for attempt in 1 2 3; do
    if $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"; then
        exit 0
    fi
    echo "apt-get failed (attempt $attempt), retrying..." >&2
    sleep $((attempt * 5))
done
echo "could not install: ${missing[*]}" >&2
exit 1
