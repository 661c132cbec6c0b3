"""Import what people actually have: each common format made by the real
tools (lame, ffmpeg, sox) from the same espeak-ng speech, imported into a
show, decoded by opusdec. The episode is as long as the source within one
codec frame (no silence grown at either end) and correlates with it at zero
lag (>= 0.95). Videos with one audio stream and with two (the first is
taken, and stderr says so), a video without sound and damaged files (one
line, exit 2), and the file's tags as defaults for --title and --host.

The show's loudness target is -24 LUFS, under the speech's own: no gain and
no limiter, so what is compared is the decoding (test_loudness covers the
normalisation). The figures (length error, correlation) are printed, and
written to $CROSSTALK_ARTIFACTS/import_formats.txt when that is set."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

from show_support import ShowTest
from support import decode, read_wav, slurp, speech, tool

TEXT = ("Маркетинг рассказывает продажам о кампании, которая не взлетела, "
        "и о том, что мы из этого поняли. Раз, два, три, четыре, пять.")
RATE = 44100
VIDEO = ["-f", "lavfi", "-i", "color=c=gray:s=160x120:r=10:d=12"]  # longer than the speech


def ffmpeg(*args):
    tool(["ffmpeg", "-v", "error", "-y", *args])


# name, file, how it is made from the speech WAV, samples per codec frame at
# RATE (48 kHz codecs scaled), and whether the file declares the codec's
# delay: where it does not (WMA as FFmpeg writes it loses its first frame;
# AAC in MKV keeps its priming: docs/formats.md), the sound must still be
# there within a frame of its place, and the length within two frames.
FORMATS = [
    ("WAV (reference)", "speech.wav", None, 1, True),
    ("MP3 (lame)", "a.mp3", lambda s, o: tool(["lame", "--quiet", "-b", "64", s, o]), 1152, True),
    ("M4A AAC", "b.m4a", lambda s, o: ffmpeg("-i", s, "-c:a", "aac", "-b:a", "64k", o), 1024, True),
    ("M4A ALAC", "c.m4a", lambda s, o: ffmpeg("-i", s, "-c:a", "alac", o), 4096, True),
    ("Ogg Vorbis (sox)", "d.ogg", lambda s, o: tool(["sox", s, o]), 2048, True),
    ("Ogg Opus", "e.opus", lambda s, o: ffmpeg("-i", s, "-c:a", "libopus", o), 882, True),
    ("WMA", "f.wma", lambda s, o: ffmpeg("-i", s, "-c:a", "wmav2", "-b:a", "64k", o), 2048, False),
    ("MP4 video call (H.264 + AAC stereo 48 kHz)", "g.mp4",
     lambda s, o: ffmpeg(*VIDEO, "-i", s, "-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-c:a", "aac", "-ac", "2",
                         "-ar", "48000", o), 941, True),
    ("MOV video (MPEG-4 + AAC)", "h.mov",
     lambda s, o: ffmpeg(*VIDEO, "-i", s, "-map", "0:v", "-map", "1:a", "-c:v", "mpeg4", "-c:a", "aac", o), 1024, True),
    ("MKV video (MPEG-4 + Vorbis)", "i.mkv",
     lambda s, o: ffmpeg(*VIDEO, "-i", s, "-map", "0:v", "-map", "1:a", "-c:v", "mpeg4", "-c:a", "libvorbis", o), 2048,
     True),
    ("WebM video (VP8 + Opus)", "j.webm",
     lambda s, o: ffmpeg(*VIDEO, "-i", s, "-map", "0:v", "-map", "1:a", "-c:v", "libvpx", "-c:a", "libopus", o), 882,
     True),
    ("MKV video (MPEG-4 + AAC)", "k.mkv",
     lambda s, o: ffmpeg(*VIDEO, "-i", s, "-map", "0:v", "-map", "1:a", "-c:v", "mpeg4", "-c:a", "aac", o), 1024, False),
]


def correlation(a, b):
    n = min(len(a), len(b))
    a, b = a[:n], b[:n]
    return float(np.dot(a, b) / np.sqrt(np.dot(a, a) * np.dot(b, b)))


def best_lag(a, b, max_lag):
    """The shift of `a` against `b` (within ±max_lag) where they match best:
    a[i + lag] ~ b[i]."""
    n = len(a) + len(b)
    xc = np.fft.irfft(np.fft.rfft(a, n) * np.conj(np.fft.rfft(b, n)), n)
    lags = np.concatenate([np.arange(0, max_lag + 1), np.arange(-max_lag, 0)])
    values = np.concatenate([xc[:max_lag + 1], xc[-max_lag:]])
    return int(lags[int(np.argmax(values))])


def shifted(a, lag):
    return a[lag:] if lag >= 0 else np.concatenate([np.zeros(-lag), a])


class ImportFormats(ShowTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.src = os.path.join(cls._audio_dir, "speech.wav")
        speech(cls.src, TEXT, "ru", RATE)
        src48 = os.path.join(cls._audio_dir, "speech48.wav")
        tool(["sox", cls.src, "-e", "floating-point", "-b", "32", src48, "rate", "-v", "48000"])
        cls.reference = read_wav(src48)[0][:, 0]
        cls.src_frames = len(read_wav(cls.src)[0])
        cls.figures = []

    @classmethod
    def tearDownClass(cls):
        if cls.figures:
            table = "\n".join(cls.figures)
            print("\n" + table, file=sys.stderr)
            if os.environ.get("CROSSTALK_ARTIFACTS"):
                os.makedirs(os.environ["CROSSTALK_ARTIFACTS"], exist_ok=True)
                with open(os.path.join(os.environ["CROSSTALK_ARTIFACTS"], "import_formats.txt"), "w") as f:
                    f.write(table + "\n")
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        xml = os.path.join(self.show, "show.xml")
        text = slurp(xml).replace('target-lufs="-16"', 'target-lufs="-24"').replace(
            '<mp3 enabled="true"', '<mp3 enabled="false"')
        with open(xml, "w", encoding="utf-8") as f:
            f.write(text)

    def make(self, name, maker):
        out = self.path(name)
        if maker is None:
            shutil.copy(self.src, out)
        else:
            maker(self.src, out)
        return out

    def imported(self, number):
        """The episode's audio decoded at 48 kHz, mono."""
        (ep,) = [e for e in json.loads(self.ct("list", "--json", check=0).stdout) if e["number"] == number]
        return decode(os.path.join(self.show, ep["files"]["opus"]), self.path(f"decoded{number}.wav"))[:, 0]

    def test_every_format_is_as_long_as_its_source_and_sounds_like_it(self):
        want = round(self.src_frames * 48000 / RATE)
        for number, (label, name, maker, frame, delay_declared) in enumerate(FORMATS, start=1):
            with self.subTest(format=label):
                path = self.make(name, maker)
                proc = self.ct("import", path, "--title", label, "--out-of-turn")
                self.assertEqual(proc.returncode, 0, proc.stderr)
                self.assertEqual(proc.stderr, "", "nothing on stderr for a good file")
                decoded = self.imported(number)
                frame48 = round(frame * 48000 / RATE)
                error = len(decoded) - want
                at_zero = correlation(decoded, self.reference)
                lag = best_lag(decoded, self.reference, frame48 * 2)
                at_lag = correlation(shifted(decoded, lag), self.reference)
                self.figures.append(f"{label:44s} length error {error:+6d} samples at 48 kHz (one frame: {frame48}), "
                                    f"correlation {at_zero:.4f} at zero lag, {at_lag:.4f} at lag {lag:+d}")
                if delay_declared:
                    self.assertLessEqual(abs(error), frame48, "within one codec frame of the source")
                    self.assertGreaterEqual(at_zero, 0.95, "in step with the source: no silence grown at the start")
                    self.assertLessEqual(abs(lag), 2, "in step with the source")
                else:
                    # The container states no delay (see docs/formats.md): the
                    # sound is right, within a codec frame of where it belongs.
                    self.assertLessEqual(abs(error), 2 * frame48)
                    self.assertLessEqual(abs(lag), frame48)
                    self.assertGreaterEqual(at_lag, 0.95)

    def test_a_video_with_two_audio_streams_gives_the_first_and_says_so(self):
        sweep = self.path("sweep.wav")
        tool(["sox", "-n", "-r", RATE, "-c", "1", "-b", "16", sweep, "synth", "6", "sine", "200-2000", "vol", "0.5"])
        video = self.path("call.mkv")
        ffmpeg(*VIDEO, "-i", self.src, "-i", sweep, "-map", "0:v", "-map", "1:a", "-map", "2:a",
               "-c:v", "mpeg4", "-c:a", "libopus", video)
        proc = self.ct("import", video, "--title", "Два потока", check=0)
        notes = proc.stderr.strip().splitlines()
        self.assertEqual(len(notes), 1, proc.stderr)
        self.assertIn("has 2 audio streams; used the first", notes[0])
        self.assertGreaterEqual(correlation(self.imported(1), self.reference), 0.95, "the speech, not the sweep")

    def test_a_video_without_sound_and_damaged_files_are_refused_in_one_line(self):
        silent = self.path("silent.mp4")
        ffmpeg(*VIDEO[:-1], "color=c=gray:s=160x120:r=10:d=2", "-c:v", "mpeg4", silent)
        mp3 = self.make("whole.mp3", FORMATS[1][2])
        blob = bytearray(open(mp3, "rb").read())
        rng = np.random.default_rng(15)
        blob[len(blob) // 2:len(blob) // 2 + 3000] = rng.integers(0, 256, 3000, dtype=np.uint8).tobytes()
        with open(self.path("damaged.mp3"), "wb") as f:
            f.write(blob)
        m4a = self.path("whole.m4a")
        ffmpeg("-i", self.src, "-c:a", "aac", "-movflags", "+faststart", m4a)
        with open(m4a, "rb") as f:
            whole = f.read()
        with open(self.path("cut.m4a"), "wb") as f:
            f.write(whole[: len(whole) // 2])
        with open(self.path("noise.m4a"), "wb") as f:
            f.write(rng.integers(0, 256, 5000, dtype=np.uint8).tobytes())
        # A file cut in half is found at open (its index states more than it
        # holds) or while decoding, depending on where the cut falls.
        for name, needle in (("silent.mp4", "has no audio stream"), ("damaged.mp3", "damaged at 0:00:0"),
                             ("cut.m4a", r"damaged at 0:00:0|is truncated \(it holds 0:00:0\d of the 0:00:0\d"),
                             ("noise.m4a", "not a readable audio file")):
            with self.subTest(file=name):
                proc = self.ct("import", self.path(name), "--title", "x")
                self.assertOneLineError(proc, 2, name)
                self.assertRegex(proc.stderr, needle)
        self.assertEqual(self.library(), [])

    def test_the_files_tags_are_the_defaults_for_title_and_host(self):
        mp3 = self.path("tagged.mp3")
        tool(["lame", "--quiet", "--tt", "Заголовок из MP3", "--ta", "Анна", self.src, mp3])
        m4a = self.path("memo.m4a")
        ffmpeg("-i", self.src, "-c:a", "aac", "-metadata", "title=Голосовая заметка", "-metadata", "artist=Борис", m4a)
        proc = self.ct("import", mp3, check=0)
        self.assertIn("from the file's tags: title, host Анна", proc.stdout)
        self.ct("import", m4a, "--title", "Своё название", check=0)
        episodes = json.loads(self.ct("list", "--json", check=0).stdout)
        self.assertEqual([(e["title"], e["host"]) for e in episodes],
                         [("Заголовок из MP3", "Анна"), ("Своё название", "Борис")])
        self.assertOneLineError(self.ct("import", self.src), 2, "speech.wav", "no title tag", "--title")
