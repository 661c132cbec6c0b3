#!/usr/bin/python3
"""Hostile clients against `crosstalk serve` (issue 11): 500 slowloris and
1,000 idle keep-alive connections while 50 normal clients poll feed.xml;
then serve's descriptors are cut to 256 and 306 connections opened at once.
Targets: normal clients' p99 <= 2x unloaded, serve's peak RSS <= 100 MiB,
one log line when descriptors run out, and service again once they are back.
Loopback only, bounded in time. Prints the figures; exit 1 if a target is missed.
Usage: bench/hostile.sh [SECONDS] (builds first), or bench/hostile.py CROSSTALK [SECONDS]  (RELIABILITY.md)"""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "blackbox"))
from hostile_clients import campaign  # noqa: E402

crosstalk = sys.argv[1]
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 15
with tempfile.TemporaryDirectory(prefix="crosstalk-hostile-") as work:
    show = os.path.join(work, "show")
    wav = os.path.join(work, "tone.wav")
    subprocess.run(["sox", "-n", "-r", "48000", "-c", "1", wav, "synth", "3", "sine", "440", "vol", "0.3"], check=True)
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    run = lambda *a: subprocess.run([crosstalk, *a], check=True, stdout=subprocess.DEVNULL)
    run("init", show, "--title", "Голос врага", "--base-url", f"http://127.0.0.1:{port}/")
    for title in ("Первый", "Второй", "Третий"):
        run("-C", show, "import", wav, "--title", title, "--out-of-turn")
    for n in ("1", "2", "3"):
        run("-C", show, "publish", n)
    log = open(os.path.join(work, "serve.log"), "w+")
    serve = subprocess.Popen([crosstalk, "-C", show, "serve", "--listen", f"127.0.0.1:{port}"], stdout=log,
                             stderr=subprocess.STDOUT)
    time.sleep(1)
    figures = campaign(serve.pid, port, idle=1000, slowloris=500, clients=50, seconds=seconds, fd_limit=256)
    alive = serve.poll() is None
    serve.send_signal(signal.SIGTERM)
    serve.wait(timeout=10)
    log.seek(0)
    lines = log.read().splitlines()
    figures["serve_alive"] = alive
    figures["log_cannot_accept_lines"] = sum("cannot accept connections" in l for l in lines)
    figures["log_accepting_again"] = sum("accepting connections again" in l for l in lines)
    print(json.dumps(figures, indent=2))
    ok = (alive and figures["p99_ratio"] <= 2.0 and figures["serve_peak_rss_mib"] <= 100 and figures["recovered"]
          and figures["failed_loaded"] == 0 and figures["log_cannot_accept_lines"] == 1)
    print("targets:", "met" if ok else "NOT met")
    sys.exit(0 if ok else 1)
