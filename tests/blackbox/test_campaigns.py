"""Short runs of the campaigns of issue 11 (bench/campaign_*.py run them
long, RELIABILITY.md has their figures): the same code, small counts."""
import os
import random
import shutil

import feedparser

from campaign_support import DiskFullCampaign, KillCampaign, SoakCampaign, listed
from show_support import ShowTest
from support import slurp


class RandomKills(ShowTest):
    """kill -9 at random instants of import, build, publish, unpublish, edit,
    subscribers add/revoke and upload (spool delivery) on a 200-episode show
    with MP3 renditions: after each, `build` and `check` are clean, nothing
    is lost or added twice, every feed parses."""

    def test_15_random_kills_leave_a_consistent_show(self):
        seed = int(os.environ.get("CROSSTALK_SEED", random.randrange(1 << 32)))
        print(f"seed {seed} (CROSSTALK_SEED={seed} repeats this run)")
        os.makedirs(self.path("kills"))
        campaign = KillCampaign(self.path("kills"), self.wav, seed, episodes=200, log=print)
        campaign.setup()
        campaign.run(15)
        print("\n".join(campaign.summary()))
        self.assertEqual(campaign.failures, [], f"seed {seed}")
        self.assertGreaterEqual(sum(s["killed"] for s in campaign.stats.values()), 5,
                                "the kills must land while crosstalk runs")


class ConcurrencySoak(ShowTest):
    """4 workers x 5 rounds of import/schedule/edit/build while `serve` runs
    and a poller parses feed.xml 50 times a second: no number twice, nothing
    lost, every poll parses, enclosures as long as the files served."""

    def test_4_workers_5_rounds_under_a_poller(self):
        seed = int(os.environ.get("CROSSTALK_SEED", random.randrange(1 << 32)))
        os.makedirs(self.path("soak"))
        soak = SoakCampaign(self.path("soak"), self.wav, seed, procs=4, rounds=5)
        soak.setup()
        soak.run()
        print("\n".join(soak.summary()))
        self.assertEqual(soak.failures, [], f"seed {seed}")
        self.assertEqual(len(soak.imported), 20)
        self.assertGreater(soak.polls, 20, "the poller must run while the workers do")


class DiskFull(ShowTest):
    """import, build and subscribers add on a show folder in a tmpfs that
    fills up (RLIMIT_FSIZE when not root): exit 0, or one line and exit 1
    with nothing half-written; `build` and `check` clean once there is space."""

    def test_a_full_disk_leaves_the_show_consistent(self):
        seed = int(os.environ.get("CROSSTALK_SEED", random.randrange(1 << 32)))
        frees = [0, 122880] + random.Random(seed).sample(range(0, 122880, 1024), 5)
        print(f"seed {seed}: bytes free {frees}")
        os.makedirs(self.path("full"))
        full = DiskFullCampaign(self.path("full"), self.wav)
        try:
            full.setup()
            full.run(frees)
        finally:
            full.close()
        print("\n".join(full.summary()))
        self.assertEqual(full.failures, [], f"seed {seed}")
        for op, s in full.stats.items():
            self.assertGreater(s["full"], 0, f"{op} never met a full disk")
            self.assertGreater(s["ok"], 0, f"{op} never had room")


class DiskFullRecord(ShowTest):
    """`record` from the virtual microphone with the spool and the show on a
    tmpfs that is full (RLIMIT_FSIZE when not root): with 4 KiB free the
    recording fails and leaves nothing (it used to leave a spool item that
    neither `recover` nor `upload` could use); with 128 KiB it is delivered
    without its lossless copy. Exit 0, or one line and exit 1; what stays
    in the spool is delivered once by `recover` + `upload`; the show stays
    consistent."""

    def test_a_full_disk_during_record_leaves_the_show_consistent(self):
        from vmic import VirtualMic
        os.makedirs(self.path("full"))
        with VirtualMic(rate=16000) as mic:
            full = DiskFullCampaign(self.path("full"), self.wav, ops=("record",), mic=mic)
            try:
                full.setup()
                full.run([4096, 131072])
            finally:
                full.close()
        print("\n".join(full.summary()))
        self.assertEqual(full.failures, [])
        self.assertEqual(full.stats["record"]["runs"], 2)


class UnfinishedChanges(ShowTest):
    """What the random kills found (issue 11): an import or upload killed
    between moving its audio into library/ and writing the sidecar left
    audio without a sidecar that `check` rejected for good, and an edit
    killed between renaming the retagged audio and saving the sidecar left
    tags and sizes that disagreed with it. Such changes now stand under
    library/.pending-STEM, and the next build finishes or rolls them back.
    These replay the states a kill leaves."""

    def setUp(self):
        super().setUp()
        self.imp("Первый")
        self.ct("publish", "1", check=0)
        self.lib = os.path.join(self.show, "library")

    def test_an_addition_cut_before_its_sidecar_is_rolled_back_by_build(self):
        for ext in (".opus", ".mp3"):
            shutil.copy(os.path.join(self.lib, "0001-marketing" + ext), os.path.join(self.lib, "0002-sales" + ext))
        open(os.path.join(self.lib, ".pending-0002-sales"), "w").close()
        self.ct("build", check=0)
        self.ct("check", check=0)
        self.assertEqual(os.listdir(self.lib).count(".pending-0002-sales"), 0)
        self.imp("Второй")
        self.assertEqual(sorted(listed(self.show)), [1, 2])

    def test_an_edit_cut_after_its_sidecar_is_finished_by_build(self):
        sidecar = os.path.join(self.lib, "0001-marketing.xml")
        text = slurp(sidecar).replace("<title>Первый</title>", "<title>Правка</title>")
        with open(sidecar, "w", encoding="utf-8") as f:
            f.write(text)
        open(os.path.join(self.lib, ".pending-0001-marketing"), "w").close()
        self.ct("build", check=0)
        self.ct("check", check=0)
        self.assertEqual([n for n in os.listdir(self.lib) if n.startswith(".")], [])
        self.assertEqual(feedparser.parse(slurp(self.public("feed.xml"), "rb")).entries[0].title, "Правка")
