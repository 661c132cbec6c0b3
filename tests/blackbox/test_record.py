"""`crosstalk record` against a real, clocked virtual microphone (PulseAudio
null sink → remapped source → ALSA default → PortAudio): what was played
comes back, at the right length, with no overflows (also with both cores
busy); Ctrl-C and SIGTERM finish a valid episode; kill -9 leaves a file that
plays and `recover` completes; a missing show folder keeps the recording in
the spool until `upload`."""
import json
import os
import shutil
import re
import signal
import subprocess
import sys
import time

import numpy as np

from show_support import NASTY, ShowTest, spool_item
from support import BIN, SANITIZED, decode, read_wav, slurp, speech, tool
from vmic import VirtualMic


def best_correlation(recorded, played):
    """Pearson correlation of `played` with the part of `recorded` where it
    fits best (lag found by FFT cross-correlation)."""
    n = len(recorded) + len(played)
    size = 1 << (n - 1).bit_length()
    xc = np.fft.irfft(np.fft.rfft(recorded, size) * np.conj(np.fft.rfft(played, size)), size)
    lag = int(np.argmax(xc[: len(recorded)]))
    segment = recorded[lag: lag + len(played)]
    if len(segment) < len(played):
        return 0.0, lag
    return float(np.corrcoef(segment, played)[0, 1]), lag


class MicTest(ShowTest):
    """A show, a virtual mic for the whole class, and a private spool per test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mic = VirtualMic(rate=16000).__enter__()
        d = cls._audio_dir
        cls.played16 = os.path.join(d, "played16.wav")
        speech(os.path.join(d, "raw.wav"), "Маркетинг и продажи наконец говорят друг с другом. Раз, два, три.", "ru", 16000)
        tool(["sox", os.path.join(d, "raw.wav"), cls.played16, "pad", "0.3", "0.3"])
        cls.played48 = os.path.join(d, "played48.wav")
        tool(["sox", cls.played16, "-r", "48000", cls.played48])

    @classmethod
    def tearDownClass(cls):
        cls.mic.__exit__(None, None, None)
        super().tearDownClass()

    normalize = False  # capture checks compare with what was played: no loudness changes

    def setUp(self):
        super().setUp()
        self.spool = self.path("spool")
        self.env = dict(self.mic.env(), CROSSTALK_SPOOL=self.spool)
        if not self.normalize:
            show_xml = os.path.join(self.show, "show.xml")
            text = slurp(show_xml).replace('normalize="true"', 'normalize="false"')
            with open(show_xml, "w", encoding="utf-8") as f:
                f.write(text)

    def record(self, *args, show=None):
        return subprocess.Popen([BIN, "-C", show or self.show, "record", *args], env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def episode(self, n=1):
        eps = json.loads(self.ct("list", "--json", check=0).stdout)
        return [e for e in eps if e["number"] == n][0]

    def check_playback(self, opus):
        recorded = decode(opus, self.path("decoded.wav"))[:, 0]
        played, _ = read_wav(self.played48)
        corr, _ = best_correlation(recorded, played[:, 0])
        self.assertGreaterEqual(corr, 0.95)


class Record(MicTest):
    def test_what_was_played_comes_back(self):
        proc = self.record("--title", NASTY, "--host", NASTY, "--duration", "6")
        self.mic.wait_for_capture(proc)
        self.mic.play(self.played16)
        out, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 0, out + err)
        self.assertEqual(err, "")  # no ALSA/JACK probing noise
        self.assertIn("Episode 1 — marketing's turn", out)
        self.assertRegex(out, r"0 input overflow\(s\), 0 dropped sample\(s\)")
        e = self.episode()
        self.assertEqual(e["title"], NASTY)
        self.assertAlmostEqual(e["duration"], 6.0, delta=0.05)
        opus = os.path.join(self.show, "library", "0001-marketing.opus")
        self.assertOpusinfoClean(opus)
        self.check_playback(opus)
        self.assertEqual(os.listdir(self.spool), [])  # delivered, nothing left behind
        # Its MP3 rendition, made from the lossless copy (kept for it even
        # though this show does not normalise): what was played, at the
        # episode's length.
        raw = subprocess.run(["ffmpeg", "-v", "error", "-i", opus[:-5] + ".mp3", "-f", "f32le", "-ac", "1", "-ar",
                              "48000", "-"], capture_output=True, check=True).stdout
        mp3 = np.frombuffer(raw, dtype="<f4").astype(np.float64)
        self.assertAlmostEqual(len(mp3) / 48000, e["duration"], delta=1152 / 48000)
        played, _ = read_wav(self.played48)
        self.assertGreaterEqual(best_correlation(mp3, played[:, 0])[0], 0.95)
        self.ct("check", check=0)

    def test_the_recording_screen_in_russian(self):
        env = dict(self.env, LC_ALL="", LC_MESSAGES="", LANG="ru_RU.UTF-8")
        proc = subprocess.Popen([BIN, "-C", self.show, "record", "--title", "По-русски", "--duration", "3"], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        out, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 0, out + err)
        self.assertRegex(out, r"(?m)^Выпуск 1 — очередь: marketing: По-русски — с устройства .+, \d+ Гц$")
        self.assertRegex(out, r"(?m)^очередь: .+\.opus$")
        self.assertRegex(out, r"(?m)^записано 3\.\d+ с; переполнений входа: 0, потерянных отсчётов: 0$")
        self.assertRegex(out, r"(?m)^выпуск 1 \(0001-marketing, черновик\): По-русски, 3\.0 с$")
        self.assertNotIn("Episode", out)
        # The recording module speaks the reader's language too (it is handed the binary's catalogue).
        proc = subprocess.run([BIN, "-C", self.show, "record", "--title", "x", "--device", "нет-такого"], env=env,
                              capture_output=True, text=True, timeout=60)
        self.assertOneLineError(proc, 2, "--device «нет-такого»: такого устройства ввода нет")

    def test_a_device_at_another_rate_is_resampled(self):
        proc = self.record("--title", "16 кГц", "--duration", "6", "--rate", "16000")
        self.mic.wait_for_capture(proc)
        self.mic.play(self.played16)
        out, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 0, out + err)
        self.assertIn("at 16000 Hz", out)
        self.assertRegex(out, r"0 input overflow\(s\), 0 dropped sample\(s\)")
        self.assertAlmostEqual(self.episode()["duration"], 6.0, delta=0.05)
        opus = os.path.join(self.show, "library", "0001-marketing.opus")
        self.assertOpusinfoClean(opus)
        self.assertIn("Original sample rate: 16000 Hz", subprocess.run(["opusinfo", opus], capture_output=True,
                                                                      text=True).stdout)
        self.check_playback(opus)

    def test_with_both_cores_busy(self):
        burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
        try:
            proc = self.record("--title", "Под нагрузкой", "--duration", "6")
            self.mic.wait_for_capture(proc)
            self.mic.play(self.played16)
            out, err = proc.communicate(timeout=60)
        finally:
            for b in burners:
                b.kill()
                b.wait()
        self.assertEqual(proc.returncode, 0, out + err)
        self.assertRegex(out, r"0 input overflow\(s\), 0 dropped sample\(s\)")
        self.assertAlmostEqual(self.episode()["duration"], 6.0, delta=0.05)
        self.check_playback(os.path.join(self.show, "library", "0001-marketing.opus"))

    def test_ctrl_c_and_sigterm_finish_a_valid_episode(self):
        for n, sig in ((1, signal.SIGINT), (2, signal.SIGTERM)):
            proc = self.record("--title", f"Стоп {n}", "--out-of-turn", "--publish-at", "2031-01-15T10:00")
            self.mic.wait_for_capture(proc)
            time.sleep(2.3)
            sent = time.monotonic()
            proc.send_signal(sig)
            out, err = proc.communicate(timeout=30)
            self.assertEqual(proc.returncode, 0, out + err)
            # Within a second: the file finished, tagged and in the library.
            self.assertLess(time.monotonic() - sent, 1.0)
            e = self.episode(n)
            self.assertAlmostEqual(e["duration"], 2.5, delta=0.5)
            self.assertEqual(e["state"], "scheduled")
            self.assertEqual(e["publish_at"], "2031-01-15T07:00:00Z")  # the show's time zone (Moscow)
            self.assertOpusinfoClean(os.path.join(self.show, "library", e["stem"] + ".opus"))

    def test_kill_9_leaves_a_playable_file_that_recover_completes(self):
        proc = self.record("--title", "Обрыв")
        self.mic.wait_for_capture(proc)
        time.sleep(5.3)
        proc.kill()
        proc.communicate(timeout=10)
        (opus,) = [os.path.join(self.spool, n) for n in os.listdir(self.spool) if n.endswith(".opus")]
        # Plays up to (almost) the cut without any repair.
        decoded = subprocess.run(["opusdec", "--quiet", "--rate", "48000", opus, self.path("cut.wav")],
                                 capture_output=True)
        data, _ = read_wav(self.path("cut.wav"))
        self.assertGreaterEqual(len(data) / 48000, 3.5, decoded.stderr)
        r = subprocess.run([BIN, "upload"], env=self.env, capture_output=True, text=True)
        self.assertEqual(r.returncode, 1)  # cut short: not delivered as is
        self.assertIn("crosstalk recover", r.stderr)
        r = subprocess.run([BIN, "recover", opus], env=self.env, capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertOpusinfoClean(opus)
        seconds = float(re.search(r"recovered .*: ([0-9.]+) s", r.stdout).group(1))
        self.assertGreaterEqual(seconds, 3.5)
        r = subprocess.run([BIN, "upload"], env=self.env, capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertAlmostEqual(self.episode()["duration"], seconds, delta=0.01)

    def test_a_missing_show_keeps_the_recording_in_the_spool_until_upload(self):
        share = self.path("share-not-mounted")
        proc = self.record("--title", "Без сети", "--duration", "2", show=share)
        out, err = proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, 1, out + err)
        self.assertIn("spool", err)
        self.assertIn("crosstalk upload", err)
        self.assertEqual(len([n for n in os.listdir(self.spool) if n.endswith(".opus")]), 1)
        os.rename(self.show, share)  # the share is back
        r = subprocess.run([BIN, "upload"], env=self.env, capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("0001-marketing", r.stdout)
        self.assertEqual(os.listdir(self.spool), [])
        self.assertTrue(os.path.exists(os.path.join(share, "library", "0001-marketing.opus")))

    def test_a_full_disk_stops_cleanly_and_keeps_what_was_recorded(self):
        import resource
        limit = 48 * 1024  # about 6 s of speech at 64 kbit/s
        if os.geteuid() == 0:  # a real full disk: the spool on a tiny tmpfs
            os.makedirs(self.spool)
            subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={limit}", "tmpfs", self.spool], check=True)
            self.addCleanup(subprocess.run, ["umount", "-l", self.spool], capture_output=True)
            limit_process = None
        else:  # a file-size limit fails writes the same way
            def limit_process():
                resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        proc = subprocess.Popen([BIN, "-C", self.show, "record", "--title", "Полный диск", "--duration", "30"],
                                env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                preexec_fn=limit_process)
        self.mic.wait_for_capture(proc)
        self.mic.play(self.played16)
        self.mic.play(self.played16)
        out, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 1, out + err)
        lines = [l for l in err.splitlines() if not l.startswith("ftruncate()")]  # libpulse under a file-size limit
        self.assertEqual(len(lines), 1, err)
        self.assertIn("recording stopped", err)
        self.assertIn("crosstalk recover", err)
        if os.geteuid() == 0:
            names = os.listdir(self.spool)  # recover needs room for its copy: move the spool to a real disk
            for name in names:
                shutil.copy(os.path.join(self.spool, name), self.path(name))
            subprocess.run(["umount", "-l", self.spool], check=True)
            for name in names:
                shutil.move(self.path(name), os.path.join(self.spool, name))
        (opus,) = [os.path.join(self.spool, n) for n in os.listdir(self.spool) if n.endswith(".opus")]
        self.assertGreater(os.path.getsize(opus), limit // 2)
        r = subprocess.run([BIN, "recover", opus], env=self.env, capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertOpusinfoClean(opus)

    def test_an_unplugged_device_finishes_the_episode_with_what_was_captured(self):
        with VirtualMic() as mic:  # its own mic: this one gets unplugged
            env = dict(mic.env(), CROSSTALK_SPOOL=self.spool)
            proc = subprocess.Popen([BIN, "-C", self.show, "record", "--title", "Отключили"], env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            mic.wait_for_capture(proc)
            time.sleep(2.8)
            modules = subprocess.run(["pactl", "list", "short", "modules"], env=env, capture_output=True,
                                     text=True).stdout
            (null_sink,) = [l.split()[0] for l in modules.splitlines() if "module-null-sink" in l]
            subprocess.run(["pactl", "unload-module", null_sink], env=env, check=True)
            out, err = proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, 1, out + err)
        self.assertEqual(len(err.strip().splitlines()), 1, err)
        self.assertIn("input device stopped", err)
        self.assertAlmostEqual(self.episode()["duration"], 3.0, delta=0.6)
        self.assertOpusinfoClean(os.path.join(self.show, "library", "0001-marketing.opus"))
        self.assertEqual(os.listdir(self.spool), [])

    def test_progress_lines_warn_of_silence_and_clipping(self):
        loud = self.path("loud.wav")
        tool(["sox", "-n", "-r", "16000", "-c", "1", loud, "synth", "3", "sine", "50", "gain", "10"])
        proc = self.record("--title", "Тишина и перегруз", "--duration", "11")
        self.mic.wait_for_capture(proc)
        time.sleep(7.5)
        self.mic.play(loud)  # from ~7.5 s to ~10.5 s of the recording
        out, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 0, out + err)
        lines = [l for l in out.splitlines() if l.startswith("recording ")]
        self.assertEqual(len(lines), 2, out)
        self.assertIn("NO SIGNAL", lines[0])  # 5 s of digital silence
        self.assertIn("CLIPPING", lines[1])

    def test_no_input_device_at_all(self):
        alsa = self.path("asound.conf")  # ALSA's default is a card that is not there
        with open(alsa, "w") as f:
            f.write("pcm.!default { type hw card 99 }\nctl.!default { type hw card 99 }\n")
        env = {k: v for k, v in self.env.items() if k != "PULSE_SERVER"}
        env["ALSA_CONFIG_PATH"] = alsa
        r = subprocess.run([BIN, "-C", self.show, "record", "--title", "x"], env=env, capture_output=True, text=True)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertEqual(r.stderr.strip().count("\n"), 0, r.stderr)
        self.assertIn("no input device", r.stderr)
        self.assertEqual([n for n in os.listdir(self.spool)], [])  # nothing left behind
        r = subprocess.run([BIN, "devices"], env=env, capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)
        self.assertIn("no input devices", r.stderr)

    def test_bad_situations_get_one_line(self):
        r = subprocess.run([BIN, "-C", self.show, "record", "--title", "x", "--device", "no-such-mic"],
                           env=self.env, capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        self.assertIn("crosstalk devices", r.stderr)
        self.imp("Первый")
        r = subprocess.run([BIN, "-C", self.show, "record", "--title", "x", "--department", "marketing"],
                           env=self.env, capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)  # out of turn: refused before recording
        self.assertIn("marketing", r.stderr)
        self.assertFalse(os.path.exists(self.spool) and os.listdir(self.spool))


class Normalised(MicTest):
    """A show that normalises: live episodes too, from the lossless copy."""

    normalize = True

    def test_a_live_recording_is_normalised_from_its_lossless_copy(self):
        proc = self.record("--title", "Громкость", "--duration", "6")
        self.mic.wait_for_capture(proc)
        self.mic.play(self.played16)
        out, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 0, out + err)
        self.assertIn("normalising loudness", out)
        self.assertAlmostEqual(self.episode()["duration"], 6.0, delta=0.05)
        opus = os.path.join(self.show, "library", "0001-marketing.opus")
        self.assertOpusinfoClean(opus)
        r = subprocess.run(["ffmpeg", "-nostats", "-i", opus, "-af", "ebur128=peak=true", "-f", "null", "-"],
                           capture_output=True, text=True)
        summary = r.stderr[r.stderr.rindex("Summary:"):]
        lufs = float(re.search(r"I:\s+(-?[0-9.]+) LUFS", summary).group(1))
        peak = float(re.search(r"Peak:\s+(-?[0-9.]+) dBFS", summary).group(1))
        self.assertAlmostEqual(lufs, -16.0, delta=1.0)
        self.assertLessEqual(peak, -1.0)
        sidecar = slurp(os.path.join(self.show, "library", "0001-marketing.xml"))
        self.assertIn('normalized="true"', sidecar)
        self.assertIn("<capture overflows=\"0\"", sidecar)
        self.assertIn("<mp3-size>", sidecar)  # its MP3, from the same normalised PCM
        self.assertEqual(os.listdir(self.spool), [])  # the lossless copy is gone too
        self.ct("check", check=0)

    def test_recover_all_then_upload_normalises_a_recording_cut_short(self):
        proc = self.record("--title", "Обрыв и громкость")
        self.mic.wait_for_capture(proc)
        self.mic.play(self.played16)  # blocks while it plays
        time.sleep(0.5)
        proc.kill()
        proc.communicate(timeout=10)
        self.assertTrue(any(n.endswith(".wav") for n in os.listdir(self.spool)))
        r = subprocess.run([BIN, "recover", "--all"], env=self.env, capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("its lossless copy too", r.stdout)
        seconds = float(re.search(r"recovered .*: ([0-9.]+) s", r.stdout).group(1))
        r = subprocess.run([BIN, "recover", "--all"], env=self.env, capture_output=True, text=True)
        self.assertIn("nothing to recover", r.stdout)  # done once: nothing left cut short
        r = subprocess.run([BIN, "upload"], env=self.env, capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(os.listdir(self.spool), [])
        e = self.episode()
        # From the lossless copy: what reached the disk, which holds up to
        # the last second the Opus file had not yet paged out.
        self.assertGreaterEqual(e["duration"], seconds - 0.05)
        self.assertLess(e["duration"], seconds + 1.5)
        self.assertTrue(e["loudness"]["normalized"], e)
        self.assertAlmostEqual(e["loudness"]["output_lufs"], -16.0, delta=1.0)
        self.assertOpusinfoClean(os.path.join(self.show, "library", e["stem"] + ".opus"))
        r = subprocess.run([BIN, "recover"], env=self.env, capture_output=True, text=True)
        self.assertOneLineError(r, 2, "--all")

    def test_a_recording_too_quiet_for_the_gain_cap_stays_in_the_spool_until_max_gain(self):
        whisper = self.path("whisper.wav")
        tool(["sox", self.played16, whisper, "vol", "0.006"])  # about -65 LUFS: a mic turned all the way down
        proc = self.record("--title", "Шёпот", "--duration", "5")
        self.mic.wait_for_capture(proc)
        self.mic.play(whisper)
        out, err = proc.communicate(timeout=60)
        self.assertOneLineError(subprocess.CompletedProcess([], proc.returncode, out, err), 2, "too quiet to publish",
                                "muted microphone", "--max-gain", "safe in", "crosstalk upload")
        self.assertEqual(self.library(), [])
        r = subprocess.run([BIN, "upload", "--max-gain", "60"], env=self.env, capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertTrue(self.episode()["loudness"]["gain_db"] > 40, self.episode())
        self.assertEqual(os.listdir(self.spool), [])


class Keys(MicTest):
    """The host's terminal, through a real pseudo-terminal."""

    def test_pause_removes_the_paused_span_and_m_marks_a_chapter(self):
        import pty
        import threading
        tone = self.path("tone.wav")
        tool(["sox", "-n", "-r", "16000", "-c", "1", tone, "synth", "1", "sine", "1000", "vol", "0.5"])
        pid, fd = pty.fork()
        if pid == 0:
            os.execve(BIN, [BIN, "-C", self.show, "record", "--title", "Клавиши", "--duration", "6"], self.env)
        screen = []
        reader = threading.Thread(target=lambda: self._drain(fd, screen))
        reader.start()
        # Keys are timed from the recorder's first screen, not from the fork:
        # starting up takes a few tenths of a second more under ASan.
        deadline = time.monotonic() + 20
        while "Episode 1" not in "".join(screen) and time.monotonic() < deadline:
            time.sleep(0.01)
        start = time.monotonic()
        def at(t, key):  # returns when the key was actually sent (a loaded machine wakes us late)
            time.sleep(max(0, start + t - time.monotonic()))
            os.write(fd, key)
            return time.monotonic() - start
        marked = at(1.5, b"m")
        at(2.0, b" ")          # pause
        time.sleep(0.4)
        self.mic.play(tone)    # spoken while paused: must not be in the episode
        at(4.0, b" ")          # resume
        _, status = os.waitpid(pid, 0)
        wall = time.monotonic() - start
        reader.join(timeout=5)
        out = "".join(screen)
        self.assertEqual(os.waitstatus_to_exitcode(status), 0, out)
        self.assertIn("PAUSED", out)
        self.assertIn("Episode 1", out)
        self.assertRegex(out, r"chapter 1 marked at 0:00:0[12]\r?\n")  # said when it is marked
        self.assertGreater(wall, 7.5)  # 6 s recorded + 2 s paused
        e = self.episode()
        self.assertAlmostEqual(e["duration"], 6.0, delta=0.05)
        opus = os.path.join(self.show, "library", "0001-marketing.opus")
        recorded = decode(opus, self.path("keys.wav"))[:, 0]
        self.assertLess(np.max(np.abs(recorded)), 0.01)  # the tone played during the pause is not there
        import mutagen.oggopus
        tags = mutagen.oggopus.OggOpus(opus).tags
        (when,) = tags["CHAPTER001"]
        h, m, s = when.split(":")
        # Where the key was sent: the mark follows it at the next level update (0.1 s, later
        # on a loaded sanitizer run); the heading shows a moment before the device starts.
        self.assertLessEqual(int(h) * 3600 + int(m) * 60 + float(s), marked + (0.6 if SANITIZED else 0.3))
        self.assertGreaterEqual(int(h) * 3600 + int(m) * 60 + float(s), 1.2)
        self.assertEqual(tags["CHAPTER001NAME"], ["Глава 1"])
        from mutagen.id3 import ID3
        (chap,) = ID3(opus[:-5] + ".mp3").getall("CHAP")  # the MP3's chapter, as ID3 CHAP
        self.assertAlmostEqual(chap.start_time / 1000, int(h) * 3600 + int(m) * 60 + float(s), delta=0.002)
        self.assertEqual(str(chap.sub_frames["TIT2"]), "Глава 1")
        # The publisher turns the sidecar's chapters into Podcasting 2.0 chapters.
        self.ct("publish", "1", check=0)
        feed = slurp(os.path.join(self.show, "public", "feed.xml"))
        self.assertIn('<podcast:chapters url="http://127.0.0.1:8080/episodes/0001-marketing.chapters.json" '
                      'type="application/json+chapters"', feed)
        chapters = json.loads(slurp(os.path.join(self.show, "public", "episodes", "0001-marketing.chapters.json")))
        self.assertEqual(chapters["version"], "1.2.0")
        self.assertEqual(chapters["chapters"][0]["title"], "Глава 1")
        self.assertAlmostEqual(chapters["chapters"][0]["startTime"], 1.5, delta=0.3)

    def test_q_stops(self):
        import pty
        import threading
        pid, fd = pty.fork()
        if pid == 0:
            os.execve(BIN, [BIN, "-C", self.show, "record", "--title", "Стоп клавишей"], self.env)
        screen = []
        reader = threading.Thread(target=lambda: self._drain(fd, screen))
        reader.start()
        self.mic.wait_for_capture()
        time.sleep(1.8)
        os.write(fd, b"q")
        sent = time.monotonic()
        _, status = os.waitpid(pid, 0)
        reader.join(timeout=5)
        self.assertEqual(os.waitstatus_to_exitcode(status), 0, "".join(screen))
        self.assertLess(time.monotonic() - sent, 1.0)
        self.assertAlmostEqual(self.episode()["duration"], 2.0, delta=0.5)

    @staticmethod
    def _drain(fd, screen):
        while True:
            try:
                data = os.read(fd, 4096)
            except OSError:
                return
            if not data:
                return
            screen.append(data.decode("utf-8", "replace"))


class Devices(ShowTest):
    def test_lists_the_virtual_mic_quietly_with_its_real_channels_and_rate(self):
        # PortAudio alone says 32 ch, 44100 Hz for ALSA's default (what the
        # pulse plugin accepts); the microphone behind it is 1 ch at the
        # server's rate, whichever that is.
        for rate in (16000, 22050):
            with self.subTest(rate=rate), VirtualMic(rate=rate) as mic:
                r = subprocess.run([BIN, "devices"], env=mic.env(), capture_output=True, text=True)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(r.stderr, "")
                self.assertRegex(r.stdout, rf"\*\s+\d+\s+default\s+\[ALSA\]\s+1 ch, {rate} Hz: "
                                           r"the sound server's default input, .*\(vmic\)")


class SpoolTest(ShowTest):
    """A private spool made by hand (no microphone needed) and a take to put in it."""

    def setUp(self):
        super().setUp()
        self.spool = self.path("spool")
        os.makedirs(self.spool)
        self.env = dict(os.environ, CROSSTALK_SPOOL=self.spool)
        self.opus = self.path("take.opus")
        subprocess.run([BIN, "encode", self.wav, self.opus], check=True, capture_output=True)

    def put_in_spool(self, stem="rec-20261129T101500Z-0123abcd", show=None, state="complete", audio=True):
        spool_item(self.spool, self.opus, stem, show or self.show, state=state, audio=audio)

    def upload(self):
        return subprocess.run([BIN, "upload"], env=self.env, capture_output=True, text=True)


class SpoolDelivery(SpoolTest):
    """Delivery from the spool is idempotent and safe to run twice at once:
    the recording's id goes into the sidecar, and an episode with it is never
    added again (issue 11)."""

    def setUp(self):
        super().setUp()
        self.put_in_spool()

    def test_a_recording_delivered_before_a_crash_is_not_added_again(self):
        r = self.upload()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(os.listdir(self.spool), [])
        self.assertIn("<recording-id>rec-20261129T101500Z-0123abcd</recording-id>",
                      slurp(os.path.join(self.show, "library", "0001-marketing.xml")))
        # A crash between the rename into library/ and the spool's clean-up
        # leaves the spool files: the next upload only cleans them up.
        self.put_in_spool()
        r = self.upload()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("episode 1", r.stdout)
        self.assertEqual(os.listdir(self.spool), [])
        self.assertEqual([n for n in self.library() if n.endswith(".xml")], ["0001-marketing.xml"])  # one episode

    def test_two_uploads_at_once_add_it_once(self):
        for attempt in range(3):
            procs = [subprocess.Popen([BIN, "upload"], env=self.env, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True) for _ in range(2)]
            outs = [p.communicate(timeout=60) for p in procs]
            for p, (out, err) in zip(procs, outs):
                self.assertEqual(p.returncode, 0, out + err)
            self.assertEqual(os.listdir(self.spool), [])
            self.assertEqual(len([n for n in self.library() if n.endswith(".xml")]), attempt + 1)
            self.put_in_spool(f"rec-20261129T10160{attempt}Z-0123abcd")


class StrandedRecordings(SpoolTest):
    """Nothing is recorded that `upload` can never deliver, and what waits in
    the spool can be listed, discarded or delivered elsewhere (issue 11)."""

    def test_record_outside_a_show_folder_is_refused_before_recording(self):
        elsewhere = self.path("home")
        os.makedirs(elsewhere)
        env = {k: v for k, v in self.env.items() if k != "PULSE_SERVER"}
        r = subprocess.run([BIN, "-C", elsewhere, "record", "--title", "x", "--duration", "1"], env=env,
                           capture_output=True, text=True, timeout=30)
        self.assertOneLineError(r, 2, "not a show folder")
        self.assertEqual(os.listdir(self.spool), [])

    def test_spool_list_and_discard(self):
        self.put_in_spool("rec-20261129T101500Z-00000001")
        self.put_in_spool("rec-20261129T101600Z-00000002", state="recording", audio=False)
        r = subprocess.run([BIN, "spool", "list"], env=self.env, capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        lines = r.stdout.splitlines()
        self.assertTrue(any("rec-20261129T101500Z-00000001" in l and "complete" in l and "Из спула" in l
                            for l in lines), r.stdout)
        self.assertTrue(any("rec-20261129T101600Z-00000002" in l and "no audio" in l for l in lines), r.stdout)
        r = self.upload()  # the audio-less one is not delivered, and says how to get rid of it
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 2, r.stderr)
        self.assertIn("spool discard rec-20261129T101600Z-00000002", r.stderr)
        self.assertOneLineError(subprocess.run([BIN, "spool", "discard", "rec-nope"], env=self.env,
                                               capture_output=True, text=True), 2, "rec-nope", "spool list")
        r = subprocess.run([BIN, "spool", "discard", "rec-20261129T101600Z-00000002"], env=self.env,
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(os.listdir(self.spool), [])

    def test_upload_into_another_show(self):
        self.put_in_spool("rec-20261129T101500Z-00000003", show=self.path("gone"))
        r = self.upload()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        r = subprocess.run([BIN, "upload", "--into", self.show], env=self.env, capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(os.listdir(self.spool), [])
        self.assertEqual([n for n in self.library() if n.endswith(".xml")], ["0001-marketing.xml"])  # one episode
