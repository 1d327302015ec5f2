#!/usr/bin/env bash
# A longer run of the package-reader fuzz test (CI runs 3,000 mutations with a fixed seed).
#   scripts/fuzz-packages.sh [iterations] [seed]     # defaults: 200000 iterations, a seed from the clock
set -euo pipefail
cd "$(dirname "$0")/.."
ITERATIONS=${1:-200000}
SEED=${2:-$(date +%s)}
echo "fuzzing the package reader: $ITERATIONS mutations, seed $SEED"
swift build --build-tests
AIRLOCK_FUZZ_ITERATIONS=$ITERATIONS AIRLOCK_FUZZ_SEED=$SEED swift test --skip-build --filter PackageFuzzTests
