#!/usr/bin/env bash
# Encode benchmark. Issue 2: `crosstalk encode --no-normalize` against opusenc
# (opus-tools) and against a raw libopus loop (bench/raw_opus_floor.cpp, codec
# time only), same settings for all: 64 kbit/s mono, AUDIO, 20 ms, complexity
# 10, unconstrained VBR. Issue 4: the default, normalising `crosstalk encode`
# (EBU R128 to -16 LUFS, true-peak limiter) against the plain one and opusenc. Input: >= 30 minutes of espeak-ng speech, 48 kHz mono,
# generated here. Prints medians of RUNS runs, ratios, sizes and peak memory.
#
# Usage: bench/encode.sh [RUNS] [MINUTES]     (defaults 3 and 30)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
minutes=${2:-30}
. bench/lib.sh
release_build "$minutes"
floor=$PWD/build-release/bench/raw_opus_floor


: >"$work/ct.txt"; : >"$work/oe.txt"; : >"$work/floor.txt"; : >"$work/norm.txt"
for i in $(seq "$runs"); do
  timed "$crosstalk" encode --no-normalize "$speech" "$work/ct.opus" >>"$work/ct.txt"
  timed "$crosstalk" encode "$speech" "$work/norm.opus" >>"$work/norm.txt"
  timed opusenc --quiet --bitrate 64 --vbr --comp 10 --framesize 20 "$speech" "$work/oe.opus" >>"$work/oe.txt"
  "$floor" "$speech" 64000 | awk '{ print $1 }' >>"$work/floor.txt"
  echo "run $i: crosstalk $(cut -d' ' -f1 <(tail -1 "$work/ct.txt")) s, normalising $(cut -d' ' -f1 <(tail -1 "$work/norm.txt")) s, opusenc $(cut -d' ' -f1 <(tail -1 "$work/oe.txt")) s, floor $(tail -1 "$work/floor.txt") s" >&2
done

ct=$(cut -d' ' -f1 "$work/ct.txt" | median)
oe=$(cut -d' ' -f1 "$work/oe.txt" | median)
fl=$(median <"$work/floor.txt")
norm=$(cut -d' ' -f1 "$work/norm.txt" | median)
norm_mem=$(cut -d' ' -f2 "$work/norm.txt" | sort -n | tail -1)
ct_mem=$(cut -d' ' -f2 "$work/ct.txt" | sort -n | tail -1)
oe_mem=$(cut -d' ' -f2 "$work/oe.txt" | sort -n | tail -1)
ct_size=$(stat -c %s "$work/ct.opus")
oe_size=$(stat -c %s "$work/oe.opus")

# Memory must not grow with the input: encode a 3-minute cut too.
sox "$speech" "$work/short.wav" trim 0 180
short_mem=$(timed "$crosstalk" encode --no-normalize "$work/short.wav" "$work/short.opus" | cut -d' ' -f2)
short_norm_mem=$(timed "$crosstalk" encode "$work/short.wav" "$work/short.opus" | cut -d' ' -f2)

echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "medians of $runs runs, ${minutes}-minute input:"
printf '  crosstalk encode --no-normalize  %7.2f s wall   peak RSS %6.1f MiB   %d bytes\n' "$ct" "$(echo "$ct_mem / 1024" | bc -l)" "$ct_size"
printf '  crosstalk encode (normalising)    %7.2f s wall   peak RSS %6.1f MiB\n' "$norm" "$(echo "$norm_mem / 1024" | bc -l)"
printf '  opusenc                           %7.2f s wall   peak RSS %6.1f MiB   %d bytes\n' "$oe" "$(echo "$oe_mem / 1024" | bc -l)" "$oe_size"
printf '  raw libopus floor                 %7.2f s codec only\n' "$fl"
printf '  crosstalk / opusenc   = %.3f  (target <= 0.55)\n' "$(echo "$ct / $oe" | bc -l)"
printf '  crosstalk / floor     = %.3f  (target <= 1.15)\n' "$(echo "$ct / $fl" | bc -l)"
printf '  opusenc / floor       = %.3f\n' "$(echo "$oe / $fl" | bc -l)"
printf '  size vs opusenc       = %+.2f %%  (target within 2 %%)\n' "$(echo "($ct_size - $oe_size) * 100 / $oe_size" | bc -l)"
printf '  peak RSS: %.1f MiB on 3 min, %.1f MiB on %d min  (target <= 20 MiB, flat)\n' \
  "$(echo "$short_mem / 1024" | bc -l)" "$(echo "$ct_mem / 1024" | bc -l)" "$minutes"
printf '  normalisation extra / plain encode = %.3f  (target <= 0.20)\n' "$(echo "($norm - $ct) / $ct" | bc -l)"
printf '  normalising encode / opusenc       = %.3f  (target < 1)\n' "$(echo "$norm / $oe" | bc -l)"
printf '  normalising peak RSS: %.1f MiB on 3 min, %.1f MiB on %d min  (flat)\n' \
  "$(echo "$short_norm_mem / 1024" | bc -l)" "$(echo "$norm_mem / 1024" | bc -l)" "$minutes"

# Instruction counts (callgrind) on a 1-minute cut: repeatable whatever else
# the machine is doing, so they back the noisy wall-clock ratios.
sox "$speech" "$work/minute.wav" trim 0 60
instructions() { valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$@" >/dev/null 2>&1;
  callgrind_annotate "$work/cg.out" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }'; }
ct_ir=$(instructions "$crosstalk" encode --no-normalize "$work/minute.wav" "$work/minute.opus")
oe_ir=$(instructions opusenc --quiet --bitrate 64 --vbr --comp 10 --framesize 20 "$work/minute.wav" "$work/minute-oe.opus")
fl_ir=$(instructions "$floor" "$work/minute.wav" 64000)
echo "instructions on a 1-minute cut (callgrind, whole process):"
printf '  crosstalk %.3g   opusenc %.3g   raw floor %.3g\n' "$ct_ir" "$oe_ir" "$fl_ir"
printf '  crosstalk / opusenc = %.3f   crosstalk / floor = %.3f   opusenc / floor = %.3f\n' \
  "$(echo "$ct_ir / $oe_ir" | bc -l)" "$(echo "$ct_ir / $fl_ir" | bc -l)" "$(echo "$oe_ir / $fl_ir" | bc -l)"
