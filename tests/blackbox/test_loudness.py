"""Loudness normalisation checked by an independent meter — ffmpeg's ebur128
filter with true peak on the decoded Opus: every kind of input lands at
-16 LUFS ±1 LU with true peak <= -1.0 dBTP; silence stays silent with a
warning; --no-normalize keeps the input's loudness."""
import json
import os
import re
import shutil
import struct
import subprocess

from mutagen.oggopus import OggOpus

from show_support import spool_item, write_episodes
from support import TempDirTest, run, slurp, speech, tool

TEXT = ("Маркетинг рассказывает продажам о кампании, которая не взлетела, "
        "и о том, что мы из этого поняли. Раз, два, три, четыре, пять.")


def loudness(path):
    """(integrated LUFS, LRA, true peak dBTP) by ffmpeg's ebur128 filter."""
    err = subprocess.run(["ffmpeg", "-nostats", "-i", path, "-af", "ebur128=peak=true",
                          "-f", "null", "-"], capture_output=True, text=True, check=True).stderr
    summary = err[err.rindex("Summary:"):]
    i = float(re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary).group(1))
    lra = float(re.search(r"LRA:\s+(-?[\d.]+) LU", summary).group(1))
    peak = re.search(r"True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    return i, lra, float(peak.group(1))


class Loudness(TempDirTest):
    def at_lufs(self, src, dst, target):
        """Scales src to about `target` LUFS (clipping allowed, as a shouting host would)."""
        current = src
        for _ in range(3):
            i, _, _ = loudness(current)
            tool(["sox", "-D", current, self.path("tmp.wav"), "vol", str(10 ** ((target - i) / 20))])
            tool(["mv", self.path("tmp.wav"), dst])
            current = dst
        return loudness(dst)[0]

    def check_normalized(self, wav):
        opus = wav[:-4] + ".opus"
        proc = run(["encode", wav, opus], check=0)
        i, _, tp = loudness(opus)
        self.assertAlmostEqual(i, -16.0, delta=1.0, msg=proc.stdout)
        self.assertLessEqual(tp, -1.0, proc.stdout)
        self.assertOpusinfoClean(opus)
        return proc

    def test_quiet_speech(self):
        speech(self.path("s.wav"), TEXT, "ru", 48000)
        self.assertAlmostEqual(self.at_lufs(self.path("s.wav"), self.path("quiet.wav"), -35), -35, delta=0.5)
        proc = self.check_normalized(self.path("quiet.wav"))
        self.assertRegex(proc.stdout, r"-3[45]\.\d LUFS.*→ -1[56]\.\d LUFS \(gain \+2\d\.\d dB, limiter")

    def test_loud_clipped_speech(self):
        speech(self.path("s.wav"), TEXT, "en", 44100)
        self.assertAlmostEqual(self.at_lufs(self.path("s.wav"), self.path("loud.wav"), -8), -8, delta=1.0)
        _, _, tp = loudness(self.path("loud.wav"))
        self.assertGreater(tp, -0.5, "the input really has clipped peaks")
        self.check_normalized(self.path("loud.wav"))

    def test_sine_sweep(self):
        tool(["sox", "-n", "-r", "48000", "-c", "1", "-b", "16", self.path("sweep.wav"), "synth", "8",
              "sine", "100-8000", "vol", "0.5"])
        self.check_normalized(self.path("sweep.wav"))

    def test_half_silence(self):
        speech(self.path("s.wav"), TEXT, "ru", 48000)
        tool(["sox", self.path("s.wav"), self.path("half.wav"), "pad", "0", "8"])
        self.check_normalized(self.path("half.wav"))

    def test_stereo_speech(self):
        speech(self.path("st.wav"), TEXT, "ru", 48000, channels=2)
        self.at_lufs(self.path("st.wav"), self.path("st2.wav"), -30)
        opus = self.path("st2.opus")
        run(["encode", self.path("st2.wav"), opus, "--channels", "2"], check=0)
        i, _, tp = loudness(opus)
        self.assertAlmostEqual(i, -16.0, delta=1.0)
        self.assertLessEqual(tp, -1.0)

    def test_near_silence_is_raised_by_the_cap_only_with_a_warning(self):
        speech(self.path("s.wav"), TEXT, "ru", 48000)
        self.at_lufs(self.path("s.wav"), self.path("faint.wav"), -50)
        proc = run(["encode", self.path("faint.wav"), self.path("faint.opus")], check=0)
        self.assertIn("very quiet", proc.stderr)
        self.assertEqual(len(proc.stderr.strip().splitlines()), 1)
        i, _, tp = loudness(self.path("faint.opus"))
        self.assertAlmostEqual(i, -30.0, delta=1.0)  # -50 + 20 dB, not +34 dB
        self.assertLessEqual(tp, -1.0)
        # The same in Russian for a Russian locale: the figures line and the warning.
        ru = dict(os.environ, LC_ALL="", LC_MESSAGES="", LANG="ru_RU.UTF-8")
        proc = run(["encode", "faint.wav", "faint-ru.opus"], check=0, env=ru, cwd=self.dir)
        self.assertRegex(proc.stdout, r"(?m)^faint-ru\.opus: 8\.\d+ с, моно, 64 кбит/с, \d+ байт \(из WAV 16-bit, 48000 Гц, каналов: 1\)$")
        self.assertRegex(proc.stdout, r"(?m)^громкость: -(49|50|51)\.\d LUFS, диапазон \d+\.\d LU, истинный пик .* → "
                                      r"-(29|30|31)\.\d LUFS \(усиление \+20\.0 дБ")
        self.assertIn("звучит очень тихо", proc.stderr)
        self.assertIn("проверьте уровень микрофона", proc.stderr)
        self.assertEqual(len(proc.stderr.strip().splitlines()), 1)

    def test_pure_silence_stays_silent_with_a_warning(self):
        tool(["sox", "-n", "-r", "48000", "-c", "1", "-b", "16", self.path("silence.wav"), "trim", "0", "5"])
        proc = run(["encode", self.path("silence.wav"), self.path("silence.opus")], check=0)
        warnings = [l for l in proc.stderr.splitlines() if l]
        self.assertEqual(len(warnings), 1, proc.stderr)
        self.assertIn("looks silent", warnings[0])
        i, _, tp = loudness(self.path("silence.opus"))
        self.assertLess(i, -69.0)
        self.assertLess(tp, -70.0)  # Opus decodes digital silence to noise far below hearing

    def test_no_normalize_keeps_the_input_loudness(self):
        speech(self.path("s.wav"), TEXT, "ru", 48000)
        self.at_lufs(self.path("s.wav"), self.path("in.wav"), -24)
        before = loudness(self.path("in.wav"))[0]
        proc = run(["encode", self.path("in.wav"), self.path("out.opus"), "--no-normalize"], check=0)
        self.assertIn("not normalised", proc.stdout)
        self.assertAlmostEqual(loudness(self.path("out.opus"))[0], before, delta=0.5)

    def test_header_gain_stays_zero_and_no_track_gain_tag(self):
        speech(self.path("s.wav"), TEXT, "ru", 48000)
        self.at_lufs(self.path("s.wav"), self.path("q.wav"), -30)
        run(["encode", self.path("q.wav"), self.path("q.opus")], check=0)
        blob = slurp(self.path("q.opus"), "rb")
        head = blob[blob.index(b"OpusHead"):]
        self.assertEqual(struct.unpack("<h", head[16:18])[0], 0, "OpusHead output gain")
        self.assertNotIn("r128_track_gain", OggOpus(self.path("q.opus")))

    def test_import_records_the_figures_in_the_sidecar_and_list(self):
        speech(self.path("s.wav"), TEXT, "ru", 48000)
        self.at_lufs(self.path("s.wav"), self.path("q.wav"), -30)
        show = self.path("show")
        run(["init", show, "--title", "Громкость"], check=0)
        proc = run(["-C", show, "import", self.path("q.wav"), "--title", "Тихий ведущий"], check=0)
        self.assertRegex(proc.stdout, r"loudness: -(29|30)\.\d LUFS")
        (episode,) = json.loads(run(["-C", show, "list", "--json"], check=0).stdout)
        l = episode["loudness"]
        self.assertTrue(l["normalized"])
        self.assertAlmostEqual(l["input_lufs"], -30.0, delta=0.6)
        self.assertAlmostEqual(l["output_lufs"], -16.0, delta=0.5)
        self.assertGreater(l["gain_db"], 13.0)
        self.assertLessEqual(l["output_true_peak"], -2.0 + 0.05)
        self.assertIn("LUFS", run(["-C", show, "list"], check=0).stdout)
        sidecar = slurp(os.path.join(show, "library", "0001-marketing.xml"))
        self.assertRegex(sidecar, r'<loudness normalized="true" input-lufs="-(29|30)\.\d\d" input-lra=')
        i, _, tp = loudness(os.path.join(show, "library", "0001-marketing.opus"))
        self.assertAlmostEqual(i, -16.0, delta=1.0)
        self.assertLessEqual(tp, -1.0)

    def test_other_targets(self):
        speech(self.path("s.wav"), TEXT, "ru", 48000)
        run(["encode", self.path("s.wav"), self.path("o.opus"), "--loudness", "-19", "--true-peak", "-2"], check=0)
        i, _, tp = loudness(self.path("o.opus"))
        self.assertAlmostEqual(i, -19.0, delta=1.0)
        self.assertLessEqual(tp, -2.0)


class TooQuietToImport(TempDirTest):
    """A recording the gain cap cannot bring to the target (a muted mic, the
    wrong input) is refused by import and upload, in one line that says how
    loud it is, what is probably wrong and how to force it (--max-gain);
    `encode`, a plain tool, raises it by the cap with a warning."""
    at_lufs = Loudness.at_lufs

    def setUp(self):
        super().setUp()
        speech(self.path("s.wav"), TEXT, "ru", 48000)
        self.quiet = self.path("quiet.wav")
        self.assertAlmostEqual(self.at_lufs(self.path("s.wav"), self.quiet, -62), -62, delta=0.5)
        self.show = self.path("show")
        run(["init", self.show, "--title", "Громкость"], check=0)

    def library(self):
        return sorted(n for n in os.listdir(os.path.join(self.show, "library")) if not n.startswith("."))

    def test_import_refuses_and_max_gain_forces_it(self):
        proc = run(["-C", self.show, "import", self.quiet, "--title", "Шёпот"])
        self.assertOneLineError(proc, 2, "quiet.wav", "too quiet", "-6", "LUFS", "muted microphone",
                                "wrong input", "--max-gain 4")
        self.assertEqual(self.library(), [])
        proc = run(["-C", self.show, "import", self.quiet, "--title", "Шёпот", "--max-gain", "50"], check=0)
        self.assertRegex(proc.stdout, r"→ -1[56]\.\d LUFS \(gain \+[45]\d\.\d dB")
        i, _, _ = loudness(os.path.join(self.show, "library", "0001-marketing.opus"))
        self.assertAlmostEqual(i, -16.0, delta=1.0)

    def test_upload_refuses_a_quiet_recording_until_given_max_gain(self):
        spool = self.path("spool")
        os.mkdir(spool)
        stem = "rec-20261129T101500Z-00000009"
        run(["encode", self.quiet, self.path("q.opus"), "--no-normalize"], check=0)
        spool_item(spool, self.path("q.opus"), stem, self.show, seconds=float(
            subprocess.run(["soxi", "-D", self.quiet], capture_output=True, text=True, check=True).stdout))
        shutil.copy(self.quiet, os.path.join(spool, stem + ".wav"))  # the lossless copy: normalised from it
        env = dict(os.environ, CROSSTALK_SPOOL=spool)
        proc = run(["upload"], env=env)
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
        self.assertIn("too quiet", proc.stderr)
        self.assertEqual(self.library(), [])
        run(["upload", "--max-gain", "50"], env=env, check=0)
        self.assertEqual(self.library(), ["0001-marketing.mp3", "0001-marketing.opus", "0001-marketing.xml"])
        self.assertEqual(os.listdir(spool), [])

    def test_check_flags_every_episode_more_than_2_lu_off_the_target(self):
        run(["-C", self.show, "import", self.path("s.wav"), "--title", "Нормально"], check=0)
        run(["-C", self.show, "check"], check=0)
        # An episode that came in without figures (a recovered recording, an
        # older crosstalk) is measured: this one was never normalised.
        run(["encode", self.quiet, self.path("q.opus"), "--no-normalize", "--title", "Тихо"], check=0)
        write_episodes(self.show, self.path("q.opus"), 1, "Тихо", start=2, state="draft", normalized=False)
        proc = run(["-C", self.show, "check"])
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
        flagged = [l for l in proc.stdout.splitlines() if "target" in l]
        self.assertEqual(len(flagged), 1, proc.stdout)
        self.assertRegex(flagged[0], r"0002-sales\.opus: -6\d\.\d LUFS, 4\d\.\d LU under the show's target of -16 LUFS")
        xml = os.path.join(self.show, "show.xml")  # a show that moves its target: every episode is off
        with open(xml, encoding="utf-8") as f:
            text = f.read().replace('target-lufs="-16"', 'target-lufs="-23"')
        with open(xml, "w", encoding="utf-8") as f:
            f.write(text)
        report = json.loads(run(["-C", self.show, "check", "--json"]).stdout)
        off = sorted(p["path"].rsplit("/", 1)[1] for p in report["problems"] if "target of -23" in p["problem"])
        self.assertEqual(off, ["0001-marketing.opus", "0002-sales.opus"])
