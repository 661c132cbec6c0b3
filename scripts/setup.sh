#!/usr/bin/env bash
# Installs every Debian 12 package crosstalk needs to build, test and
# benchmark: compiler and CMake included. Uses apt-get as root, sudo
# otherwise; does nothing when everything is already there.
set -euo pipefail

PACKAGES=(
  # toolchain
  g++ cmake ninja-build pkg-config
  # libraries (README: why each is there)
  libopus-dev libogg-dev libtag1-dev libsndfile1-dev libsoxr-dev
  libboost-filesystem-dev libboost-dev libcli11-dev libgtest-dev libpugixml-dev
  libhowardhinnant-date-dev tzdata nlohmann-json3-dev libebur128-dev libssl-dev portaudio19-dev
  libmp3lame-dev libqrencode-dev
  libavformat-dev libavcodec-dev libavutil-dev libswresample-dev
  # test and benchmark tools: real encoders, decoders and checkers
  opus-tools ffmpeg sox espeak-ng python3 python3-numpy python3-mutagen python3-feedparser libxml2-utils podget chromium time bc valgrind
  lame python3-podcastparser gpodder zbar-tools
  # a virtual microphone for the recorder's tests (PulseAudio null sink)
  pulseaudio pulseaudio-utils libasound2-plugins
  # nginx: the scale-out web server, tested with the same HTTP checks as `crosstalk serve`
  nginx-core
)

# `setup.sh --bench` also brings Node.js and npm (the build benchmark's
# peer is an npm package), unless node and npm are already on PATH.
if [ "${1:-}" = --bench ] && ! { command -v node && command -v npm; } >/dev/null; then
  PACKAGES+=(nodejs npm)
fi
# wrk: the HTTP load generator of the serve benchmark.
[ "${1:-}" = --bench ] && PACKAGES+=(wrk)

missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = installed ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}" >&2
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: run as root or install sudo" >&2; exit 1; }
  SUDO=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -q >/dev/null
# Installing nginx must not start a system nginx on port 80 (tests start
# their own on loopback): services stay stopped while we install.
policy=
if [ ! -e /usr/sbin/policy-rc.d ]; then
  policy=/usr/sbin/policy-rc.d
  printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$policy" >/dev/null
  "${SUDO[@]}" chmod +x "$policy"
fi
status=0
"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null || status=$?
[ -n "$policy" ] && "${SUDO[@]}" rm -f "$policy"
[ $status -eq 0 ] || exit $status
echo "setup: done" >&2
