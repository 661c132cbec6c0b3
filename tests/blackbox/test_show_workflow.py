"""The show folder through the real binary: init, import with alternation and
turns, atomic numbering under concurrency, schedule/build/unpublish/edit, and
the bad input each gets one clear line for."""
import json
import os
import re
import subprocess

from mutagen.oggopus import OggOpus

from show_support import NASTY, ShowTest
from support import BIN, run, slurp


# A --help row naming an option and what it takes, as CLI11 writes it in any
# language: "  --max-gain FLOAT:FLOAT in [0 - 60]", "  --log TEXT ...".
OPTION_ROW = r"^  [-\w,]+( [A-Z]+(:\S+( in \[[-0-9. ]+\])?)?)?( \.\.\.)?$"


class Workflow(ShowTest):
    def test_six_imports_alternate(self):
        for i in range(6):
            proc = self.imp(f"{NASTY} {i + 1}", "--host", "Анна & Co")
            self.assertIn(f"episode {i + 1}", proc.stdout)
        self.assertEqual(self.library(), sorted(
            f"{n:04d}-{dep}.{ext}" for n, dep in zip(range(1, 7), ["marketing", "sales"] * 3)
            for ext in ("mp3", "opus", "xml")))
        episodes = json.loads(self.ct("list", "--json", check=0).stdout)
        self.assertEqual([e["department"] for e in episodes], ["marketing", "sales"] * 3)
        self.assertEqual(episodes[0]["title"], f"{NASTY} 1")
        self.assertTrue(all(e["state"] == "draft" for e in episodes))
        tags = OggOpus(os.path.join(self.show, "library", "0004-sales.opus"))
        self.assertEqual(tags["title"], [f"{NASTY} 4"])
        self.assertEqual(tags["tracknumber"], ["4"])
        self.assertEqual(tags["department"], ["sales"])
        self.assertEqual(tags["artist"], ["Анна & Co"])
        self.assertEqual(tags["album"], [NASTY])
        self.assertIn("marketing's turn", self.ct("list", check=0).stdout)
        self.assertOpusinfoClean(os.path.join(self.show, "library", "0006-sales.opus"))

    def test_out_of_turn_is_refused_naming_who_spoke_last(self):
        self.imp("Первый")
        proc = self.imp("Снова маркетинг", "--department", "marketing", check=None)
        self.assertOneLineError(proc, 2, "it is sales' turn, not marketing's", "marketing spoke last (episode 1)",
                                "--out-of-turn")
        self.assertEqual(len(self.library()), 3)  # .opus, .mp3, .xml
        self.imp("Снова маркетинг", "--department", "marketing", "--out-of-turn")
        self.assertIn("0002-marketing.opus", self.library())
        self.assertIn("next: sales' turn", self.ct("list", check=0).stdout)

    def test_eight_concurrent_imports_get_eight_consecutive_numbers(self):
        procs = [subprocess.Popen([BIN, "-C", self.show, "import", self.wav, "--title", f"Параллельно {i}"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for i in range(8)]
        for p in procs:
            out, err = p.communicate(timeout=120)
            self.assertEqual(p.returncode, 0, err)
        episodes = json.loads(self.ct("list", "--json", check=0).stdout)
        self.assertEqual([e["number"] for e in episodes], list(range(1, 9)))
        self.assertEqual([e["department"] for e in episodes], ["marketing", "sales"] * 4)
        self.assertEqual(sorted(e["title"] for e in episodes), sorted(f"Параллельно {i}" for i in range(8)))
        self.assertEqual(len(self.library()), 24)  # .opus, .mp3, .xml each
        self.assertEqual([n for n in os.listdir(os.path.join(self.show, "library")) if n.startswith(".incoming")], [])
        self.ct("check", check=0)

    def test_schedule_build_before_and_after(self):
        self.imp("Запланированный")
        proc = self.ct("schedule", "1", "--at", "2026-12-01T10:00", check=0)
        self.assertIn("2026-12-01 10:00 MSK", proc.stdout)
        self.ct("build", "--now", "2026-12-01T09:59:59", check=0)
        self.assertFalse(os.path.exists(self.public("episodes", "0001-marketing.opus")))
        with open(self.public("feed.xml"), encoding="utf-8") as f:
            self.assertNotIn("<item>", f.read())
        proc = self.ct("build", "--now", "2026-12-01T10:00", check=0)
        self.assertIn("published episode 1", proc.stdout)
        self.assertTrue(os.path.samefile(self.public("episodes", "0001-marketing.opus"),
                                         os.path.join(self.show, "library", "0001-marketing.opus")))
        with open(self.public("feed.xml"), encoding="utf-8") as f:
            self.assertIn("<pubDate>Tue, 01 Dec 2026 10:00:00 +0300</pubDate>", f.read())
        self.assertEqual(json.loads(self.ct("list", "--json", check=0).stdout)[0]["state"], "published")

    def test_a_build_with_nothing_new_rewrites_nothing(self):
        self.imp("Один")
        self.ct("publish", "1", check=0)
        before = {n: os.stat(self.public(n)).st_mtime_ns for n in os.listdir(self.public())}
        proc = self.ct("build", check=0)
        self.assertIn("0 file(s) updated", proc.stdout)
        os.remove(os.path.join(self.show, ".crosstalk-build"))  # the full path, not the shortcut
        proc = self.ct("build", check=0)
        self.assertIn("0 file(s) updated", proc.stdout)
        after = {n: os.stat(self.public(n)).st_mtime_ns for n in os.listdir(self.public())}
        self.assertEqual(before, after)

    def test_the_build_shortcut_notices_hand_edits(self):
        self.imp("Один")
        self.ct("publish", "1", check=0)
        sidecar = os.path.join(self.show, "library", "0001-marketing.xml")
        text = slurp(sidecar).replace("<title>Один</title>", "<title>Исправлено вручную</title>")
        with open(sidecar, "w", encoding="utf-8") as f:  # in place, as an editor would
            f.write(text)
        self.ct("build", check=0)
        self.assertIn("Исправлено вручную", slurp(self.public("feed.xml")))

    def test_the_build_shortcut_notices_a_same_size_edit_within_one_mtime_tick(self):
        self.imp("Один")
        self.ct("publish", "1", check=0)
        sidecar = os.path.join(self.show, "library", "0001-marketing.xml")
        st = os.stat(sidecar)
        text = slurp(sidecar).replace("<title>Один</title>", "<title>Два!!</title>")  # the same byte count
        with open(sidecar, "w", encoding="utf-8") as f:
            f.write(text)
        os.utime(sidecar, ns=(st.st_atime_ns, st.st_mtime_ns))  # as if within the same timestamp tick
        self.assertEqual((os.stat(sidecar).st_size, os.stat(sidecar).st_mtime_ns), (st.st_size, st.st_mtime_ns))
        self.ct("build", check=0)
        self.assertIn("Два!!", slurp(self.public("feed.xml")))

    def test_import_with_publish_at_and_past_schedules(self):
        proc = self.imp("Прошлое", "--publish-at", "2020-01-01T10:00")
        self.assertIn("next 'crosstalk build'", proc.stdout)
        proc = self.ct("build", check=0)
        self.assertIn("published episode 1", proc.stdout)
        self.imp("Будущее")
        # A past time is a typo (under `serve` it would publish within
        # seconds): refused, pointing at `publish`; --now pretends otherwise.
        self.assertOneLineError(self.ct("schedule", "0002-sales", "--at", "2020-01-01T10:00+03:00"), 2,
                                "--at 2020-01-01T10:00+03:00 is in the past", "crosstalk publish 0002-sales")
        proc = self.ct("schedule", "0002-sales", "--at", "2020-01-01T10:00+03:00", "--now", "2019-12-31T10:00",
                       check=0)
        self.assertIn("next 'crosstalk build'", proc.stdout)

    def test_unpublish_removes_it_everywhere(self):
        self.imp("Первый")
        self.imp("Второй")
        self.ct("publish", "1", check=0)
        self.ct("publish", "2", check=0)
        self.assertEqual(sorted(os.listdir(self.public("episodes"))),
                         ["0001-marketing.mp3", "0001-marketing.opus", "0002-sales.mp3", "0002-sales.opus"])
        self.ct("unpublish", "2", check=0)
        self.assertEqual(sorted(os.listdir(self.public("episodes"))), ["0001-marketing.mp3", "0001-marketing.opus"])
        for feed in ("feed.xml", "feed-sales.xml", "feed-marketing.xml", "feed-mp3.xml", "feed-mp3-sales.xml",
                     "index.html"):
            with open(self.public(feed), encoding="utf-8") as f:
                self.assertNotIn("0002-sales", f.read(), feed)
        self.assertEqual(json.loads(self.ct("list", "--json", check=0).stdout)[1]["state"], "draft")

    def test_publishing_twice_and_unpublishing_a_draft_say_already(self):
        self.imp("Первый")
        self.assertIn("published episode 1", self.ct("publish", "1", check=0).stdout)
        published_at = json.loads(self.ct("list", "--json", check=0).stdout)[0]["published_at"]
        proc = self.ct("publish", "1", check=0)
        self.assertRegex(proc.stdout, r"^episode 1 \(0001-marketing\) is already published, since 2\d{3}-.*: nothing to do")
        self.assertEqual(json.loads(self.ct("list", "--json", check=0).stdout)[0]["published_at"], published_at)
        self.assertIn("unpublished episode 1", self.ct("unpublish", "1", check=0).stdout)
        proc = self.ct("unpublish", "1", check=0)
        self.assertEqual(proc.stdout, "episode 1 (0001-marketing) is already a draft: nothing to do\n")

    def test_edit_retags_and_updates_the_feed(self):
        self.imp("Старое название")
        self.ct("publish", "1", check=0)
        self.ct("edit", "1", "--title", NASTY + " новое", "--host", "Мария", check=0)
        lib = os.path.join(self.show, "library", "0001-marketing.opus")
        self.assertEqual(OggOpus(lib)["title"], [NASTY + " новое"])
        self.assertEqual(OggOpus(lib)["artist"], ["Мария"])
        self.assertOpusinfoClean(lib)
        with open(self.public("episodes", "0001-marketing.opus"), "rb") as a, open(lib, "rb") as b:
            self.assertEqual(a.read(), b.read())
        with open(self.public("feed.xml"), encoding="utf-8") as f:
            feed = f.read()
        self.assertIn("Голос врага &amp; &lt;b&gt;\"продажи\"&lt;/b&gt; 'маркетинг' 🎙️ новое", feed)
        self.assertIn(f'length="{os.path.getsize(lib)}"', feed)
        self.ct("check", check=0)

    def test_a_department_change_renames_the_files_in_turn(self):
        for title in ("Один", "Два", "Три"):
            self.imp(title)
        lib = os.path.join(self.show, "library")
        # Episode 3 came after sales' episode 2: marketing's turn then.
        proc = self.ct("edit", "3", "--department", "sales", check=None)
        self.assertOneLineError(proc, 2, "it is marketing's turn, not sales'", "--out-of-turn")
        self.assertTrue(os.path.exists(os.path.join(lib, "0003-marketing.opus")))
        self.ct("edit", "3", "--department", "sales", "--out-of-turn", "--title", NASTY, check=0)
        self.assertEqual(sorted(n for n in os.listdir(lib) if n.startswith("0003")),
                         ["0003-sales.mp3", "0003-sales.opus", "0003-sales.xml"])
        tags = OggOpus(os.path.join(lib, "0003-sales.opus"))
        self.assertEqual(tags["department"], ["sales"])
        self.assertEqual(tags["title"], [NASTY])
        self.assertOpusinfoClean(os.path.join(lib, "0003-sales.opus"))
        episodes = json.loads(self.ct("list", "--json", check=0).stdout)
        self.assertEqual([e["department"] for e in episodes], ["marketing", "sales", "sales"])
        self.assertIn("marketing's turn", self.ct("list", check=0).stdout)
        audit = [json.loads(l) for l in slurp(os.path.join(self.show, "audit.log")).splitlines()]
        self.assertIn({"field": "department", "before": "marketing", "after": "sales"}, audit[-1]["changes"])
        # Published: its address (named after the department) is in apps and figures.
        self.ct("publish", "1", check=0)
        proc = self.ct("edit", "1", "--department", "sales", "--out-of-turn", check=None)
        self.assertOneLineError(proc, 2, "episode 1 is published", "only drafts and scheduled episodes can move")
        self.assertTrue(os.path.exists(self.public("episodes", "0001-marketing.opus")))
        self.ct("check", check=0)

    def test_a_department_change_cut_short_leaves_the_old_or_the_new_episode(self):
        self.imp("Один")
        self.imp("Два")
        lib = os.path.join(self.show, "library")
        old = {ext: slurp(os.path.join(lib, "0002-sales." + ext), "rb") for ext in ("opus", "mp3", "xml")}

        def marker(content):
            with open(os.path.join(lib, ".pending-0002-marketing"), "w", encoding="utf-8") as f:
                f.write(content)

        # Killed before the new sidecar: the new names' audio goes, the old episode stays.
        for ext in ("opus", "mp3"):
            with open(os.path.join(lib, "0002-marketing." + ext), "wb") as f:
                f.write(old[ext])
        marker("0002-sales")
        self.ct("build", check=0)
        self.assertEqual(sorted(n for n in os.listdir(lib) if n.startswith(("0002", ".pending"))),
                         ["0002-sales.mp3", "0002-sales.opus", "0002-sales.xml"])
        self.assertEqual(slurp(os.path.join(lib, "0002-sales.opus"), "rb"), old["opus"])
        # Killed after it: the old names' files go, the moved episode is whole and tagged.
        for ext in ("opus", "mp3"):
            with open(os.path.join(lib, "0002-marketing." + ext), "wb") as f:
                f.write(old[ext])
        with open(os.path.join(lib, "0002-marketing.xml"), "w", encoding="utf-8") as f:
            f.write(old["xml"].decode().replace("<department>sales</department>", "<department>marketing</department>"))
        marker("0002-sales")
        self.ct("build", check=0)
        self.assertEqual(sorted(n for n in os.listdir(lib) if n.startswith(("0002", ".pending"))),
                         ["0002-marketing.mp3", "0002-marketing.opus", "0002-marketing.xml"])
        self.assertEqual(OggOpus(os.path.join(lib, "0002-marketing.opus"))["department"], ["marketing"])
        self.assertEqual([e["department"] for e in json.loads(self.ct("list", "--json", check=0).stdout)],
                         ["marketing", "marketing"])
        self.ct("check", check=0)

    def test_messages_in_russian_under_a_russian_locale(self):
        ru = dict(os.environ, LC_ALL="", LC_MESSAGES="", LANG="ru_RU.UTF-8")
        en = dict(os.environ, LC_ALL="C.UTF-8")
        # A public show gives no personal links: the refusal says so, and what to do, in the reader's language.
        proc = run(["-C", self.show, "subscribers", "add", "Анна"], env=ru)
        self.assertOneLineError(proc, 2, "show.xml: подкаст открытый (слушать может любой, у кого есть ссылка)",
                                "сначала сделайте его закрытым («crosstalk settings --private true»)")
        proc = run(["-C", self.show, "subscribers", "add", "Анна"], env=en)
        self.assertOneLineError(proc, 2, "show.xml: the show is public", "('crosstalk settings --private true')")
        proc = run(["-C", self.show, "subscribers", "revoke", "Анна"], env=ru)
        self.assertOneLineError(proc, 2, "подписчика «Анна» нет (подписчиков пока нет совсем)")
        self.assertIn("подписчиков: 0; подкаст открытый",
                      run(["-C", self.show, "subscribers", "list"], env=ru, check=0).stdout)
        out = run(["-C", self.show, "import", self.wav, "--title", NASTY], env=ru, check=0).stdout
        self.assertIn(f"импортирован выпуск 1 (0001-marketing, черновик): {NASTY}", out)
        out = run(["-C", self.show, "list"], env=ru, check=0).stdout
        self.assertIn("marketing   черновик", out)
        self.assertIn("следующим выступает отдел sales", out)
        self.assertIn("уже черновик: делать нечего", run(["-C", self.show, "unpublish", "1"], env=ru, check=0).stdout)
        # check: the problem in Russian on screen, in English in --json (machine output stays as it is).
        run(["-C", self.show, "publish", "1"], env=ru, check=0)
        os.remove(self.public("episodes", "0001-marketing.opus"))
        proc = run(["-C", self.show, "check"], env=ru, check=1)
        self.assertIn("опубликован, но его нет в public/: выполните «crosstalk build»", proc.stdout)
        self.assertIn("выпусков: 1, опубликовано: 1, проблем: 1", proc.stdout)
        problems = json.loads(run(["-C", self.show, "check", "--json"], env=ru, check=1).stdout)["problems"]
        self.assertEqual(problems[0]["problem"], "published but not in public/: run 'crosstalk build'")
        run(["-C", self.show, "build"], env=ru, check=0)
        proc = run(["-C", self.show, "schedule", "1", "--at", "2020-01-01T10:00"], env=ru)
        self.assertOneLineError(proc, 2, "--at 2020-01-01T10:00: это время уже прошло", "crosstalk publish 1")
        proc = run(["-C", self.show, "import", self.wav, "--title", "Снова", "--department", "marketing"], env=ru)
        self.assertOneLineError(proc, 2, "сейчас очередь отдела sales, а не marketing",
                                "последним выступал отдел marketing (выпуск 1)", "--out-of-turn")
        proc = run(["-C", self.show, "edit", "7", "--title", "x"], env=ru)
        self.assertOneLineError(proc, 2, "выпуска «7» в этом подкасте нет (есть: 1)")
        proc = run(["-C", self.show, "import", self.wav, "--title", "x", "--department", "hr"], env=ru)
        self.assertOneLineError(proc, 2, "неизвестный отдел «hr» (в этом подкасте: marketing, sales)")
        proc = run(["init", self.show, "--title", "ещё раз"], env=ru)
        self.assertOneLineError(proc, 2, "это уже папка подкаста (в ней есть show.xml)")
        # A control character in a title, and the studio's staff, in Russian.
        proc = run(["-C", self.show, "edit", "1", "--title", "до\x01после"], env=ru)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn("управляющий символ (U+0001) в байте 5, а XML 1.0 такого не допускает", proc.stderr)
        out = run(["-C", self.show, "staff", "add", "Анна", "--role", "comms"], env=ru, check=0).stdout
        self.assertRegex(out, r"(?m)^добавлен\(а\) Анна \(comms\)\nссылка для входа: \S+signin#[0-9a-f]{64}$")
        self.assertIn("сотрудников студии: 1", run(["-C", self.show, "staff", "list"], env=ru, check=0).stdout)
        # The same refusal in English elsewhere; machine output stays as it is.
        proc = run(["-C", self.show, "edit", "7", "--title", "x"], env=en)
        self.assertOneLineError(proc, 2, "no episode '7' in this show (it has 1)")
        listed = json.loads(run(["-C", self.show, "list", "--json"], env=ru, check=0).stdout)
        self.assertEqual(listed[0]["state"], "published")  # (published above; --json keeps its English ids)

    def test_help_in_the_readers_language(self):
        ru = dict(os.environ, LC_ALL="", LC_MESSAGES="", LANG="ru_RU.UTF-8")
        en = dict(os.environ, LC_ALL="C.UTF-8")
        # Every page of --help, walked through its command lists: each line in
        # Russian but the rows naming an option and what it takes (TEXT, FLOAT…).
        pages, todo = 0, [[]]
        while todo:
            words = todo.pop()
            text = run([*words, "--help"], env=ru, check=0).stdout
            pages += 1
            lines = text.splitlines()
            self.assertRegex(lines[0], "[а-яё]", f"{words}: the command's description")
            for line in lines:
                if line.strip() and not re.search("[а-яА-ЯёЁ]", line):
                    self.assertRegex(line, OPTION_ROW, f"crosstalk {' '.join(words)} --help")
            if "Команды:" in text:
                section = text.split("Команды:\n")[1].split("\n\n")[0]
                todo += [words + [row.split()[0]] for row in section.splitlines()]
        self.assertGreaterEqual(pages, 30)
        cases = {  # a command's --help: a description in English and in Russian
            (): ("Add an episode from an audio file", "Добавить выпуск из аудиофайла"),
            ("import",): ("allow the department that spoke last", "разрешить отделу, который выступал последним"),
            ("subscribers", "add"): ("a CSV file with a header row: name, e-mail, department (UTF-8)",
                                     "файл CSV со строкой заголовков: name, e-mail, department (в UTF-8)"),
        }
        for words, (english, russian) in cases.items():
            with self.subTest(command=" ".join(words)):
                ru_help = run([*words, "--help"], env=ru, check=0).stdout
                en_help = run([*words, "--help"], env=en, check=0).stdout
                self.assertIn(russian, ru_help)
                self.assertIn("Использование: crosstalk", ru_help)
                self.assertIn("Параметры:\n  -h,--help                   показать эту справку и выйти", ru_help)
                self.assertNotIn(english, ru_help)
                self.assertIn(english, en_help)
                self.assertIn("Options:\n  -h,--help                   Print this help message and exit", en_help)
                self.assertIsNone(re.search("[а-яА-ЯёЁ]", en_help), en_help)
        # The man pages (scripts/make_man.sh) read the English command lists.
        self.assertIn("\nSubcommands:\n  encode  ", run(["--help"], env=en, check=0).stdout)

    def test_the_date_tag_is_the_shows_local_date(self):
        self.imp("Поздно вечером")
        sidecar = os.path.join(self.show, "library", "0001-marketing.xml")
        text = slurp(sidecar)
        start = text.index("<recorded-at>")
        end = text.index("</recorded-at>")
        with open(sidecar, "w", encoding="utf-8") as f:  # 01:30 on 1 December in Moscow
            f.write(text[:start] + "<recorded-at>2026-11-30T22:30:00Z" + text[end:])
        self.ct("edit", "1", "--host", "Анна", check=0)  # retags from the sidecar
        self.assertEqual(OggOpus(os.path.join(self.show, "library", "0001-marketing.opus"))["date"], ["2026-12-01"])

    def test_bad_input_is_one_line_exit_2(self):
        self.imp("Есть")
        cases = [
            (["import", self.wav, "--title", "   "], "title is empty"),
            (["import", self.wav, "--title", "x", "--department", "hr"], "unknown department 'hr'"),
            (["import", self.wav, "--title", "x", "--publish-at", "завтра"], "ISO 8601"),
            (["schedule", "99", "--at", "2026-12-01T10:00"], "no episode '99'"),
            (["schedule", "1", "--at", "2026-13-01T10:00"], "ISO 8601"),
            (["publish", "0009-sales"], "no episode '0009-sales'"),
            (["edit", "1"], "nothing to change"),
            (["edit", "1", "--title", ""], "title is empty"),
            (["build", "--now", "soon"], "--now"),
        ]
        for args, needle in cases:
            with self.subTest(args=args):
                self.assertOneLineError(self.ct(*args), 2, needle)
        self.assertOneLineError(run(["-C", self.dir, "list"]), 2, "not a show folder")
        self.assertOneLineError(run(["-C", self.dir, "import", self.wav, "--title", "x"]), 2, "not a show folder")
        self.assertOneLineError(run(["init", self.show, "--title", "again"]), 2, "already a show folder")
        self.assertOneLineError(run(["init", self.path("x"), "--title", "x", "--timezone", "Mars/Base"]), 2,
                                "unknown time zone")
        self.assertEqual(len(self.library()), 3)

    def test_malformed_files_leave_public_untouched(self):
        self.imp("Один")
        self.ct("publish", "1", check=0)
        snapshot = {n: slurp(self.public(n), "rb") for n in os.listdir(self.public()) if n.endswith(".xml")}
        sidecar = os.path.join(self.show, "library", "0001-marketing.xml")
        good = slurp(sidecar)
        with open(sidecar, "w", encoding="utf-8") as f:
            f.write(good.replace("</title>", "</titel>"))
        self.assertOneLineError(self.ct("build"), 2, "0001-marketing.xml:5", "malformed XML")
        with open(sidecar, "w", encoding="utf-8") as f:
            f.write(good)
        show_xml = os.path.join(self.show, "show.xml")
        with open(show_xml, "a", encoding="utf-8") as f:
            f.write("<junk>")
        proc = self.ct("build")
        self.assertOneLineError(proc, 2, "show.xml:", "malformed XML")
        for name, data in snapshot.items():
            self.assertEqual(slurp(self.public(name), "rb"), data)

    def test_a_cover_name_that_is_not_a_plain_image_name_is_refused(self):
        self.imp("Один")
        self.ct("publish", "1", check=0)
        feed = slurp(self.public("feed.xml"), "rb")
        show_xml = os.path.join(self.show, "show.xml")
        good = slurp(show_xml)
        self.assertIn("<cover></cover>", good)
        with open(os.path.join(self.dir, "x.jpg"), "wb") as f:
            f.write(b"\xff\xd8\xff")
        for name in ("feed.xml", "../x.jpg", "library/0001-marketing.opus", ".crosstalk-build", "index.html"):
            with self.subTest(name=name):
                with open(show_xml, "w", encoding="utf-8") as f:
                    f.write(good.replace("<cover></cover>", f"<cover>{name}</cover>"))
                self.assertOneLineError(self.ct("build"), 2, "show.xml:", "<cover>")
                self.assertEqual(slurp(self.public("feed.xml"), "rb"), feed)


class Checks(ShowTest):
    def test_check_finds_what_is_wrong_and_says_so_in_json(self):
        self.imp("Один")
        self.imp("Два")
        self.ct("publish", "1", check=0)
        report = json.loads(self.ct("check", "--json", check=0).stdout)
        self.assertEqual((report["ok"], report["episodes"], report["published"]), (True, 2, 1))
        os.remove(self.public("episodes", "0001-marketing.opus"))
        with open(os.path.join(self.show, "library", "0002-sales.opus"), "ab") as f:
            f.write(b"junk")
        proc = self.ct("check", "--json")
        self.assertEqual(proc.returncode, 1)
        problems = json.loads(proc.stdout)["problems"]
        self.assertEqual(len(problems), 2, problems)
        self.assertTrue(any("0001-marketing.opus" in p["path"] and "crosstalk build" in p["problem"] for p in problems))
        self.assertTrue(any("0002-sales.opus" in p["path"] and "size" in p["problem"] for p in problems))
        self.ct("build", check=0)  # puts the published file back

    def test_public_on_another_file_system_gets_copies(self):
        if os.geteuid() != 0:
            self.skipTest("mounting a file system needs root (CI runs as root)")
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", self.public()], check=True)
        try:
            self.imp("Копия")
            self.ct("publish", "1", check=0)
            pub, lib = self.public("episodes", "0001-marketing.opus"), os.path.join(self.show, "library", "0001-marketing.opus")
            self.assertFalse(os.path.samefile(pub, lib))
            self.assertEqual(slurp(pub, "rb"), slurp(lib, "rb"))
            os.remove(os.path.join(self.show, ".crosstalk-build"))  # no shortcut: compare the copies
            self.assertIn("0 file(s) updated", self.ct("build", check=0).stdout)
            self.ct("check", check=0)
        finally:
            subprocess.run(["umount", self.public()], check=True)


class ShowLocation(ShowTest):
    """Forgetting -C: the message says first what to do; a person can name
    their show once, in CROSSTALK_SHOW or in ~/.config/crosstalk/config,
    used when there is no -C and the current folder is not a show."""

    def setUp(self):
        super().setUp()
        self.elsewhere = self.path("elsewhere")
        os.mkdir(self.elsewhere)
        self.config_home = self.path("config")
        self.env = {k: v for k, v in os.environ.items() if k != "CROSSTALK_SHOW"}
        self.env["XDG_CONFIG_HOME"] = self.config_home

    def list_in(self, cwd, **env):
        return run(["list"], cwd=cwd, env=dict(self.env, **env))

    def write_config(self, text):
        os.makedirs(os.path.join(self.config_home, "crosstalk"), exist_ok=True)
        with open(os.path.join(self.config_home, "crosstalk", "config"), "w", encoding="utf-8") as f:
            f.write(text)

    def test_outside_a_show_the_message_starts_with_what_to_do(self):
        proc = self.list_in(self.elsewhere)
        self.assertOneLineError(proc, 2, "is not a show folder", "crosstalk init")
        self.assertTrue(proc.stderr.startswith(
            f"crosstalk: run this inside a show folder or give -C SHOW: the current folder ({self.elsewhere})"),
            proc.stderr)

    def test_crosstalk_show_and_the_config_file_name_the_show(self):
        self.imp("Первый")
        other = self.path("other")
        run(["init", other, "--title", "Другой"], check=0)
        self.assertIn("Первый", self.list_in(self.elsewhere, CROSSTALK_SHOW=self.show).stdout)
        self.write_config(f"# my show\nshow = {self.show}\n")
        self.assertIn("Первый", self.list_in(self.elsewhere).stdout)
        self.assertIn("no episodes yet", self.list_in(self.elsewhere, CROSSTALK_SHOW=other).stdout)  # env first
        self.assertIn("no episodes yet", self.list_in(other).stdout)  # a show folder here: that one
        proc = run(["-C", other, "list"], cwd=self.elsewhere, env=self.env)
        self.assertIn("no episodes yet", proc.stdout)  # -C above all
        proc = run(["import", self.wav, "--title", "Второй"], cwd=self.elsewhere, env=self.env)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("Второй", self.list_in(self.elsewhere).stdout)
        self.write_config(f"show = {self.elsewhere}\n")
        self.assertOneLineError(self.list_in(self.path(".")), 2, "is not a show folder",
                                "that folder comes from " + os.path.join(self.config_home, "crosstalk", "config"))
        self.assertOneLineError(self.list_in(self.elsewhere, CROSSTALK_SHOW=self.path("gone")), 2, "no such folder",
                                "that folder comes from CROSSTALK_SHOW")


class DaylightSaving(ShowTest):
    timezone = "Europe/Berlin"

    def test_publish_time_across_the_spring_jump(self):
        self.imp("Весна")
        proc = self.ct("schedule", "1", "--at", "2026-03-29T02:30")
        self.assertOneLineError(proc, 2, "does not exist")
        self.ct("schedule", "1", "--at", "2026-03-29T03:00", "--now", "2026-03-28T00:00", check=0)  # = 01:00Z
        self.ct("build", "--now", "2026-03-29T01:59", check=0)          # = 00:59Z, before the jump
        self.assertFalse(os.path.exists(self.public("episodes", "0001-marketing.opus")))
        self.ct("build", "--now", "2026-03-29T01:00:00Z", check=0)
        self.assertTrue(os.path.exists(self.public("episodes", "0001-marketing.opus")))
        with open(self.public("feed.xml"), encoding="utf-8") as f:
            self.assertIn("Sun, 29 Mar 2026 03:00:00 +0200", f.read())


class LockWaits(ShowTest):
    """The show lock does not wait in silence (issue 11): after about 2 s it
    says who holds it (host, pid, since when: written into the lock file by
    whoever takes it), and it gives up after CROSSTALK_LOCK_TIMEOUT seconds."""

    def hold_lock(self):
        import fcntl
        f = open(os.path.join(self.show, ".crosstalk.lock"), "r+")
        fcntl.lockf(f, fcntl.LOCK_EX)  # a classic POSIX lock: open-file-description locks conflict with it
        f.truncate(0)
        f.write("host testhost, pid 4242, since 2026-11-29T10:00:00Z\n")
        f.flush()
        self.addCleanup(f.close)
        return f

    def test_says_who_holds_it_and_gives_up_after_the_timeout(self):
        import time
        self.imp("Первый")
        self.hold_lock()
        start = time.monotonic()
        r = subprocess.run([BIN, "-C", self.show, "schedule", "1", "--at", "2030-01-01T10:00"], capture_output=True,
                           text=True, timeout=30, env=dict(os.environ, CROSSTALK_LOCK_TIMEOUT="4"))
        took = time.monotonic() - start
        self.assertEqual(r.returncode, 1, r.stderr)
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 2, r.stderr)
        self.assertIn("testhost", lines[0])
        self.assertIn("4242", lines[0])
        self.assertIn("CROSSTALK_LOCK_TIMEOUT", lines[1])
        self.assertGreaterEqual(took, 3.5)
        self.assertLess(took, 10)
        self.assertIn("draft", self.ct("list", check=0).stdout)  # nothing changed

    def test_waits_on_and_then_records_itself_as_the_holder(self):
        import socket
        import time
        self.imp("Первый")
        held = self.hold_lock()
        proc = subprocess.Popen([BIN, "-C", self.show, "schedule", "1", "--at", "2030-01-01T10:00"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(3)
        self.assertIsNone(proc.poll(), "it waits for the lock")
        held.close()
        out, err = proc.communicate(timeout=10)
        self.assertEqual(proc.returncode, 0, err)
        self.assertIn("testhost", err)
        self.assertIn("scheduled", out)
        note = slurp(os.path.join(self.show, ".crosstalk.lock"))
        self.assertIn(socket.gethostname(), note)
        self.assertIn(f"pid {proc.pid}", note)
