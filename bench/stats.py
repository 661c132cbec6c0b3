"""`crosstalk stats` on a year of a 5,000-person company's access log
(2 million lines, generated) against GoAccess reading the same log in the
same run: medians of 7 and 3 wall times and their ratio (target ≤ 0.5), peak
memory (target ≤ 100 MiB), and an incremental run after 10,000 new lines
against the full recount (target ≤ 0.05; median of 21), beside a run with nothing new
and the binary's bare start (`crosstalk --version`: loading its shared
libraries), the floor of any run; and the same incremental count inside the
long-running studio (the comms desk's GET /api/stats after 10,000 new lines:
no process start).
Run: CROSSTALK_BIN=build/cli/crosstalk /usr/bin/python3 bench/stats.py [LINES]
(needs goaccess: scripts/setup.sh --bench)."""
import http.client, json, os, random, re, shutil, statistics, subprocess, sys, tempfile, time, uuid
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'blackbox'))
from support import run, BIN
from http_support import free_port, wait_for_port

LINES = int(sys.argv[1]) if len(sys.argv) > 1 else 2_000_000
PEOPLE, EPISODES, DAY = 5000, 104, 86400
START = 1767560400  # 2026-01-05T00:00:00+03:00
SIZE, SECONDS = 9_600_000, 1200  # 20 minutes at 64 kbit/s
rng = random.Random(14)
if not shutil.which("goaccess"):
    sys.exit("goaccess is missing: scripts/setup.sh --bench")

d = tempfile.mkdtemp(prefix="stats-bench-")
show = os.path.join(d, "show")
run(["init", show, "--title", "Бенчмарк", "--private", "--timezone", "Europe/Moscow"], check=0)
lib = os.path.join(show, "library")
published = []
for n in range(1, EPISODES + 1):
    dep = "marketing" if n % 2 else "sales"
    when = START + int((n - 1) * 3.5 * DAY) + 7 * 3600
    published.append((n, dep, when))
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when))
    with open(os.path.join(lib, f"{n:04d}-{dep}.xml"), "w", encoding="utf-8") as f:
        f.write(f"""<?xml version="1.0" encoding="UTF-8"?>
<episode version="1"><number>{n}</number><department>{dep}</department><title>Выпуск {n}</title>
<description>-</description><host>Анна</host><recorded-at>{stamp}</recorded-at><duration>{SECONDS}.000</duration>
<size>{SIZE}</size><mp3-size>{SIZE}</mp3-size><guid>{uuid.UUID(int=n)}</guid><state>published</state>
<publish-at>{stamp}</publish-at><published-at>{stamp}</published-at></episode>
""")
people = []
with open(os.path.join(show, "subscribers.xml"), "w", encoding="utf-8") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<subscribers version="1">\n')
    for i in range(PEOPLE):
        h = "%064x" % rng.getrandbits(256)
        dep = "marketing" if i % 5 < 2 else "sales" if i % 5 < 4 else ""
        extra = f' department="{dep}"' if dep else ""
        f.write(f'<subscriber name="Сотрудник {i}" token-sha256="{h}" added="2026-01-01T00:00:00Z"{extra}/>\n')
        agent = rng.choice(["AntennaPod/3.4.0", "Podcasts/1555.2.1 CFNetwork/1408.0.4 Darwin/22.5.0",
                            "gPodder/3.11.1 (+http://gpodder.org/) Linux", "Wget/1.21.3 podget",
                            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
                            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:115.0) Gecko/20100101 Firefox/115.0"])
        people.append((h[:12], f"10.{i % 7}.{(i // 7) % 40}.{i % 250 + 1}", agent, rng.random() < 0.5))
    f.write("</subscribers>\n")

def stamp(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S+03:00", time.gmtime(t + 3 * 3600))

def line(t, who, status, size, method, path, rng_hdr="", agent=None):
    sid, ip, ua, _ = who
    return f'{stamp(t)} {ip} "{sid}" {status} {size} {method} "/s/[token]/{path}" "{rng_hdr}" "{agent or ua}"\n'

def day_lines(day):
    t0 = START + day * DAY
    out = []
    recent = [e for e in published if e[2] <= t0 + DAY and e[2] > t0 - 30 * DAY]
    per_day = LINES / 365
    def at(t, *args):
        out.append((t, line(t, *args)))
    for _ in range(int(per_day * 0.80)):  # feed polls
        not_modified = rng.random() < 0.8
        at(t0 + rng.randrange(DAY), rng.choice(people), 304 if not_modified else 200, 0 if not_modified else 48000,
           "GET", "feed.xml")
    for _ in range(int(per_day * 0.05)):  # the page
        at(t0 + rng.randrange(DAY), rng.choice(people), 200, 30000, "GET", "")
    for _ in range(int(per_day * 0.02)):  # bots and HEAD
        who = rng.choice(people)
        at(t0 + rng.randrange(DAY), who, 200, 0, "HEAD", "episodes/0001-marketing.opus")
        at(t0 + rng.randrange(DAY), who, 200, SIZE, "GET", "feed.xml", "", "Googlebot/2.1")
    listens = int(per_day * 0.11 / 2.2)
    for _ in range(listens if recent else 0):
        who = rng.choice(people)
        n, dep, when = rng.choice(recent)
        t = max(when, t0) + rng.randrange(DAY // 2)
        ext = "mp3" if who[3] else "opus"
        path = f"episodes/{n:04d}-{dep}.{ext}"
        kind = rng.random()
        if kind < 0.4:
            out.append((t, line(t, who, 200, SIZE, "GET", path)))
        elif kind < 0.7:
            out.append((t, line(t, who, 206, 2, "GET", path, "bytes=0-1")))
            out.append((t + 1, line(t + 1, who, 206, SIZE, "GET", path, "bytes=0-")))
        elif kind < 0.9:
            for k in range(4):
                out.append((t + k * 30, line(t + k * 30, who, 206, 1_000_000, "GET", path, f"bytes={k * 1_000_000}-")))
        else:
            out.append((t, line(t, who, 200, 50_000, "GET", path)))
    out.sort()  # a log is in time order (to within the length of a request)
    return [l for _, l in out]

log = os.path.join(d, "access.log")
t = time.perf_counter()
with open(log, "w", encoding="utf-8") as f:
    for day in range(365):
        f.writelines(day_lines(day))
lines = sum(1 for _ in open(log, encoding="utf-8"))
print(f"generated {lines} lines ({os.path.getsize(log) / 1e6:.0f} MB) in {time.perf_counter() - t:.0f} s: {log}")

def timed(cmd, memory=False):
    """Wall time of one run, and with `memory` its peak memory (MiB) through
    /usr/bin/time: the kernel's own figure for a child Python spawned would
    be Python's, whose memory the child holds until it execs. A short run is
    timed without /usr/bin/time in between, whose own start (~1.4 ms here)
    would count against a 30 ms run."""
    t = time.perf_counter()
    done = subprocess.run((["/usr/bin/time", "-f", "%M"] if memory else []) + cmd, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t
    if done.returncode != 0:
        sys.exit(f"{cmd[0]} failed: {done.stderr[-2000:]}")
    return wall, int(done.stderr.strip().splitlines()[-1]) / 1024 if memory else None

stats = [BIN, "-C", show, "stats", "--log", log, "--html", os.path.join(d, "stats.html")]
goaccess = ["goaccess", log, "--no-global-config", "--log-format", '%dT%t+%^ %h "%^" %s %b %m "%U" "%^" "%u"',
            "--date-format", "%Y-%m-%d", "--time-format", "%H:%M:%S", "-o", os.path.join(d, "goaccess.html")]
ours, peer, rss = [], [], []
for _ in range(3):
    wall, mem = timed(stats + ["--full"], memory=True)
    ours.append(wall)
    rss.append(mem)
    peer.append(timed(goaccess, memory=True)[0])
# Four more recounts (a second each, against GoAccess's half minute): the
# incremental ratio's denominator moves less on a shared machine.
ours += [timed(stats + ["--full"])[0] for _ in range(4)]
print(f"crosstalk stats --full: median {statistics.median(ours):.2f} s {sorted(round(x, 2) for x in ours)}, "
      f"peak RSS {max(rss):.1f} MiB (target <= 100)")
print(f"goaccess:               median {statistics.median(peer):.2f} s {sorted(round(x, 2) for x in peer)}")
print(f"ratio stats/goaccess: {statistics.median(ours) / statistics.median(peer):.3f} (target <= 0.5)")
summary = subprocess.run(stats + ["--json"], capture_output=True, text=True).stdout
j = json.loads(summary)
print(f"counted: {j['downloads']} downloads, {j['listeners']} listeners, {len(j['episodes'])} episodes")

more, day = [], 365
def append_10000():
    """The days after the year, in order, 10,000 lines at a time."""
    global more, day
    while len(more) < 10_000:
        more += day_lines(day)
        day += 1
    with open(log, "a", encoding="utf-8") as f:
        f.writelines(more[:10_000])
    more = more[10_000:]

# Twenty-one and eleven: a run of 15-30 ms moves by milliseconds on a shared machine.
incremental = []
for k in range(21):
    append_10000()
    incremental.append(timed(stats)[0])
nothing_new = [timed(stats)[0] for _ in range(11)]
start = [timed([BIN, "--version"])[0] for _ in range(11)]
full = statistics.median(ours)
print(f"incremental after 10,000 new lines: median {statistics.median(incremental):.3f} s "
      f"{sorted(round(x, 3) for x in incremental)}; / full recount {statistics.median(incremental) / full:.3f} (target <= 0.05)")
print(f"nothing new: median {statistics.median(nothing_new):.3f} s {sorted(round(x, 3) for x in nothing_new)}; "
      f"/ full recount {statistics.median(nothing_new) / full:.3f}")
print(f"crosstalk --version: median {statistics.median(start):.3f} s {sorted(round(x, 3) for x in start)}; "
      f"/ full recount {statistics.median(start) / full:.3f}")
# The desk: the studio counts from the log show.xml names, in its own process.
show_xml = os.path.join(show, "show.xml")
with open(show_xml, encoding="utf-8") as f:
    text = re.sub(r'access-log="[^"]*"', f'access-log="{log}"', f.read())
with open(show_xml, "w", encoding="utf-8") as f:
    f.write(text)
link = run(["-C", show, "staff", "add", "Бенчмарк", "--role", "comms"], check=0).stdout
token = re.search(r"signin#([0-9a-f]{64})", link).group(1)
port = free_port()
studio = subprocess.Popen([BIN, "-C", show, "studio", "--listen", f"127.0.0.1:{port}"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                          env=dict(os.environ, CROSSTALK_SPOOL=os.path.join(d, "spool")))
try:
    wait_for_port(port, studio)
    def request(method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.request(method, path, body=body, headers=headers or {})
        res = conn.getresponse()
        data = res.read()
        conn.close()
        return res, data
    res, _ = request("POST", "/api/signin", json.dumps({"token": token}), {"Content-Type": "application/json"})
    cookie = {"Cookie": res.getheader("Set-Cookie").split(";")[0]}
    everything = "/api/stats?from=2026-01-01&to=2027-03-31"
    res, body = request("GET", everything, headers=cookie)  # the first: loads the time zones
    if res.status != 200 or json.loads(body)["source"] != "log":
        sys.exit(f"studio: {res.status} {body[:500]}")
    desk = []
    for k in range(3):
        append_10000()
        t = time.perf_counter()
        res, body = request("GET", everything, headers=cookie)
        desk.append(time.perf_counter() - t)
    print(f"desk GET /api/stats after 10,000 new lines (in the studio): median {statistics.median(desk):.3f} s "
          f"{sorted(round(x, 3) for x in desk)}; / full recount {statistics.median(desk) / full:.3f}")
finally:
    studio.terminate()
    studio.wait(30)
after_increments = json.loads(subprocess.run(stats + ["--json"], capture_output=True, text=True).stdout)
recount = json.loads(subprocess.run(stats + ["--full", "--json"], capture_output=True, text=True).stdout)
print(f"incremental runs and a full recount agree: {after_increments == recount} "
      f"({recount['downloads']} downloads, {recount['lines']['read']} lines)")
if after_increments != recount:
    print(json.dumps(after_increments)[:3000], "\n", json.dumps(recount)[:3000])
if not os.environ.get("BENCH_KEEP"):
    shutil.rmtree(d)
