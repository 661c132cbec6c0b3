#!/usr/bin/env bash
# Makes (once) MINUTES of espeak-ng speech, Russian and English, 48 kHz mono
# 16-bit: the benchmarks' input. Prints its path.
# Usage: bench/make_speech.sh MINUTES WORK_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=$1
work=$2
speech=$work/speech-${minutes}min.wav
if [ ! -f "$speech" ]; then
  echo "generating ${minutes} minutes of speech..." >&2
  espeak-ng -v ru -w "$work/ru.wav" "$(cat bench/speech-ru.txt)"
  espeak-ng -v en -w "$work/en.wav" "$(cat bench/speech-en.txt)"
  sox "$work/ru.wav" "$work/en.wav" -r 48000 -b 16 -c 1 "$work/part.wav" rate -v
  part=$(soxi -D "$work/part.wav")
  reps=$(awk -v m="$minutes" -v p="$part" 'BEGIN { print int(m * 60 / p) }')
  sox "$work/part.wav" "$work/long.wav" repeat "$reps"
  sox "$work/long.wav" "$speech" trim 0 "$((minutes * 60))" pad 0 "$((minutes * 60))" trim 0 "$((minutes * 60))"
  rm -f "$work/ru.wav" "$work/en.wav" "$work/part.wav" "$work/long.wav"
fi
echo "$speech"
