"""The comms desk on a 10,000-episode show: how long the episode list (first
and last page, a filter) and the timeline take through the real studio, the
first screen of the desk in headless Chromium, and, beside them, how long
`crosstalk build` takes on the same show (all of it, then with nothing to do).
Run: CROSSTALK_BIN=build/cli/crosstalk /usr/bin/python3 bench/desk_latency.py"""
import json, os, subprocess, sys, tempfile, time, statistics, http.client
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'blackbox'))
from show_support import write_episodes
from support import run, speech
from test_studio import Studio
d = tempfile.mkdtemp()
show = os.path.join(d, "show")
run(["init", show, "--title", "T"], check=0)
speech(os.path.join(d, "s.wav"), "Проверка.", "ru", 16000)
run(["encode", os.path.join(d, "s.wav"), os.path.join(d, "one.opus")], check=0)
run(["encode", os.path.join(d, "s.wav"), os.path.join(d, "one.mp3")], check=0)
write_episodes(show, os.path.join(d, "one.opus"), 10000, "Архив", mp3=os.path.join(d, "one.mp3"))
builds = []
for _ in range(2):
    t = time.perf_counter()
    run(["-C", show, "build"], check=0)
    builds.append(time.perf_counter() - t)
out = run(["-C", show, "staff", "add", "C", "--role", "comms"], check=0).stdout
token = out.split("signin#")[1].split()[0]
st = Studio(show, os.path.join(d, "spool"), os.path.join(d, "log"))
res, _ = st.request("POST", "/api/signin", json.dumps({"token": token}), {"Content-Type": "application/json"})
cookie = res.getheader("Set-Cookie").split(";")[0]
for path in ("/api/episodes?page=1", "/api/episodes?page=200", "/api/episodes?state=draft", "/api/timeline"):
    times = []
    for _ in range(7):
        t = time.perf_counter()
        r, body = st.request("GET", path, headers={"Cookie": cookie})
        times.append(time.perf_counter() - t)
        assert r.status == 200, body
    print(f"{path}: median {statistics.median(times)*1000:.0f} ms (min {min(times)*1000:.0f}, max {max(times)*1000:.0f}), {len(body)} bytes")
here = os.path.dirname(os.path.abspath(__file__))
shots = subprocess.run(["node", os.path.join(here, "desk_first_screen.js"), st.base, st.base + "signin#" + token, "7"],
                       capture_output=True, text=True, check=True)
first = json.loads(shots.stdout.strip().splitlines()[-1])
print(f"desk first screen in Chromium: median {statistics.median(first):.0f} ms (min {min(first)}, max {max(first)}) of {first}")
print(f"crosstalk build of the 10,000-episode show: {builds[0]:.2f} s; again with nothing to do: {builds[1]:.2f} s")
st.stop()
