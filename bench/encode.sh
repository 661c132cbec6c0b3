#!/usr/bin/env bash
# Encode benchmark, all peers measured in the same run, same settings for
# all (64 kbit/s mono, AUDIO, 20 ms, complexity 10, unconstrained VBR):
#  - issue 2/16: `crosstalk encode --no-normalize` (long files in chunks on
#    every core, issue 16) against opusenc (opus-tools), `ffmpeg -c:a
#    libopus` and a raw libopus loop (bench/raw_opus_floor.cpp: one stream,
#    codec time only);
#  - issue 4/16: the default, normalising `crosstalk encode` (EBU R128 to
#    -16 LUFS, true-peak limiter);
#  - issue 16: `crosstalk import` into a show with the MP3 rendition on;
#    scaling: the plain encode pinned to 1 and 2 cores (taskset; on 1 core
#    it is one stream), and what that predicts for 8 (Amdahl's law);
#    peak RSS on a 3-minute cut and on the whole input;
#    splice quality (bench/splice_quality.py) on the speech, a sine sweep
#    and pink noise (sox).
# Input: >= 30 minutes of espeak-ng speech, 48 kHz mono, generated here.
# Prints medians of RUNS runs, ratios, sizes, peak memory and the load.
#
# Usage: bench/encode.sh [RUNS] [MINUTES]     (defaults 3 and 30)
#        SKIP_CALLGRIND=1 leaves out the instruction counts (slow under valgrind).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
minutes=${2:-30}
. bench/lib.sh
release_build "$minutes"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

import_into_new_show() {  # FILE: the show's defaults (normalising, MP3 rendition on)
  local show=$work/encode-show
  rm -rf "$show"
  "$crosstalk" init "$show" --title "Бенчмарк" >/dev/null
  grep -q '<mp3 enabled="true"' "$show/show.xml"
  timed "$crosstalk" -C "$show" import "$1" --title "Час"
}

names="ct norm imp oe ff floor one two"
for n in $names; do : >"$work/$n.txt"; done
for i in $(seq "$runs"); do
  timed "$crosstalk" encode --no-normalize "$speech" "$work/ct.opus" >>"$work/ct.txt"
  timed "$crosstalk" encode "$speech" "$work/norm.opus" >>"$work/norm.txt"
  import_into_new_show "$speech" >>"$work/imp.txt"
  timed opusenc --quiet --bitrate 64 --vbr --comp 10 --framesize 20 "$speech" "$work/oe.opus" >>"$work/oe.txt"
  timed ffmpeg -v error -y -i "$speech" -c:a libopus -b:a 64k -vbr on -compression_level 10 -frame_duration 20 \
    -application audio "$work/ff.opus" >>"$work/ff.txt"
  "$floor" "$speech" 64000 | awk '{ print $1 }' >>"$work/floor.txt"
  timed taskset -c 0 "$crosstalk" encode --no-normalize "$speech" "$work/one.opus" >>"$work/one.txt"
  timed taskset -c 0,1 "$crosstalk" encode --no-normalize "$speech" "$work/two.opus" >>"$work/two.txt"
  echo "run $i: plain $(cut -d' ' -f1 <(tail -1 "$work/ct.txt")) s, normalising $(cut -d' ' -f1 <(tail -1 "$work/norm.txt")) s," \
       "import+MP3 $(cut -d' ' -f1 <(tail -1 "$work/imp.txt")) s, opusenc $(cut -d' ' -f1 <(tail -1 "$work/oe.txt")) s," \
       "ffmpeg $(cut -d' ' -f1 <(tail -1 "$work/ff.txt")) s, floor $(tail -1 "$work/floor.txt") s," \
       "1 core $(cut -d' ' -f1 <(tail -1 "$work/one.txt")) s, 2 cores $(cut -d' ' -f1 <(tail -1 "$work/two.txt")) s" \
       "(load $(cut -d' ' -f1 /proc/loadavg))" >&2
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

med() { cut -d' ' -f1 "$work/$1.txt" | median; }
mem() { cut -d' ' -f2 "$work/$1.txt" | sort -n | tail -1; }
ct=$(med ct); norm=$(med norm); imp=$(med imp); oe=$(med oe); ff=$(med ff); one=$(med one); two=$(med two)
fl=$(median <"$work/floor.txt")
ct_size=$(stat -c %s "$work/ct.opus"); oe_size=$(stat -c %s "$work/oe.opus"); one_size=$(stat -c %s "$work/one.opus")

# Memory must not grow with the input: a 3-minute cut too (chunked as well).
sox "$speech" "$work/short.wav" trim 0 180
short_mem=$(timed "$crosstalk" encode --no-normalize "$work/short.wav" "$work/short.opus" | cut -d' ' -f2)
short_norm_mem=$(timed "$crosstalk" encode "$work/short.wav" "$work/short.opus" | cut -d' ' -f2)
short_imp_mem=$(import_into_new_show "$work/short.wav" | cut -d' ' -f2)

mib() { echo "$1 / 1024" | bc -l; }
ratio() { echo "$1 / $2" | bc -l; }
echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "load average before: $load_before, after: $load_after (a shared machine: other jobs ran meanwhile)"
echo "medians of $runs runs, ${minutes}-minute input:"
printf '  crosstalk encode --no-normalize    %7.2f s wall   peak RSS %6.1f MiB   %d bytes\n' "$ct" "$(mib "$(mem ct)")" "$ct_size"
printf '  crosstalk encode (normalising)     %7.2f s wall   peak RSS %6.1f MiB\n' "$norm" "$(mib "$(mem norm)")"
printf '  crosstalk import (MP3 rendition)   %7.2f s wall   peak RSS %6.1f MiB\n' "$imp" "$(mib "$(mem imp)")"
printf '  opusenc                            %7.2f s wall   peak RSS %6.1f MiB   %d bytes\n' "$oe" "$(mib "$(mem oe)")" "$oe_size"
printf '  ffmpeg -c:a libopus                %7.2f s wall   peak RSS %6.1f MiB\n' "$ff" "$(mib "$(mem ff)")"
printf '  raw libopus floor (one stream)     %7.2f s codec only\n' "$fl"
printf '  plain, taskset 1 core (one stream) %7.2f s wall   %d bytes\n' "$one" "$one_size"
printf '  plain, taskset 2 cores             %7.2f s wall\n' "$two"
printf '  plain / opusenc          = %.3f  (target <= 0.55)\n' "$(ratio "$ct" "$oe")"
printf '  plain / ffmpeg           = %.3f\n' "$(ratio "$ct" "$ff")"
printf '  plain / floor            = %.3f\n' "$(ratio "$ct" "$fl")"
printf '  normalising / opusenc    = %.3f  (target <= 0.60)\n' "$(ratio "$norm" "$oe")"
printf '  import with MP3 / opusenc = %.3f  (target <= 1.0)\n' "$(ratio "$imp" "$oe")"
printf '  size: chunked vs one stream %+.2f %% (target within 1 %%), vs opusenc %+.2f %%\n' \
  "$(echo "($ct_size - $one_size) * 100 / $one_size" | bc -l)" "$(echo "($ct_size - $oe_size) * 100 / $oe_size" | bc -l)"
serial=$(echo "2 * $two / $one - 1" | bc -l)
printf '  scaling: 1 core %.2f s, 2 cores %.2f s (speed-up %.2f); serial part by Amdahl %.3f -> 8 cores ~%.2f s (speed-up %.1f)\n' \
  "$one" "$two" "$(ratio "$one" "$two")" "$serial" "$(echo "$one * ($serial + (1 - $serial) / 8)" | bc -l)" \
  "$(echo "1 / ($serial + (1 - $serial) / 8)" | bc -l)"
printf '  peak RSS, 3 min vs %d min: plain %.1f vs %.1f, normalising %.1f vs %.1f, import %.1f vs %.1f MiB (target <= 40, flat)\n' \
  "$minutes" "$(mib "$short_mem")" "$(mib "$(mem ct)")" "$(mib "$short_norm_mem")" "$(mib "$(mem norm)")" \
  "$(mib "$short_imp_mem")" "$(mib "$(mem imp)")"

echo
echo "splice quality (bench/splice_quality.py, 2 threads):"
sox -n -r 48000 -b 16 -c 1 "$work/sweep.wav" synth 600 sine 20/16000 vol 0.5
sox -n -r 48000 -b 16 -c 1 "$work/pink.wav" synth 600 pinknoise vol 0.3
/usr/bin/python3 bench/splice_quality.py "$crosstalk" "$work" 2 \
  "speech=$speech" "sweep=$work/sweep.wav" "pink=$work/pink.wav" || echo "splice quality: FAILED"

[ "${SKIP_CALLGRIND:-0}" = 1 ] && exit 0
# Instruction counts (callgrind) on a 1-minute cut (one stream: not long
# enough to cut): repeatable whatever else the machine is doing.
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
