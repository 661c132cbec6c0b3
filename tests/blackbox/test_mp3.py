"""The MP3 rendition through the real binary and real readers: mutagen and
ffprobe read every ID3 field back (Cyrillic, emoji, & < > " ' included), the
cover and CHAP frames survive; ffmpeg (which honours the LAME info frame)
decodes it to the Opus episode's length and speech; feedparser, podcastparser
and xmllint read the MP3 feeds, whose alternateEnclosures match the files;
Apple's feed requirements; the show setting, backfill by `build`, `check`; a
failed MP3 encode fails the whole import."""
import datetime
import json
import os
import re
import shutil
import resource
import signal
import subprocess
import uuid
import xml.etree.ElementTree as ET
import zoneinfo

import feedparser
import numpy as np
import podcastparser
from mutagen.id3 import ID3

from show_support import NASTY, ShowTest
from support import BIN, decode, png, run, slurp, speech, tool

NS = {"podcast": "https://podcastindex.org/namespace/1.0", "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
      "atom": "http://www.w3.org/2005/Atom"}
PODCAST_NAMESPACE_UUID = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")


def mp3_pcm(path):
    """ffmpeg's decode at 48 kHz mono float (encoder delay and padding removed by the LAME tag)."""
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-f", "f32le", "-ac", "1", "-ar", "48000", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, dtype="<f4").astype(np.float64)


def best_correlation(a, b, max_lag=2400):
    """Normalised correlation of two signals at the best lag within ±50 ms."""
    n = min(len(a), len(b)) - 2 * max_lag
    best = -1.0
    x = a[max_lag:max_lag + n]
    for lag in range(-max_lag, max_lag + 1, 1):
        y = b[max_lag + lag:max_lag + lag + n]
        c = float(np.dot(x, y) / (np.linalg.norm(x) * np.linalg.norm(y) + 1e-12))
        best = max(best, c)
        if best > 0.99:
            break
    return best


class Mp3Rendition(ShowTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.long_wav = os.path.join(cls._audio_dir, "long.wav")
        speech(cls.long_wav, "Маркетинг рассказывает о кампании. Продажи отвечают: клиенты ждали другого. "
                             "Во второй части мы говорим о том, что получилось.", "ru", 48000)
        cls.cover = os.path.join(cls._audio_dir, "cover-1400.png")
        png(cls.cover, 1400, 1400)

    def setUp(self):
        self.init_args = ("--cover", self.cover)
        super().setUp()

    def mp3(self, stem="0001-marketing"):
        return os.path.join(self.show, "library", stem + ".mp3")

    def add_chapters(self, number_stem, chapters):
        sidecar = os.path.join(self.show, "library", number_stem + ".xml")
        marks = "".join(f'<chapter start="{start:.3f}">{title}</chapter>' for start, title in chapters)
        text = slurp(sidecar).replace("</episode>", f"<chapters>{marks}</chapters>\n</episode>")
        with open(sidecar, "w", encoding="utf-8") as f:
            f.write(text)

    def test_every_id3_field_reads_back_in_mutagen_and_ffprobe(self):
        description = NASTY + "\nвторая строка"
        self.ct("import", self.long_wav, "--title", NASTY, "--host", "Анна & 'Co' <hr>", "--description",
                description, check=0)
        # Chapters (as the recorder's `m` key leaves them), then an edit re-tags both files.
        self.add_chapters("0001-marketing", [(0.0, "Вступление &amp; план"), (2.5, "Итоги 🎯 &lt;кратко&gt;")])
        self.ct("edit", "1", "--title", NASTY + " 2", check=0)
        tags = ID3(self.mp3())
        self.assertEqual(tags.version, (2, 3, 0), "ID3v2.3: what Apple Podcasts and most players read")
        text = {k: str(v) for k, v in tags.items()}
        self.assertEqual(text["TIT2"], NASTY + " 2")
        self.assertEqual(text["TPE1"], "Анна & 'Co' <hr>")
        self.assertEqual(text["TALB"], NASTY)
        self.assertEqual(text["TRCK"], "1")
        self.assertEqual(text["TCON"], "Podcast")
        self.assertEqual(text["TLAN"], "rus")
        self.assertEqual(text["TXXX:DEPARTMENT"], "marketing")
        self.assertEqual(text["COMM::rus"], description)
        today = datetime.datetime.now(zoneinfo.ZoneInfo("Europe/Moscow")).date()
        self.assertIn(text["TDRC"], {str(today), str(today - datetime.timedelta(days=1)), str(datetime.date.today())})
        self.assertIn("LAME", text["TSSE"])
        (apic,) = tags.getall("APIC")
        self.assertEqual(apic.type, 3)  # front cover
        self.assertEqual(apic.mime, "image/png")
        self.assertEqual(apic.data, slurp(self.cover, "rb"))
        chaps = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
        self.assertEqual([c.start_time for c in chaps], [0, 2500])
        self.assertEqual([str(c.sub_frames["TIT2"]) for c in chaps], ["Вступление & план", "Итоги 🎯 <кратко>"])
        duration_ms = round(json.loads(self.ct("list", "--json", check=0).stdout)[0]["duration"] * 1000)
        self.assertAlmostEqual(chaps[-1].end_time, duration_ms, delta=1)
        (toc,) = tags.getall("CTOC")
        self.assertEqual(list(toc.child_element_ids), [c.element_id for c in chaps])
        # ffprobe (FFmpeg's reader) sees the same.
        probe = json.loads(tool(["ffprobe", "-v", "error", "-show_format", "-show_chapters", "-show_streams",
                                 "-of", "json", self.mp3()]).stdout)
        fmt = probe["format"]["tags"]
        self.assertEqual(fmt["title"], NASTY + " 2")
        self.assertEqual(fmt["artist"], "Анна & 'Co' <hr>")
        self.assertEqual(fmt["album"], NASTY)
        self.assertEqual(fmt["DEPARTMENT"], "marketing")
        self.assertEqual([c["tags"]["title"] for c in probe["chapters"]], ["Вступление & план", "Итоги 🎯 <кратко>"])
        self.assertAlmostEqual(float(probe["chapters"][1]["start_time"]), 2.5, places=3)
        audio = [s for s in probe["streams"] if s["codec_type"] == "audio"]
        self.assertEqual((audio[0]["codec_name"], audio[0]["sample_rate"], audio[0]["channels"]), ("mp3", "48000", 1))
        self.assertTrue(any(s.get("disposition", {}).get("attached_pic") for s in probe["streams"]), "the cover")
        self.ct("check", check=0)

    def test_the_mp3_is_the_opus_episodes_length_and_speech(self):
        self.ct("import", self.long_wav, "--title", "Длина", check=0)
        opus = decode(os.path.join(self.show, "library", "0001-marketing.opus"), self.path("opus.wav"))[:, 0]
        mp3 = mp3_pcm(self.mp3())
        self.assertLessEqual(abs(len(mp3) - len(opus)), 1152, (len(mp3), len(opus)))
        self.assertGreater(len(opus), 48000 * 4)
        self.assertGreaterEqual(best_correlation(opus, mp3), 0.95)
        # The LAME info frame: the length players show, without decoding.
        probe = json.loads(tool(["ffprobe", "-v", "error", "-show_format", "-of", "json", self.mp3()]).stdout)
        self.assertAlmostEqual(float(probe["format"]["duration"]), len(opus) / 48000, delta=0.05)

    def publish_two(self):
        self.ct("import", self.long_wav, "--title", NASTY + " один", "--host", "Анна", check=0)
        self.ct("import", self.long_wav, "--title", NASTY + " два", "--host", "Борис", check=0)
        self.ct("publish", "1", check=0)
        self.ct("publish", "2", check=0)

    def test_feeds_parse_cleanly_and_their_alternates_match_the_files(self):
        self.publish_two()
        feeds = ("feed.xml", "feed-marketing.xml", "feed-sales.xml", "feed-mp3.xml", "feed-mp3-marketing.xml",
                 "feed-mp3-sales.xml")
        for name in feeds:
            with self.subTest(feed=name):
                path = self.public(name)
                tool(["xmllint", "--noout", path])
                d = feedparser.parse(slurp(path, "rb"))
                self.assertFalse(d.bozo, d.get("bozo_exception"))
                parsed = podcastparser.parse(self.base_url + name, open(path, "rb"))
                mp3 = "-mp3" in name
                self.assertEqual(len(parsed["episodes"]), 1 if "-sales" in name or "-marketing" in name else 2)
                for episode in parsed["episodes"]:
                    (enclosure,) = episode["enclosures"]
                    self.assertEqual(enclosure["mime_type"], "audio/mpeg" if mp3 else "audio/ogg")
                root = ET.parse(path).getroot()
                channel = root.find("channel")
                self.assertEqual(channel.find("atom:link", NS).get("href"), self.base_url + name)
                url = (self.base_url + name).split("://", 1)[1]
                if mp3:  # UUIDv5 of its own URL (the Opus feeds keep the guid set at init)
                    self.assertEqual(channel.find("podcast:guid", NS).text, str(uuid.uuid5(PODCAST_NAMESPACE_UUID, url)))
                for item in channel.findall("item"):
                    self.assertEqual(len(item.findall("enclosure")), 1, "exactly one <enclosure>, always")
                    enclosure = item.find("enclosure")
                    alternates = item.findall("podcast:alternateEnclosure", NS)
                    self.assertEqual([a.get("type") for a in alternates],
                                     ["audio/mpeg", "audio/ogg"] if mp3 else ["audio/ogg", "audio/mpeg"])
                    self.assertEqual([a.get("default") for a in alternates], ["true", None])
                    for a in alternates:
                        (source,) = a.findall("podcast:source", NS)
                        file_name = source.get("uri").rsplit("/", 1)[1]
                        on_disk = self.public("episodes", file_name)
                        self.assertEqual(int(a.get("length")), os.path.getsize(on_disk))
                        self.assertEqual(a.get("codecs"), "mp3" if file_name.endswith(".mp3") else "opus")
                        self.assertEqual(int(a.get("bitrate")), 64000)
                        self.assertEqual(a.get("type"), "audio/mpeg" if file_name.endswith(".mp3") else "audio/ogg")
                    self.assertEqual(alternates[0].find("podcast:source", NS).get("uri"), enclosure.get("url"))
                    self.assertEqual(int(enclosure.get("length")),
                                     os.path.getsize(self.public("episodes", enclosure.get("url").rsplit("/", 1)[1])))
        # The same items (guids) in both feeds.
        guids = [sorted(e.id for e in feedparser.parse(slurp(self.public(n), "rb")).entries)
                 for n in ("feed.xml", "feed-mp3.xml")]
        self.assertEqual(guids[0], guids[1])

    def test_apple_podcasts_requirements(self):
        self.publish_two()
        root = ET.parse(self.public("feed-mp3.xml")).getroot()
        channel = root.find("channel")
        image = channel.find("itunes:image", NS).get("href")
        cover = self.public(image.rsplit("/", 1)[1])
        blob = slurp(cover, "rb")
        width, height = int.from_bytes(blob[16:20], "big"), int.from_bytes(blob[20:24], "big")  # PNG IHDR
        self.assertEqual(width, height, "square artwork")
        self.assertTrue(1400 <= width <= 3000, width)
        self.assertTrue(channel.find("itunes:category", NS).get("text"))
        self.assertIn(channel.find("itunes:explicit", NS).text, ("true", "false"))
        self.assertTrue(channel.find("itunes:author", NS).text)
        self.assertTrue(channel.find("itunes:owner/itunes:email", NS).text)
        self.assertIn(channel.find("itunes:type", NS).text, ("episodic", "serial"))
        self.assertTrue(channel.find("title").text and channel.find("description").text and channel.find("language").text)
        for item in channel.findall("item"):
            enclosure = item.find("enclosure")
            self.assertEqual(enclosure.get("type"), "audio/mpeg")
            name = enclosure.get("url").rsplit("/", 1)[1]
            self.assertEqual(int(enclosure.get("length")), os.path.getsize(self.public("episodes", name)))
            self.assertTrue(item.find("guid").text and item.find("pubDate").text and item.find("title").text)

    def set_mp3(self, enabled):
        show_xml = os.path.join(self.show, "show.xml")
        text = re.sub(r'<mp3 enabled="\w+"', f'<mp3 enabled="{"true" if enabled else "false"}"', slurp(show_xml))
        with open(show_xml, "w", encoding="utf-8") as f:
            f.write(text)

    def test_opus_only_shows_and_turning_mp3_on_later(self):
        self.set_mp3(False)
        self.imp("Только Opus")
        self.ct("publish", "1", check=0)
        self.assertNotIn("0001-marketing.mp3", self.library())
        self.assertFalse(os.path.exists(self.public("feed-mp3.xml")))
        self.assertIsNone(json.loads(self.ct("list", "--json", check=0).stdout)[0]["files"]["mp3"])
        self.ct("check", check=0)
        # Turned on: check names what is missing, build makes it (progress on stderr).
        self.set_mp3(True)
        proc = self.ct("check")
        self.assertEqual(proc.returncode, 1)
        self.assertIn("0001-marketing.mp3: no MP3 rendition", proc.stdout)
        proc = self.ct("build", check=0)
        self.assertIn("MP3 rendition 1 of 1: episode 1", proc.stderr)
        self.ct("check", check=0)
        files = json.loads(self.ct("list", "--json", check=0).stdout)[0]["files"]
        self.assertEqual(files["mp3"], "library/0001-marketing.mp3")
        self.assertEqual(files["mp3_size"], os.path.getsize(self.mp3()))
        self.assertIn("0001-marketing.mp3", slurp(self.public("feed-mp3.xml")))
        self.assertEqual(str(ID3(self.mp3())["TIT2"]), "Только Opus")
        opus = decode(os.path.join(self.show, "library", "0001-marketing.opus"), self.path("o.wav"))[:, 0]
        mp3 = mp3_pcm(self.mp3())
        self.assertLessEqual(abs(len(mp3) - len(opus)), 1152)
        self.assertGreaterEqual(best_correlation(opus, mp3), 0.95)
        # Off again: the MP3 feeds and files leave public/.
        self.set_mp3(False)
        self.ct("build", check=0)
        self.assertFalse(os.path.exists(self.public("feed-mp3.xml")))
        self.assertEqual(os.listdir(self.public("episodes")), ["0001-marketing.opus"])
        for page in ("feed.xml", "feed-marketing.xml", "index.html"):  # nothing points at the withdrawn MP3
            self.assertNotIn(".mp3", slurp(self.public(page)), page)
        self.ct("check", check=0)

    def test_a_backfill_of_several_episodes_shares_the_cores_and_mixes_nothing_up(self):
        self.set_mp3(False)
        titles = ["Первый & <один>", "Второй \"два\" 🎙", "Третий 'три'"]
        for title in titles:
            self.imp(title)
        self.set_mp3(True)
        proc = self.ct("build", check=0)
        for n in (1, 2, 3):
            self.assertRegex(proc.stderr, rf"MP3 rendition \d of 3: episode {n} ")
        self.ct("check", check=0)
        for e in json.loads(self.ct("list", "--json", check=0).stdout):
            mp3 = os.path.join(self.show, e["files"]["mp3"])
            self.assertEqual(e["files"]["mp3_size"], os.path.getsize(mp3))
            # Each episode's own tags and sound, whichever thread made it.
            self.assertEqual(str(ID3(mp3)["TIT2"]), titles[e["number"] - 1])
            opus = decode(os.path.join(self.show, e["files"]["opus"]), self.path(f"o{e['number']}.wav"))[:, 0]
            self.assertLessEqual(abs(len(mp3_pcm(mp3)) - len(opus)), 1152)

    def test_check_finds_a_missing_or_broken_rendition_and_build_repairs_it(self):
        self.imp("Проверка")
        self.ct("publish", "1", check=0)
        data = slurp(self.mp3(), "rb")
        with open(self.mp3(), "wb") as f:
            f.write(data[: len(data) // 2])
        proc = self.ct("check")
        self.assertEqual(proc.returncode, 1)
        self.assertIn("0001-marketing.mp3: size", proc.stdout)
        os.remove(self.mp3())
        proc = self.ct("check")
        self.assertIn("no MP3 rendition", proc.stdout)
        self.ct("build", check=0)
        self.ct("check", check=0)

    def test_check_without_the_tags_module_says_so_once_and_advises_no_deletion(self):
        self.imp("Без модуля тегов")
        self.ct("publish", "1", check=0)
        built = os.path.join(os.path.dirname(os.path.realpath(shutil.which(BIN))), "..", "lib", "crosstalk")
        os.makedirs(self.path("alone/bin"))
        os.makedirs(self.path("alone/lib/crosstalk"))
        binary = shutil.copy(shutil.which(BIN), self.path("alone/bin"))
        shutil.copy(os.path.join(built, "sndfile.so"), self.path("alone/lib/crosstalk"))
        proc = run(["-C", self.show, "check"], binary=binary)
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
        self.assertEqual(proc.stdout.count("tags.so is missing; reinstall crosstalk"), 1, proc.stdout)
        for advice in ("not a readable MP3 file", "delete it", "tags unreadable"):
            self.assertNotIn(advice, proc.stdout)
        # The module back: nothing to report.
        shutil.copy(os.path.join(built, "tags.so"), self.path("alone/lib/crosstalk"))
        self.assertEqual(run(["-C", self.show, "check"], binary=binary).returncode, 0)

    def test_a_failed_mp3_encode_fails_the_whole_import(self):
        # A 192 kbit/s MP3 beside a 16 kbit/s Opus file, and a file size limit
        # between the two: only the MP3's writes fail (EFBIG).
        show_xml = os.path.join(self.show, "show.xml")
        text = re.sub(r'<mp3 enabled="true" bitrate-kbps="\d+"', '<mp3 enabled="true" bitrate-kbps="192"', slurp(show_xml))
        text = re.sub(r'<audio bitrate-kbps="\d+"', '<audio bitrate-kbps="16"', text)
        text = re.sub(r"<cover>[^<]*</cover>", "<cover></cover>", text)
        with open(show_xml, "w", encoding="utf-8") as f:
            f.write(text)
        self.assertIn('<mp3 enabled="true" bitrate-kbps="192"', slurp(show_xml))
        before = self.library()

        def limit():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (60_000, 60_000))

        proc = subprocess.run([os.environ.get("CROSSTALK_BIN", "crosstalk"), "-C", self.show, "import", self.long_wav,
                               "--title", "Слишком большой"], capture_output=True, text=True, preexec_fn=limit)
        self.assertOneLineError(proc, 1, "cannot write", ".mp3")
        self.assertEqual(self.library(), before, "nothing half-added")
        self.assertEqual([n for n in os.listdir(os.path.join(self.show, "library")) if n.startswith(".")], [])
        self.imp("Потом")  # numbering and turns as if nothing happened
        self.assertIn("0001-marketing.mp3", self.library())


class EncodeMp3(ShowTest):
    def test_encode_writes_both_or_the_mp3_alone_and_refuses_cleanly(self):
        opus, mp3 = self.path("e.opus"), self.path("e.mp3")
        proc = run(["encode", self.wav, opus, "--mp3", mp3, "--title", NASTY, "--artist", "Анна",
                    "--department", "sales"], check=0)
        self.assertIn("MP3", proc.stdout)
        self.assertOpusinfoClean(opus)
        tags = ID3(mp3)
        self.assertEqual(str(tags["TIT2"]), NASTY)
        self.assertEqual(str(tags["TXXX:DEPARTMENT"]), "sales")
        alone = self.path("alone.mp3")
        run(["encode", self.wav, alone, "--no-normalize"], check=0)
        self.assertEqual(slurp(alone, "rb")[:3], b"ID3")
        self.assertGreater(len(mp3_pcm(alone)), 48000)
        proc = run(["encode", self.wav, self.path("x.opus"), "--mp3", self.path("nowhere/x.mp3")])
        self.assertOneLineError(proc, 2, "nowhere", "does not exist")
        self.assertFalse(os.path.exists(self.path("x.opus")))


if __name__ == "__main__":
    import unittest
    unittest.main()
