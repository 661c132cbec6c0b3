"""The HTTP conformance checks, run unchanged against `crosstalk serve` and
against nginx with crosstalk's snippets, for a public and a private show:
types, validators and 304s, byte ranges and 416, nothing outside public/,
keep-alive, and real clients (feedparser, podget) fetching every episode.
PrivateChecks adds what a private show promises."""
import datetime
import email.utils
import hashlib
import os
import subprocess
import xml.etree.ElementTree as ET

import feedparser

from http_support import SUBSCRIBER
from support import slurp


class HttpChecks:
    def test_files_types_and_validators(self):
        for path, ctype in (("/feed.xml", "application/rss+xml; charset=utf-8"),
                            ("/feed-sales.xml", "application/rss+xml; charset=utf-8"),
                            ("/", "text/html; charset=utf-8"),
                            ("/episodes/0001-marketing.opus", "audio/ogg")):
            with self.subTest(path=path):
                res, body = self.request("GET", self.url(path))
                self.assertEqual(res.status, 200)
                self.assertEqual(res.getheader("Content-Type"), ctype)
                expected = self.expected_body(self.public("index.html" if path == "/" else path[1:]))
                if res.getheader("Content-Length") is not None:  # else chunked
                    self.assertEqual(int(res.getheader("Content-Length")), len(body))
                sent_length = len(body)
                as_built = self.page_as_built if path == "/" else (lambda b: b)
                self.assertEqual(as_built(body), expected)
                if path.endswith(".opus"):
                    self.assertEqual(res.getheader("Accept-Ranges"), "bytes")
                self.assertEqual(res.getheader("Cache-Control"),
                                 "public, max-age=86400" if path.endswith(".opus") else "no-cache")
                tag, modified = res.getheader("ETag"), res.getheader("Last-Modified")
                self.assertTrue(tag and modified)
                res, body = self.request("HEAD", self.url(path))
                self.assertEqual((res.status, body), (200, b""))
                if res.getheader("Content-Length") is not None:
                    self.assertEqual(int(res.getheader("Content-Length")), sent_length)
                res, body = self.request("GET", self.url(path), {"If-None-Match": tag})
                self.assertEqual((res.status, body), (304, b""))
                res, _ = self.request("GET", self.url(path), {"If-Modified-Since": modified})
                self.assertEqual(res.status, 304)
                res, body = self.request("GET", self.url(path), {"If-None-Match": '"something-else"'})
                self.assertEqual((res.status, as_built(body)), (200, expected))

    def test_date_header_and_absolute_form_targets(self):
        # RFC 9110 6.6.1: a server with a clock sends Date, errors included.
        now = datetime.datetime.now(datetime.timezone.utc)
        for path in ("/feed.xml", "/no-such-file"):
            with self.subTest(path=path):
                res, _ = self.request("GET", self.url(path))
                self.assertIsNotNone(res.getheader("Date"))
                sent = email.utils.parsedate_to_datetime(res.getheader("Date"))
                self.assertLess(abs((sent - now).total_seconds()), 60)
        # RFC 9112 3.2.2: a server accepts the absolute form (what proxies send).
        target = f"{self.base_url[:-1]}{self.url('/feed.xml')}"
        reply = self.raw(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        self.assertTrue(reply.startswith(b"HTTP/1.1 200"), reply[:300])
        self.assertIn(b"application/rss+xml", reply.split(b"\r\n\r\n")[0])

    def test_byte_ranges(self):
        path = self.url("/episodes/0001-marketing.opus")
        data = slurp(self.public("episodes", "0001-marketing.opus"), "rb")
        size = len(data)
        res, body = self.request("GET", path, {"Range": "bytes=0-99"})
        self.assertEqual((res.status, body), (206, data[:100]))
        self.assertEqual(res.getheader("Content-Range"), f"bytes 0-99/{size}")
        res, body = self.request("GET", path, {"Range": "bytes=-10"})
        self.assertEqual((res.status, body), (206, data[-10:]))
        res, body = self.request("GET", path, {"Range": f"bytes={size - 5}-"})
        self.assertEqual((res.status, body), (206, data[-5:]))
        self.assertEqual(res.getheader("Content-Range"), f"bytes {size - 5}-{size - 1}/{size}")
        res, _ = self.request("GET", path, {"Range": f"bytes={size}-"})
        self.assertEqual(res.status, 416)
        self.assertEqual(res.getheader("Content-Range"), f"bytes */{size}")
        res, body = self.request("GET", path, {"Range": "bytes=0-1,5-6"})
        self.assertIn(res.status, (200, 206))  # several ranges: whole file or multipart
        if res.status == 200:
            self.assertEqual(body, data)

    def test_nothing_outside_public(self):
        os.symlink("/etc/passwd", self.public("passwd"))
        os.symlink(os.path.join(self.show, "library"), self.public("lib"))
        p = self.prefix
        for target in (f"{p}/../show.xml", f"{p}/%2e%2e/show.xml", f"{p}/%2E%2E/%2e%2e/etc/passwd",
                       f"{p}/episodes/../../show.xml", f"{p}/episodes%2f..%2f..%2fshow.xml",
                       f"{p}/episodes%5c..%5c..%5cshow.xml", f"{p}/feed.xml%00", f"{p}/passwd",
                       f"{p}/lib/0002-sales.opus", f"{p}/episodes/", f"{p}/episodes", f"{p}/episodes/0002-sales.opus",
                       f"{p}//etc/passwd", f"{p}/.crosstalk-build", f"{p}/nope", "/show.xml", "/library/0001-marketing.xml",
                       "/subscribers.xml", "/nginx-crosstalk.conf"):
            with self.subTest(target=target):
                reply = self.raw(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
                status = reply.split(b" ", 2)[1]
                # 404; nginx refuses some paths (above the root) before routing, with 400.
                self.assertIn(status, self.refusals, reply[:120])
                self.assertNotIn(b"root:", reply)
                self.assertNotIn(b"<show", reply)

    refusals = (b"404",)

    def test_keep_alive(self):
        conn = self.connection()
        for path in ("/feed.xml", "/episodes/0001-marketing.opus", "/feed.xml"):
            conn.request("GET", self.url(path))
            res = conn.getresponse()
            res.read()
            self.assertEqual(res.status, 200)
            self.assertFalse(res.will_close)
        conn.close()

    def test_a_real_podcast_client_downloads_every_episode(self):
        self.ct("publish", "2", check=0)
        self.ct("build", check=0)
        # feedparser: every enclosure resolves, with the announced length.
        d = feedparser.parse(self.request("GET", self.url("/feed.xml"))[1])
        self.assertFalse(d.bozo)
        self.assertEqual(len(d.entries), 2)
        for entry in d.entries:
            (enclosure,) = entry.enclosures
            self.assertTrue(enclosure.href.startswith(self.base_url[:-1] + self.url("/episodes/")), enclosure.href)
            res, body = self.request("GET", "/" + enclosure.href.split("/", 3)[3])
            self.assertEqual(res.status, 200)
            self.assertEqual(len(body), int(enclosure.length))
        # podget and gPodder (real podcast clients) subscribe to the Opus and
        # the MP3 feed and download every episode byte-identical.
        for feed, ext in (("/feed.xml", ".opus"), ("/feed-mp3.xml", ".mp3")):
            for client in (self.podget, self.gpodder):
                with self.subTest(feed=feed, client=client.__name__):
                    got, log = client(f"{self.base_url[:-1]}{self.url(feed)}", ext)
                    self.assertEqual(sorted(got), [f"0001-marketing{ext}", f"0002-sales{ext}"], log)
                    for name, data in got.items():
                        self.assertEqual(data, slurp(self.public("episodes", name), "rb"), name)

    def collect(self, library, ext):
        got = {}
        for folder, _, files in os.walk(library):
            for name in files:
                if name.endswith(ext):
                    got[name] = slurp(os.path.join(folder, name), "rb")
        return got

    def podget(self, feed_url, ext):
        """podget (Debian's command-line podcast client): {file name: bytes}, its log."""
        home = self.path(f"podget{ext}")
        conf, library = os.path.join(home, "conf"), os.path.join(home, "library")
        env = self.client_env(dict(os.environ, HOME=home))
        subprocess.run(["podget", "-d", conf, "--create-config", "podgetrc"], env=env,
                       capture_output=True, check=False)
        with open(os.path.join(conf, "serverlist"), "w", encoding="utf-8") as f:
            f.write(f"{feed_url} Crosstalk Golos\n")
        # Its own session folder: podget refuses to run beside another session
        # in the shared /tmp/podget (the suites run in parallel).
        done = subprocess.run(["podget", "-d", conf, "-l", library, "--dir_session", os.path.join(home, "session"),
                               "-n", "-s"], env=env, capture_output=True, text=True, timeout=120, check=False)
        return self.collect(library, ext), done.stdout[-1500:] + done.stderr[-1500:]

    def gpodder(self, feed_url, ext):
        """gPodder's command line (gpo): subscribe, then download every new episode."""
        home, library = self.path(f"gpodder{ext}"), self.path(f"gpodder{ext}-downloads")
        env = self.client_env(dict(os.environ, GPODDER_HOME=home, GPODDER_DOWNLOAD_DIR=library, HOME=home))
        log = ""
        for args in (["subscribe", feed_url], ["download"]):
            done = subprocess.run(["gpo", *args], env=env, capture_output=True, text=True, timeout=180, check=False)
            log += done.stdout[-1500:] + done.stderr[-1500:]
        return self.collect(library, ext), log


class PrivateChecks:

    def test_nothing_without_a_valid_token(self):
        wrong = "0" * 64 if self.token != "0" * 64 else "1" * 64
        for path in ("/", "/index.html", "/feed.xml", "/feed-marketing.xml", "/feed-sales.xml", "/feed-mp3.xml",
                     "/feed-mp3-sales.xml", "/episodes/0001-marketing.opus", "/episodes/0001-marketing.mp3",
                     "/cover.png"):
            for target in (path, f"/s/{wrong}{path}", f"/s/{self.token[:-1]}{path}", f"/s/{self.token.upper()}{path}",
                           f"{path}?token={self.token}", "/_crosstalk/check"):
                with self.subTest(target=target):
                    res, body = self.request("GET", target)
                    # The root without a token: a page saying whom to ask (403).
                    root = target in ("/", "/index.html")
                    self.assertEqual(res.status, 403 if root else 404)
                    self.assertNotIn(b"<rss", body)
                    self.assertNotIn("Первый".encode(), body)  # no episode data
            self.assertEqual(self.request("GET", self.url(path))[0].status, 200, path)

    def test_the_root_without_a_token_says_whom_to_ask_in_the_shows_language(self):
        res, body = self.request("GET", "/")
        self.assertEqual(res.status, 403)
        self.assertEqual(res.getheader("Content-Type"), "text/html; charset=utf-8")
        page = body.decode()
        self.assertIn('<html lang="ru">', page)
        self.assertIn("попросите у отдела коммуникаций вашу личную ссылку", page)
        for leak in ("Первый", "Второй", "episodes/", "feed.xml", "<audio"):
            self.assertNotIn(leak, page)
        self.assertEqual(self.request("HEAD", "/")[1], b"")
        self.ct("settings", "--language", "en", check=0)  # re-read at the next request
        page = self.request("GET", "/index.html")[1].decode()
        self.assertIn("This podcast is private; ask the comms team for your personal link.", page)
        self.assertEqual(self.request("GET", "/feed.xml")[0].status, 404)
        self.assertEqual(self.request("GET", "/nothing.html")[0].status, 404)

    def test_every_url_in_the_feed_carries_the_token_but_no_guid_does(self):
        self.ct("publish", "2", check=0)
        self.ct("build", check=0)
        for feed in ("/feed.xml", "/feed-marketing.xml", "/feed-sales.xml", "/feed-mp3.xml", "/feed-mp3-sales.xml"):
            root = ET.fromstring(self.request("GET", self.url(feed))[1])
            urls = [e.get("url") or e.get("href") or e.get("uri") for e in root.iter()
                    if e.get("url") or e.get("href") or e.get("uri")]
            urls += [e.text for e in root.iter() if e.tag in ("link", "url") and e.text]
            self.assertIn(f"{self.base_url}s/{self.token}/cover.png", urls)  # artwork too
            self.assertTrue(any(u.endswith(".mp3") for u in urls), feed)  # the MP3 (enclosure or alternate)
            for u in urls:
                self.assertTrue(u.startswith(f"{self.base_url}s/{self.token}/"), (feed, u))
                self.assertEqual(self.request("GET", "/" + u.split("/", 3)[3].split("#")[0])[0].status, 200, u)
            guids = [e.text for e in root.iter("guid")] + [e.text for e in root.iter("{https://podcastindex.org/namespace/1.0}guid")]
            self.assertTrue(guids)
            for g in guids:
                self.assertNotIn(self.token, g)

    def test_revoke_takes_effect_at_once_and_others_keep_theirs(self):
        out = self.ct("subscribers", "add", "Борис", check=0).stdout
        other = out.split("/s/")[1].split("/")[0]
        self.assertIn("Борис", self.ct("subscribers", "list", check=0).stdout)
        self.assertEqual(self.request("GET", f"/s/{other}/feed.xml")[0].status, 200)
        self.ct("subscribers", "revoke", SUBSCRIBER, check=0)
        self.assertEqual(self.request("GET", self.url("/feed.xml"))[0].status, 404)
        self.assertEqual(self.request("GET", self.url("/episodes/0001-marketing.opus"))[0].status, 404)
        self.assertEqual(self.request("GET", f"/s/{other}/episodes/0001-marketing.opus")[0].status, 200)

    def test_the_page_shows_this_subscribers_own_feeds_and_qr_codes(self):
        page = self.request("GET", self.url("/"))[1].decode()
        mine = f"{self.base_url}s/{self.token}/"
        self.assertIn(f'value="{mine}feed-mp3.xml"', page)  # Apple Podcasts: the MP3 feed to paste
        self.assertIn(f'aria-label="QR: {mine}feed-mp3.xml"', page)
        self.assertIn(f'aria-label="QR: {mine}feed.xml"', page)
        self.assertNotIn("<!--crosstalk:subscribe-->", page)
        self.assertNotIn(f'"{self.base_url}feed', page, "no shared feed URL on a private page")

    def test_the_token_never_reaches_the_access_log(self):
        self.request("GET", self.url("/feed.xml"))
        self.request("GET", self.url("/episodes/0001-marketing.opus"), {"Range": "bytes=0-9"})
        self.request("GET", "/s/" + self.token[:-1] + "0/feed.xml")
        self.request("GET", "/s/" + "".join("%" + format(ord(c), "02x") for c in self.token) + "/feed.xml")
        self.request("POST", self.url("/feed.xml"))
        log = self.access_log()
        self.assertIn("/s/[token]/feed.xml", log)
        # The subscriber's log id instead: 12 hex digits of the stored hash, not of the token.
        self.assertIn('"%s"' % hashlib.sha256(self.token.encode()).hexdigest()[:12], log)
        self.assertNotIn(self.token, log)
        self.assertNotIn(self.token[:32], log)
        self.assertNotIn(self.token[32:], log)
