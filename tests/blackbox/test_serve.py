"""`crosstalk serve` over real sockets: types, validators and 304s, byte
ranges and 416, no way out of public/ (.., %2e%2e, encoded slashes, NUL,
symlinks), bad requests, keep-alive, the scheduler publishing on time, and a
clean stop on SIGTERM."""
import datetime
import json
import http.client
import os
import signal
import socket
import subprocess
import time

import feedparser

from show_support import ShowTest
from support import BIN, slurp


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerTest(ShowTest):
    """A show with two episodes (one published) served on a free port."""

    def setUp(self):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/"
        super().setUp()
        self.imp("Первый & <тест>")
        self.imp("Второй")
        self.ct("publish", "1", check=0)
        self.server = subprocess.Popen([BIN, "-C", self.show, "serve", "--listen", f"127.0.0.1:{self.port}"],
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)

    def tearDown(self):
        if self.server.poll() is None:
            self.server.send_signal(signal.SIGTERM)
            self.server.wait(timeout=10)
        self.server.stdout.close()
        self.server.stderr.close()
        super().tearDown()

    def request(self, method, path, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request(method, path, headers=headers or {})
        res = conn.getresponse()
        body = res.read()
        conn.close()
        return res, body

    def raw(self, data):
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            s.sendall(data)
            reply = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                reply += chunk
                if b"\r\n\r\n" in reply and b"Connection: close" in reply:
                    break
        return reply


class Serve(ServerTest):
    def test_files_types_and_validators(self):
        for path, ctype in (("/feed.xml", "application/rss+xml; charset=utf-8"),
                            ("/feed-sales.xml", "application/rss+xml; charset=utf-8"),
                            ("/", "text/html; charset=utf-8"),
                            ("/episodes/0001-marketing.opus", "audio/ogg")):
            with self.subTest(path=path):
                res, body = self.request("GET", path)
                self.assertEqual(res.status, 200)
                self.assertEqual(res.getheader("Content-Type"), ctype)
                local = self.public("index.html" if path == "/" else path[1:])
                self.assertEqual(body, slurp(local, "rb"))
                self.assertEqual(int(res.getheader("Content-Length")), os.path.getsize(local))
                self.assertEqual(res.getheader("Accept-Ranges"), "bytes")
                tag, modified = res.getheader("ETag"), res.getheader("Last-Modified")
                self.assertTrue(tag and modified)
                res, body = self.request("HEAD", path)
                self.assertEqual((res.status, body), (200, b""))
                self.assertEqual(int(res.getheader("Content-Length")), os.path.getsize(local))
                res, body = self.request("GET", path, {"If-None-Match": tag})
                self.assertEqual((res.status, body), (304, b""))
                res, _ = self.request("GET", path, {"If-Modified-Since": modified})
                self.assertEqual(res.status, 304)
        self.assertEqual(self.request("GET", "/feed.xml")[0].getheader("Cache-Control"), "no-cache")

    def test_byte_ranges(self):
        path = "/episodes/0001-marketing.opus"
        data = slurp(self.public(path[1:]), "rb")
        size = len(data)
        res, body = self.request("GET", path, {"Range": "bytes=0-99"})
        self.assertEqual((res.status, body), (206, data[:100]))
        self.assertEqual(res.getheader("Content-Range"), f"bytes 0-99/{size}")
        res, body = self.request("GET", path, {"Range": "bytes=-10"})
        self.assertEqual((res.status, body), (206, data[-10:]))
        res, body = self.request("GET", path, {"Range": f"bytes={size - 5}-"})
        self.assertEqual((res.status, body), (206, data[-5:]))
        res, _ = self.request("GET", path, {"Range": f"bytes={size}-"})
        self.assertEqual(res.status, 416)
        self.assertEqual(res.getheader("Content-Range"), f"bytes */{size}")
        res, body = self.request("GET", path, {"Range": "bytes=0-1,5-6"})
        self.assertEqual((res.status, body), (200, data))  # several ranges: the whole file

    def test_nothing_outside_public(self):
        os.symlink("/etc/passwd", self.public("passwd"))
        os.symlink(os.path.join(self.show, "library"), self.public("lib"))
        for target in ("/../show.xml", "/%2e%2e/show.xml", "/%2E%2E/%2e%2e/etc/passwd", "/episodes/../../show.xml",
                       "/episodes%2f0001-marketing.opus", "/episodes%5c0001-marketing.opus", "/feed.xml%00",
                       "/passwd", "/lib/0002-sales.opus", "/episodes/", "/episodes/0002-sales.opus",
                       "//etc/passwd", "/.crosstalk-build", "http://example.com/feed.xml", "/nope"):
            with self.subTest(target=target):
                reply = self.raw(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
                self.assertTrue(reply.startswith(b"HTTP/1.1 404"), reply[:80])

    def test_bad_requests_do_not_stop_the_server(self):
        self.assertTrue(self.raw(b"BLAH\r\n\r\n").startswith(b"HTTP/1.1 400"))
        big = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n"
        self.assertTrue(self.raw(big).startswith(b"HTTP/1.1 431"))
        self.assertTrue(self.raw(b"POST /feed.xml HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
                        .startswith(b"HTTP/1.1 405"))
        self.assertTrue(self.raw(b"GET /feed.xml HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
                        .startswith(b"HTTP/1.1 413"))
        self.assertEqual(self.request("GET", "/feed.xml")[0].status, 200)

    def test_keep_alive(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        for _ in range(3):
            conn.request("GET", "/feed.xml")
            res = conn.getresponse()
            res.read()
            self.assertEqual(res.status, 200)
        conn.close()

    def test_scheduled_episode_goes_live_within_5_seconds(self):
        due = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=4)
        self.ct("schedule", "2", "--at", due.strftime("%Y-%m-%dT%H:%M:%SZ"), check=0)
        self.assertNotIn("0002-sales", self.request("GET", "/feed.xml")[1].decode())
        while datetime.datetime.now(datetime.timezone.utc) < due + datetime.timedelta(seconds=5):
            if "0002-sales" in self.request("GET", "/feed.xml")[1].decode():
                break
            time.sleep(0.2)
        late = (datetime.datetime.now(datetime.timezone.utc) - due).total_seconds()
        self.assertIn("0002-sales", self.request("GET", "/feed.xml")[1].decode())
        self.assertLessEqual(late, 5.0)
        self.assertEqual(self.request("GET", "/episodes/0002-sales.opus")[0].status, 200)

    def test_sigterm_stops_cleanly_and_logs_requests(self):
        self.request("GET", "/feed.xml")
        self.server.send_signal(signal.SIGTERM)
        self.assertEqual(self.server.wait(timeout=5), 0)
        log = self.server.stdout.read()
        self.assertIn("GET /feed.xml 200", log)

    def test_a_real_podcast_client_downloads_every_episode(self):
        self.ct("publish", "2", check=0)
        # feedparser: every enclosure resolves, with the announced length.
        d = feedparser.parse(self.request("GET", "/feed.xml")[1])
        self.assertFalse(d.bozo)
        self.assertEqual(len(d.entries), 2)
        for entry in d.entries:
            (enclosure,) = entry.enclosures
            path = "/" + enclosure.href.split("/", 3)[3]
            res, body = self.request("GET", path)
            self.assertEqual(res.status, 200)
            self.assertEqual(len(body), int(enclosure.length))
        # podget (Debian's command-line podcast client) subscribes and downloads.
        home = self.path("podget")
        conf, library = os.path.join(home, "conf"), os.path.join(home, "library")
        env = dict(os.environ, HOME=home)
        subprocess.run(["podget", "-d", conf, "--create-config", "podgetrc"], env=env,
                       capture_output=True, check=False)
        with open(os.path.join(conf, "serverlist"), "w", encoding="utf-8") as f:
            f.write(f"{self.base_url}feed.xml Crosstalk Golos\n")
        subprocess.run(["podget", "-d", conf, "-l", library, "-n", "-s"], env=env, capture_output=True,
                       timeout=120, check=False)
        got = {}
        for folder, _, files in os.walk(library):
            for name in files:
                if name.endswith(".opus"):
                    got[name] = slurp(os.path.join(folder, name), "rb")
        self.assertEqual(sorted(got), ["0001-marketing.opus", "0002-sales.opus"])
        for name, data in got.items():
            self.assertEqual(data, slurp(self.public("episodes", name), "rb"), name)


HARNESS = """<!DOCTYPE html><html><body><pre id="out">pending</pre>
<iframe id="f" src="/" style="width:400px;height:800px"></iframe>
<script>
const out = document.getElementById('out');
document.getElementById('f').addEventListener('load', () => {
  const audios = [...document.getElementById('f').contentDocument.querySelectorAll('audio')];
  const results = [];
  let left = audios.length;
  const done = () => { if (--left === 0) out.textContent = 'RESULT ' + JSON.stringify(results); };
  if (!left) out.textContent = 'RESULT []';
  audios.forEach((a, i) => {
    a.preload = 'metadata';
    a.addEventListener('loadedmetadata', () => { results[i] = {src: a.getAttribute('src'), duration: a.duration}; done(); });
    a.addEventListener('error', () => { results[i] = {src: a.getAttribute('src'), error: a.error && a.error.code}; done(); });
    a.load();
  });
});
</script></body></html>"""

CHROMIUM = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class Browser(ServerTest):
    """Headless Chromium (Debian's) against `crosstalk serve`."""

    def chromium(self, *args):
        profile = self.path(f"chromium-{len(os.listdir(self.dir))}")
        return subprocess.run(CHROMIUM + [f"--user-data-dir={profile}", *args], capture_output=True, text=True,
                              timeout=120)

    def test_every_player_loads_its_episode_and_the_page_is_clean(self):
        self.ct("publish", "2", check=0)
        with open(self.public("harness.html"), "w", encoding="utf-8") as f:  # test-only page beside index.html
            f.write(HARNESS)
        proc = self.chromium("--virtual-time-budget=20000", "--dump-dom", f"{self.base_url}harness.html")
        line = [l for l in proc.stdout.splitlines() if "RESULT " in l]
        self.assertTrue(line, proc.stdout[-500:] + proc.stderr[-2000:])
        results = json.loads(line[0].split("RESULT ", 1)[1].split("</pre>")[0])
        sidecars = {e["stem"] + ".opus": e for e in json.loads(self.ct("list", "--json", check=0).stdout)}
        self.assertEqual(sorted(r["src"] for r in results), ["episodes/0001-marketing.opus", "episodes/0002-sales.opus"])
        for r in results:
            self.assertNotIn("error", r)
            self.assertAlmostEqual(r["duration"], sidecars[r["src"].split("/")[1]]["duration"], delta=1.0)
        # The page itself logs nothing to the console (no errors, no missing files).
        proc = self.chromium("--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000", "--dump-dom",
                             self.base_url)
        self.assertIn("Первый &amp; &lt;тест&gt;", proc.stdout)
        console = [l for l in proc.stderr.splitlines() if ":CONSOLE(" in l]
        self.assertEqual(console, [])
        # Screenshots at desktop and phone width, kept in the build folder.
        artifacts = os.environ.get("CROSSTALK_ARTIFACTS", self.dir)
        os.makedirs(artifacts, exist_ok=True)
        for name, size in (("page-desktop.png", "1280,900"), ("page-phone.png", "390,844")):
            shot = os.path.join(artifacts, name)
            self.chromium(f"--window-size={size}", f"--screenshot={shot}", self.base_url)
            self.assertGreater(os.path.getsize(shot), 5000, name)
