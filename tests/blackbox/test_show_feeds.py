"""The feeds as podcast software reads them: python3-feedparser (no bozo,
every field as set), xmllint; and a kill -9 at random moments during builds
never leaves a broken feed.xml."""
import os
import random
import signal
import subprocess
import time

import feedparser

from show_support import NASTY, ShowTest, write_episodes
from support import BIN, run, slurp


class Feeds(ShowTest):
    def test_feedparser_reads_every_field(self):
        description = NASTY + "\nвторая строка & <ещё>"
        self.imp(NASTY + " один", "--host", "Анна & Co", "--description", description)
        self.imp(NASTY + " два", "--host", "Борис")
        self.imp("Будущее")
        self.ct("schedule", "1", "--at", "2026-11-01T10:00", "--now", "2026-10-31T10:00", check=0)
        self.ct("schedule", "2", "--at", "2026-11-02T10:00", "--now", "2026-10-31T10:00", check=0)
        self.ct("schedule", "3", "--at", "2099-01-01T10:00", check=0)
        self.ct("build", "--now", "2026-11-03T10:00", check=0)

        for name in ("feed.xml", "feed-marketing.xml", "feed-sales.xml"):
            subprocess.run(["xmllint", "--noout", self.public(name)], check=True)
        d = feedparser.parse(slurp(self.public("feed.xml"), "rb"))
        self.assertFalse(d.bozo, d.get("bozo_exception"))
        self.assertEqual(d.feed.title, NASTY)
        self.assertEqual(d.feed.subtitle, NASTY)
        self.assertEqual(d.feed.language, "ru")
        self.assertEqual(d.feed.itunes_block, 1)  # feedparser: "Yes" → 1
        self.assertEqual(d.feed.author_detail.get("name"), "Отдел коммуникаций")
        self.assertEqual(len(d.entries), 2, "the future episode is not in the feed")
        newest, oldest = d.entries
        self.assertEqual(newest.title, NASTY + " два")
        self.assertEqual(oldest.title, NASTY + " один")
        self.assertEqual(oldest.summary, description)
        self.assertEqual(oldest.itunes_episode, "1")
        self.assertEqual(newest.itunes_episode, "2")
        self.assertEqual(oldest.published, "Sun, 01 Nov 2026 10:00:00 +0300")
        self.assertEqual(oldest.author, "Анна & Co")
        sidecars = {e["number"]: e for e in __import__("json").loads(self.ct("list", "--json", check=0).stdout)}
        for entry, number in ((oldest, 1), (newest, 2)):
            self.assertEqual(entry.id, sidecars[number]["guid"])
            self.assertFalse(entry.guidislink)
            self.assertEqual(int(entry.itunes_duration), round(sidecars[number]["duration"]))
            (enclosure,) = entry.enclosures
            self.assertEqual(enclosure.type, "audio/ogg")
            name = enclosure.href.rsplit("/", 1)[1]
            self.assertEqual(enclosure.href, "http://127.0.0.1:8080/episodes/" + name)
            self.assertEqual(int(enclosure.length), os.path.getsize(self.public("episodes", name)))
        sales = feedparser.parse(slurp(self.public("feed-sales.xml"), "rb"))
        self.assertFalse(sales.bozo)
        self.assertEqual([e.itunes_episode for e in sales.entries], ["2"])
        self.assertEqual(sales.feed.title, NASTY + " — Продажи")
        page = slurp(self.public("index.html"))
        self.assertIn("Голос врага &amp; &lt;b&gt;&quot;продажи&quot;&lt;/b&gt; &#39;маркетинг&#39; 🎙️ два", page)
        self.assertNotIn("Будущее", page)
        self.assertNotIn("0003", page)
        self.assertEqual(sorted(os.listdir(self.public("episodes"))),
                         ["0001-marketing.mp3", "0001-marketing.opus", "0002-sales.mp3", "0002-sales.opus"])

    def test_kill_9_during_builds_never_breaks_the_feed(self):
        self.imp("Первый")
        self.ct("publish", "1", check=0)
        opus = os.path.join(self.show, "library", "0001-marketing.opus")
        write_episodes(self.show, opus, 400, "Первый", start=2, mp3=opus[:-5] + ".mp3")
        self.ct("build", check=0)
        rng = random.Random(42)
        killed = 0
        for i in range(30):
            p = subprocess.Popen([BIN, "-C", self.show, "edit", "1", "--title", f"Правка {i} & <x>"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.0, 0.06))
            if p.poll() is None:
                p.send_signal(signal.SIGKILL)
                killed += 1
            p.wait()
            for name in ("feed.xml", "feed-marketing.xml", "feed-sales.xml"):
                subprocess.run(["xmllint", "--noout", self.public(name)], check=True)
            d = feedparser.parse(slurp(self.public("feed.xml"), "rb"))
            self.assertFalse(d.bozo)
            self.assertEqual(len(d.entries), 401)
        self.assertGreater(killed, 5, "the kills must land while crosstalk runs")
        self.ct("build", check=0)
        self.ct("check", check=0)
        self.assertEqual([n for n in os.listdir(self.public()) if n.startswith(".")], [])
        self.assertEqual([n for n in os.listdir(os.path.join(self.show, "library")) if ".tmp-" in n], [])


class ForbiddenCharacters(ShowTest):
    """Characters XML 1.0 forbids (C0 controls but tab, LF, CR) and invalid
    UTF-8: refused at input with one line naming the field; on disk (hand
    edits) accepted, reported by `check`, and rendered as U+FFFD (issue 11)."""

    VT = "a\x0bb"         # a vertical tab
    BAD = "a\udcffb"      # the byte 0xff: not UTF-8 (surrogateescape → argv)

    def test_input_is_refused_naming_the_field(self):
        self.imp("Первый")
        cover = self.path("x.opus")
        cases = [
            (["import", self.wav, "--title", self.VT], "--title"),
            (["import", self.wav, "--title", "ok", "--description", self.BAD], "--description"),
            (["import", self.wav, "--title", "ok", "--host", self.VT], "--host"),
            (["edit", "1", "--title", self.BAD], "--title"),
            (["edit", "1", "--host", self.VT], "--host"),
            (["record", "--title", self.VT, "--duration", "1"], "--title"),
            (["subscribers", "add", self.VT], "NAME"),
        ]
        for args, field in cases:
            with self.subTest(args=args):
                self.assertOneLineError(self.ct(*args), 2, field)
        self.assertOneLineError(run(["init", self.path("other"), "--title", "ok", "--author", self.VT]), 2, "--author")
        self.assertFalse(os.path.exists(self.path("other")))
        self.assertOneLineError(run(["encode", self.wav, cover, "--artist", self.BAD]), 2, "--artist")
        self.assertFalse(os.path.exists(cover))
        self.assertEqual([n for n in self.library() if n.endswith(".xml")], ["0001-marketing.xml"])  # one episode

    def test_hand_edits_render_as_replacement_characters_and_check_reports_them(self):
        self.imp("Первый")
        self.ct("publish", "1", check=0)
        sidecar = os.path.join(self.show, "library", "0001-marketing.xml")
        blob = slurp(sidecar, "rb")
        blob = blob.replace("<title>Первый</title>".encode(), "<title>Пер\x0bвый</title>".encode())
        blob = blob.replace(b"<host></host>", b"<host>\xd0\xd0 \x01</host>")
        blob = blob.replace(b"</episode>", "<chapters><chapter start=\"0.000\">Глава\x0b\udcff</chapter>"
                                           "</chapters>\n</episode>".encode("utf-8", "surrogateescape"))
        with open(sidecar, "wb") as f:
            f.write(blob)
        show_xml = os.path.join(self.show, "show.xml")
        text = slurp(show_xml, "rb").replace("<author>Отдел коммуникаций</author>".encode(),
                                             "<author>Отдел\x1fкоммуникаций</author>".encode())
        with open(show_xml, "wb") as f:
            f.write(text)

        self.ct("build", check=0)
        for name in ("feed.xml", "feed-marketing.xml", "feed-sales.xml"):
            subprocess.run(["xmllint", "--noout", self.public(name)], check=True)
        d = feedparser.parse(slurp(self.public("feed.xml"), "rb"))
        self.assertFalse(d.bozo, d.get("bozo_exception"))
        self.assertEqual(d.entries[0].title, "Пер\ufffdвый")
        self.assertEqual(d.entries[0].author, "\ufffd\ufffd \ufffd")
        self.assertEqual(d.feed.author_detail.get("name"), "Отдел\ufffdкоммуникаций")
        page = slurp(self.public("index.html"), "rb").decode("utf-8")  # strict: valid UTF-8
        self.assertIn("Пер\ufffdвый", page)
        self.assertNotIn("\x0b", page)
        chapters = __import__("json").loads(slurp(self.public("episodes", "0001-marketing.chapters.json"), "rb")
                                            .decode("utf-8"))
        self.assertEqual(chapters["chapters"][0]["title"], "Глава\ufffd\ufffd")

        listed = self.ct("list", "--json", check=0)
        self.assertEqual(__import__("json").loads(listed.stdout)[0]["host"], "\ufffd\ufffd \x01")

        check = self.ct("check")
        self.assertEqual(check.returncode, 1, check.stdout + check.stderr)
        problems = [l for l in check.stdout.splitlines() if "XML 1.0" in l]
        self.assertEqual(len(problems), 4, check.stdout)
        for field in ("<title>", "<host>", "<chapter>", "<author>"):
            self.assertEqual(len([l for l in problems if field in l]), 1, (field, check.stdout))
