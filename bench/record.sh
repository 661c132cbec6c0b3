#!/usr/bin/env bash
# Recorder benchmark (issue 5): see bench/record_bench.py.
# Usage: bench/record.sh [RUNS] [SECONDS] [LONG_SECONDS]   (defaults 3, 60, 600)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --bench
scripts/build.sh build-release -DCMAKE_BUILD_TYPE=Release -DCROSSTALK_TESTS=OFF >/dev/null
work=$(mktemp -d /tmp/crosstalk-record-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
/usr/bin/python3 bench/record_bench.py "$PWD/build-release/cli/crosstalk" "$PWD/build-release/bench/raw_opus_floor" \
  "${1:-3}" "${2:-60}" "${3:-600}" "$work"
