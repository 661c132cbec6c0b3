#!/usr/bin/python3
"""Studio load benchmark (issue 12): 8 hosts recording at once through
`crosstalk studio`, against 8 `crosstalk record` processes doing the same
work in the same run.

Studio phase: a fresh show (defaults kept: loudness normalisation and the
MP3 rendition, delivered after stop), 8 hosts (`staff add hostN --role
host`), each signed in through POST /api/signin; `crosstalk studio` on
loopback with its own spool. 8 clients at once, each on its own thread,
open /api/record (hand-written RFC 6455 client: HTTP upgrade with Cookie +
Origin, masked frames), send start (department "" = whose turn, outOfTurn
true), then stream SECONDS of espeak-ng speech at 44.1 kHz in real time:
one binary message per 100 ms ([uint32 LE seq][4410 float32]), paced by the
clock (the 8 clients' phases spread over the 100 ms), a ping every 2 s,
stop, and wait for done. The studio's CPU (utime+stime of the whole process
from /proc/PID/stat) is read when all 8 have started and when all 8 have
sent stop (the recording window), and when all 8 are done (delivery).

Record phase: one private PulseAudio server (the recipe of
tests/blackbox/vmic.py) with 8 null sinks at 44.1 kHz, each remapped into a
source vmicN that ALSA names pcm.vmicN; paplay plays the same speech into
each sink; 8 `crosstalk record --duration SECONDS --out-of-turn --device
vmicN --rate 44100` (each with its own spool, into one show with the same
defaults) record at once. Each one's CPU is read from /proc when it prints
"spool:" (capture about to start) and "recorded …" (capture over, delivery
begins), and in total from wait4 when it exits.

Every studio episode is checked: in library/, a draft, opusinfo clean, MP3
rendition there, and its duration from the last Ogg granule equal to the
samples sent / 44100 within one Opus frame (20 ms).

Usage: bench/studio_load.py [--runs 3] [--seconds 60] [--hosts 8] [--keep]
(CROSSTALK_BIN=path skips the release build).
"""
import argparse
import base64
import hashlib
import http.client
import json
import os
import queue
import re
import shutil
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "blackbox"))
from show_support import opus_duration  # noqa: E402
from vmic import ASOUND, VirtualMic  # noqa: E402

RATE = 44100
BLOCK = RATE // 10  # 100 ms per message
TICK = os.sysconf("SC_CLK_TCK")
OPUS_FRAME = 0.020


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def sh(*args, **kw):
    return subprocess.run([str(a) for a in args], check=True, capture_output=True, text=True, **kw)


def cpu_seconds(pid):
    """utime + stime of the whole process (dead threads included)."""
    with open(f"/proc/{pid}/stat") as f:
        s = f.read()
    fields = s[s.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def status_kib(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- WebSocket


class WebSocket:
    """The least of RFC 6455 the studio needs: the upgrade, masked client
    frames, reading the server's (unmasked, unfragmented in practice) frames."""

    def __init__(self, port, path, headers):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Upgrade: websocket", "Connection: Upgrade",
                 f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.rfile = self.sock.makefile("rb", buffering=65536)
        status = self.rfile.readline().decode("latin-1")
        reply = {}
        while True:
            line = self.rfile.readline().decode("latin-1").strip()
            if not line:
                break
            k, _, v = line.partition(":")
            reply[k.strip().lower()] = v.strip()
        if " 101 " not in status:
            raise RuntimeError(f"upgrade refused: {status.strip()}")
        want = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
        if reply.get("sec-websocket-accept") != want:
            raise RuntimeError("bad Sec-WebSocket-Accept")
        self.sock.settimeout(None)
        self.lock = threading.Lock()

    def send(self, opcode, payload):
        n = len(payload)
        head = bytearray([0x80 | opcode])
        if n < 126:
            head.append(0x80 | n)
        elif n < 65536:
            head += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack(">Q", n)
        key = os.urandom(4)
        padded = payload + b"\0" * ((-n) % 4)
        masked = (np.frombuffer(padded, dtype=np.uint32) ^ np.frombuffer(key, dtype=np.uint32)[0]).tobytes()[:n]
        with self.lock:
            self.sock.sendall(bytes(head) + key + masked)

    def send_text(self, obj):
        self.send(0x1, json.dumps(obj).encode())

    def send_binary(self, data):
        self.send(0x2, data)

    def recv(self):
        """(opcode, payload) of the next whole message; (None, b"") at EOF."""
        data, first = b"", None
        while True:
            head = self.rfile.read(2)
            if len(head) < 2:
                return None, b""
            fin, opcode = head[0] & 0x80, head[0] & 0x0F
            n = head[1] & 0x7F
            if n == 126:
                n = struct.unpack(">H", self.rfile.read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self.rfile.read(8))[0]
            mask = self.rfile.read(4) if head[1] & 0x80 else None
            payload = self.rfile.read(n)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if opcode == 0x9:  # ping → pong
                self.send(0xA, payload)
                continue
            if opcode == 0xA:
                continue
            if opcode == 0x8:
                return 0x8, payload
            if first is None:
                first = opcode
            data += payload
            if fin:
                return first, data

    def close(self):
        try:
            self.send(0x8, struct.pack(">H", 1000))
        except OSError:
            pass
        try:
            self.sock.close()
        except OSError:
            pass


# ---------------------------------------------------------------- studio


# How the 8 pages start (department, outOfTurn): "turn" leaves the
# department to the studio (whose turn) and allows out of turn; "strict" the
# same without outOfTurn; "alternate" names marketing and sales in turn.
START_MODES = {
    "turn": lambda i: ("", True),
    "strict": lambda i: ("", False),
    "alternate": lambda i: (("marketing", "sales")[i % 2], True),
}


class Host(threading.Thread):
    """One host's page: start, stream in real time, stop, wait for done."""

    def __init__(self, index, port, cookie, audio, start_barrier, go, hosts, start_mode):
        super().__init__(daemon=True)
        self.start_mode = start_mode
        self.index, self.port, self.cookie, self.audio = index, port, cookie, audio
        self.start_barrier, self.go, self.hosts = start_barrier, go, hosts
        self.messages = queue.Queue()
        self.started = self.done = self.error = None
        self.finishing = False
        self.samples_sent = 0
        self.seq = 0
        self.last_ack = -1
        self.max_ack_lag = 0.0
        self.max_late = 0.0
        self.send_times = {}
        self.stopped_at = None
        self.done_at = None
        self.stop_sent = threading.Event()

    def reader(self):
        while True:
            op, data = self.ws.recv()
            if op is None or op == 0x8:
                self.messages.put({"type": "closed"})
                return
            if op != 0x1:
                continue
            m = json.loads(data)
            if m.get("type") == "ack":
                self.last_ack = m["seq"]
                sent = self.send_times.get(m["seq"])
                if sent is not None:
                    self.max_ack_lag = max(self.max_ack_lag, time.monotonic() - sent)
                continue
            if m.get("type") == "finishing":
                self.finishing = True
                continue
            self.messages.put(m)

    def wait_for(self, kinds, timeout, ping=False):
        """The next message of one of `kinds`; with ping, pings every 2 s
        meanwhile, as the page does until done (the studio closes a socket
        that says nothing for 10 s)."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RuntimeError(f"host{self.index + 1}: no {kinds} within {timeout} s")
            try:
                m = self.messages.get(timeout=min(left, 2.0) if ping else left)
            except queue.Empty:
                if ping:
                    self.ws.send_text({"type": "ping"})
                continue
            if m.get("type") in kinds:
                return m
            if m.get("type") in ("error", "closed"):
                raise RuntimeError(f"host{self.index + 1}: {m}")

    def run(self):
        try:
            self.ws = WebSocket(self.port, "/api/record",
                                {"Cookie": self.cookie, "Origin": f"http://127.0.0.1:{self.port}"})
            threading.Thread(target=self.reader, daemon=True).start()
            department, out_of_turn = START_MODES[self.start_mode](self.index)
            self.ws.send_text({"type": "start", "title": f"Нагрузка: ведущий {self.index + 1}", "description": "",
                               "host": "", "department": department, "outOfTurn": out_of_turn, "rate": RATE,
                               "channels": 1})
            self.started = self.wait_for(("started",), 30)
        except Exception as e:  # noqa: BLE001 — reported, and the barrier broken for all
            self.error = str(e)
            self.start_barrier.abort()
            return
        try:
            self.start_barrier.wait()
            self.go.wait()
            t0 = self.go.t0 + self.index * 0.1 / self.hosts  # the pages' phases spread over 100 ms
            blocks = len(self.audio) // BLOCK
            for k in range(blocks):
                due = t0 + k * 0.1
                now = time.monotonic()
                if now < due:
                    time.sleep(due - now)
                else:
                    self.max_late = max(self.max_late, now - due)
                if k % 20 == 0:
                    self.ws.send_text({"type": "ping"})
                block = self.audio[k * BLOCK:(k + 1) * BLOCK]
                self.send_times[self.seq] = time.monotonic()
                self.ws.send_binary(struct.pack("<I", self.seq) + block.tobytes())
                self.seq += 1
                self.samples_sent += len(block)
            self.ws.send_text({"type": "stop", "seq": self.seq})
            self.stopped_at = time.monotonic()
            self.stop_sent.set()
            self.done = self.wait_for(("done",), 600, ping=True)["episode"]
            self.done_at = time.monotonic()
        except Exception as e:  # noqa: BLE001
            self.error = self.error or str(e)
        finally:
            self.stop_sent.set()
            self.ws.close()


class Studio:
    def __init__(self, binary, show, spool, logpath):
        self.port = free_port()
        self.logpath = logpath
        self.log = open(logpath, "ab")
        self.proc = subprocess.Popen([binary, "-C", show, "studio", "--listen", f"127.0.0.1:{self.port}"],
                                     stdout=self.log, stderr=subprocess.STDOUT,
                                     env=dict(os.environ, CROSSTALK_SPOOL=spool))
        deadline = time.time() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                if self.proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"studio did not listen: {open(logpath).read()}")
                time.sleep(0.05)

    def sign_in(self, token):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request("POST", "/api/signin", json.dumps({"token": token}), {"Content-Type": "application/json"})
        res = conn.getresponse()
        res.read()
        conn.close()
        if res.status != 204:
            raise RuntimeError(f"sign-in: {res.status}")
        return res.getheader("Set-Cookie").split(";")[0]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def opusinfo_complaint(path):
    """None when opusinfo exits 0 with no WARNING or ERROR; else its complaint."""
    info = subprocess.run(["opusinfo", path], capture_output=True, text=True)
    text = info.stdout + info.stderr
    if info.returncode == 0 and "WARNING" not in text and "ERROR" not in text:
        return None
    return " | ".join(l for l in text.splitlines() if "WARNING" in l or "ERROR" in l) or f"exit {info.returncode}"


def check_episode(show, ep, samples):
    """(ok, |duration error| in s, problem) for one studio episode."""
    stem = f"{ep['number']:04d}-{ep['department']}"
    opus = os.path.join(show, "library", stem + ".opus")
    problems = []
    if not os.path.exists(opus):
        return False, float("inf"), f"{stem}.opus missing"
    if ep.get("state") != "draft":
        problems.append(f"state {ep.get('state')}")
    if ep.get("cutShort"):
        problems.append("cut short")
    if not os.path.exists(opus[:-5] + ".mp3"):
        problems.append("no MP3")
    complaint = opusinfo_complaint(opus)
    if complaint is not None:
        problems.append("opusinfo: " + complaint)
    err = abs(opus_duration(opus) - samples / RATE)
    if err > OPUS_FRAME:
        problems.append(f"duration {opus_duration(opus):.3f} s for {samples / RATE:.3f} s sent")
    return not problems, err, "; ".join(problems)


def studio_phase(binary, work, audio, hosts, seconds, start_mode):
    show, spool = os.path.join(work, "studio-show"), os.path.join(work, "studio-spool")
    os.makedirs(spool)
    sh(binary, "init", show, "--title", "Нагрузка студии")
    tokens = []
    for i in range(hosts):
        out = sh(binary, "-C", show, "staff", "add", f"host{i + 1}", "--role", "host").stdout
        tokens.append(re.search(r"sign-in link: \S+#([0-9a-f]+)", out).group(1))
    studio = Studio(binary, show, spool, os.path.join(work, "studio.log"))
    result = {"log": studio.logpath}
    try:
        cookies = [studio.sign_in(t) for t in tokens]
        pid = studio.proc.pid
        barrier = threading.Barrier(hosts + 1)
        go = threading.Event()
        clients = [Host(i, studio.port, cookies[i], audio, barrier, go, hosts, start_mode) for i in range(hosts)]
        for c in clients:
            c.start()
        try:
            barrier.wait(timeout=60)
        except threading.BrokenBarrierError:
            go.t0 = time.monotonic()
            go.set()
            for c in clients:
                c.join(5)
            raise RuntimeError("start failed: " + "; ".join(f"host{c.index + 1}: {c.error}" for c in clients if c.error))
        result["departments"] = sorted({c.started["department"] for c in clients})
        cpu0, t0 = cpu_seconds(pid), time.monotonic()
        go.t0 = t0 + 0.05
        go.set()
        for c in clients:
            c.stop_sent.wait()
        cpu1, t1 = cpu_seconds(pid), time.monotonic()
        rss_window = status_kib(pid, "VmHWM") / 1024
        for c in clients:
            c.join(900)
        cpu2, t2 = cpu_seconds(pid), time.monotonic()
        result.update(
            window_cpu=cpu1 - cpu0, window_wall=t1 - t0,
            delivery_cpu=cpu2 - cpu1, delivery_wall=t2 - t1, rss_window=rss_window,
            rss_peak=status_kib(pid, "VmHWM") / 1024,
            max_ack_lag=max(c.max_ack_lag for c in clients), max_late=max(c.max_late for c in clients))
        errors = [f"host{c.index + 1}: {c.error}" for c in clients if c.error]
        checks = []
        for c in clients:
            if c.done:
                checks.append(check_episode(show, c.done, c.samples_sent))
        problems = errors + [p for ok, _, p in checks if not ok]
        result.update(complete=len(checks) == hosts and not problems, episodes=len(checks),
                      worst_ms=max((e for _, e, _ in checks), default=float("inf")) * 1000, problems=problems,
                      numbers=sorted(c.done["number"] for c in clients if c.done),
                      # what "started" announced (whose turn, the next number) against what was filed
                      renumbered=sum(1 for c in clients if c.done and c.started["episode"] != c.done["number"]),
                      moved=sum(1 for c in clients if c.done and c.started["department"] != c.done["department"]))
    finally:
        studio.stop()
    result["exit"] = studio.proc.returncode
    return result


# ---------------------------------------------------------------- record


class VirtualMics(VirtualMic):
    """vmic.py's recipe with N mics: one private PulseAudio server, null sink
    vspkN at `rate` remapped into source vmicN, which ALSA (so PortAudio,
    so `record --device vmicN`) knows as pcm.vmicN."""

    def __init__(self, count, rate):
        super().__init__(rate)
        self.count = count

    def __enter__(self):
        d = self.dir
        for sub in ("home", "run", "config"):
            os.makedirs(os.path.join(d, sub), mode=0o700)
        script = f"load-module module-native-protocol-unix auth-anonymous=1 socket={d}/run/pulse.sock\n"
        asound = ASOUND
        for i in range(self.count):
            script += (f"load-module module-null-sink sink_name=vspk{i} rate={self.rate} channels=1\n"
                       f"load-module module-remap-source master=vspk{i}.monitor source_name=vmic{i}\n")
            asound += f'pcm.vmic{i} {{ type pulse\n device "vmic{i}" }}\n'
        with open(os.path.join(d, "vmic.pa"), "w") as f:
            f.write(script)
        with open(os.path.join(d, "asound.conf"), "w") as f:
            f.write(asound)
        env = self.env()
        with open(os.path.join(d, "pulse.log"), "w") as logf:
            self.server = subprocess.Popen(["pulseaudio", "-n", "-F", os.path.join(d, "vmic.pa"), "--daemonize=no",
                                            "--exit-idle-time=-1", "--use-pid-file=no", "--system=false"],
                                           env=env, stdout=subprocess.DEVNULL, stderr=logf)
        self.procs.append(self.server)
        for _ in range(200):
            if subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode == 0:
                break
            if self.server.poll() is not None:
                raise RuntimeError("pulseaudio exited: " + open(os.path.join(d, "pulse.log")).read()[-2000:])
            time.sleep(0.05)
        else:
            raise RuntimeError("pulseaudio did not answer")
        for i in range(self.count):  # low-latency readers: the null sinks render in small blocks
            self.procs.append(subprocess.Popen(["pacat", "-r", "-d", f"vspk{i}.monitor", "--latency-msec=20", "--raw"],
                                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        time.sleep(2.1)
        return self


class Recorder(threading.Thread):
    """One `crosstalk record`: CPU at "spool:" and at "recorded", total from wait4."""

    def __init__(self, index, args, env, errpath):
        super().__init__(daemon=True)
        self.index = index
        self.err = open(errpath, "wb")
        self.errpath = errpath
        self.proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=self.err)
        self.cpu_start = self.cpu_end = self.t_start = self.t_end = self.total = None
        self.recorded = threading.Event()
        self.out = []

    def run(self):
        pid = self.proc.pid
        try:
            for raw in self.proc.stdout:
                line = raw.decode("utf-8", "replace")
                self.out.append(line)
                if line.startswith("spool:") and self.cpu_start is None:
                    self.cpu_start, self.t_start = cpu_seconds(pid), time.monotonic()
                elif line.startswith("recorded ") and self.cpu_end is None:
                    self.cpu_end, self.t_end = cpu_seconds(pid), time.monotonic()
                    self.recorded.set()
        finally:
            self.recorded.set()
            _, status, usage = os.wait4(pid, 0)
            self.proc.returncode = os.waitstatus_to_exitcode(status)
            self.total = usage.ru_utime + usage.ru_stime
            self.err.close()


def record_phase(binary, work, wav, hosts, seconds):
    show = os.path.join(work, "record-show")
    sh(binary, "init", show, "--title", "Нагрузка record")
    result = {}
    with VirtualMics(hosts, RATE) as mics:
        env = mics.env()
        players = [subprocess.Popen(["paplay", "-d", f"vspk{i}", wav], env=env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL) for i in range(hosts)]
        time.sleep(0.5)
        recs = []
        for i in range(hosts):
            spool = os.path.join(work, f"record-spool{i}")
            os.makedirs(spool)
            args = [binary, "-C", show, "record", "--title", f"Нагрузка: record {i + 1}", "--duration", str(seconds),
                    "--out-of-turn", "--device", f"vmic{i}", "--rate", str(RATE)]
            recs.append(Recorder(i, args, dict(env, CROSSTALK_SPOOL=spool), os.path.join(work, f"record{i}.err")))
        for r in recs:
            r.start()
        for r in recs:
            r.recorded.wait(seconds + 120)
        for p in players:
            p.terminate()
            p.wait()
        for r in recs:
            r.join(900)
    bad = [f"record {r.index + 1}: exit {r.proc.returncode}: {''.join(r.out)[-300:]} {open(r.errpath).read()[-300:]}"
           for r in recs if r.proc.returncode != 0 or r.cpu_end is None or r.cpu_start is None]
    if bad:
        raise RuntimeError("; ".join(bad))
    walls = [r.t_end - r.t_start for r in recs]
    lib = os.path.join(show, "library")
    opus = sorted(n for n in os.listdir(lib) if n.endswith(".opus"))
    clean = all(opusinfo_complaint(os.path.join(lib, n)) is None for n in opus)
    durs = [opus_duration(os.path.join(lib, n)) for n in opus]
    result.update(window_cpu=sum(r.cpu_end - r.cpu_start for r in recs), window_wall=statistics.mean(walls),
                  delivery_cpu=sum(r.total - r.cpu_end for r in recs), total_cpu=sum(r.total for r in recs),
                  startup_cpu=sum(r.cpu_start for r in recs),
                  episodes=len(opus), clean=clean and len(opus) == hosts,
                  worst_ms=max(abs(d - seconds) for d in durs) * 1000 if durs else float("inf"))
    return result


# ---------------------------------------------------------------- main


def make_audio(work, seconds):
    """espeak-ng speech (bench/make_speech.sh), 44.1 kHz: float32 samples for
    the pages and a WAV, 30 s longer, for paplay."""
    minutes = int((seconds + 30) // 60) + 1
    speech48 = subprocess.run([os.path.join(ROOT, "bench", "make_speech.sh"), str(minutes), work], check=True,
                              capture_output=True, text=True).stdout.strip()
    raw = os.path.join(work, "speech44.f32")
    sh("sox", speech48, "-r", str(RATE), "-c", "1", "-t", "f32", raw, "rate", "-v")
    samples = np.fromfile(raw, dtype="<f4")
    need = int(seconds * 10) * BLOCK
    audio = np.ascontiguousarray(samples[:need])
    wav = os.path.join(work, "speech44.wav")
    sh("sox", "-r", str(RATE), "-c", "1", "-t", "f32", raw, "-e", "floating-point", "-b", "32", wav,
       "trim", "0", str(seconds + 30))
    return audio, wav


def listing(rows, key, fmt):
    return ", ".join(format(r[key], fmt) for r in rows)


def med(rows, key):
    return statistics.median(r[key] for r in rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--hosts", type=int, default=8)
    ap.add_argument("--start", choices=sorted(START_MODES), default="turn",
                    help="the start messages: whose turn + outOfTurn (default), whose turn strictly, or "
                         "marketing/sales alternately + outOfTurn")
    ap.add_argument("--keep", action="store_true", help="keep the scratch folder (shows, logs)")
    ap.add_argument("--no-record", action="store_true", help="the studio phase only")
    a = ap.parse_args()

    binary = os.environ.get("CROSSTALK_BIN")
    if not binary:
        binary = subprocess.run(["bash", "-c", '. bench/lib.sh && release_build >&2 && echo "$crosstalk"'], cwd=ROOT,
                                check=True, stdout=subprocess.PIPE, text=True).stdout.strip()
    work = tempfile.mkdtemp(prefix="crosstalk-studio-load-")
    log(f"machine: {os.cpu_count()} cores, {open('/proc/loadavg').read().split()[0]} load; scratch {work}")
    audio, wav = make_audio(work, a.seconds)
    log(f"audio: {len(audio) / RATE:.1f} s of speech per host, 44.1 kHz float32, {len(audio) // BLOCK} messages")

    studio_rows, record_rows = [], []
    failed = False
    for run in range(a.runs):
        run_dir = os.path.join(work, f"run{run + 1}")
        os.makedirs(run_dir)
        load = open("/proc/loadavg").read().split()[0]
        s = studio_phase(binary, run_dir, audio, a.hosts, a.seconds, a.start)
        studio_rows.append(s)
        pct = s["window_cpu"] / s["window_wall"] * 100
        log(f"run {run + 1} (load {load}): studio {s['window_cpu']:.2f} CPU s in {s['window_wall']:.1f} s = {pct:.1f} % "
            f"of a core ({pct / a.hosts:.2f} % per host); delivery {s['delivery_cpu']:.2f} CPU s in "
            f"{s['delivery_wall']:.1f} s; RSS {s['rss_window']:.1f} MiB recording, {s['rss_peak']:.1f} MiB peak; "
            f"episodes {s['episodes']}/{a.hosts} {s['numbers']} complete={s['complete']} worst {s['worst_ms']:.2f} ms; "
            f"started as {s['departments']}, filed under another number {s['renumbered']}, another department {s['moved']}; max ack lag {s['max_ack_lag'] * 1000:.0f} ms, client late "
            f"{s['max_late'] * 1000:.0f} ms; studio exit {s['exit']}")
        if not s["complete"]:
            failed = True
            log("  PROBLEMS: " + "; ".join(s["problems"]))
            log("  studio log: " + s["log"])
        if not a.no_record:
            r = record_phase(binary, run_dir, wav, a.hosts, a.seconds)
            record_rows.append(r)
            rp = r["window_cpu"] / r["window_wall"] * 100
            log(f"run {run + 1}: {a.hosts} x record {r['window_cpu']:.2f} CPU s in {r['window_wall']:.1f} s = {rp:.1f} % "
                f"of a core; delivery {r['delivery_cpu']:.2f} CPU s; total {r['total_cpu']:.2f} (startup "
                f"{r['startup_cpu']:.2f}); episodes {r['episodes']} clean={r['clean']} worst {r['worst_ms']:.1f} ms; "
                f"ratio studio/record {pct / rp:.3f}")

    for row in studio_rows:
        row["pct"] = row["window_cpu"] / row["window_wall"] * 100
    for row in record_rows:
        row["pct"] = row["window_cpu"] / row["window_wall"] * 100
    n = a.hosts
    print()
    print(f"medians of {a.runs} runs: {n} hosts x {a.seconds:.0f} s, 44.1 kHz mono, normalising + MP3 (show defaults)")
    sp = med(studio_rows, "pct")
    print(f"  studio, recording window     {sp:6.2f} % of one core  ({sp / n:.2f} % per host; target <= 20 % total)"
          f"   runs: {listing(studio_rows, 'pct', '.2f')}")
    if record_rows:
        rp = med(record_rows, "pct")
        ratios = [s["pct"] / r["pct"] for s, r in zip(studio_rows, record_rows)]
        print(f"  {n} x record, same window     {rp:6.2f} % of one core  (sum)"
              f"   runs: {listing(record_rows, 'pct', '.2f')}")
        print(f"  studio / record              {statistics.median(ratios):6.3f}"
              f"   runs: {', '.join(f'{x:.3f}' for x in ratios)}")
        print(f"  delivery CPU s: studio {med(studio_rows, 'delivery_cpu'):.2f} (wall {med(studio_rows, 'delivery_wall'):.1f} s),"
              f" {n} x record {med(record_rows, 'delivery_cpu'):.2f}")
        print(f"  {n} x record episodes clean: {'yes' if all(r['clean'] for r in record_rows) else 'NO'}"
              f" (worst duration error {max(r['worst_ms'] for r in record_rows):.1f} ms)")
    else:
        print(f"  delivery CPU s: studio {med(studio_rows, 'delivery_cpu'):.2f} (wall {med(studio_rows, 'delivery_wall'):.1f} s)")
    print(f"  studio RSS: {med(studio_rows, 'rss_window'):.1f} MiB at the end of recording, "
          f"max {max(r['rss_peak'] for r in studio_rows):.1f} MiB (after delivery)")
    allok = all(r["complete"] for r in studio_rows)
    print(f"  every studio episode complete and exact: {'yes' if allok else 'NO'} "
          f"({sum(r['episodes'] for r in studio_rows)}/{n * a.runs}; worst duration error "
          f"{max(r['worst_ms'] for r in studio_rows):.2f} ms, limit {OPUS_FRAME * 1000:.0f})")
    print(f"  max ack lag {max(r['max_ack_lag'] for r in studio_rows) * 1000:.0f} ms; "
          f"client send lateness {max(r['max_late'] for r in studio_rows) * 1000:.0f} ms")
    if failed or a.keep:
        log(f"scratch kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
