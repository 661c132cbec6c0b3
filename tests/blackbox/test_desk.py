"""The comms desk through a real browser (desk_browser.js drives Debian's
Chromium) on a private show of 10,000 episodes, and `crosstalk delete`."""
import datetime
import glob
import json
import os
import subprocess
import xml.etree.ElementTree as ET
import zoneinfo

from show_support import NASTY, ShowTest, write_episodes
from support import BIN, run
from test_studio import ARTIFACTS, HERE, Studio


def sidecar(show, number):
    found = glob.glob(os.path.join(show, "library", f"{number:04d}-*.xml"))
    return ET.parse(found[0]).getroot() if found else None


class Desk(ShowTest):
    init_args = ("--private",)

    def test_comms_run_a_10000_episode_show_from_the_browser(self):
        opus = self.path("one.opus")
        run(["encode", self.wav, opus], check=0)
        write_episodes(self.show, opus, 9997, "Архив & <старое>")
        for title, dep in (("Черновик А", "sales"), ("Черновик Б", "marketing"), ("Черновик В", "sales")):
            self.imp(title, "--department", dep)
        out = self.ct("staff", "add", "Отдел коммуникаций", "--role", "comms", check=0).stdout
        link = [l.split(": ", 1)[1] for l in out.splitlines() if l.startswith("sign-in link: ")][0]
        studio = Studio(self.show, self.path("spool"), self.path("studio.log"))
        try:
            tomorrow = (datetime.datetime.now(zoneinfo.ZoneInfo(self.timezone)) + datetime.timedelta(days=1))
            args = dict(base=studio.base, link=studio.base + link[link.index("signin#"):], bin=BIN, show=self.show,
                        shots=ARTIFACTS, title=NASTY, tomorrow=tomorrow.strftime("%Y-%m-%dT10:00"))
            proc = subprocess.run(["node", os.path.join(HERE, "desk_browser.js"), json.dumps(args)],
                                  capture_output=True, text=True, timeout=300)
            result = json.loads(proc.stdout.strip().splitlines()[-1])
            with open(self.path("studio.log"), encoding="utf-8") as f:
                log = f.read()
            self.assertTrue(result.get("ok"), f"{result}\n{proc.stderr}\n{log[-3000:]}")
        finally:
            studio.stop()
        self.assertNotIn("pageErrors", result)
        self.assertEqual(result["rows"], 50)  # paged: 10,000 rows never reach the page at once
        self.assertEqual(result["draftRows"], [10000, 9999, 9998])
        # 10000: edited, then published after the question.
        e = sidecar(self.show, 10000)
        self.assertEqual(e.findtext("title"), NASTY)
        self.assertEqual(e.findtext("state"), "published")
        self.assertIn("10000", result["publishQuestion"])
        with open(os.path.join(self.show, "public", "feed.xml"), encoding="utf-8") as f:
            self.assertIn("Голос врага &amp; &lt;b&gt;", f.read())
        # 9999: the colleague's edit stood (409 said so), then the draft was deleted.
        self.assertIn("Правка коллеги", result["conflict"])
        self.assertIsNone(sidecar(self.show, 9999))
        self.assertEqual(glob.glob(os.path.join(self.show, "library", "9999-*")), [])
        self.assertIn("9999", result["deleteQuestion"])
        # 9998: a past time refused, tomorrow 10:00 in the show's zone taken.
        self.assertTrue(result["pastError"])
        e = sidecar(self.show, 9998)
        self.assertEqual(e.findtext("state"), "scheduled")
        at = datetime.datetime.fromisoformat(e.findtext("publish-at").replace("Z", "+00:00"))
        self.assertEqual(at.astimezone(zoneinfo.ZoneInfo(self.timezone)).strftime("%Y-%m-%dT%H:%M"), args["tomorrow"])
        self.assertIn("Черновик А", result["preview"])
        # People: the personal feed URL and the sign-in link, each with a QR code.
        self.assertRegex(result["subscriberUrl"], r"^http://127\.0\.0\.1:8080/s/[0-9a-f]{64}/feed\.xml$")
        self.assertEqual(result["subscriberQr"], 1)
        self.assertRegex(result["staffUrl"], r"/signin#[0-9a-f]{64}$")
        with open(os.path.join(self.show, "subscribers.xml"), encoding="utf-8") as f:
            subscribers = f.read()
        self.assertIn('department="sales"', subscribers)
        self.assertNotIn(result["subscriberUrl"].split("/")[4], subscribers)  # only the hash is kept
        self.assertIn("Вера", self.ct("staff", "list", check=0).stdout)


class DeleteCommand(ShowTest):
    def test_only_drafts_and_the_highest_number_is_freed(self):
        self.imp("Один")
        self.imp("Два")
        self.ct("publish", "1", check=0)
        proc = self.ct("delete", "1")
        self.assertOneLineError(proc, 2, "only drafts")
        self.assertEqual(len(self.library()), 6)  # opus, mp3, xml of each
        self.ct("delete", "2", check=0)
        self.assertEqual(sorted(self.library()), ["0001-marketing.mp3", "0001-marketing.opus", "0001-marketing.xml"])
        # The newest draft's number is free again, and the turn is sales' again.
        self.imp("Два заново")
        self.assertTrue(os.path.exists(os.path.join(self.show, "library", "0002-sales.xml")))
        self.assertOneLineError(self.ct("delete", "7"), 2, "no episode '7'")


if __name__ == "__main__":
    import unittest
    unittest.main()
