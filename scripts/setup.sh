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
  libhowardhinnant-date-dev tzdata nlohmann-json3-dev libebur128-dev libssl-dev portaudio19-dev libpulse-dev
  libmp3lame-dev libqrencode-dev
  libavformat-dev libavcodec-dev libavutil-dev libswresample-dev zlib1g-dev
  # messages in Russian: gettext's msgfmt compiles the catalogue (and xgettext checks it)
  gettext
  # test and benchmark tools: real encoders, decoders and checkers
  opus-tools ffmpeg sox espeak-ng python3 python3-numpy python3-mutagen python3-feedparser libxml2-utils podget chromium time bc valgrind
  lame python3-podcastparser gpodder zbar-tools curl
  # the studio's tests: a certificate made in the test (openssl), Chromium driven by Playwright (Node.js)
  openssl
  # a virtual microphone for the recorder's tests (PulseAudio null sink)
  pulseaudio pulseaudio-utils libasound2-plugins
  # nginx: the scale-out web server, tested with the same HTTP checks as `crosstalk serve`
  nginx-core
  # the fuzz targets (fuzz/): clang with libFuzzer and the sanitizers; tl::expected for clang 14
  clang libclang-rt-14-dev libexpected-dev
  # the Debian package (scripts/package.sh) and its test: man pages from --help,
  # lintian, a fresh Debian root, systemd-analyze on the units, logrotate on the log
  help2man lintian debootstrap systemd logrotate
)

# Node.js and npm: Playwright drives Chromium in the studio's tests (and the
# build benchmark's peer is an npm package); Debian's, unless node and npm
# are already on PATH.
if ! { command -v node && command -v npm; } >/dev/null; then
  PACKAGES+=(nodejs npm)
fi
# wrk: the HTTP load generator of the serve benchmark; goaccess: the stats benchmark's peer.
[ "${1:-}" = --bench ] && PACKAGES+=(wrk goaccess)

# playwright-core (npm) into a cache folder the tests read
# ($CROSSTALK_NODE_MODULES): 1.61 is the last release that runs on Debian
# 12's Node.js 18.
PLAYWRIGHT_VERSION=1.61.1
NODE_DIR=${XDG_CACHE_HOME:-$HOME/.cache}/crosstalk/node
install_playwright() {
  local have
  have=$(node -p 'require(process.argv[1]).version' "$NODE_DIR/node_modules/playwright-core/package.json" 2>/dev/null || true)
  [ "$have" = "$PLAYWRIGHT_VERSION" ] && return 0
  echo "setup: npm install playwright-core@$PLAYWRIGHT_VERSION into $NODE_DIR" >&2
  mkdir -p "$NODE_DIR"
  (cd "$NODE_DIR" && npm install --no-audit --no-fund --silent "playwright-core@$PLAYWRIGHT_VERSION")
}

missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = installed ] || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  install_playwright
  exit 0
fi

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
install_playwright
echo "setup: done" >&2
