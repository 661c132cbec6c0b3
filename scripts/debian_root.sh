#!/usr/bin/env bash
# Prints the path of a tarball of a fresh Debian 12 root (debootstrap
# --variant=minbase bookworm, with bookworm-updates and security, apt lists
# fetched), making it once under ${XDG_CACHE_HOME:-~/.cache}/crosstalk:
# the package test installs the .deb into a copy of it. As root; reaches
# deb.debian.org only.
set -euo pipefail
cache=${XDG_CACHE_HOME:-$HOME/.cache}/crosstalk
tarball=$cache/debian-bookworm-minbase.tar
mirror=http://deb.debian.org/debian
mkdir -p "$cache"
exec 9>"$cache/debian-root.lock"
flock 9
if [ ! -s "$tarball" ]; then
  command -v debootstrap >/dev/null || { echo "debian_root: debootstrap is missing (scripts/setup.sh installs it)" >&2; exit 1; }
  root=$(mktemp -d "$cache/debian-root.XXXXXX")
  chmod 755 "$root"  # the root folder of the system: others (_apt, crosstalk) must enter it
  trap 'rm -rf --one-file-system "$root"' EXIT
  echo "debian_root: debootstrap --variant=minbase bookworm (once; a few minutes)" >&2
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 ||
    { tail -20 "$root.log" >&2; exit 1; }
  cat >"$root/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
SOURCES
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  chroot "$root" apt-get update -q >/dev/null
  chroot "$root" apt-get clean
  tar -C "$root" -cf "$tarball.tmp" .
  mv "$tarball.tmp" "$tarball"
  rm -f "$root.log"
fi
echo "$tarball"
