# Shared by the benchmark scripts (source it): the median of numbers on
# stdin, and a command's wall time and peak RSS ("SECONDS KIB"); timed needs
# $work set to a scratch folder.
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
timed() { /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >/dev/null 2>&1; cat "$work/time.txt"; }
# Installs what is missing, builds the release binary, sets $crosstalk and
# $work (the benchmarks' scratch folder), and with MINUTES makes the speech
# input and sets $speech.
# BENCH_BUILD=DIR uses a build folder already built (e.g. `build`,
# RelWithDebInfo: libopus, LAME and soxr are the system's either way)
# instead of building build-release.
release_build() {  # [MINUTES]
  local dir=${BENCH_BUILD:-build-release}
  if [ -z "${BENCH_BUILD:-}" ]; then
    scripts/setup.sh
    scripts/build.sh build-release -DCMAKE_BUILD_TYPE=Release -DCROSSTALK_TESTS=OFF >/dev/null
  fi
  crosstalk=$PWD/$dir/cli/crosstalk
  floor=$PWD/$dir/bench/raw_opus_floor
  work=$PWD/build-release/bench-data
  mkdir -p "$work"
  if [ $# -gt 0 ]; then
    speech=$(bench/make_speech.sh "$1" "$work")
    echo "input: $speech ($(soxi -d "$speech"), $(soxi -r "$speech") Hz, $(soxi -c "$speech") ch)"
  fi
}
