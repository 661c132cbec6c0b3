#!/usr/bin/env bash
# The demo command from the README: installs what is missing, builds
# crosstalk, and makes a tagged demo episode from generated Russian speech.
# Output goes to ./demo (or the folder given as $1).
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C.UTF-8
scripts/setup.sh
scripts/build.sh build-release -DCMAKE_BUILD_TYPE=Release -DCROSSTALK_TESTS=OFF
crosstalk=$PWD/build-release/cli/crosstalk

demo=${1:-demo}
mkdir -p "$demo"
echo "== generating a Russian speech sample (espeak-ng) and a cover (ffmpeg) =="
espeak-ng -v ru -s 150 -w "$demo/speech.wav" \
  "Добрый день! Это первый выпуск подкаста «Голос врага». Сегодня маркетинг рассказывает о своих победах и провалах."
ffmpeg -v error -y -f lavfi -i "color=c=0x1f4e79:s=1400x1400" -frames:v 1 "$demo/cover.jpg"

echo "== encoding the episode =="
"$crosstalk" encode "$demo/speech.wav" "$demo/0001-marketing.opus" \
  --title "Выпуск 1: победы и провалы маркетинга 🎙" --artist "Анна Петрова" \
  --album "Голос врага" --track 1 --date "$(date +%F)" --language ru --department marketing \
  --description "Маркетинг рассказывает продажам о кампании & <итогах> квартала." \
  --cover "$demo/cover.jpg"

echo "== what it made =="
opusinfo "$demo/0001-marketing.opus" | sed -n '/User comments/,/Playback length/p' | grep -v METADATA_BLOCK
echo
echo "Episode: $(realpath "$demo/0001-marketing.opus") — play it with: ffplay, mpv, vlc or a browser"
