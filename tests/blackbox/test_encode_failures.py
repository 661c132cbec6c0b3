"""Bad input to `crosstalk encode`: one clear line, exit 2, nothing left
behind; a write failure halfway (disk full): exit 1, no partial file, and an
existing OUT untouched."""
import os
import resource
import shutil
import subprocess
import unittest

import numpy as np

from support import BIN, TempDirTest, png, run, speech, write_wav


class Failures(TempDirTest):
    def setUp(self):
        super().setUp()
        self.wav = self.path("in.wav")
        write_wav(self.wav, 0.3 * np.sin(np.arange(48000) / 10.0), 48000)
        self.out = self.path("out.opus")

    def assertNothingLeft(self, folder=None):
        folder = folder or self.dir
        left = [n for n in os.listdir(folder)
                if (n.startswith(".") and n != ".crosstalk") or n == "out.opus"]
        self.assertEqual(left, [], "no OUT and no temporary file")

    def expect_bad(self, args, *needles, code=2, unprivileged=False):
        proc = (self.run_unprivileged if unprivileged else run)(["encode"] + args)
        self.assertOneLineError(proc, code, *needles)
        return proc

    def test_missing_input(self):
        self.expect_bad([self.path("nope.wav"), self.out], "nope.wav", "no such file")
        self.assertNothingLeft()

    def test_unreadable_input(self):
        os.chmod(self.wav, 0)
        self.expect_bad([self.wav, self.out], "in.wav", "cannot read", unprivileged=True)
        self.assertNothingLeft()

    def test_a_binary_without_its_modules_says_so_and_still_reads_wav(self):
        alone = self.path("bin")
        os.makedirs(alone)
        binary = shutil.copy(BIN if os.path.isabs(BIN) else shutil.which(BIN), alone)
        built = os.path.join(os.path.dirname(os.path.realpath(BIN if os.path.isabs(BIN) else shutil.which(BIN))),
                             "..", "lib", "crosstalk")
        modules = self.path("lib/crosstalk")  # ../lib/crosstalk from the copy
        os.makedirs(modules)
        mp3 = self.path("in.mp3")
        subprocess.run(["lame", "--quiet", self.wav, mp3], check=True)
        proc = subprocess.run([binary, "encode", mp3, self.out], capture_output=True, text=True)
        self.assertOneLineError(proc, 1, "in.mp3", "FFmpeg module", "is missing; reinstall crosstalk")
        self.assertNothingLeft()
        # A WAV is read by the libsndfile module…
        proc = subprocess.run([binary, "encode", self.wav, self.out], capture_output=True, text=True)
        self.assertOneLineError(proc, 1, "in.wav", "libsndfile module", "sndfile.so is missing; reinstall crosstalk")
        self.assertNothingLeft()
        # …and its tags are written by the tags module (TagLib): one line, nothing left.
        shutil.copy(os.path.join(built, "sndfile.so"), modules)
        proc = subprocess.run([binary, "encode", self.wav, self.out], capture_output=True, text=True)
        self.assertOneLineError(proc, 1, "tags of", "tags module", "tags.so is missing; reinstall crosstalk")
        self.assertNothingLeft()
        # With both beside it, a WAV never needs FFmpeg's.
        shutil.copy(os.path.join(built, "tags.so"), modules)
        self.assertEqual(subprocess.run([binary, "encode", self.wav, self.out], capture_output=True).returncode, 0)
        self.assertEqual(subprocess.run(["opusinfo", self.out], capture_output=True).returncode, 0)
        os.remove(self.out)
        # Nor the recording module: `devices` says what is missing.
        proc = subprocess.run([binary, "devices"], capture_output=True, text=True)
        self.assertOneLineError(proc, 1, "recording module", "capture.so is missing; reinstall crosstalk")
        # The same in Russian, the module's file named as it is.
        ru = dict(os.environ, LC_ALL="", LC_MESSAGES="", LANG="ru_RU.UTF-8")
        proc = subprocess.run([binary, "encode", mp3, self.out], capture_output=True, text=True, env=ru)
        self.assertOneLineError(proc, 1, "не удаётся прочитать", "in.mp3: модуль FFmpeg для crosstalk не найден (",
                                "ffmpeg.so); переустановите crosstalk")
        proc = subprocess.run([binary, "devices"], capture_output=True, text=True, env=ru)
        self.assertOneLineError(proc, 1, "модуль записи для crosstalk не найден (", "capture.so); переустановите crosstalk")
        os.remove(os.path.join(modules, "tags.so"))
        proc = subprocess.run([binary, "encode", self.wav, self.out], capture_output=True, text=True, env=ru)
        self.assertOneLineError(proc, 1, "не удаётся прочитать или записать теги", "модуль тегов для crosstalk не найден (",
                                "tags.so); переустановите crosstalk")
        self.assertNothingLeft()
        os.remove(os.path.join(modules, "sndfile.so"))
        proc = subprocess.run([binary, "encode", self.wav, self.out], capture_output=True, text=True, env=ru)
        self.assertOneLineError(proc, 1, "не удаётся прочитать", "модуль libsndfile для crosstalk не найден (",
                                "sndfile.so); переустановите crosstalk")
        self.assertNothingLeft()
        # What needs no audio library starts without any module.
        self.assertEqual(subprocess.run([binary, "--version"], capture_output=True).returncode, 0)

    def test_text_file_renamed_wav(self):
        with open(self.path("notes.wav"), "w") as f:
            f.write("Это просто текст, а не звук.\n")
        self.expect_bad([self.path("notes.wav"), self.out], "notes.wav", "not a readable audio file")
        self.assertNothingLeft()

    def test_truncated_wav(self):
        with open(self.wav, "rb") as f:
            blob = f.read()
        with open(self.path("cut.wav"), "wb") as f:
            f.write(blob[: len(blob) // 2])
        self.expect_bad([self.path("cut.wav"), self.out], "cut.wav", "truncated")
        self.assertNothingLeft()

    def test_decoder_errors_in_the_readers_language(self):
        # The sentence in Russian, the library's own words kept in brackets; exit 2 as in English.
        ru = dict(os.environ, LC_ALL="", LC_MESSAGES="", LANG="ru_RU.UTF-8")
        with open(self.wav, "rb") as f:
            blob = f.read()
        with open(self.path("cut.wav"), "wb") as f:  # libsndfile
            f.write(blob[: len(blob) // 2])
        mp3 = self.path("in.mp3")
        subprocess.run(["lame", "--quiet", self.wav, mp3], check=True)
        damaged = bytearray(open(mp3, "rb").read())
        middle = len(damaged) // 2
        damaged[middle:middle + 3000] = np.random.default_rng(15).integers(0, 256, 3000, dtype=np.uint8).tobytes()
        with open(self.path("damaged.mp3"), "wb") as f:  # FFmpeg, in its module
            f.write(damaged)
        with open(self.path("notes.wav"), "w") as f:
            f.write("Это просто текст, а не звук.\n")
        for name, needles in (("cut.wav", ["cut.wav: файл обрезан", "экспортируйте его заново"]),
                              ("damaged.mp3", ["damaged.mp3: звук повреждён на 0:00:0", "(FFmpeg: ",
                                               "экспортируйте файл заново"]),
                              ("notes.wav", ["notes.wav: это не аудиофайл", "(FFmpeg: ", "crosstalk читает WAV"])):
            with self.subTest(file=name):
                proc = run(["encode", self.path(name), self.out], env=ru)
                self.assertOneLineError(proc, 2, *needles)
                self.assertNotIn("export it again", proc.stderr)
        self.assertNothingLeft()

    def test_zero_samples(self):
        write_wav(self.path("empty.wav"), np.zeros(0), 48000)
        self.expect_bad([self.path("empty.wav"), self.out], "empty.wav", "zero samples")
        self.assertNothingLeft()

    def test_unsupported_rates_and_channel_counts(self):
        write_wav(self.path("r4k.wav"), np.zeros(4000), 4000)
        write_wav(self.path("r384k.wav"), np.zeros(38400), 384000)
        write_wav(self.path("ch9.wav"), np.zeros((4800, 9)), 48000)
        write_wav(self.path("ch6.wav"), np.zeros((4800, 6)), 48000)
        self.expect_bad([self.path("r4k.wav"), self.out], "r4k.wav", "4000 Hz")
        self.expect_bad([self.path("r384k.wav"), self.out], "r384k.wav", "384000 Hz")
        self.expect_bad([self.path("ch9.wav"), self.out], "ch9.wav", "9 channels")
        self.expect_bad([self.path("ch6.wav"), self.out, "--channels", 2], "ch6.wav", "--channels 1")
        self.assertNothingLeft()
        run(["encode", self.path("ch6.wav"), self.out], check=0)  # 5.1 downmixes to mono

    def test_bad_covers(self):
        with open(self.path("cover.jpg"), "w") as f:
            f.write("not a picture")
        big = png(self.path("big.png"), 8, 8)
        with open(self.path("big.png"), "ab") as f:
            f.write(os.urandom(1024 * 1024))
        self.assertTrue(big)
        self.expect_bad([self.wav, self.out, "--cover", self.path("cover.jpg")], "cover.jpg", "not a JPEG or PNG")
        self.expect_bad([self.wav, self.out, "--cover", self.path("big.png")], "big.png", "1024 KiB")
        self.assertNothingLeft()

    def test_output_folder_missing(self):
        self.expect_bad([self.wav, self.path("no/such/dir/out.opus")], "no/such/dir", "does not exist")

    def test_output_folder_read_only(self):
        ro = self.path("ro")
        os.mkdir(ro)
        os.chmod(ro, 0o555)
        self.expect_bad([self.wav, os.path.join(ro, "out.opus")], "ro", "Permission denied",
                        unprivileged=True)
        self.assertEqual(os.listdir(ro), [])

    def test_output_equal_to_input(self):
        with open(self.wav, "rb") as f:
            before = f.read()
        self.expect_bad([self.wav, self.wav], "overwrite the input")
        other_spelling = os.path.join(self.dir, ".", "sub", "..", "in.wav")
        os.mkdir(self.path("sub"))
        self.expect_bad([self.wav, other_spelling], "overwrite the input")
        with open(self.wav, "rb") as f:
            self.assertEqual(f.read(), before)

    def test_disk_full_by_file_size_limit_leaves_nothing_and_keeps_old_output(self):
        speech(self.path("long.wav"), "Длинная запись. " * 30, "ru", 48000)
        with open(self.out, "wb") as f:
            f.write(b"precious old episode")
        def limit():
            resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000))
        proc = run(["encode", self.path("long.wav"), self.out], preexec_fn=limit)
        self.assertOneLineError(proc, 1, "out.opus", "full")
        with open(self.out, "rb") as f:
            self.assertEqual(f.read(), b"precious old episode")
        self.assertEqual([n for n in os.listdir(self.dir) if n.startswith(".")], [])

    def test_disk_full_on_a_tiny_tmpfs(self):
        if os.geteuid() != 0:
            self.skipTest("mounting a tmpfs needs root (CI runs as root); the ulimit test covers this")
        mnt = self.path("tiny")
        os.mkdir(mnt)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=32k", "tmpfs", mnt], check=True)
        try:
            speech(self.path("long.wav"), "Длинная запись. " * 30, "ru", 48000)
            proc = run(["encode", self.path("long.wav"), os.path.join(mnt, "out.opus")])
            self.assertOneLineError(proc, 1, "No space left on device")
            self.assertEqual(os.listdir(mnt), [])
        finally:
            subprocess.run(["umount", mnt], check=True)


if __name__ == "__main__":
    unittest.main()
