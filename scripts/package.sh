#!/usr/bin/env bash
# Makes the Debian package crosstalk_<version>_amd64.deb (docs/packaging.md)
# from a normal (non-sanitized) build: man pages, changelog, CPack's DEB
# generator (Depends from dpkg-shlibdeps), then lintian, which must find no
# errors. Prints the package's path last.
# Usage: package.sh [BUILD_DIR]   (default: build, configured as the test command does)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
if [ ! -f "$dir/CMakeCache.txt" ]; then
  scripts/build.sh "$dir" -DCMAKE_BUILD_TYPE=Release -DCROSSTALK_WERROR=ON
fi
if grep -q '^CROSSTALK_SANITIZE:BOOL=ON' "$dir/CMakeCache.txt"; then
  echo "package: $dir is a sanitizer build; package a normal one (e.g. build)" >&2
  exit 2
fi
cmake --build "$dir" --target crosstalk package_files >&2
rm -rf "$dir/package"
(cd "$dir" && cpack -G DEB >&2)
deb=$(ls "$dir"/package/crosstalk_*_amd64.deb)
# lintian: errors fail the package; warnings are shown.
lintian --fail-on error "$deb" >&2
realpath "$deb"
