#!/usr/bin/env bash
# The AppsSDK typings match their sources (scripts/sdk-typings.js --check), and both sample apps type-check against
# them with tsc in strict mode (Debian's node-typescript).
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/sdk-typings.js --check
for app in SampleApps/*/; do
    tsc -p "$app/jsconfig.json"
    echo "${app%/}: type-checks"
done
