"""The listening figures inside the comms desk: `GET /desk/stats` and
`GET /api/stats` on a private show whose access log (named in show.xml)
holds listens 2, 20 and 40 days ago; comms see the figures for the last 7
or 30 days or from–to (in Chromium: the desk's link, the period form, a
screenshot), a host gets 403, nobody signed in 401, and with the log gone
the figures are those the last run counted."""
import datetime
import hashlib
import json
import os
import re
import subprocess
import uuid
import zoneinfo

from show_support import ShowTest
from support import slurp
from test_studio import ARTIFACTS, HERE, Studio

SIZE, SECONDS = 1_000_000, 600  # threshold: a minute = 100,000 bytes


class DeskStats(ShowTest):
    init_args = ("--private",)

    def setUp(self):
        super().setUp()
        zone = zoneinfo.ZoneInfo(self.timezone)
        self.now = datetime.datetime.now(datetime.timezone.utc)
        published = (self.now - datetime.timedelta(days=60)).strftime("%Y-%m-%dT%H:%M:%SZ")
        for n, dep in ((1, "marketing"), (2, "sales")):  # sidecars only: sizes and durations are what counts
            with open(os.path.join(self.show, "library", f"{n:04d}-{dep}.xml"), "w", encoding="utf-8") as f:
                f.write(f"""<?xml version="1.0" encoding="UTF-8"?>
<episode version="1"><number>{n}</number><department>{dep}</department><title>Выпуск {n} &amp; &lt;b&gt;</title>
<description>-</description><host>Анна</host><recorded-at>{published}</recorded-at><duration>{SECONDS}.000</duration>
<size>{SIZE}</size><guid>{uuid.uuid4()}</guid><state>published</state>
<publish-at>{published}</publish-at><published-at>{published}</published-at></episode>
""")
        ids = {}
        for name, dep in (("Продажи 1", "sales"), ("Продажи 2", "sales"), ("Маркетинг 1", "marketing")):
            out = self.ct("subscribers", "add", name, "--department", dep, check=0).stdout
            token = re.search(r"/s/([0-9a-f]{64})/feed\.xml", out).group(1)
            ids[name] = hashlib.sha256(token.encode()).hexdigest()[:12]
        # Noon (show's zone) 2, 20 and 40 days ago: in the last 7 days, the last 30, and neither.
        def at(days_ago):
            day = (self.now.astimezone(zone) - datetime.timedelta(days=days_ago)).replace(hour=12, minute=0, second=0)
            return day.isoformat(timespec="seconds")
        def line(days_ago, client, sid, episode):
            path = f"/s/[token]/episodes/{episode}"
            return f'{at(days_ago)} {client} "{sid}" 200 {SIZE} GET "{path}" "" "AntennaPod/3.4.0"\n'
        self.log = self.path("access.log")
        with open(self.log, "w", encoding="utf-8") as f:
            f.write(line(40, "10.9.8.7", "-", "0002-sales.opus"))
            f.write(line(20, "10.9.8.7", ids["Продажи 2"], "0001-marketing.opus"))
            f.write(line(2, "10.9.8.7", ids["Продажи 1"], "0001-marketing.opus"))
            f.write(line(2, "10.9.8.7", ids["Маркетинг 1"], "0002-sales.opus"))
        self.first_day = at(40)[:10]
        show_xml = os.path.join(self.show, "show.xml")
        text = re.sub(r'access-log="[^"]*"', f'access-log="{self.log}"', slurp(show_xml))
        self.assertIn(self.log, text)
        with open(show_xml, "w", encoding="utf-8") as f:
            f.write(text)
        self.links = {}
        for name, role in (("Отдел коммуникаций", "comms"), ("Анна", "host")):
            out = self.ct("staff", "add", name, "--role", role, check=0).stdout
            self.links[role] = re.search(r"sign-in link: (\S+)", out).group(1)
        self.studio = Studio(self.show, self.path("spool"), self.path("studio.log"))
        self.addCleanup(self.studio.stop)

    def cookie(self, role):
        token = self.links[role].split("#", 1)[1]
        res, _ = self.studio.request("POST", "/api/signin", json.dumps({"token": token}),
                                     {"Content-Type": "application/json"})
        self.assertEqual(res.status, 204)
        return res.getheader("Set-Cookie").split(";")[0]

    def get(self, path, role=None):
        res, body = self.studio.request("GET", path, headers={"Cookie": self.cookie(role)} if role else {})
        return res.status, body.decode("utf-8")

    def test_comms_see_the_figures_hosts_do_not(self):
        for path in ("/desk/stats", "/api/stats", "/api/stats?days=7"):
            self.assertEqual(self.get(path)[0], 401, path)
            self.assertEqual(self.get(path, "host")[0], 403, path)
        status, page = self.get("/desk/stats", "comms")
        self.assertEqual(status, 200)
        self.assertIn('src="/static/stats.js"', page)
        figures = {}
        for query in ("days=7", "days=30", f"from={self.first_day}&to={self.now.date().isoformat()}"):
            status, body = self.get("/api/stats?" + query, "comms")
            self.assertEqual(status, 200, body)
            figures[query] = json.loads(body)
        week, month, all_days = figures.values()
        self.assertEqual((week["downloads"], week["listeners"], week["days"], week["source"]), (2, 2, 7, "log"))
        self.assertEqual((month["downloads"], month["listeners"], month["days"]), (3, 3, 30))
        self.assertEqual(all_days["downloads"], 4)
        for f in figures.values():
            self.assertIn("<svg", f["html"])
            self.assertNotIn("10.9.8.7", f["html"])
            self.assertNotIn("<script", f["html"])
            self.assertIn("Выпуск 1 &amp; &lt;b&gt;", f["html"])
        self.assertEqual(self.get("/api/stats?from=2026-13-01&to=2026-01-01", "comms")[0], 400)
        self.assertEqual(self.get("/api/stats?days=0", "comms")[0], 400)
        # The log gone (rotated away, or unreadable): what the last run counted, said so.
        os.rename(self.log, self.path("elsewhere.log"))
        status, body = self.get("/api/stats?days=30", "comms")
        self.assertEqual(status, 200, body)
        gone = json.loads(body)
        self.assertEqual((gone["downloads"], gone["source"]), (3, "state"))
        self.assertIn("access.log", gone["note"])

    def test_the_desk_links_to_the_figures_in_chromium(self):
        args = dict(base=self.studio.base, link=self.studio.base + self.links["comms"][self.links["comms"].index("signin#"):],
                    shots=ARTIFACTS, fromDay=self.first_day, toDay=self.now.date().isoformat())
        proc = subprocess.run(["node", os.path.join(HERE, "stats_browser.js"), json.dumps(args)],
                              capture_output=True, text=True, timeout=180)
        lines = proc.stdout.strip().splitlines()
        result = json.loads(lines[-1]) if lines else {"ok": False}
        self.assertTrue(result.get("ok"), f"{result}\n{proc.stderr[-3000:]}")
        self.assertNotIn("pageErrors", result)
        self.assertEqual(result["url30"], "/desk/stats?days=30")
        self.assertIn("3", result["summary30"])
        # The figures in the desk's language (the browser prefers Russian).
        self.assertIn("скачиваний <strong>2</strong>", result["report7"])
        self.assertIn("скачиваний <strong>4</strong>", result["reportRange"])
        self.assertIn("<h2>Кто кого слышал</h2>", result["report7"])
        self.assertNotIn("downloads", result["reportRange"])
        self.assertGreater(result["charts"], 1)
        self.assertNotIn("10.9.8.7", result["reportRange"])
        self.assertTrue(os.path.exists(os.path.join(ARTIFACTS, "desk-stats.png")))


if __name__ == "__main__":
    import unittest
    unittest.main()
