"""Who listened: real clients (podget, gPodder's gpo, curl, Chromium's
<audio>) fetch a private show's episodes through `crosstalk serve` and through
nginx (with client addresses hashed); `crosstalk stats` on each server's log
gives the same, known counts, and the department matrix of the listening
pattern (docs/stats.md)."""
import json
import os
import re
import subprocess
import unittest

from http_checks import HttpChecks
from http_support import ServedShow
from support import slurp
from test_serve import CHROMIUM

# A regular desktop Chrome (headless Chromium says "HeadlessChrome", which the agent list filters as a bot).
CHROME_UA = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chrome/120.0.0.0 Safari/537.36")

PLAYER = """<!DOCTYPE html><html><body><pre id="out">pending</pre><script>
const a = new Audio();
a.preload = 'auto';
a.muted = true;
const out = document.getElementById('out');
a.addEventListener('ended', () => { out.textContent = 'RESULT ended'; });
a.addEventListener('error', () => { out.textContent = 'RESULT error ' + (a.error && a.error.code); });
a.src = 'episodes/0001-marketing.opus';
a.play();
</script></body></html>"""

PEOPLE = {"Мария «podget»": "sales", "Пётр & <gpo>": "marketing", "Ольга 'curl'": "sales", "Иван \"🎧\"": "sales"}


class StatsOfRealClients(ServedShow):
    private = True
    collect, podget, gpodder = HttpChecks.collect, HttpChecks.podget, HttpChecks.gpodder

    def setUp(self):
        super().setUp()
        self.ct("publish", "2", check=0)
        self.tokens = {}
        for name, department in PEOPLE.items():
            out = self.ct("subscribers", "add", name, "--department", department, check=0).stdout
            self.tokens[name] = re.search(r"/s/([0-9a-f]{64})/feed\.xml", out).group(1)
        with open(self.public("player.html"), "w", encoding="utf-8") as f:  # test-only page beside index.html
            f.write(PLAYER)

    def personal(self, name, path):
        return f"{self.base_url}s/{self.tokens[name]}/{path}"

    def curl(self, *args):
        return subprocess.run(["curl", "-s", "-o", os.devnull, "-w", "%{http_code}", *args],
                              capture_output=True, text=True, timeout=60, check=False).stdout

    def listen(self):
        """The known listening pattern: 6 downloads by 4 people."""
        got, log = self.podget(self.personal("Мария «podget»", "feed.xml"), ".opus")
        self.assertEqual(len(got), 2, log)  # episodes 1 (marketing) and 2 (sales), Opus
        got, log = self.gpodder(self.personal("Пётр & <gpo>", "feed-mp3.xml"), ".mp3")
        self.assertEqual(len(got), 2, log)  # both, MP3
        olga = self.personal("Ольга 'curl'", "episodes/0001-marketing.opus")
        self.assertEqual(self.curl("-r", "0-1", olga), "206")  # a probe
        self.assertEqual(self.curl("-I", olga), "200")  # HEAD
        self.assertEqual(self.curl(olga), "200")  # the download
        etag = subprocess.run(["curl", "-sI", olga], capture_output=True, text=True, check=False).stdout
        etag = re.search(r"(?im)^etag: *(\S+)", etag).group(1)
        self.assertEqual(self.curl("-H", f"If-None-Match: {etag}", olga), "304")
        self.assertEqual(self.curl(olga), "200")  # again the same day: the same download
        self.assertEqual(self.curl("-A", "Googlebot/2.1 (+http://www.google.com/bot.html)",
                                   self.personal("Ольга 'curl'", "episodes/0002-sales.opus")), "200")  # a bot
        profile = self.path("chromium")
        proc = subprocess.run(CHROMIUM + [f"--user-data-dir={profile}", f"--user-agent={CHROME_UA}",
                                          "--autoplay-policy=no-user-gesture-required", "--virtual-time-budget=30000",
                                          "--dump-dom", self.personal("Иван \"🎧\"", "player.html")],
                              capture_output=True, text=True, timeout=120)
        self.assertIn("RESULT ended", proc.stdout, proc.stdout[-500:] + proc.stderr[-1500:])

    def stats(self, log_path):
        done = subprocess.run([os.environ.get("CROSSTALK_BIN", "crosstalk"), "-C", self.show, "stats", "--full",
                               "--log", log_path, "--json"], capture_output=True, text=True, timeout=120)
        self.assertEqual(done.returncode, 0, done.stderr)
        return json.loads(done.stdout)

    def check_counts(self, report, log_text):
        self.assertEqual(report["downloads"], 6, json.dumps(report, ensure_ascii=False, indent=1))
        self.assertEqual(report["listeners"], 4)
        self.assertEqual({e["number"]: (e["downloads"], e["listeners"]) for e in report["episodes"]},
                         {1: (4, 4), 2: (2, 2)})
        self.assertEqual({f["label"]: f["downloads"] for f in report["feeds"]}, {"Opus": 4, "MP3": 2})
        self.assertEqual({a["label"]: a["downloads"] for a in report["apps"]},
                         {"podget/wget": 2, "gPodder": 2, "curl": 1, "Chrome": 1})
        lines = report["lines"]
        self.assertEqual(lines["probes"], 1)
        self.assertEqual(lines["head"], 2)  # curl -I twice (one to read the ETag)
        self.assertEqual(lines["not_modified"], 1)
        self.assertEqual(lines["filtered_agents"], 1)
        cells = {(c["listeners_department"], c["episodes_department"]): (c["people"], c["heard"], c["median_episodes"])
                 for c in report["matrix"]}
        self.assertEqual(cells, {("sales", "marketing"): (3, 3, 1), ("sales", "sales"): (3, 1, 0),
                                 ("marketing", "sales"): (1, 1, 1), ("marketing", "marketing"): (1, 1, 1)})
        # Never a token, nor a client address in the output.
        for token in self.tokens.values():
            self.assertNotIn(token, log_text)
        page = slurp(os.path.join(self.show, "stats.html"))
        self.assertIn("<svg", page)
        self.assertNotIn("127.0.0.1", page + json.dumps(report))
        self.assertFalse(os.path.exists(self.public("stats.html")))

    def check_table(self, log_path):
        """The readable table, in English and in Russian, says the same counts, its columns aligned."""
        binary = os.environ.get("CROSSTALK_BIN", "crosstalk")
        tables = {}
        for lang in ("C.UTF-8", "ru_RU.UTF-8"):
            done = subprocess.run([binary, "-C", self.show, "stats", "--log", log_path],
                                  env=dict(os.environ, LC_ALL="", LC_MESSAGES="", LANG=lang),
                                  capture_output=True, text=True, timeout=120)
            self.assertEqual(done.returncode, 0, done.stderr)
            tables[lang] = done.stdout
        en, ru = tables["C.UTF-8"], tables["ru_RU.UTF-8"]
        self.assertRegex(en, r": 6 downloads, 4 listeners\n")
        self.assertRegex(ru, r": скачиваний 6, слушателей 4\n")
        self.assertIn("who heard whom", en)
        self.assertIn("кто кого слышал", ru)
        self.assertRegex(ru, r"(?m)^sales {11}100% из 3, медиана 1")
        # Each episode row lines up under its heading, counted in characters.
        for table, heading in ((en, "episode  department"), (ru, " выпуск  отдел")):
            lines = table.splitlines()
            head = [l for l in lines if l.startswith(heading)][0]
            row = [l for l in lines if l.lstrip().startswith("1  marketing")][0]
            self.assertEqual(row.index("1  marketing"), 6, row)  # right-aligned in 7 columns
            self.assertEqual(head.index(heading.split()[1]), row.index("marketing"), table)


class StatsThroughServe(StatsOfRealClients):
    def test_known_downloads_counted_from_serves_log(self):
        self.listen()
        log = self.access_log()
        log_path = self.path("serve.log")
        with open(log_path, "w", encoding="utf-8") as f:
            f.write(log)
        self.assertRegex(log, r'\+00:00 127\.0\.0\.1 "[0-9a-f]{12}" 20[06] \d+ GET "/s/\[token\]/episodes/')
        self.check_counts(self.stats(log_path), log)
        self.check_table(log_path)


class StatsThroughNginx(StatsOfRealClients):
    nginx = True

    def start_serve(self):
        # Client addresses hashed (a key in the show folder): nginx gets the hash from crosstalk serve.
        show_xml = os.path.join(self.show, "show.xml")
        text = re.sub(r"<stats [^>]*/>", '<stats client="hash" names="false"/>', slurp(show_xml))
        self.assertIn('client="hash"', text)
        with open(show_xml, "w", encoding="utf-8") as f:
            f.write(text)
        return super().start_serve()

    def test_known_downloads_counted_from_nginxs_log_the_same(self):
        self.listen()
        log = self.access_log()
        self.assertNotIn("127.0.0.1", log)
        self.assertRegex(log, r' h:[0-9a-f]{16} "[0-9a-f]{12}" 20[06] \d+ GET "/s/\[token\]/episodes/')
        self.check_counts(self.stats(self.nginx_log), log)


if __name__ == "__main__":
    unittest.main()
