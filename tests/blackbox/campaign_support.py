"""The campaigns of issue 11, shared by the long runs in bench/ and their
short smoke runs in the test suite: the same code, other counts.

- KillCampaign: kill -9 at random instants of every command that changes a
  show (seeded), each followed by `build`, `check` and the show's invariants.
- ShowInvariants: what must hold of a show after anything happened to it."""
import contextlib
import hashlib
import json
import os
import queue
import random
import re
import signal
import subprocess
import tempfile
import time
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


def library_problems(show):
    """After a build: every audio file has its sidecar, and no number has two."""
    lib = os.path.join(show, "library")
    names = [n for n in os.listdir(lib) if not n.startswith(".")]
    sidecars = {n[:-4] for n in names if n.endswith(".xml")}
    problems = [f"library/{n} has no sidecar" for n in names
                if n.endswith((".opus", ".mp3")) and n.rsplit(".", 1)[0] not in sidecars]
    numbers = [s.split("-", 1)[0] for s in sidecars]
    problems += [f"episode {k} has {numbers.count(k)} sidecars" for k in sorted(set(numbers)) if numbers.count(k) > 1]
    return problems


def lost(before, after):
    """Problems: episodes of `before` missing from `after` or renumbered."""
    return [f"episode {n} ({e['guid']}) lost or renumbered" for n, e in before.items()
            if n not in after or after[n]["guid"] != e["guid"]]


class KillCampaign:
    """One show (private, so that subscribers work on it; MP3 renditions on),
    `episodes` episodes; then `kills` commands, each killed with SIGKILL at a
    uniformly random instant within 1.2 times its uncut duration, followed by
    `build`, `check` and the invariants. `log` gets one line per kill."""

    OPS = ("import", "build", "publish", "unpublish", "edit", "move", "subscribers add", "subscribers revoke",
           "upload")

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
        for n in range(2, 7):  # a few drafts, which "move" can move
            ct(self.show, "unpublish", str(n), check=0)
        self.before = listed(self.show)
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
        if op == "move":  # a department change renames the episode's files (drafts and scheduled only)
            before = getattr(self, "before", {})
            movable = sorted(k for k, e in before.items() if e["state"] != "published")
            if not movable:  # the campaign published every draft: a title edit instead
                return base + ["edit", n, "--title", f"Правка {i}"], {"number": None}
            m = self.rng.choice(movable)
            was = before[m]["department"]
            to = "marketing" if was == "sales" else "sales"
            return base + ["edit", str(m), "--department", to, "--out-of-turn"], {"number": m, "was": was, "to": to}
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
        if op == "move" and expect["number"] in after:  # (None: not a move)
            now = after[expect["number"]]["department"]
            if now not in (expect["was"], expect["to"]) or (not killed and now != expect["to"]):
                problems.append(f"episode {expect['number']} is in {now} after moving {expect['was']} → {expect['to']}")
        problems += library_problems(self.show)
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


# How long a feed may lag the audio it links (a build links new audio, then
# replaces the feeds; 141 ms at most in the 8 x 50 soak on 2 loaded cores).
LAG_LIMIT = 5.0
# An enclosure in feed.xml as crosstalk writes it: (file name, length).
ENCLOSURE = re.compile(rb'<enclosure url="[^"]*/([^"/]+)" length="(\d+)"')


def poll_feed(port, rate, heads, seed, stop, results, deep):
    """One poller process: GETs feed.xml `rate` times a second over one
    keep-alive connection, checks each body is well-formed (expat, the whole
    document; a body byte for byte the same as one that parsed is not parsed
    again: a torn read never is), reads its enclosures and HEADs `heads` random ones: the served
    length must be the feed's, or a later poll's feed's within LAG_LIMIT
    seconds (a build links new audio before it replaces the feeds). Every body it can hand over goes to
    `deep` (feedparser in another process). Puts its counts in `results`."""
    import http.client
    from xml.parsers import expat
    rng = random.Random(seed)
    out = {"polls": 0, "parsed": 0, "torn": 0, "heads": 0, "late": 0, "lag": 0.0, "failures": []}
    verified = {}  # SHA-256 of a body that parsed → its enclosures' lengths (the last 64)
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    pending = []  # (name, served length, feed length, when) to match a later feed
    next_at = time.monotonic()
    while not stop.is_set():
        try:
            conn.request("GET", "/feed.xml")
            body = conn.getresponse().read()
        except (OSError, http.client.HTTPException) as e:
            out["failures"].append(f"poll {out['polls']}: {e!r}")
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            continue
        out["polls"] += 1
        digest = hashlib.sha256(body).digest()
        lengths = verified.get(digest)
        if lengths is None:  # bytes not seen before: parse them whole
            try:
                expat.ParserCreate().Parse(body, True)
            except expat.ExpatError as e:
                out["torn"] += 1
                out["failures"].append(f"poll {out['polls']}: feed.xml is not well-formed: {e}")
                continue
            out["parsed"] += 1
            lengths = {m.group(1).decode(): int(m.group(2)) for m in ENCLOSURE.finditer(body)}
            if len(lengths) != body.count(b"<item>"):
                out["failures"].append(f"poll {out['polls']}: {body.count(b'<item>')} items, {len(lengths)} enclosures")
            if len(verified) >= 64:
                verified.pop(next(iter(verified)))
            verified[digest] = lengths
            if deep.empty():
                try:
                    deep.put_nowait(body)
                except queue.Full:
                    pass
        now = time.monotonic()
        waiting = []
        for name, served, said, since in pending:
            if lengths.get(name) == served:
                out["late"] += 1
                out["lag"] = max(out["lag"], now - since)
            elif now - since > LAG_LIMIT:
                out["failures"].append(f"poll {out['polls']}: {name} served {served} bytes, the feed said {said}, "
                                       f"and {LAG_LIMIT} s later {lengths.get(name)}")
            else:
                waiting.append((name, served, said, since))
        pending = waiting
        for name in rng.sample(sorted(lengths), min(heads, len(lengths))):
            conn.request("HEAD", "/episodes/" + name)
            resp = conn.getresponse()
            resp.read()
            out["heads"] += 1
            served = int(resp.getheader("Content-Length", "-1")) if resp.status == 200 else None
            if served != lengths[name]:
                pending.append((name, served, lengths[name], now))
        next_at += 1.0 / rate
        time.sleep(max(0.0, next_at - time.monotonic()))
        if next_at < time.monotonic() - 1:  # far behind: do not burst to catch up
            next_at = time.monotonic()
    out["seconds"] = time.monotonic() - started
    results.put(out)


def parse_deeply(deep, results):
    """feedparser (as podcast apps parse) on whatever body the pollers
    handed over last, until it gets None."""
    out = {"deep": 0, "failures": []}
    while (body := deep.get()) is not None:
        d = feedparser.parse(body)
        out["deep"] += 1
        if d.bozo:
            out["failures"].append(f"feedparser: {d.get('bozo_exception')}")
    results.put(out)


class SoakCampaign:
    """`procs` workers, each `rounds` rounds of import → schedule (in the
    past) → edit of a random published episode → build, on one show while
    `crosstalk serve` runs and `pollers` poller processes (poll_feed) GET
    and check feed.xml `rate` times a second in all, HEADing `heads` of its
    enclosures each time; feedparser parses what they fetched in one more
    process, as often as it can. Processes, not threads, and expat on
    bodies not seen before: one poller thread sharing the interpreter with
    the workers' threads, with ElementTree on every poll (0.25 s on a
    450-item feed on the loaded machine) and feedparser once a second
    (seconds), managed 26 polls a second."""

    def __init__(self, workdir, wav, seed, procs=8, rounds=50, rate=50, heads=3, episodes=50, pollers=4, log=None):
        self.show = os.path.join(workdir, "show")
        self.wav, self.seed, self.rng = wav, seed, random.Random(seed)
        self.procs, self.rounds, self.rate, self.heads, self.episodes = procs, rounds, rate, heads, episodes
        self.pollers = pollers
        self.log = log or (lambda line: None)
        self.failures = []
        self.polls = self.parsed = self.torn = self.heads_done = self.late_matches = self.deep = 0
        self.poll_seconds = 0.0
        self.lag = 0.0  # the longest a feed lagged the audio it links, seen by a poller
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

    def run(self):
        import multiprocessing
        import threading
        mp = multiprocessing.get_context("fork")
        stop, results, deep = mp.Event(), mp.Queue(), mp.Queue(maxsize=1)
        polling = [mp.Process(target=poll_feed, args=(self.port, self.rate / self.pollers, self.heads,
                                                      self.rng.randrange(1 << 32), stop, results, deep))
                   for _ in range(self.pollers)]
        parsing = mp.Process(target=parse_deeply, args=(deep, results))
        for p in polling + [parsing]:
            p.start()
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
        outs = [results.get(timeout=60) for _ in polling]
        while True:  # the last body feedparser has not taken, then the end
            try:
                deep.get_nowait()
            except queue.Empty:
                break
        deep.put(None)
        outs.append(results.get(timeout=600))
        for p in polling + [parsing]:
            p.join()
        for out in outs:
            self.polls += out.get("polls", 0)
            self.parsed += out.get("parsed", 0)
            self.poll_seconds = max(self.poll_seconds, out.get("seconds", 0))
            self.torn += out.get("torn", 0)
            self.heads_done += out.get("heads", 0)
            self.late_matches += out.get("late", 0)
            self.lag = max(self.lag, out.get("lag", 0.0))
            self.deep += out.get("deep", 0)
            self.failures += out["failures"]
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
                f"  {self.polls} polls of feed.xml in {self.poll_seconds:.0f} s ({self.polls / self.poll_seconds:.1f}/s; "
                f"{self.parsed} different bodies, each parsed whole), {self.torn} torn, "
                f"{self.heads_done} enclosures HEADed, {self.late_matches} matched only a later feed "
                f"(after {self.lag * 1000:.0f} ms at most), "
                f"{self.deep} parsed by feedparser too",
                f"  {len(self.failures)} problems"]


class DiskFullCampaign:
    """import, build, subscribers add and record (`ops`; record needs `mic`,
    a VirtualMic) on a private show folder in a tiny file system that fills up: a tmpfs of
    `size` bytes (as root; mounted on `workdir/fs`, unmounted by close())
    filled to leave each of `frees` bytes; not root: RLIMIT_FSIZE at each of
    `frees` bytes, SIGXFSZ ignored (as test_mp3 does). The recorder's spool
    is on the same file system. Each attempt either succeeds or says one
    line and exits 1, leaves no temporary file, every sidecar and
    subscribers.xml parse; with space again, `build` and `check` are clean,
    the feeds parse, and the episode or subscriber is there once if and only
    if it said so — a recording that stopped or was not delivered is in the
    spool, and `recover` + `upload` deliver it once."""

    OPS = ("import", "build", "subscribers add")

    def __init__(self, workdir, wav, size=8 << 20, episodes=20, log=None, tmpfs=None, ops=OPS, mic=None,
                 record_seconds=2):
        self.dir, self.wav, self.size, self.episodes = workdir, wav, size, episodes
        self.root = os.geteuid() == 0 if tmpfs is None else tmpfs
        self.fs = os.path.join(workdir, "fs")
        self.show = os.path.join(self.fs, "show")
        self.spool = os.path.join(self.fs, "spool")
        self.filler = os.path.join(self.fs, "filler")
        self.log = log or (lambda line: None)
        self.mic, self.record_seconds = mic, record_seconds
        self.ops = ops
        self.failures = []
        self.stats = {op: {"runs": 0, "ok": 0, "full": 0} for op in self.ops}
        self.counter = 0
        self.unnormalised = set()  # audio files of recordings delivered at their recorded level
        self.loudness_findings = 0

    def setup(self):
        os.makedirs(self.fs)
        if self.root:
            subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={self.size}", "tmpfs", self.fs], check=True)
        make_show(self.show, self.wav, self.episodes, "--private", "--base-url", "http://127.0.0.1:8080/")
        os.makedirs(self.spool)

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
                "build": ["build"], "subscribers add": ["subscribers", "add", f"Сотрудник {i}"],
                "record": ["record", "--title", f"Запись {i}", "--out-of-turn",
                           "--duration", str(self.record_seconds)]}[op]
        env = dict(self.mic.env() if self.mic else os.environ, CROSSTALK_SPOOL=self.spool)
        in_spool = set(os.listdir(self.spool))
        limit = None
        if self.root:
            self.fill(free)
        else:
            import resource

            def limit():
                signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
                resource.setrlimit(resource.RLIMIT_FSIZE, (free, free))
        if op == "record":  # speech into the mic while it records
            p = subprocess.Popen([BIN, "-C", self.show] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True, env=env, preexec_fn=limit)
            try:
                self.mic.wait_for_capture(p)
                self.mic.play(self.wav)
            except RuntimeError:
                pass  # refused before it opened the mic (a full disk, say): judged below like any run
            out, err = p.communicate(timeout=120)
            p = subprocess.CompletedProcess(p.args, p.returncode, out, err)
        else:
            p = subprocess.run([BIN, "-C", self.show] + args, capture_output=True, text=True, env=env,
                               preexec_fn=limit)
        problems = []
        self.stats[op]["runs"] += 1
        self.stats[op]["ok" if p.returncode == 0 else "full"] += 1
        # libpulse (the virtual mic) notes a failed ftruncate of its shared memory under a file-size limit
        lines = [line for line in p.stderr.strip().splitlines() if not line.startswith("ftruncate()")]
        if p.returncode not in (0, 1) or (p.returncode == 1 and len(lines) != 1):
            problems.append(f"exited {p.returncode} saying {p.stderr!r}")
        left = [f"{sub}/{n}" for sub in ("", "library", "public", "public/episodes")
                if os.path.isdir(os.path.join(self.show, sub))
                for n in os.listdir(os.path.join(self.show, sub))
                if ".tmp-" in n or ".incoming-" in n or ".pending-" in n]
        left += [f"spool/{n}" for n in os.listdir(self.spool) if n.startswith(".")]
        problems += [f"left behind: {n}" for n in left]
        spooled = sorted(n for n in set(os.listdir(self.spool)) - in_spool if n.endswith(".opus"))
        if p.returncode == 0 and spooled:
            problems.append(f"record succeeded and left {spooled} in the spool")
        if os.path.exists(self.filler):
            os.remove(self.filler)
        delivered_later = 0
        if op == "record" and spooled:  # what the one line says to do, with space again
            for name in spooled:
                r = subprocess.run([BIN, "recover", os.path.join(self.spool, name)], capture_output=True, text=True,
                                   env=env)
                if r.returncode:
                    problems.append(f"recover {name} exited {r.returncode}: {r.stderr.strip()}")
            u = subprocess.run([BIN, "upload"], capture_output=True, text=True, env=env)
            if u.returncode:
                problems.append(f"upload exited {u.returncode}: {u.stderr.strip()}")
            delivered_later = len(spooled)
            if os.listdir(self.spool):
                problems.append(f"the spool still holds {sorted(os.listdir(self.spool))} after upload")
                for name in os.listdir(self.spool):  # not to trip the next attempts
                    os.remove(os.path.join(self.spool, name))
        for what in (["list", "--json"], ["subscribers", "list"]):
            r = ct(self.show, *what)
            if r.returncode:
                problems.append(f"{' '.join(what)} exited {r.returncode}: {r.stderr.strip()}")
        b = ct(self.show, "build")  # with space again
        if b.returncode:
            problems.append(f"build exited {b.returncode}: {b.stderr.strip()}")
        after = listed(self.show)
        problems += lost(before, after)
        added = len(after) - len(before)
        if op == "record" and (delivered_later or "lossless copy was dropped" in p.stdout):
            # Delivered without its lossless copy (dropped when the disk
            # filled, or cut short): at its recorded level, by design, so
            # `check` finds it off the show's loudness target (or silent:
            # cut before the speech began).
            self.unnormalised |= {os.path.basename(e["files"]["opus"])
                                  for n, e in after.items() if n not in before}
        problems += self.check()
        if op == "import" and added != (1 if p.returncode == 0 else 0):
            problems.append(f"import exited {p.returncode} and added {added} episodes")
        if op == "record" and added != (1 if p.returncode == 0 else delivered_later):
            problems.append(f"record exited {p.returncode}, {delivered_later} recording(s) were left in the spool, "
                            f"{added} episode(s) were added")
        if op == "record":
            self.stats[op]["spooled"] = self.stats[op].get("spooled", 0) + delivered_later
        if op not in ("import", "record") and added:
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

    def check(self):
        """`check`'s problems, but for the loudness of recordings delivered
        at their recorded level."""
        c = ct(self.show, "check")
        if c.returncode == 0:
            return []
        found = [line for line in c.stdout.splitlines() if ": " in line]
        other = [line for line in found
                 if not (os.path.basename(line.split(": ", 1)[0]) in self.unnormalised
                         and re.search(r"LU (under|over) the show's target|: silent \(", line))]
        if other or not found:
            return [f"check exited {c.returncode}: {c.stdout.strip()} {c.stderr.strip()}"]
        self.loudness_findings = len(found)
        return []

    def run(self, frees):
        start = time.monotonic()
        for free in frees:
            for op in self.ops:
                self.attempt(op, free)
        return time.monotonic() - start

    def summary(self):
        lines = [f"{'tmpfs' if self.root else 'RLIMIT_FSIZE'}: {len(self.failures)} problems"]
        for op, s in self.stats.items():
            lines.append(f"  {op:16s} runs {s['runs']:4d}  succeeded {s['ok']:4d}  refused (full) {s['full']:4d}"
                         + (f"  left in the spool, then recovered and uploaded {s.get('spooled', 0)}"
                            if op == "record" else ""))
        if self.unnormalised:
            lines.append(f"  delivered at their recorded level (no lossless copy): {len(self.unnormalised)}; "
                         f"`check` names the {self.loudness_findings} of them off the loudness target")
        return lines
