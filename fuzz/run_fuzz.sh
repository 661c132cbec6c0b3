#!/usr/bin/env bash
# Runs one fuzz target on a copy of its seed corpus (the committed seeds stay
# as they are): every seed first (the regression inputs of crashes found
# and fixed are among them), then SECONDS of fuzzing. Fails on any crash,
# timeout, leak or sanitizer report; the input that caused it is kept in
# WORK/artifacts/. ctest's fuzz.<target> runs it briefly, bench/fuzz.sh long.
# usage: run_fuzz.sh TARGET_BINARY SEED_DIR WORK_DIR SECONDS [libFuzzer options]
set -euo pipefail
target=$1 seeds=$2 work=$3 seconds=$4
shift 4
rm -rf "$work/corpus"
mkdir -p "$work/corpus" "$work/artifacts"
cp "$seeds"/* "$work/corpus/"
export LSAN_OPTIONS=suppressions=$(dirname "$0")/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}
exec "$target" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" "$@" "$work/corpus"
