#!/usr/bin/env bash
# Serve benchmark (issue 6): wrk (Debian) against `crosstalk serve` and
# nginx (sendfile on, crosstalk's own snippet) serving the same show folder
# on loopback, in the same run: requests/s for feed.xml (200), conditional
# feed.xml (304) and 1 MiB ranges of an episode, at 50 and 200 connections.
# Prints medians of RUNS runs of DURATION seconds, the ratios, errors, and
# crosstalk serve's peak memory.
# Usage: bench/serve.sh [RUNS] [DURATION]     (defaults 3 and 10)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
duration=${2:-10}
scripts/setup.sh --bench
scripts/build.sh build-release -DCMAKE_BUILD_TYPE=Release -DCROSSTALK_TESTS=OFF >/dev/null
crosstalk=$PWD/build-release/cli/crosstalk
work=$(mktemp -d /tmp/crosstalk-serve-bench-XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
ct_port=18480
nginx_port=18481

# A show of 40 published episodes (a ~37 KB feed, as in the issue), each an
# 8-minute, ~3.8 MB episode.
sox -n -r 48000 -c 1 "$work/ep.wav" synth 480 pinknoise vol 0.3 2>/dev/null
/usr/bin/python3 bench/make_big_show.py "$crosstalk" "$work/show" "$work/ep.wav" 40
sed -i "s#<base-url>[^<]*#<base-url>http://127.0.0.1:$ct_port/#" "$work/show/show.xml"
sed -i "s#<nginx [^>]*/>#<nginx auth-check=\"127.0.0.1:$ct_port\" access-log=\"$work/nginx/access.log\" />#" "$work/show/show.xml"
"$crosstalk" -C "$work/show" build >/dev/null
feed_size=$(stat -c %s "$work/show/public/feed.xml")
episode_size=$(stat -c %s "$work/show/public/episodes/0001-marketing.opus")

mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<CONF
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
worker_processes auto;
$( [ "$(id -u)" -eq 0 ] && echo "user root;" )
events { worker_connections 4096; }
http {
    client_body_temp_path $work/nginx/body; proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi; uwsgi_temp_path $work/nginx/uwsgi; scgi_temp_path $work/nginx/scgi;
    include $work/show/nginx-crosstalk-http.conf;
    server { listen 127.0.0.1:$nginx_port; include $work/show/nginx-crosstalk.conf; }
}
CONF
nginx -e "$work/nginx/error.log" -c "$work/nginx/nginx.conf" & pids+=($!)
"$crosstalk" -C "$work/show" serve --listen 127.0.0.1:$ct_port >/dev/null & ct_pid=$!; pids+=($ct_pid)
for port in $ct_port $nginx_port; do
  for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
done

. bench/lib.sh
etag() { curl -sI "http://127.0.0.1:$1/feed.xml" | tr -d '\r' | awk -F': ' 'tolower($1) == "etag" { print $2 }'; }

for conns in 50 200; do
  for case in feed 304 range; do
    for server in crosstalk nginx; do : >"$work/$case-$conns-$server.txt"; done
    for i in $(seq "$runs"); do
      for server in crosstalk nginx; do
        port=$([ $server = crosstalk ] && echo $ct_port || echo $nginx_port)
        case $case in
          feed) args=() ;;
          304) args=(-H "If-None-Match: $(etag $port)") ;;
          range) args=(-H "Range: bytes=0-1048575") ;;
        esac
        if [ $case = range ]; then
          out=$(wrk -t2 -c"$conns" -d"${duration}s" "${args[@]}" "http://127.0.0.1:$port/episodes/0001-marketing.opus" 2>&1)
        else
          out=$(wrk -t2 -c"$conns" -d"${duration}s" "${args[@]}" "http://127.0.0.1:$port/feed.xml" 2>&1)
        fi
        rps=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
        errors=$( { grep -o 'Socket errors:.*' <<<"$out" | grep -o '[0-9]\+' || true; grep -o 'Non-2xx or 3xx responses: [0-9]*' <<<"$out" | grep -o '[0-9]\+$' || true; } | awk '{ s += $1 } END { print s + 0 }')
        echo "$rps $errors" >>"$work/$case-$conns-$server.txt"
        echo "run $i: $case, $conns connections, $server: $rps req/s, $errors errors" >&2
      done
    done
  done
done
rss=$(awk '/VmHWM/ { print $2 }' /proc/$ct_pid/status)

echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(nginx -v 2>&1 | cut -d' ' -f3); wrk -t2, ${duration} s per run"
echo "medians of $runs runs; feed.xml $feed_size bytes, episode $episode_size bytes:"
printf '  %-26s %5s %14s %14s %7s %8s\n' case conns "crosstalk r/s" "nginx r/s" ratio errors
for conns in 50 200; do
  for case in feed 304 range; do
    c=$(cut -d' ' -f1 "$work/$case-$conns-crosstalk.txt" | median)
    n=$(cut -d' ' -f1 "$work/$case-$conns-nginx.txt" | median)
    e=$(cat "$work/$case-$conns-crosstalk.txt" "$work/$case-$conns-nginx.txt" | awk '{ s += $2 } END { print s + 0 }')
    label=$(case $case in feed) echo "feed.xml (200)";; 304) echo "feed.xml If-None-Match (304)";; range) echo "1 MiB range (206)";; esac)
    printf '  %-26s %5d %14.0f %14.0f %7.3f %8d\n' "$label" "$conns" "$c" "$n" "$(echo "$c / $n" | bc -l)" "$e"
  done
done
printf '  crosstalk serve peak RSS after all runs: %.1f MiB (target <= 50 at 200 connections)\n' "$(echo "$rss / 1024" | bc -l)"
echo "  target: crosstalk >= 0.5 x nginx in each case, zero errors"
