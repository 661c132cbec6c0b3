#!/usr/bin/env bash
# The test command from the README: installs what is missing, builds with
# warnings as errors, runs every test (unit + black-box) under ctest; then
# does it again with AddressSanitizer + UndefinedBehaviorSanitizer; then
# builds the fuzz targets with clang (libFuzzer) and runs each briefly.
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C.UTF-8
scripts/setup.sh

jobs=$(nproc)
echo "== build (warnings are errors) =="
scripts/build.sh build -DCMAKE_BUILD_TYPE=Release -DCROSSTALK_WERROR=ON
echo "== tests =="
ctest --test-dir build --output-on-failure -j "$jobs"

echo "== build with ASan + UBSan =="
scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DCROSSTALK_WERROR=ON -DCROSSTALK_SANITIZE=ON
echo "== tests under ASan + UBSan =="
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir build-asan --output-on-failure -j "$jobs"

echo "== fuzz targets (clang, libFuzzer + ASan + UBSan), a few seconds each =="
scripts/build.sh build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DCROSSTALK_FUZZ=ON
ctest --test-dir build-fuzz --output-on-failure
