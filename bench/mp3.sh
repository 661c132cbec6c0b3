#!/usr/bin/env bash
# MP3 rendition benchmark (issue 10), all measured in the same run:
#  1. `crosstalk import` of a long speech file with the MP3 rendition on,
#     against the same import with it off (<mp3 enabled="false"/>): the MP3
#     encoder runs beside the Opus encoder, so the ratio should stay <= 1.10
#     on 2 cores. Peak memory: the same import of a 3-minute cut (flat).
#  2. The MP3 encoding alone, `crosstalk encode --no-normalize IN OUT.mp3`,
#     against the `lame` command-line encoder with the same LAME settings
#     (-b 64 -m m -q 7: 64 kbit/s CBR mono, quality 7) on the same PCM:
#     target <= 1.0.
# Input: espeak-ng speech, 48 kHz mono (bench/make_speech.sh, as bench/encode.sh).
# Prints medians of RUNS runs and the ratios.
#
# Usage: bench/mp3.sh [RUNS] [MINUTES]     (defaults 3 and 30)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
minutes=${2:-30}
. bench/lib.sh
release_build "$minutes"


# A fresh show each time, MP3 on or off.
import_into_new_show() {  # on|off FILE
  local show=$work/mp3-show
  rm -rf "$show"
  "$crosstalk" init "$show" --title "Бенчмарк" >/dev/null
  if [ "$1" = off ]; then sed -i 's/<mp3 enabled="true"/<mp3 enabled="false"/' "$show/show.xml"; fi
  timed "$crosstalk" -C "$show" import "$2" --title "Час" 
}

: >"$work/on.txt"; : >"$work/off.txt"; : >"$work/ct-mp3.txt"; : >"$work/lame.txt"
for i in $(seq "$runs"); do
  import_into_new_show off "$speech" >>"$work/off.txt"
  import_into_new_show on "$speech" >>"$work/on.txt"
  timed "$crosstalk" encode --no-normalize "$speech" "$work/ct.mp3" >>"$work/ct-mp3.txt"
  timed lame --quiet -b 64 -m m -q 7 "$speech" "$work/lame.mp3" >>"$work/lame.txt"
  echo "run $i: import off $(cut -d' ' -f1 <(tail -1 "$work/off.txt")) s, on $(cut -d' ' -f1 <(tail -1 "$work/on.txt")) s;" \
       "MP3 alone: crosstalk $(cut -d' ' -f1 <(tail -1 "$work/ct-mp3.txt")) s, lame $(cut -d' ' -f1 <(tail -1 "$work/lame.txt")) s" >&2
done

on=$(cut -d' ' -f1 "$work/on.txt" | median)
off=$(cut -d' ' -f1 "$work/off.txt" | median)
ct=$(cut -d' ' -f1 "$work/ct-mp3.txt" | median)
lame=$(cut -d' ' -f1 "$work/lame.txt" | median)
on_mem=$(cut -d' ' -f2 "$work/on.txt" | sort -n | tail -1)
sox "$speech" "$work/short.wav" trim 0 180
short_mem=$(import_into_new_show on "$work/short.wav" | cut -d' ' -f2)
ct_size=$(stat -c %s "$work/ct.mp3")
lame_size=$(stat -c %s "$work/lame.mp3")

echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "medians of $runs runs, ${minutes}-minute input:"
printf '  import, MP3 rendition off        %7.2f s wall\n' "$off"
printf '  import, MP3 rendition on         %7.2f s wall   peak RSS %6.1f MiB\n' "$on" "$(echo "$on_mem / 1024" | bc -l)"
printf '  crosstalk encode IN OUT.mp3      %7.2f s wall   %d bytes\n' "$ct" "$ct_size"
printf '  lame -b 64 -m m -q 7             %7.2f s wall   %d bytes\n' "$lame" "$lame_size"
printf '  import on / off        = %.3f  (target <= 1.10)\n' "$(echo "$on / $off" | bc -l)"
printf '  crosstalk MP3 / lame   = %.3f  (target <= 1.0)\n' "$(echo "$ct / $lame" | bc -l)"
printf '  import peak RSS: %.1f MiB on 3 min, %.1f MiB on %d min  (flat)\n' \
  "$(echo "$short_mem / 1024" | bc -l)" "$(echo "$on_mem / 1024" | bc -l)" "$minutes"
