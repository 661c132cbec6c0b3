"""The command line itself: usage errors are one line with exit 2, help and
version work, success prints what was made."""
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
            ([], "subcommand"),
        ]
        for args, needle in cases:
            with self.subTest(args=args):
                self.assertOneLineError(run(args), 2, needle)

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
