"""Helpers for show-folder suites: a show made by `crosstalk init`, short
speech to import, and fast fixtures that write library files directly."""
import os
import shutil
import subprocess
import struct
import uuid

from support import TempDirTest, ogg_pages, run, speech

NASTY = "Голос врага & <b>\"продажи\"</b> 'маркетинг' 🎙️"


class ShowTest(TempDirTest):
    timezone = "Europe/Moscow"
    base_url = "http://127.0.0.1:8080/"
    init_args = ()

    @classmethod
    def setUpClass(cls):
        cls._audio_dir = __import__("tempfile").mkdtemp(prefix="crosstalk-audio-")
        cls.wav = os.path.join(cls._audio_dir, "speech.wav")
        speech(cls.wav, "Маркетинг и продажи.", "ru", 16000)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls._audio_dir, ignore_errors=True)

    def setUp(self):
        super().setUp()
        self.show = self.path("show")
        run(["init", self.show, "--title", NASTY, "--description", NASTY, "--timezone", self.timezone,
             "--author", "Отдел коммуникаций", "--owner-email", "comms@example.com",
             "--base-url", self.base_url, *self.init_args], check=0)

    def ct(self, *args, check=None):
        return run(["-C", self.show] + list(args), check=check)

    def imp(self, title, *extra, check=0):
        return self.ct("import", self.wav, "--title", title, *extra, check=check)

    def library(self):
        return sorted(n for n in os.listdir(os.path.join(self.show, "library")) if not n.startswith("."))

    def public(self, *parts):
        return os.path.join(self.show, "public", *parts)


def opus_duration(path):
    """(last granule - pre-skip) / 48000, read from the Ogg pages."""
    with open(path, "rb") as f:
        blob = f.read()
    nseg = blob[26]
    head = blob[27 + nseg:]
    pre_skip = struct.unpack("<H", head[10:12])[0]
    last = [g for _, _, g, _ in ogg_pages(path) if g > 0][-1]
    return (last - pre_skip) / 48000


def write_episodes(show, opus, count, title, start=1, state="published", day="2026-11-01", mp3=None,
                   normalized=True):
    """Adds `count` published episodes by writing library files directly
    (each a hard link to one real Opus file whose TITLE tag is `title`, and
    to its MP3 rendition `mp3` when given), for tests and benchmarks that
    need many episodes fast. `normalized`: the sidecars say the file is at
    -16 LUFS, as an import's do (it should be: one made by `import`);
    otherwise they carry no loudness figures (`check` measures the file)."""
    from xml.sax.saxutils import escape
    lib = os.path.join(show, "library")
    size = os.path.getsize(opus)
    duration = opus_duration(opus)
    for n in range(start, start + count):
        dep = "marketing" if n % 2 else "sales"
        stem = f"{n:04d}-{dep}"
        os.link(opus, os.path.join(lib, stem + ".opus"))
        mp3_size = ""
        figures = ('\n  <loudness normalized="true" input-lufs="-20.00" input-lra="2.00" input-true-peak="-3.00" '
                   'gain-db="4.00" output-lufs="-16.00" output-true-peak="-2.00" />') if normalized else ""
        if mp3:
            os.link(mp3, os.path.join(lib, stem + ".mp3"))
            mp3_size = f"\n  <mp3-size>{os.path.getsize(mp3)}</mp3-size>"
        with open(os.path.join(lib, stem + ".xml"), "w", encoding="utf-8") as f:
            f.write(f"""<?xml version="1.0" encoding="UTF-8"?>
<episode version="1">
  <number>{n}</number>
  <department>{dep}</department>
  <title>{escape(title)}</title>
  <description>Описание {n}</description>
  <host>Анна</host>
  <recorded-at>{day}T07:00:00Z</recorded-at>
  <duration>{duration:.3f}</duration>
  <size>{size}</size>{mp3_size}
  <guid>{uuid.uuid4()}</guid>
  <state>{state}</state>
  <publish-at>{day}T07:00:00Z</publish-at>
  <published-at>{day}T07:00:00Z</published-at>{figures}
</episode>
""")


def spool_item(spool, opus, stem, show, seconds=2.0, state="complete", audio=True):
    """A recording waiting in the spool, made by hand (as `record` leaves
    it, no microphone needed): `opus` copied as STEM.opus, and STEM.xml."""
    if audio:
        shutil.copy(opus, os.path.join(spool, stem + ".opus"))
    with open(os.path.join(spool, stem + ".xml"), "w", encoding="utf-8") as f:
        f.write(f"""<?xml version="1.0" encoding="UTF-8"?>
<recording version="1">
  <show>{os.path.abspath(show)}</show>
  <title>Из спула</title>
  <out-of-turn>true</out-of-turn>
  <recorded-at>2026-11-29T10:15:00Z</recorded-at>
  <state>{state}</state>
  <seconds>{seconds:.3f}</seconds>
</recording>
""")
