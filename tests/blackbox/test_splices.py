"""The chunked encoder's splices (issue 16), short version of the benchmark's
check (bench/splice_quality.py, which does the measuring): 2 minutes of
espeak-ng speech, a sine sweep and pink noise from sox, each encoded as one
stream and in 4 chunks; opusinfo clean, decoded lengths equal to the source,
sizes within 1 %, and around every splice the SNR against the source at most
1 dB under the one-stream encode's and no larger sample-to-sample step
(x1.1)."""
import os
import subprocess
import sys

from support import BIN, TempDirTest, tool

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench", "splice_quality.py")
TEXT = ("Сегодня на общем собрании обсуждаем планы на квартал. Коротко: продажи выросли, "
        "и мы открываем два новых офиса. Вопросы, пожалуйста, в конце. Now the same in English: "
        "sales are up, two new offices are opening, and questions come at the end.")


class SpliceTest(TempDirTest):
    def test_splices_are_not_heard(self):
        part, speech = self.path("part.wav"), self.path("speech.wav")
        tool(["espeak-ng", "-v", "ru", "-w", self.path("ru.wav"), TEXT])
        tool(["sox", self.path("ru.wav"), "-r", "48000", "-b", "16", "-c", "1", part, "rate", "-v"])
        tool(["sox", part, self.path("long.wav"), "repeat", "20"])
        tool(["sox", self.path("long.wav"), speech, "trim", "0", "120"])
        sweep, pink = self.path("sweep.wav"), self.path("pink.wav")
        tool(["sox", "-R", "-n", "-r", "48000", "-b", "16", "-c", "1", sweep, "synth", "90", "sine", "20/16000", "vol", "0.5"])
        tool(["sox", "-R", "-n", "-r", "48000", "-b", "16", "-c", "1", pink, "synth", "90", "pinknoise", "vol", "0.3"])  # -R: the same noise every run
        proc = subprocess.run(["/usr/bin/python3", SCRIPT, BIN, self.dir, "4",
                               f"speech={speech}", f"sweep={sweep}", f"pink={pink}"],
                              capture_output=True, text=True)
        sys.stderr.write(proc.stdout)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertEqual(proc.stdout.count("3 splices"), 3, proc.stdout)
