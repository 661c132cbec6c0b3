#!/usr/bin/env bash
# Does the show lock exclude a second machine on an sshfs (FUSE) share?
# Mounts one show folder twice over sshfs from localhost (two mounts stand
# for two machines: each has its own FUSE connection, as a second computer
# would), holds the lock through one, and runs `crosstalk edit` through the
# other (and, as controls, through the same mount and locally). crosstalk
# refuses a FUSE folder (exit 2) unless CROSSTALK_SINGLE_WRITER=1, which is
# set here to measure what the lock itself does.
# Needs root (sshd on 127.0.0.1:2222, /dev/fuse). Prints one line per case.
# Usage: bench/lock_sshfs.sh            (results: docs/show-folder.md)
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
command -v sshfs >/dev/null || apt-get install -y -q --no-install-recommends sshfs openssh-server openssh-client >/dev/null
scripts/build.sh build-release -DCMAKE_BUILD_TYPE=Release -DCROSSTALK_TESTS=OFF >/dev/null
crosstalk=$PWD/build-release/cli/crosstalk
work=$(mktemp -d /tmp/crosstalk-lock-XXXXXX)
mkdir -p /run/sshd "$work/a" "$work/b" ~/.ssh
ssh-keygen -A >/dev/null
[ -f ~/.ssh/id_ed25519 ] || ssh-keygen -t ed25519 -N "" -f ~/.ssh/id_ed25519 -q
grep -qf ~/.ssh/id_ed25519.pub ~/.ssh/authorized_keys 2>/dev/null || cat ~/.ssh/id_ed25519.pub >>~/.ssh/authorized_keys
/usr/sbin/sshd -p 2222 -o ListenAddress=127.0.0.1 -o PidFile="$work/sshd.pid"
trap 'fusermount -u "$work/a" 2>/dev/null; fusermount -u "$work/b" 2>/dev/null; kill "$(cat "$work/sshd.pid")" 2>/dev/null; rm -rf "$work"' EXIT
sox -n -r 48000 -c 1 "$work/tone.wav" synth 2 sine 440 vol 0.3
"$crosstalk" init "$work/show" --title "Замок" >/dev/null
"$crosstalk" -C "$work/show" import "$work/tone.wav" --title "Один" >/dev/null
for m in a b; do sshfs -p 2222 -o StrictHostKeyChecking=no root@127.0.0.1:"$work/show" "$work/$m"; done
cat >"$work/hold.py" <<'PY'
import fcntl, os, struct, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)
fcntl.fcntl(fd, 37, struct.pack("hhqqi", fcntl.F_WRLCK, 0, 0, 0, 0))  # F_OFD_SETLK, as crosstalk
print("holding", sys.argv[1], flush=True)
time.sleep(float(sys.argv[2]))
PY
for case in "$work/show $work/show same-folder" "$work/a $work/a same-sshfs-mount" \
            "$work/a $work/b two-sshfs-mounts" "$work/show $work/a local-and-sshfs"; do
  set -- $case
  /usr/bin/python3 "$work/hold.py" "$1/.crosstalk.lock" 6 >/dev/null &
  sleep 1.5
  start=$(date +%s.%N)
  if CROSSTALK_SINGLE_WRITER=1 CROSSTALK_LOCK_TIMEOUT=3 "$crosstalk" -C "$2" edit 1 --description "$3" >/dev/null 2>&1; then
    verdict="NOT excluded: the second writer went ahead"
  else
    verdict="excluded: the second writer waited and gave up"
  fi
  printf '%-18s %s (%.1f s)\n' "$3" "$verdict" "$(echo "$(date +%s.%N) - $start" | bc)"
  wait
done
refusal=$("$crosstalk" -C "$work/a" edit 1 --description x 2>&1 >/dev/null || true)
echo "without CROSSTALK_SINGLE_WRITER=1: $refusal"
