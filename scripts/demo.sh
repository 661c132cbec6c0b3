#!/usr/bin/env bash
# The demo command from the README: installs what is missing, builds
# crosstalk, and makes a demo show «Голос врага» from generated Russian
# speech: four episodes alternating marketing and sales (the fourth recorded
# live with `crosstalk record` from a virtual microphone), three published,
# one scheduled a day ahead; builds public/ and serves it on
# http://127.0.0.1:8080/ with `crosstalk serve`, and the browser studio on
# http://127.0.0.1:8090/ with `crosstalk studio` (a host's sign-in link is
# printed), until Ctrl-C (when run from a terminal; otherwise it prints the
# commands that serve them).
# Output goes to ./demo (or the folder given as $1); it is made anew each run.
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C.UTF-8
scripts/setup.sh
scripts/build.sh build-release -DCMAKE_BUILD_TYPE=Release -DCROSSTALK_TESTS=OFF >/dev/null
crosstalk=$PWD/build-release/cli/crosstalk

demo=$(realpath -m "${1:-demo}")
show=$demo/show
rm -rf "$demo"
mkdir -p "$demo/audio"
echo "== generating speech (espeak-ng) and a cover (ffmpeg) in $demo =="
ffmpeg -v error -y -f lavfi -i "color=c=0x1f4e79:s=1400x1400" -frames:v 1 "$demo/audio/cover.jpg"
say() { espeak-ng -v ru -s 150 -w "$demo/audio/$1.wav" "$2"; }
say 1 "Добрый день! Это первый выпуск подкаста «Голос врага». Маркетинг рассказывает о кампании, которая две недели не работала."
say 2 "Слово продажам. Мы потеряли крупного клиента, потому что слишком поздно сообщили о задержке поставки."
say 3 "Снова маркетинг. Мы поговорили с продажами и переписали все рекламные тексты. Заявок стало в пять раз больше."
say 4 "Продажи возвращаются. Клиент, которого мы потеряли, подписал договор на два года."

echo "== creating the show and importing the episodes =="
"$crosstalk" init "$show" --title "Голос врага" \
  --description "Маркетинг и продажи по очереди рассказывают о своих победах и провалах." \
  --author "Отдел коммуникаций" --owner-email comms@example.com \
  --timezone Europe/Moscow --base-url http://127.0.0.1:8080/ --cover "$demo/audio/cover.jpg"
ct() { "$crosstalk" -C "$show" "$@"; }
ct import "$demo/audio/1.wav" --title "Кампания, которая не взлетела" --host "Анна Петрова" \
  --description "Две недели, половина бюджета и двенадцать заявок: что пошло не так."
ct import "$demo/audio/2.wav" --title "Как мы потеряли клиента & что поняли" --host "Борис Иванов" \
  --description "Одна поздняя новость стоила нам крупнейшего клиента региона."
ct import "$demo/audio/3.wav" --title "Тексты <заново>: ×5 заявок 🚀" --host "Анна Петрова" \
  --description "Что изменилось, когда мы спросили тех, кто говорит с клиентами каждый день."
echo "== recording episode 4 live: crosstalk record, from a virtual microphone =="
/usr/bin/python3 scripts/demo_record.py "$crosstalk" "$show" "$demo/audio/4.wav" "$demo/spool" -- \
  --title "Клиент вернулся" --host "Борис Иванов" --description "Почему честность оказалась лучшим аргументом."
# Three "published" in the past days: scheduled as if it were four days ago
# (schedule refuses a past time; --now pretends, as build's does).
before="$(date -d '4 days ago' +%Y-%m-%dT10:00)"
ct schedule 1 --at "$(date -d '3 days ago' +%Y-%m-%dT10:00)" --now "$before"
ct schedule 2 --at "$(date -d '2 days ago' +%Y-%m-%dT10:00)" --now "$before"
ct schedule 3 --at "$(date -d 'yesterday' +%Y-%m-%dT10:00)" --now "$before"
ct schedule 4 --at "$(date -d 'tomorrow' +%Y-%m-%dT10:00)"

echo "== building public/ =="
ct build
echo
ct list
ct check
echo
echo "Show folder: $show"
echo "Feeds:       http://127.0.0.1:8080/feed.xml      Ogg Opus: AntennaPod, gPodder, browsers"
echo "             http://127.0.0.1:8080/feed-mp3.xml  MP3: Apple Podcasts (iPhone, Mac), any player"
echo "             (per department: feed-marketing.xml, feed-sales.xml, feed-mp3-marketing.xml, feed-mp3-sales.xml)"
echo "Page:        http://127.0.0.1:8080/  (players, downloads, and how to subscribe on each device, with QR codes)"
link=$(ct staff add "Анна Петрова" --role host --department marketing | sed -n 's/^sign-in link: //p')
echo "Studio:      $link"
echo "             (Анна Петрова's sign-in link: record episode 5 from the browser on this machine; 'crosstalk staff add' makes more)"
export CROSSTALK_SPOOL=$demo/spool
if [ -t 0 ] && [ -t 1 ]; then
  echo "== serving the feeds on :8080 and the studio on :8090 (Ctrl-C stops both) =="
  "$crosstalk" -C "$show" studio --listen 127.0.0.1:8090 &
  studio=$!
  trap 'kill $studio 2>/dev/null' EXIT
  "$crosstalk" -C "$show" serve --listen 127.0.0.1:8080
  exit 0
fi
echo "Serve it with: $crosstalk -C $show serve --listen 127.0.0.1:8080"
echo "Studio with:   CROSSTALK_SPOOL=$demo/spool $crosstalk -C $show studio --listen 127.0.0.1:8090"
