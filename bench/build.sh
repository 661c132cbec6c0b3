#!/usr/bin/env bash
# Build benchmark (issue 3): a show with 10,000 published episodes.
#  - full: whole-process `crosstalk build` after one new episode is scheduled
#    (it publishes it and regenerates every feed and the page), against the
#    npm `podcast` package 2.0.1 generating the same 10,000-item feed in Node;
#  - no-op: `crosstalk build` with nothing to do, against the full build.
# Prints medians of RUNS runs, ratios and peak memory.
# Usage: bench/build.sh [RUNS] [EPISODES]     (defaults 5 and 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
count=${2:-10000}
scripts/setup.sh --bench
scripts/build.sh build-release -DCMAKE_BUILD_TYPE=Release -DCROSSTALK_TESTS=OFF >/dev/null
crosstalk=$PWD/build-release/cli/crosstalk
work=$(mktemp -d /tmp/crosstalk-build-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "installing podcast@2.0.1 into $work/node..." >&2
mkdir -p "$work/node"
(cd "$work/node" && npm install --silent --no-audit --no-fund podcast@2.0.1 >/dev/null)
cp bench/podcast_peer.js "$work/node/"

espeak-ng -v ru -w "$work/ep.wav" "Короткий эпизод для бенчмарка."
/usr/bin/python3 bench/make_big_show.py "$crosstalk" "$work/show" "$work/ep.wav" "$count"
"$crosstalk" -C "$work/show" import "$work/ep.wav" --title "Новый" --out-of-turn >/dev/null
new=$(printf '%04d' $((count + 1)))
"$crosstalk" -C "$work/show" build >/dev/null
"$crosstalk" -C "$work/show" list --json | /usr/bin/python3 -c '
import json, sys, datetime
show = {"title": "Голос врага", "description": "Бенчмарк", "author": "Comms", "owner_email": "comms@example.com",
        "language": "ru", "base_url": "http://127.0.0.1:8080/", "guid": "79c14d73-87e5-57ee-9c66-cfd5a895e214"}
eps = []
for e in json.load(sys.stdin):
    when = e["published_at"] or e["publish_at"] or e["recorded_at"]
    ts = datetime.datetime.strptime(when, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc).timestamp()
    eps.append({"number": e["number"], "title": e["title"], "description": e["title"], "guid": e["guid"],
                "department": e["department"], "host": e["host"] or "Анна", "published": ts,
                "file": e["stem"] + ".opus", "size": e["size"], "duration": e["duration"]})
json.dump({"show": show, "episodes": eps}, open(sys.argv[1], "w"), ensure_ascii=False)
' "$work/episodes.json"

. bench/lib.sh
: >"$work/full.txt"; : >"$work/noop.txt"; : >"$work/npm.txt"
for i in $(seq "$runs"); do
  "$crosstalk" -C "$work/show" unpublish "$new" >/dev/null
  "$crosstalk" -C "$work/show" schedule "$new" --at 2026-01-02T10:00 --now 2026-01-01T10:00 >/dev/null
  timed "$crosstalk" -C "$work/show" build >>"$work/full.txt"
  timed "$crosstalk" -C "$work/show" build >>"$work/noop.txt"
  timed node "$work/node/podcast_peer.js" "$work/episodes.json" "$work/npm-feed.xml" >>"$work/npm.txt"
  echo "run $i: full $(cut -d' ' -f1 <(tail -1 "$work/full.txt")) s, no-op $(cut -d' ' -f1 <(tail -1 "$work/noop.txt")) s, npm podcast $(cut -d' ' -f1 <(tail -1 "$work/npm.txt")) s" >&2
done
grep -c "<item>" "$work/show/public/feed.xml" >"$work/items.txt"
full=$(cut -d' ' -f1 "$work/full.txt" | median)
noop=$(cut -d' ' -f1 "$work/noop.txt" | median)
npm=$(cut -d' ' -f1 "$work/npm.txt" | median)
echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "medians of $runs runs, $((count + 1)) published episodes ($(cat "$work/items.txt") items in feed.xml; npm feed $(grep -c '<item>' "$work/npm-feed.xml") items):"
printf '  crosstalk build, one newly due  %6.3f s   peak RSS %6.1f MiB  (writes feed.xml, 2 department feeds, index.html)\n' "$full" "$(echo "$(cut -d' ' -f2 "$work/full.txt" | sort -n | tail -1) / 1024" | bc -l)"
printf '  crosstalk build, nothing to do  %6.3f s   peak RSS %6.1f MiB\n' "$noop" "$(echo "$(cut -d' ' -f2 "$work/noop.txt" | sort -n | tail -1) / 1024" | bc -l)"
printf '  npm podcast 2.0.1 (one feed)    %6.3f s   peak RSS %6.1f MiB\n' "$npm" "$(echo "$(cut -d' ' -f2 "$work/npm.txt" | sort -n | tail -1) / 1024" | bc -l)"
printf '  full build / npm podcast  = %.3f  (target <= 0.5)\n' "$(echo "$full / $npm" | bc -l)"
printf '  no-op build / full build  = %.3f  (target <= 0.25)\n' "$(echo "$noop / $full" | bc -l)"
