"""`crosstalk settings`: prints show.xml's settings, changes them with init's
checks (one line, exit 2, show.xml untouched on a bad value), atomically,
with the change in the audit log; text with Cyrillic, emoji and XML's
special characters survives into show.xml and the feeds."""
import json
import os
import xml.etree.ElementTree as ET

import feedparser

from show_support import ShowTest
from support import png, run, slurp

TITLE = "Голос врага 🎙️ & <b>\"продажи\"</b> 'маркетинг'"
DESCRIPTION = "О победах & провалах < > \" ' — 🚀 каждую неделю"


class Settings(ShowTest):
    def show_xml(self):
        return os.path.join(self.show, "show.xml")

    def settings(self):
        proc = self.ct("settings", check=0)
        return dict(line.split(None, 1) if " " in line else (line, "") for line in proc.stdout.splitlines())

    def test_no_arguments_prints_every_setting(self):
        s = self.settings()
        for name in ("title", "description", "language", "timezone", "base-url", "cover", "private", "loudness",
                     "mp3", "mp3-bitrate", "bitrate"):
            self.assertIn(name, s)
        self.assertEqual(s["timezone"], "Europe/Moscow")
        self.assertEqual(s["private"], "false")
        self.assertEqual(s["loudness"], "-16")
        self.assertEqual(s["cover"], "(none)")

    def test_text_with_cyrillic_emoji_and_xml_characters_round_trips(self):
        proc = self.ct("settings", "--title", TITLE, "--description", DESCRIPTION, "--language", "en",
                       "--loudness", "-19", "--mp3", "false", check=0)
        self.assertIn("changed title: " + TITLE, proc.stdout)
        self.assertIn("crosstalk build", proc.stdout)
        root = ET.parse(self.show_xml()).getroot()
        self.assertEqual(root.findtext("title"), TITLE)
        self.assertEqual(root.findtext("description"), DESCRIPTION)
        self.assertEqual(root.findtext("language"), "en")
        self.assertEqual(root.find("loudness").get("target-lufs"), "-19")
        self.assertEqual(root.find("mp3").get("enabled"), "false")
        s = self.settings()
        self.assertEqual(s["title"], TITLE)
        self.assertEqual(s["description"], DESCRIPTION)
        self.assertEqual([n for n in os.listdir(self.show) if n.startswith(".") and "show.xml" in n], [])
        self.ct("build", check=0)
        feed = feedparser.parse(self.public("feed.xml"))
        self.assertFalse(feed.bozo, feed.get("bozo_exception"))
        self.assertEqual(feed.feed.title, TITLE)
        self.assertEqual(feed.feed.language, "en")
        escaped = TITLE.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
        self.assertIn("<h1>" + escaped.replace("'", "&#39;") + "</h1>", slurp(self.public("index.html")))

    def test_each_change_is_in_the_audit_log(self):
        self.ct("settings", "--title", TITLE, "--timezone", "Europe/London", check=0)
        stamp = os.stat(self.show_xml()).st_mtime_ns
        proc = self.ct("settings", "--timezone", "Europe/London", check=0)  # nothing changed: no entry
        self.assertIn("nothing changed", proc.stdout)
        self.assertEqual(os.stat(self.show_xml()).st_mtime_ns, stamp)  # not even rewritten
        lines = [json.loads(l) for l in slurp(os.path.join(self.show, "audit.log")).splitlines()]
        self.assertEqual(len(lines), 1)
        self.assertEqual(lines[0]["action"], "settings")
        self.assertNotIn("episode", lines[0])
        changes = {c["field"]: (c["before"], c["after"]) for c in lines[0]["changes"]}
        self.assertEqual(sorted(changes), ["timezone", "title"])
        self.assertEqual(changes["timezone"], ("Europe/Moscow", "Europe/London"))
        self.assertEqual(changes["title"][1], TITLE)
        self.assertIn("Голос врага", changes["title"][0])

    def test_bad_values_are_one_line_and_leave_show_xml_as_it_was(self):
        before = slurp(self.show_xml(), "rb")
        cases = [
            (["--title", "  "], "the title is empty"),
            (["--language", "русский"], "--language 'русский'"),
            (["--timezone", "Mars/Base"], "unknown time zone 'Mars/Base'"),
            (["--base-url", "podcast.intranet"], "--base-url 'podcast.intranet' must be an absolute URL"),
            (["--loudness", "-3"], "--loudness '-3' is out of range; give -40 to -5"),
            (["--max-gain", "99"], "--max-gain"),
            (["--mp3-bitrate", "100"], "--mp3-bitrate '100'"),
            (["--bitrate", "500"], "--bitrate '500'"),
            (["--cover", self.path("missing.png")], "--cover"),
            (["--description", "bell \x07"], "description"),
            (["--loudness", "loud"], "--loudness"),
            (["--private", "maybe"], "--private"),
        ]
        for args, needle in cases:
            with self.subTest(args=args):
                # A good value beside the bad one is not applied either: all or nothing.
                proc = self.ct("settings", "--author", "Кто-то другой", *args)
                self.assertOneLineError(proc, 2, needle)
                self.assertEqual(slurp(self.show_xml(), "rb"), before)
        self.assertFalse(os.path.exists(os.path.join(self.show, "audit.log")))

    def test_init_refuses_what_settings_refuses(self):
        proc = run(["init", self.path("other"), "--title", "x", "--language", "русский"])
        self.assertOneLineError(proc, 2, "--language 'русский'")
        self.assertFalse(os.path.exists(self.path("other")))

    def test_cover_and_private(self):
        png(self.path("new.png"), 1400, 1400)
        proc = self.ct("settings", "--cover", self.path("new.png"), "--private", "true", check=0)
        self.assertIn("changed cover: cover.png", proc.stdout)
        with open(self.path("new.png"), "rb") as a, open(os.path.join(self.show, "cover.png"), "rb") as b:
            self.assertEqual(a.read(), b.read())
        self.assertEqual(self.settings()["private"], "true")
        self.ct("subscribers", "add", "Анна", check=0)  # the show is private now
