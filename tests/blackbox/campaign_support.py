"""The campaigns of issue 11, shared by the long runs in bench/ and their
short smoke runs in the test suite: the same code, other counts.

- KillCampaign: kill -9 at random instants of every command that changes a
  show (seeded), each followed by `build`, `check` and the show's invariants.
- ShowInvariants: what must hold of a show after anything happened to it."""
import contextlib
import json
import os
import random
import re
import signal
import subprocess
import tempfile
import time
from xml.etree import ElementTree

import feedparser

from show_support import opus_duration, spool_item, write_episodes
from support import BIN, run, slurp, speech

@contextlib.contextmanager
def campaign_folder(prefix):
    """For the bench scripts: (an empty folder, a short speech WAV), removed after."""
    with tempfile.TemporaryDirectory(prefix=prefix) as work:
        wav = os.path.join(work, "speech.wav")
        speech(wav, "Маркетинг и продажи.", "ru", 16000)
        os.makedirs(os.path.join(work, "run"))
        yield os.path.join(work, "run"), wav


FEEDS = ("feed.xml", "feed-marketing.xml", "feed-sales.xml", "feed-mp3.xml")


def ct(show, *args, check=None, env=None):
    return run(["-C", show] + list(args), check=check, env=env)


def listed(show):
    """{number: episode} from `list --json`."""
    r = ct(show, "list", "--json", check=0)
    return {e["number"]: e for e in json.loads(r.stdout)}


def recording_ids(show):
    """recording-id → how many sidecars carry it."""
    lib = os.path.join(show, "library")
    counts = {}
    for name in os.listdir(lib):
        if name.endswith(".xml") and not name.startswith("."):
            m = re.search(r"<recording-id>([^<]+)</recording-id>", slurp(os.path.join(lib, name)))
            if m:
                counts[m.group(1)] = counts.get(m.group(1), 0) + 1
    return counts


def subscribers(show):
    r = ct(show, "subscribers", "list", check=0)
    return {line.split("\t")[0] for line in r.stdout.splitlines() if "\t" in line}


def feed_problems(show, published):
    """Every feed well-formed (xmllint) and parseable (feedparser, no bozo),
    with the published episodes, each enclosure as long as its file."""
    problems = []
    public = os.path.join(show, "public")
    for name in FEEDS:
        path = os.path.join(public, name)
        x = subprocess.run(["xmllint", "--noout", path], capture_output=True, text=True)
        if x.returncode:
            problems.append(f"{name}: xmllint: {x.stderr.strip()[:200]}")
            continue
        d = feedparser.parse(slurp(path, "rb"))
        if d.bozo:
            problems.append(f"{name}: feedparser: {d.get('bozo_exception')}")
            continue
        if name == "feed.xml":
            numbers = sorted(int(e.itunes_episode) for e in d.entries)
            if numbers != sorted(published):
                problems.append(f"feed.xml lists {len(numbers)} episodes, {len(published)} are published")
        for e in d.entries:
            for enc in e.enclosures:
                file = os.path.join(public, "episodes", enc.href.rsplit("/", 1)[1])
                size = os.path.getsize(file) if os.path.exists(file) else None
                if size != int(enc.length):
                    problems.append(f"{name}: enclosure {enc.href} says {enc.length} bytes, the file has {size}")
    return problems


def temp_files(show):
    """Half-written files a build leaves behind (imports younger than a day
    may keep their .incoming- files: they encode unlocked)."""
    out = []
    for sub in ("public", "public/episodes", "library"):
        d = os.path.join(show, sub)
        out += [f"{sub}/{n}" for n in os.listdir(d) if ".tmp-" in n and ".incoming-" not in n]
    return out


def make_show(show, wav, episodes, *init_args):
    """A show with one real import (published, with its MP3 rendition) and
    `episodes` - 1 more written by write_episodes, built."""
    run(["init", show, "--title", "Голос врага", "--timezone", "Europe/Moscow", *init_args], check=0)
    ct(show, "import", wav, "--title", "Первый", check=0)
    ct(show, "publish", "1", check=0)
    opus = os.path.join(show, "library", "0001-marketing.opus")
    write_episodes(show, opus, episodes - 1, "Первый", start=2, mp3=opus[:-5] + ".mp3")
    ct(show, "build", check=0)


def build_and_check(show, problems):
    """`build` then `check`, each must exit 0 (what they said goes into `problems`)."""
    b = ct(show, "build")
    if b.returncode:
        problems.append(f"build exited {b.returncode}: {b.stderr.strip()}")
    c = ct(show, "check")
    if c.returncode:
        problems.append(f"check exited {c.returncode}: {c.stdout.strip()} {c.stderr.strip()}")


def lost(before, after):
    """Problems: episodes of `before` missing from `after` or renumbered."""
    return [f"episode {n} ({e['guid']}) lost or renumbered" for n, e in before.items()
            if n not in after or after[n]["guid"] != e["guid"]]


class KillCampaign:
    """One show (private, so that subscribers work on it; MP3 renditions on),
    `episodes` episodes; then `kills` commands, each killed with SIGKILL at a
    uniformly random instant within 1.2 times its uncut duration, followed by
    `build`, `check` and the invariants. `log` gets one line per kill."""

    OPS = ("import", "build", "publish", "unpublish", "edit", "subscribers add", "subscribers revoke", "upload")

    def __init__(self, workdir, wav, seed, episodes=200, log=None):
        self.dir = workdir
        self.show = os.path.join(workdir, "show")
        self.spool = os.path.join(workdir, "spool")
        self.wav = wav
        self.seed = seed
        self.rng = random.Random(seed)
        self.episodes = episodes
        self.log = log or (lambda line: None)
        self.env = dict(os.environ, CROSSTALK_SPOOL=self.spool)
        self.counter = 0
        self.stats = {op: {"runs": 0, "killed": 0} for op in self.OPS}
        self.failures = []  # (kill number, op, problem)
        self.durations = {}
        self.leftover_incoming = 0
        self.queue = []

    def setup(self):
        os.makedirs(self.spool, exist_ok=True)
        make_show(self.show, self.wav, self.episodes, "--private", "--base-url", "http://127.0.0.1:8080/")
        self.take = os.path.join(self.dir, "take.opus")
        run(["encode", self.wav, self.take], check=0)
        self.take_seconds = opus_duration(self.take)
        for op in self.OPS:  # each once, uncut: how long it takes
            args, _ = self.command(op)
            start = time.monotonic()
            subprocess.run(args, env=self.env, capture_output=True, check=True)
            self.durations[op] = time.monotonic() - start
        self.before = listed(self.show)

    def command(self, op):
        """(argv, what to expect) for one run of `op`."""
        self.counter += 1
        i = self.counter
        numbers = sorted(self.before) if hasattr(self, "before") else [1]
        n = str(self.rng.choice(numbers))
        base = [BIN, "-C", self.show]
        if op == "import":
            return base + ["import", self.wav, "--title", f"Импорт {i}", "--out-of-turn"], {"title": f"Импорт {i}"}
        if op == "build":  # without the stamp of the last build: a full one
            if os.path.exists(os.path.join(self.show, ".crosstalk-build")):
                os.remove(os.path.join(self.show, ".crosstalk-build"))
            return base + ["build"], {}
        if op in ("publish", "unpublish"):
            return base + [op, n], {}
        if op == "edit":
            return base + ["edit", n, "--title", f"Правка {i} & <x>"], {}
        if op == "subscribers add":
            return base + ["subscribers", "add", f"Сотрудник {i}"], {"name": f"Сотрудник {i}"}
        if op == "subscribers revoke":
            names = sorted(subscribers(self.show))
            name = self.rng.choice(names) if names else "nobody"
            return base + ["subscribers", "revoke", name], {"name": name}
        if op == "upload":
            stem = f"rec-20261129T{i // 3600 % 24:02d}{i // 60 % 60:02d}{i % 60:02d}Z-{i:08x}"
            spool_item(self.spool, self.take, stem, self.show, self.take_seconds)
            return [BIN, "upload"], {"recording": stem}
        raise ValueError(op)

    def one(self, k):
        if not self.queue:  # every command once per len(OPS) kills, in a random order
            self.queue = self.rng.sample(self.OPS, len(self.OPS))
        op = self.queue.pop()
        args, expect = self.command(op)
        delay = self.rng.uniform(0.0, 1.2 * self.durations[op])
        p = subprocess.Popen(args, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(delay)
        killed = p.poll() is None
        if killed:
            p.send_signal(signal.SIGKILL)
        _, err = p.communicate()
        self.stats[op]["runs"] += 1
        self.stats[op]["killed"] += killed
        if not killed and p.returncode != 0 and op != "subscribers revoke":
            self.fail(k, op, f"exited {p.returncode} uncut: {err.decode(errors='replace').strip()}")
        for problem in self.verify(op, expect, killed):
            self.fail(k, op, problem)
        self.log(f"kill {k}: {op} after {delay * 1000:.0f} ms ({'killed' if killed else 'finished'})")

    def fail(self, k, op, problem):
        self.failures.append((k, op, problem))
        self.log(f"  FAILED after kill {k} ({op}): {problem}")

    def verify(self, op, expect, killed):
        problems = []
        build_and_check(self.show, problems)
        after = listed(self.show)
        guids = [e["guid"] for e in after.values()]
        if len(set(guids)) != len(guids):
            problems.append("a guid appears twice")
        problems += lost(self.before, after)
        new = {n: e for n, e in after.items() if n not in self.before}
        if op == "import":
            same = [e for e in after.values() if e["title"] == expect["title"]]
            if len(same) > 1 or (not killed and len(same) != 1):
                problems.append(f"import added its episode {len(same)} times")
        if op == "upload":
            count = recording_ids(self.show).get(expect["recording"], 0)
            left = os.path.exists(os.path.join(self.spool, expect["recording"] + ".xml"))
            if count > 1 or (count == 0 and not left) or (not killed and count != 1):
                problems.append(f"recording {expect['recording']} delivered {count} times, in the spool: {left}")
        if any(n > 1 for n in recording_ids(self.show).values()):
            problems.append("a recording was delivered twice")
        if op not in ("import", "upload") and new:
            problems.append(f"{op} added episodes {sorted(new)}")
        if op not in ("import", "upload") and len(after) != len(self.before):
            problems.append(f"{op}: {len(self.before)} episodes before, {len(after)} after")
        if op == "subscribers add" and not killed and expect["name"] not in subscribers(self.show):
            problems.append(f"{expect['name']} was added but is not listed")
        if op == "subscribers revoke" and not killed and expect["name"] in subscribers(self.show):
            problems.append(f"{expect['name']} was revoked but is still listed")
        published = [n for n, e in after.items() if e["state"] == "published"]
        problems += feed_problems(self.show, published)
        problems += [f"left behind: {t}" for t in temp_files(self.show)]
        self.leftover_incoming = len([n for n in os.listdir(os.path.join(self.show, "library"))
                                      if ".incoming-" in n])
        self.before = after
        return problems

    def run(self, kills):
        start = time.monotonic()
        for k in range(1, kills + 1):
            self.one(k)
        return time.monotonic() - start

    def summary(self):
        lines = [f"seed {self.seed}, {sum(s['runs'] for s in self.stats.values())} commands, "
                 f"{sum(s['killed'] for s in self.stats.values())} killed while running, "
                 f"{len(self.failures)} problems"]
        for op, s in self.stats.items():
            lines.append(f"  {op:20s} runs {s['runs']:4d}  killed {s['killed']:4d}  "
                         f"uncut {self.durations.get(op, 0) * 1000:6.0f} ms")
        lines.append(f"  episodes at the end: {len(self.before)}; .incoming- files left in library/: "
                     f"{self.leftover_incoming}")
        return lines


class SoakCampaign:
    """`procs` workers, each `rounds` rounds of import → schedule (in the
    past) → edit of a random published episode → build, on one show while
    `crosstalk serve` runs and a poller GETs and parses feed.xml `rate` times
    a second (expat; feedparser once a second), and HEADs `heads` of its enclosures each time: an enclosure
    must be as long as the file served then, or as the next poll's feed says
    (a build links new audio before it replaces the feeds)."""

    def __init__(self, workdir, wav, seed, procs=8, rounds=50, rate=50, heads=3, episodes=50, log=None):
        self.show = os.path.join(workdir, "show")
        self.wav, self.seed, self.rng = wav, seed, random.Random(seed)
        self.procs, self.rounds, self.rate, self.heads, self.episodes = procs, rounds, rate, heads, episodes
        self.log = log or (lambda line: None)
        self.failures = []
        self.polls = self.torn = self.heads_done = self.late_matches = 0
        self.imported = []  # (worker, round, number printed)

    def setup(self):
        from http_support import free_port, wait_for_port
        make_show(self.show, self.wav, self.episodes)
        self.before = listed(self.show)
        self.port = free_port()
        self.server = subprocess.Popen([BIN, "-C", self.show, "serve", "--listen", f"127.0.0.1:{self.port}"],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wait_for_port(self.port, self.server)

    def worker(self, w, seed):
        rng = random.Random(seed)
        for r in range(self.rounds):
            p = ct(self.show, "import", self.wav, "--title", f"Работник {w} раунд {r}", "--out-of-turn")
            m = re.search(r"imported episode (\d+)", p.stdout)
            if p.returncode or not m:
                self.failures.append(f"worker {w} round {r}: import exited {p.returncode}: {p.stderr.strip()}")
                continue
            self.imported.append((w, r, int(m.group(1))))
            for args in (["schedule", m.group(1), "--at", "2026-01-01T10:00", "--now", "2025-12-31T10:00"],
                         ["edit", str(rng.randint(1, self.episodes)), "--title", f"Правка {w}/{r}"],
                         ["build"]):
                p = ct(self.show, *args)
                if p.returncode:
                    self.failures.append(f"worker {w} round {r}: {args[0]} exited {p.returncode}: {p.stderr.strip()}")

    def poller(self, stop):
        import http.client
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        pending = []  # (name, served length, feed length) to match the next feed
        while not stop.is_set():
            start = time.monotonic()
            try:
                conn.request("GET", "/feed.xml")
                body = conn.getresponse().read()
            except (OSError, http.client.HTTPException) as e:
                self.failures.append(f"poll {self.polls}: {e!r}")
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                continue
            self.polls += 1
            try:  # expat on every poll (fast enough for 50 a second), feedparser once a second
                items = ElementTree.fromstring(body).find("channel").findall("item")
                d = feedparser.parse(body) if self.polls % self.rate == 0 else None
                if d is not None and d.bozo:
                    raise ValueError(d.get("bozo_exception"))
            except (ElementTree.ParseError, ValueError) as e:
                self.torn += 1
                self.failures.append(f"poll {self.polls}: feed.xml does not parse: {e}")
                continue
            lengths = {i.find("enclosure").get("url").rsplit("/", 1)[1]: int(i.find("enclosure").get("length"))
                       for i in items if i.find("enclosure") is not None}
            for name, served, said in pending:
                if lengths.get(name) == served:
                    self.late_matches += 1
                else:
                    self.failures.append(f"poll {self.polls}: {name} served {served} bytes, the feed said {said}, "
                                         f"the next feed {lengths.get(name)}")
            pending = []
            for name in self.rng.sample(sorted(lengths), min(self.heads, len(lengths))):
                conn.request("HEAD", "/episodes/" + name)
                resp = conn.getresponse()
                resp.read()
                self.heads_done += 1
                served = int(resp.getheader("Content-Length", "-1")) if resp.status == 200 else None
                if served != lengths[name]:
                    pending.append((name, served, lengths[name]))
            time.sleep(max(0.0, 1.0 / self.rate - (time.monotonic() - start)))

    def run(self):
        import threading
        stop = threading.Event()
        poll = threading.Thread(target=self.poller, args=(stop,))
        poll.start()
        start = time.monotonic()
        workers = [threading.Thread(target=self.worker, args=(w, self.rng.randrange(1 << 32)))
                   for w in range(self.procs)]
        for t in workers:
            t.start()
        for t in workers:
            t.join()
        self.seconds = time.monotonic() - start
        time.sleep(0.5)
        stop.set()
        poll.join()
        self.server.send_signal(signal.SIGTERM)
        self.server.communicate(timeout=30)
        self.verify()
        return self.seconds

    def verify(self):
        build_and_check(self.show, self.failures)
        after = listed(self.show)
        self.failures += lost(self.before, after)
        numbers = [n for _, _, n in self.imported]
        if len(set(numbers)) != len(numbers):
            self.failures.append("two imports were given one number")
        titles = [e["title"] for e in after.values()]
        for w, r, n in self.imported:
            if titles.count(f"Работник {w} раунд {r}") != 1:  # edits touch only the first `episodes`
                self.failures.append(f"worker {w} round {r}: its episode {n} is not there once")
        if len(after) != len(self.before) + len(self.imported):
            self.failures.append(f"{len(self.before)} episodes + {len(self.imported)} imports, {len(after)} now")
        self.failures += feed_problems(self.show, [n for n, e in after.items() if e["state"] == "published"])
        self.after = after

    def summary(self):
        return [f"seed {self.seed}: {self.procs} workers x {self.rounds} rounds in {self.seconds:.0f} s, "
                f"{len(self.imported)} imports, {len(self.after)} episodes at the end",
                f"  {self.polls} polls of feed.xml ({self.polls / self.seconds:.0f}/s), {self.torn} torn, "
                f"{self.heads_done} enclosures HEADed, {self.late_matches} matched only the next feed",
                f"  {len(self.failures)} problems"]


class DiskFullCampaign:
    """import, build and subscribers add on a private show folder in a tiny
    file system that fills up: a tmpfs of `size` bytes (as root; mounted on
    `workdir/fs`, unmounted by close()) filled to leave each of `frees`
    bytes; not root: RLIMIT_FSIZE at each of `frees` bytes, SIGXFSZ ignored
    (as test_mp3 does). Each attempt either succeeds or says one line and
    exits 1, leaves no temporary file, every sidecar and subscribers.xml
    parse; with space again, `build` and `check` are clean, the feeds parse,
    and the episode or subscriber is there once if and only if it said so."""

    OPS = ("import", "build", "subscribers add")

    def __init__(self, workdir, wav, size=8 << 20, episodes=20, log=None, tmpfs=None):
        self.dir, self.wav, self.size, self.episodes = workdir, wav, size, episodes
        self.root = os.geteuid() == 0 if tmpfs is None else tmpfs
        self.fs = os.path.join(workdir, "fs")
        self.show = os.path.join(self.fs, "show")
        self.filler = os.path.join(self.fs, "filler")
        self.log = log or (lambda line: None)
        self.failures = []
        self.stats = {op: {"runs": 0, "ok": 0, "full": 0} for op in self.OPS}
        self.counter = 0

    def setup(self):
        os.makedirs(self.fs)
        if self.root:
            subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={self.size}", "tmpfs", self.fs], check=True)
        make_show(self.show, self.wav, self.episodes, "--private", "--base-url", "http://127.0.0.1:8080/")

    def close(self):
        if self.root and os.path.ismount(self.fs):
            subprocess.run(["umount", self.fs], check=True)

    def fill(self, free):
        """Leaves `free` bytes (rounded down to pages) on the tmpfs."""
        st = os.statvfs(self.fs)
        have = st.f_bavail * st.f_frsize
        with open(self.filler, "ab") as f:
            f.write(b"\0" * max(0, have - free))

    def attempt(self, op, free):
        self.counter += 1
        i = self.counter
        before = listed(self.show)
        names = subscribers(self.show)
        if op == "build":  # something for it to do: an episode due
            ct(self.show, "import", self.wav, "--title", f"К сборке {i}", "--out-of-turn", check=0)
            due = max(listed(self.show))
            ct(self.show, "schedule", str(due), "--at", "2026-01-01T10:00", "--now", "2025-12-31T10:00", check=0)
            before = listed(self.show)
        args = {"import": ["import", self.wav, "--title", f"Импорт {i}", "--out-of-turn"],
                "build": ["build"], "subscribers add": ["subscribers", "add", f"Сотрудник {i}"]}[op]
        if self.root:
            self.fill(free)
            p = ct(self.show, *args)
        else:
            import resource

            def limit():
                signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
                resource.setrlimit(resource.RLIMIT_FSIZE, (free, free))
            p = subprocess.run([BIN, "-C", self.show] + args, capture_output=True, text=True, preexec_fn=limit)
        problems = []
        self.stats[op]["runs"] += 1
        self.stats[op]["ok" if p.returncode == 0 else "full"] += 1
        lines = p.stderr.strip().splitlines()
        if p.returncode not in (0, 1) or (p.returncode == 1 and len(lines) != 1):
            problems.append(f"exited {p.returncode} saying {p.stderr!r}")
        left = [f"{sub}/{n}" for sub in ("", "library", "public", "public/episodes")
                if os.path.isdir(os.path.join(self.show, sub))
                for n in os.listdir(os.path.join(self.show, sub))
                if ".tmp-" in n or ".incoming-" in n or ".pending-" in n]
        problems += [f"left behind: {n}" for n in left]
        if os.path.exists(self.filler):
            os.remove(self.filler)
        for what in (["list", "--json"], ["subscribers", "list"]):
            r = ct(self.show, *what)
            if r.returncode:
                problems.append(f"{' '.join(what)} exited {r.returncode}: {r.stderr.strip()}")
        build_and_check(self.show, problems)  # with space again
        after = listed(self.show)
        problems += lost(before, after)
        added = len(after) - len(before)
        if op == "import" and added != (1 if p.returncode == 0 else 0):
            problems.append(f"import exited {p.returncode} and added {added} episodes")
        if op != "import" and added:
            problems.append(f"{op} added {added} episodes")
        if op == "subscribers add":
            there = f"Сотрудник {i}" in subscribers(self.show)
            if there != (p.returncode == 0):
                problems.append(f"subscribers add exited {p.returncode}; the subscriber is "
                                f"{'' if there else 'not '}listed")
        elif subscribers(self.show) != names:
            problems.append("the subscribers changed")
        problems += feed_problems(self.show, [n for n, e in after.items() if e["state"] == "published"])
        self.log(f"{op} with {free} bytes free: exit {p.returncode} {lines[-1] if lines else ''}")
        for problem in problems:
            self.failures.append((op, free, problem))
            self.log(f"  FAILED ({op}, {free} bytes free): {problem}")

    def run(self, frees):
        start = time.monotonic()
        for free in frees:
            for op in self.OPS:
                self.attempt(op, free)
        return time.monotonic() - start

    def summary(self):
        lines = [f"{'tmpfs' if self.root else 'RLIMIT_FSIZE'}: {len(self.failures)} problems"]
        for op, s in self.stats.items():
            lines.append(f"  {op:16s} runs {s['runs']:4d}  succeeded {s['ok']:4d}  refused (full) {s['full']:4d}")
        return lines
