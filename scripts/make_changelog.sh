#!/usr/bin/env bash
# Writes the package's Debian changelog (gzipped): one entry for this
# version, naming the commit it was built from.
# Usage: make_changelog.sh VERSION MAINTAINER OUT.gz
set -euo pipefail
version=$1 maintainer=$2 out=$3
cd "$(dirname "$0")/.."
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
date=$(git log -1 --format=%aD 2>/dev/null || date -R)
printf 'crosstalk (%s) unstable; urgency=medium\n\n  * Built from commit %s of the crosstalk repository.\n\n -- %s  %s\n' \
  "$version" "$commit" "$maintainer" "$date" | gzip -9n >"$out"
