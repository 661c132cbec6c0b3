"""The command line itself: usage errors are one line with exit 2, help and
version work, success prints what was made."""
import os

import numpy as np

from support import TempDirTest, run, write_wav


class Cli(TempDirTest):
    def setUp(self):
        super().setUp()
        self.wav = self.path("in.wav")
        write_wav(self.wav, 0.3 * np.sin(np.arange(24000) / 10.0), 48000)

    def test_usage_errors(self):
        cases = [
            (["encode", self.wav], "OUT"),
            (["encode", self.wav, self.path("o.opus"), "--bitrate", "2"], "--bitrate"),
            (["encode", self.wav, self.path("o.opus"), "--channels", "3"], "--channels"),
            (["encode", self.wav, self.path("o.opus"), "--frobnicate"], "--frobnicate"),
            (["encode", self.wav, self.path("o.opus"), "--track", "x"], "--track"),
            (["fly"], "fly"),
            ([], "give a command; commands are: encode, init, import"),
        ]
        for args, needle in cases:
            with self.subTest(args=args):
                self.assertOneLineError(run(args), 2, needle)

    def test_unknown_commands_list_the_real_ones_and_guess(self):
        cases = [
            (["pubish", "3"], "unknown command 'pubish'; commands are: encode, init, import, list, schedule, "
                              "publish, unpublish, delete, edit, build, check", "(did you mean 'publish'?)"),
            (["-C", self.dir, "shedule", "3"], "unknown command 'shedule'", "(did you mean 'schedule'?)"),
            (["--show", self.dir, "frobnicate"], "unknown command 'frobnicate'; commands are: encode", None),
            (["spool", "lst"], "crosstalk spool: unknown command 'lst'; commands are: list, discard",
             "(did you mean 'list'?)"),
            (["-C", self.dir], "give a command; commands are: encode", None),
        ]
        for args, needle, guess in cases:
            with self.subTest(args=args):
                proc = run(args)
                self.assertOneLineError(proc, 2, needle)
                if guess:
                    self.assertTrue(proc.stderr.rstrip().endswith(guess), proc.stderr)
                else:
                    self.assertNotIn("did you mean", proc.stderr)

    def test_unknown_commands_in_the_readers_language(self):
        ru = dict(os.environ, LC_ALL="", LC_MESSAGES="", LANG="ru_RU.UTF-8")
        proc = run(["spool", "lst"], env=ru)
        self.assertOneLineError(proc, 2, "crosstalk spool: неизвестная команда «lst»; команды: list, discard")
        self.assertTrue(proc.stderr.rstrip().endswith("(может быть, «list»?)"), proc.stderr)
        self.assertOneLineError(run([], env=ru), 2, "crosstalk: укажите команду; команды: encode, init",
                                "(см. «crosstalk --help»)")
        # CLI11's own sentence stays English, in a Russian frame.
        proc = run(["encode", self.wav, self.path("o.opus"), "--frobnicate"], env=ru)
        self.assertOneLineError(proc, 2, "crosstalk encode: ", "--frobnicate", "(см. «crosstalk encode --help»)")

    def test_help_and_version(self):
        proc = run(["encode", "--help"], check=0)
        self.assertIn("--bitrate", proc.stdout)
        self.assertIn("--cover", proc.stdout)
        self.assertRegex(run(["--version"], check=0).stdout, r"crosstalk \d+\.\d+\.\d+")

    def test_success_says_what_it_made(self):
        out = self.path("Голос врага.opus")
        proc = run(["encode", self.wav, out, "--bitrate", "32"], check=0)
        self.assertIn(out, proc.stdout)
        self.assertIn("0.500 s", proc.stdout)
        self.assertIn("32 kbit/s", proc.stdout)
        self.assertEqual(proc.stderr, "")
