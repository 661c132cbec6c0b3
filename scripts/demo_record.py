"""For the demo: records an episode with `crosstalk record` from a virtual
microphone (the tests' PulseAudio recipe, tests/blackbox/vmic.py) while a
speech file is played into it, as a host speaking at the desk would.
Usage: demo_record.py CROSSTALK SHOW WAV SPOOL -- RECORD-OPTIONS…"""
import os
import subprocess
import sys
import wave

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "blackbox"))
from vmic import VirtualMic  # noqa: E402

crosstalk, show, wav, spool = sys.argv[1:5]
options = sys.argv[sys.argv.index("--") + 1:]
with wave.open(wav) as w:
    seconds = w.getnframes() / w.getframerate()
with VirtualMic(rate=22050) as mic:
    env = dict(mic.env(), CROSSTALK_SPOOL=spool)
    proc = subprocess.Popen([crosstalk, "-C", show, "record", *options, "--duration", f"{seconds + 1.0:.1f}"],
                            env=env)
    mic.wait_for_capture(proc)
    mic.play(wav)
    sys.exit(proc.wait())
