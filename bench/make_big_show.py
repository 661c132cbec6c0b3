"""Makes a show with N published episodes for the build benchmark: one real
Opus episode imported with crosstalk, then N-1 more written straight into
library/ (hard links and sidecars), as the tests' fixture does.
Usage: make_big_show.py CROSSTALK SHOW_DIR WAV N"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "blackbox"))
from show_support import write_episodes  # noqa: E402

crosstalk, show, wav, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
subprocess.run([crosstalk, "init", show, "--title", "Голос врага", "--description", "Бенчмарк",
                "--author", "Comms", "--owner-email", "comms@example.com"], check=True, stdout=subprocess.DEVNULL)
subprocess.run([crosstalk, "-C", show, "import", wav, "--title", "Эпизод", "--publish-at", "2026-01-01T10:00"],
               check=True, stdout=subprocess.DEVNULL)
write_episodes(show, os.path.join(show, "library", "0001-marketing.opus"), count - 1, "Эпизод", start=2,
               mp3=os.path.join(show, "library", "0001-marketing.mp3"))
