"""Hostile clients against a running `crosstalk serve` (issue 11): slowloris
connections (a header line every second, never finished), idle keep-alive
connections, and normal clients polling the feed meanwhile; and running out
of file descriptors. Used by the serve suite (a short run) and by
bench/hostile.py (the full campaign)."""
import http.client
import os
import resource
import socket
import statistics
import threading
import time


def raise_own_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def poll(port, path, clients, seconds):
    """`clients` threads GET `path` over keep-alive for `seconds`: latencies (s) and failures."""
    latencies, failures = [], []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client():
        conn = None
        mine, bad = [], 0
        while time.monotonic() < stop:
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                start = time.perf_counter()
                conn.request("GET", path)
                res = conn.getresponse()
                body = res.read()
                mine.append(time.perf_counter() - start)
                if res.status != 200 or not body.startswith(b"<?xml"):
                    bad += 1
            except OSError:
                bad += 1
                conn = None
                time.sleep(0.01)
        with lock:
            latencies.extend(mine)
            failures.append(bad)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, sum(failures)


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")


class Hostiles:
    """Keeps `idle` keep-alive connections (one request answered, then
    silence) and `slowloris` connections (an unfinished header, one more line
    a second) open; dropped slowloris connections are opened again."""

    def __init__(self, port, idle, slowloris):
        self.port, self.idle_count, self.slow_count = port, idle, slowloris
        self.idle, self.slow = [], []
        self.stop = threading.Event()
        self.reopened = 0
        self.thread = None

    def connect(self):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        s.setblocking(True)
        return s

    def start(self):
        for _ in range(self.idle_count):
            s = self.connect()
            s.sendall(b"GET /feed.xml HTTP/1.1\r\nHost: x\r\n\r\n")
            self.idle.append(s)
        for s in self.idle:  # read each answer; the connection stays open
            s.settimeout(10)
            got = b""
            while b"</rss>" not in got:
                chunk = s.recv(65536)
                if not chunk:
                    break
                got += chunk
        for _ in range(self.slow_count):
            s = self.connect()
            s.sendall(b"GET /feed.xml HTTP/1.1\r\nHost: x\r\n")
            self.slow.append(s)
        self.thread = threading.Thread(target=self.drip)
        self.thread.start()

    def drip(self):
        n = 0
        while not self.stop.wait(1.0):
            n += 1
            for i, s in enumerate(self.slow):
                try:
                    s.sendall(b"X-Slow-%d: %d\r\n" % (i, n))
                except OSError:
                    s.close()
                    try:
                        self.slow[i] = self.connect()
                        self.slow[i].sendall(b"GET /feed.xml HTTP/1.1\r\nHost: x\r\n")
                        self.reopened += 1
                    except OSError:
                        pass

    def close(self):
        self.stop.set()
        if self.thread:
            self.thread.join()
        for s in self.idle + self.slow:
            s.close()
        self.idle, self.slow = [], []


def peak_rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def exhaust_descriptors(pid, port, limit, extra=50):
    """Lowers serve's descriptor limit to `limit`, opens `limit + extra`
    connections, then closes them: returns (connections that got in, whether a
    request succeeded afterwards, seconds until it did)."""
    import subprocess
    subprocess.run(["prlimit", f"--pid={pid}", f"--nofile={limit}:{limit}"], check=True)
    held = []
    for _ in range(limit + extra):
        try:
            held.append(socket.create_connection(("127.0.0.1", port), timeout=2))
        except OSError:
            break
    time.sleep(1.0)  # serve runs out of descriptors and says so
    for s in held:
        s.close()
    start = time.monotonic()
    while time.monotonic() - start < 10:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/feed.xml")
            if conn.getresponse().status == 200:
                return len(held), True, time.monotonic() - start
        except OSError:
            time.sleep(0.1)
    return len(held), False, time.monotonic() - start


def campaign(pid, port, idle, slowloris, clients, seconds, fd_limit):
    """The whole campaign against a running serve: figures as a dict."""
    raise_own_fd_limit()
    quiet, quiet_failed = poll(port, "/feed.xml", clients, seconds)
    hostiles = Hostiles(port, idle, slowloris)
    hostiles.start()
    try:
        loaded, loaded_failed = poll(port, "/feed.xml", clients, seconds)
        fds_under_load = open_fds(pid)
    finally:
        hostiles.close()
    figures = {
        "requests_unloaded": len(quiet), "requests_loaded": len(loaded),
        "failed_unloaded": quiet_failed, "failed_loaded": loaded_failed,
        "p50_unloaded_ms": percentile(quiet, 50) * 1000, "p99_unloaded_ms": percentile(quiet, 99) * 1000,
        "p50_loaded_ms": percentile(loaded, 50) * 1000, "p99_loaded_ms": percentile(loaded, 99) * 1000,
        "slowloris_reopened": hostiles.reopened, "serve_fds_under_load": fds_under_load,
        "serve_peak_rss_mib": peak_rss_mib(pid),
    }
    figures["p99_ratio"] = figures["p99_loaded_ms"] / max(figures["p99_unloaded_ms"], 1e-9)
    got_in, recovered, after = exhaust_descriptors(pid, port, fd_limit)
    figures.update({"fd_limit": fd_limit, "connections_opened": got_in, "recovered": recovered,
                    "recovered_after_s": after})
    figures["mean_loaded_ms"] = statistics.mean(loaded) * 1000 if loaded else float("nan")
    return figures
