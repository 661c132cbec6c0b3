#!/usr/bin/env bash
# Hostile clients against `crosstalk serve` (bench/hostile.py says what and
# the targets). Usage: bench/hostile.sh [SECONDS]     (default 15)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh build-release -DCMAKE_BUILD_TYPE=Release -DCROSSTALK_TESTS=OFF >/dev/null
exec /usr/bin/python3 bench/hostile.py "$PWD/build-release/cli/crosstalk" "${1:-15}"
