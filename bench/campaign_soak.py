#!/usr/bin/python3
"""Concurrency soak (issue 11): PROCS workers x ROUNDS rounds of import,
schedule, edit and build on one show while `crosstalk serve` runs and a
poller GETs and parses feed.xml 50 times a second (SoakCampaign in
tests/blackbox/campaign_support.py). Prints the seed and figures; exit 1
when anything broke. The test suite runs 4 x 5 (test_campaigns.ConcurrencySoak).

The pollers pace themselves at RATE polls a second in all (default 52: a
little over the 50 asked, since a poll that falls behind is not made up),
over POLLERS processes (default 5).

usage: CROSSTALK_BIN=build/cli/crosstalk bench/campaign_soak.py [PROCS=8] [ROUNDS=50] [SEED] [RATE=52] [POLLERS=5]"""
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "blackbox"))
from campaign_support import SoakCampaign, campaign_folder  # noqa: E402

procs = int(sys.argv[1]) if len(sys.argv) > 1 else 8
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 50
seed = int(sys.argv[3]) if len(sys.argv) > 3 else random.randrange(1 << 32)
rate = float(sys.argv[4]) if len(sys.argv) > 4 else 52
pollers = int(sys.argv[5]) if len(sys.argv) > 5 else 5
with campaign_folder("crosstalk-soak-") as (work, wav):
    soak = SoakCampaign(work, wav, seed, procs=procs, rounds=rounds, rate=rate, pollers=pollers)
    print(f"seed {seed}", flush=True)
    soak.setup()
    soak.run()
    print("\n".join(soak.summary()))
    for problem in soak.failures[:20]:
        print("  " + problem)
sys.exit(1 if soak.failures else 0)
