#!/usr/bin/python3
"""Random kills (issue 11): kill -9 at seeded random instants of import,
build, publish, unpublish, edit, subscribers add/revoke and upload on a
200-episode show with MP3 renditions; after each, build + check + the
show's invariants (tests/blackbox/campaign_support.py). Prints the seed and
figures; exit 1 when anything broke. The test suite runs the same code with
15 kills (test_campaigns.RandomKills).

usage: CROSSTALK_BIN=build/cli/crosstalk bench/campaign_kills.py [KILLS=200] [SEED]"""
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "blackbox"))
from campaign_support import KillCampaign, campaign_folder  # noqa: E402

kills = int(sys.argv[1]) if len(sys.argv) > 1 else 200
seed = int(sys.argv[2]) if len(sys.argv) > 2 else random.randrange(1 << 32)
with campaign_folder("crosstalk-kills-") as (work, wav):
    campaign = KillCampaign(work, wav, seed, episodes=200,
                            log=lambda line: print(line, flush=True) if "FAILED" in line else None)
    print(f"seed {seed}, {kills} kills", flush=True)
    campaign.setup()
    seconds = campaign.run(kills)
    print("\n".join(campaign.summary()))
    print(f"  {seconds:.0f} s in all")
sys.exit(1 if campaign.failures else 0)
