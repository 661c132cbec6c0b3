#!/usr/bin/env bash
# The long fuzz runs (issue 11): builds the fuzz targets with clang
# (libFuzzer + ASan + UBSan, build-fuzz/) and runs each for SECONDS, one
# after another, at low priority, on a copy of its seed corpus
# (fuzz/corpus/TARGET); prints libFuzzer's figures. A crash stops the run;
# its input is in build-fuzz/fuzz/long/TARGET/artifacts/.
# Usage: bench/fuzz.sh [SECONDS] [TARGET...]   (default 600; all four targets)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(audio_file show_files http_request recover)
scripts/setup.sh
scripts/build.sh build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DCROSSTALK_FUZZ=ON \
  >/dev/null
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for t in "${targets[@]}"; do
  work=build-fuzz/fuzz/long/$t
  mkdir -p "$work"
  echo "== $t: $seconds s"
  start=$(date +%s)
  nice -n 15 fuzz/run_fuzz.sh "build-fuzz/fuzz/fuzz_$t" "fuzz/corpus/$t" "$work" "$seconds" >"$work.log" 2>&1 ||
    { echo "$t: CRASH (see $work.log and $work/artifacts/)"; tail -40 "$work.log"; exit 1; }
  grep -E '^#[0-9]+.*DONE|^stat::' "$work.log" | tail -8
  echo "corpus: $(ls "$work/corpus" | wc -l) inputs; $(($(date +%s) - start)) s"
done
