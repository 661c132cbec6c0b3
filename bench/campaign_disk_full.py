#!/usr/bin/python3
"""Disk full (issue 11): import, build and subscribers add on a show folder
in a tiny tmpfs filled to leave 0, STEP, 2 STEP … MAX bytes (as root), then
the same with RLIMIT_FSIZE at those sizes (DiskFullCampaign in
tests/blackbox/campaign_support.py). Prints figures; exit 1 when anything
broke. The test suite runs 7 sizes (test_campaigns.DiskFull).

usage: CROSSTALK_BIN=build/cli/crosstalk bench/campaign_disk_full.py [STEP=4096] [MAX=122880]"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "blackbox"))
from campaign_support import DiskFullCampaign, campaign_folder  # noqa: E402

step = int(sys.argv[1]) if len(sys.argv) > 1 else 4096
top = int(sys.argv[2]) if len(sys.argv) > 2 else 122880
failures = 0
for tmpfs in ([True, False] if os.geteuid() == 0 else [False]):
    with campaign_folder("crosstalk-full-") as (work, wav):
        full = DiskFullCampaign(work, wav, tmpfs=tmpfs, log=lambda line: print(line) if "FAILED" in line else None)
        start = time.monotonic()
        try:
            full.setup()
            full.run(range(0, top + 1, step))
        finally:
            full.close()
        print("\n".join(full.summary()) + f"\n  {time.monotonic() - start:.0f} s", flush=True)
        failures += len(full.failures)
sys.exit(1 if failures else 0)
