#!/usr/bin/python3
"""Random kills of `crosstalk record` itself (issue 11): KILLS recordings from a
virtual microphone (PulseAudio null sink, as the record suite), each sent
SIGKILL at a random instant 0.3-6 s in (seeded). After each: `recover` on
what the spool holds must give an opusinfo-clean file (or, killed before
the first second of audio was written, say in one line that there is
nothing to recover, and `spool discard` removes it); `upload` delivers the
recovered ones; at the end `check` is clean and every delivered episode is
there once (after a `build`, which makes the MP3 of recordings cut short:
their lossless copy is dropped). Prints the figures; exit 1 on any problem.
Usage: CROSSTALK_BIN=build/cli/crosstalk bench/campaign_record_kills.py [KILLS=20] [SEED]"""
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "blackbox"))
from vmic import VirtualMic  # noqa: E402

BIN = os.environ.get("CROSSTALK_BIN", "crosstalk")
kills = int(sys.argv[1]) if len(sys.argv) > 1 else 20
seed = int(sys.argv[2]) if len(sys.argv) > 2 else random.randrange(1 << 32)
rng = random.Random(seed)
print(f"seed {seed}, {kills} kills", flush=True)

figures = {"kills": kills, "recovered": 0, "opusinfo_clean": 0, "nothing_to_recover": 0, "delivered": 0,
           "problems": []}
with tempfile.TemporaryDirectory(prefix="crosstalk-record-kills-") as work, VirtualMic(rate=48000) as mic:
    show, spool = os.path.join(work, "show"), os.path.join(work, "spool")
    env = dict(mic.env(), CROSSTALK_SPOOL=spool)
    subprocess.run([BIN, "init", show, "--title", "Обрывы"], check=True, stdout=subprocess.DEVNULL)
    tone = os.path.join(work, "tone.wav")
    subprocess.run(["sox", "-n", "-r", "48000", "-c", "1", tone, "synth", "8", "sine", "300-900", "vol", "0.3"],
                   check=True)
    for i in range(kills):
        proc = subprocess.Popen([BIN, "-C", show, "record", "--title", f"Обрыв {i}", "--out-of-turn"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        player = subprocess.Popen(["paplay", "-d", "vspk", tone], env=mic.env())
        time.sleep(rng.uniform(0.3, 6.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        player.terminate()
        player.wait()
        for name in sorted(os.listdir(spool)):
            if not name.endswith(".opus"):
                continue
            path = os.path.join(spool, name)
            r = subprocess.run([BIN, "recover", path], env=env, capture_output=True, text=True)
            if r.returncode == 0:
                figures["recovered"] += 1
                info = subprocess.run(["opusinfo", path], capture_output=True, text=True)
                text = info.stdout + info.stderr
                if info.returncode == 0 and "WARNING" not in text and "ERROR" not in text:
                    figures["opusinfo_clean"] += 1
                else:
                    figures["problems"].append(f"kill {i}: {name} not opusinfo-clean: {text[-300:]}")
            elif len(r.stderr.strip().splitlines()) == 1:
                figures["nothing_to_recover"] += 1
                stem = name[:-5]
                d = subprocess.run([BIN, "spool", "discard", stem], env=env, capture_output=True, text=True)
                if d.returncode != 0:
                    figures["problems"].append(f"kill {i}: spool discard {stem}: {d.stderr.strip()}")
            else:
                figures["problems"].append(f"kill {i}: recover {name}: exit {r.returncode}: {r.stderr.strip()}")
        u = subprocess.run([BIN, "upload"], env=env, capture_output=True, text=True)
        if u.returncode != 0:
            figures["problems"].append(f"kill {i}: upload exit {u.returncode}: {u.stderr.strip()}")
    episodes = json.loads(subprocess.run([BIN, "-C", show, "list", "--json"], capture_output=True, text=True,
                                         check=True).stdout)
    figures["delivered"] = len(episodes)
    if len({e["guid"] for e in episodes}) != len(episodes) or len({e["number"] for e in episodes}) != len(episodes):
        figures["problems"].append("an episode twice")
    if figures["delivered"] != figures["recovered"]:
        figures["problems"].append(f"{figures['recovered']} recovered but {figures['delivered']} delivered")
    # A recording cut short loses its lossless copy, so its MP3 is made by
    # the next build (docs/mp3.md): build, then check.
    b = subprocess.run([BIN, "-C", show, "build"], capture_output=True, text=True)
    if b.returncode != 0:
        figures["problems"].append("build: " + b.stderr[-500:])
    c = subprocess.run([BIN, "-C", show, "check"], capture_output=True, text=True)
    if c.returncode != 0:
        figures["problems"].append("check: " + c.stdout[-500:])
    left = os.listdir(spool)
    if left:
        figures["problems"].append(f"left in the spool: {left}")
print(json.dumps(figures, indent=2, ensure_ascii=False))
sys.exit(1 if figures["problems"] else 0)
