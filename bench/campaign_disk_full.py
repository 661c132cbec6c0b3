#!/usr/bin/python3
"""Disk full (issue 11): import, build and subscribers add on a show folder
in a tiny tmpfs filled to leave 0, STEP, 2 STEP … MAX bytes (as root), then
the same with RLIMIT_FSIZE at those sizes (DiskFullCampaign in
tests/blackbox/campaign_support.py). With `record` first: `record` from a
virtual microphone (2 s of speech) instead, its spool on the same tmpfs.
Prints figures; exit 1 when anything broke. The test suite runs 7 sizes
(test_campaigns.DiskFull) and 3 recordings (test_campaigns.DiskFullRecord).

usage: CROSSTALK_BIN=build/cli/crosstalk bench/campaign_disk_full.py [STEP=4096] [MAX=122880]
       CROSSTALK_BIN=build/cli/crosstalk bench/campaign_disk_full.py record [STEP MAX]
         (record without STEP and MAX: 0 to 1 MiB free in 18 steps, finer at the low end)"""
import contextlib
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "blackbox"))
from campaign_support import DiskFullCampaign, campaign_folder  # noqa: E402

args = sys.argv[1:]
record = bool(args) and args[0] == "record"
if record:
    args = args[1:]
step = int(args[0]) if len(args) > 0 else 4096
top = int(args[1]) if len(args) > 1 else 122880
frees = range(0, top + 1, step)
if record and not args:  # from a full spool (the recording fails) to room for all but the lossless copy
    frees = [k * 1024 for k in (0, 2, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024)]
failures = 0
with contextlib.ExitStack() as stack:
    mic = None
    if record:
        from vmic import VirtualMic
        mic = stack.enter_context(VirtualMic(rate=16000))
    for tmpfs in ([True, False] if os.geteuid() == 0 else [False]):
        with campaign_folder("crosstalk-full-") as (work, wav):
            full = DiskFullCampaign(work, wav, tmpfs=tmpfs, ops=("record",) if record else DiskFullCampaign.OPS,
                                    mic=mic, log=lambda line: print(line) if "FAILED" in line or record else None)
            start = time.monotonic()
            try:
                full.setup()
                full.run(frees)
            finally:
                full.close()
            print("\n".join(full.summary()) + f"\n  {time.monotonic() - start:.0f} s", flush=True)
            failures += len(full.failures)
sys.exit(1 if failures else 0)
