"""Subscribers in bulk: `subscribers add --from people.csv` adds everyone or
nobody (a bad row is one line naming it), the personal links come out as CSV
for a mail merge (printed, or `--links FILE`), and `subscribers export`
lists who is there (without links: only hashes are kept)."""
import csv
import hashlib
import io
import os
import re

from show_support import ShowTest
from support import slurp

PEOPLE = ("name,e-mail,department,phone\r\n"
          "\"Петрова, Анна\",anna@example.com,Продажи,+7 900\r\n"
          "Олег 🎙️ & <Co> \"x\" 'y',oleg@example.com,marketing,\r\n"
          "\"Ирина \"\"Ира\"\" Смирнова\",,,\r\n")


class SubscribersBulk(ShowTest):
    init_args = ("--private",)

    def write(self, name, text, encoding="utf-8"):
        path = self.path(name)
        with open(path, "w", encoding=encoding, newline="") as f:
            f.write(text)
        return path

    def subscribers_xml(self):
        path = os.path.join(self.show, "subscribers.xml")
        return slurp(path) if os.path.exists(path) else None

    def test_everyone_gets_a_link_in_a_csv_for_a_mail_merge(self):
        people = self.write("people.csv", PEOPLE)
        proc = self.ct("subscribers", "add", "--from", people, "--links", self.path("links.csv"), check=0)
        self.assertIn("added 3 subscriber(s)", proc.stdout)
        self.assertNotIn("/s/", proc.stdout)  # the links went to the file only
        with open(self.path("links.csv"), encoding="utf-8-sig", newline="") as f:  # with a BOM, for Excel
            self.assertTrue(slurp(self.path("links.csv"), "rb").startswith(b"\xef\xbb\xbf"))
            rows = list(csv.DictReader(f))
        self.assertEqual([r["name"] for r in rows],
                         ["Петрова, Анна", "Олег 🎙️ & <Co> \"x\" 'y'", "Ирина \"Ира\" Смирнова"])
        self.assertEqual([r["e-mail"] for r in rows], ["anna@example.com", "oleg@example.com", ""])
        self.assertEqual([r["department"] for r in rows], ["sales", "marketing", ""])  # names → ids
        stored = self.subscribers_xml()
        for r in rows:
            token = re.fullmatch(rf"{re.escape(self.base_url)}s/([0-9a-f]{{64}})/feed\.xml", r["feed"]).group(1)
            self.assertEqual(r["page"], r["feed"][:-len("feed.xml")])
            self.assertIn(hashlib.sha256(token.encode()).hexdigest(), stored)  # a working link
            self.assertNotIn(token, stored)  # only its hash at rest
        listed = self.ct("subscribers", "list", check=0).stdout
        self.assertIn("3 subscriber(s)", listed)
        audit = slurp(os.path.join(self.show, "audit.log"))
        self.assertEqual(audit.count('"subscriber add"'), 3)

    def test_without_links_the_csv_is_printed(self):
        people = self.write("people.csv", "Имя;Почта;Отдел\nАнна;anna@example.com;Продажи\n")  # Russian Excel
        out = self.ct("subscribers", "add", "--from", people, check=0).stdout
        rows = list(csv.DictReader(io.StringIO(out)))
        self.assertEqual(len(rows), 1)
        self.assertEqual((rows[0]["name"], rows[0]["e-mail"], rows[0]["department"]),
                         ("Анна", "anna@example.com", "sales"))
        self.assertTrue(rows[0]["feed"].endswith("/feed.xml"))

    def test_a_bad_row_is_one_line_naming_it_and_nobody_is_added(self):
        self.ct("subscribers", "add", "Борис", check=0)
        before = self.subscribers_xml()
        cases = [
            ("name,e-mail\nАнна,a@x.ru\nПетрова, Анна,b@x.ru\n", "people.csv line 3: 3 fields, but the header has 2"),
            ("name,e-mail\nАнна,a@x.ru\nОлег,not-an-address\n", "people.csv line 3: e-mail 'not-an-address'"),
            ("name,department\nАнна,Бухгалтерия\n", "people.csv line 2: unknown department 'Бухгалтерия'"),
            ("name\nАнна\nАнна\n", "people.csv line 3: 'Анна' is in the list twice"),
            ("name\nАнна\nБорис\n", "people.csv line 3: 'Борис' already has a feed URL"),
            ("name,e-mail\nАнна,a@x.ru\n ,b@x.ru\n", "people.csv line 3: subscriber name ''"),
            ("e-mail,department\na@x.ru,sales\n", "people.csv line 1: the first row must name the columns"),
            ("name\nАнна\n\"Олег\n", "people.csv line 3: a quoted field is never closed"),
            ("name\n", "no people in it"),
        ]
        for text, needle in cases:
            with self.subTest(needle=needle):
                people = self.write("people.csv", text)
                proc = self.ct("subscribers", "add", "--from", people, "--links", self.path("links.csv"))
                self.assertOneLineError(proc, 2, needle)
                self.assertEqual(self.subscribers_xml(), before)
                self.assertFalse(os.path.exists(self.path("links.csv")))
        self.assertOneLineError(self.ct("subscribers", "add"), 2, "give a NAME, or --from")
        self.assertOneLineError(self.ct("subscribers", "add", "--from", self.path("missing.csv")), 2, "missing.csv")

    def test_export_lists_everyone_without_links_and_says_why(self):
        people = self.write("people.csv", PEOPLE)
        self.ct("subscribers", "add", "--from", people, check=0)
        proc = self.ct("subscribers", "export", check=0)
        rows = list(csv.DictReader(io.StringIO(proc.stdout)))
        self.assertEqual([r["name"] for r in rows][0], "Петрова, Анна")
        self.assertEqual(rows[1]["e-mail"], "oleg@example.com")
        self.assertEqual(set(rows[0]), {"name", "e-mail", "department", "added"})
        self.assertNotIn("/s/", proc.stdout)
        self.assertIn("only a hash of each is kept", proc.stderr)
        self.ct("subscribers", "export", "--out", self.path("all.csv"), check=0)
        with open(self.path("all.csv"), encoding="utf-8-sig", newline="") as f:
            self.assertEqual(len(list(csv.DictReader(f))), 3)
