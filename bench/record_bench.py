"""Recorder benchmark (issue 5), run by bench/record.sh.
Against a virtual microphone (PulseAudio null sink at 48 kHz, as in the
tests): whole-process CPU seconds (user+sys) and peak memory of
`crosstalk record --duration S` against `ffmpeg -f pulse … -c:a libopus -b:a 64k`
recording the same S seconds at the same time with the same settings
(64 kbit/s mono, complexity 10, VBR, 20 ms frames, application audio), and
the raw libopus floor for the same audio; peak memory at S and at a long
duration; and the time `crosstalk upload` (the step `record` runs after
stop) takes to put a 30-minute recording into a show's library/.
Usage: record_bench.py CROSSTALK FLOOR RUNS SECONDS LONG_SECONDS WORKDIR"""
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "blackbox"))
from vmic import VirtualMic  # noqa: E402

crosstalk, floor, runs, seconds, long_seconds, work = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
    float(sys.argv[4]), float(sys.argv[5]), sys.argv[6]


def sh(*args, **kw):
    return subprocess.run([str(a) for a in args], check=True, capture_output=True, **kw)


def timed(args, env, out):
    """Starts args under /usr/bin/time; returns (Popen, path of the figures)."""
    figures = out + ".time"
    proc = subprocess.Popen(["/usr/bin/time", "-f", "%U %S %M", "-o", figures, *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return proc, figures


def figures(path):
    user, system, rss = open(path).read().split()[-3:]
    return float(user) + float(system), int(rss) / 1024


text = open(os.path.join(os.path.dirname(__file__), "speech-ru.txt"), encoding="utf-8").read()
raw = os.path.join(work, "raw.wav")
sh("espeak-ng", "-v", "ru", "-w", raw, text)
speech = os.path.join(work, "speech.wav")
sh("sox", raw, "-r", "48000", "-c", "1", "-b", "16", speech, "repeat", "20", "trim", "0", str(seconds))
show = os.path.join(work, "show")
sh(crosstalk, "init", show, "--title", "Бенчмарк")
# Same work as ffmpeg's: capture and encode. (With normalisation on, the
# delivery also runs the import pipeline on the lossless copy: that is
# import's cost, measured by bench/encode.sh.)
show_xml = os.path.join(show, "show.xml")
with open(show_xml, encoding="utf-8") as f:
    settings = f.read().replace('normalize="true"', 'normalize="false"')
with open(show_xml, "w", encoding="utf-8") as f:
    f.write(settings)

ct_cpu, ff_cpu, ct_rss = [], [], []
with VirtualMic(rate=48000) as mic:
    env = dict(mic.env(), CROSSTALK_SPOOL=os.path.join(work, "spool"))
    for i in range(runs):
        ct, ct_fig = timed([crosstalk, "-C", show, "record", "--title", f"Прогон {i}", "--duration", str(seconds),
                            "--out-of-turn"], env, os.path.join(work, f"ct{i}"))
        ff, ff_fig = timed(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-f", "pulse", "-i", "vmic",
                            "-ac", "1", "-ar", "48000", "-c:a", "libopus", "-b:a", "64k", "-vbr", "on",
                            "-compression_level", "10", "-frame_duration", "20", "-application", "audio",
                            "-t", str(seconds), "-y", os.path.join(work, f"ff{i}.opus")], env, os.path.join(work, f"ff{i}"))
        time.sleep(0.5)
        mic.play(speech)
        for p in (ct, ff):
            _, err = p.communicate(timeout=seconds + 60)
            if p.returncode != 0:
                sys.exit(f"failed: {err.decode()[-500:]}")
        c, r = figures(ct_fig)
        f, _ = figures(ff_fig)
        ct_cpu.append(c)
        ff_cpu.append(f)
        ct_rss.append(r)
        print(f"run {i + 1}: crosstalk record {c:.3f} CPU s ({r:.1f} MiB), ffmpeg {f:.3f} CPU s", file=sys.stderr)
    long_proc, long_fig = timed([crosstalk, "-C", show, "record", "--title", "Долго", "--duration", str(long_seconds),
                                 "--out-of-turn"], env, os.path.join(work, "long"))
    long_proc.communicate(timeout=long_seconds + 120)
    long_cpu, long_rss = figures(long_fig)
    print(f"long: {long_seconds:.0f} s recorded, {long_cpu:.3f} CPU s, {long_rss:.1f} MiB", file=sys.stderr)

floor_s = statistics.median(float(sh(floor, speech, "64000", text=True).stdout.split()[0]) for _ in range(runs))

# Stop → library/ for a 30-minute recording: the spool file and its note,
# delivered by `crosstalk upload` exactly as `record` does after stop.
long_wav = os.path.join(work, "thirty.wav")
sh("sox", speech, long_wav, "repeat", str(int(1800 / seconds) - 1))
spool = os.path.join(work, "spool30")
os.makedirs(spool)
master = os.path.join(work, "thirty.opus")
sh(crosstalk, "encode", long_wav, master, "--no-normalize")
deliver = []
for i in range(runs):
    audio = os.path.join(spool, f"rec-2026-{i}.opus")
    sh("cp", master, audio)
    with open(audio[:-5] + ".xml", "w", encoding="utf-8") as f:
        f.write(f"""<?xml version="1.0" encoding="UTF-8"?>
<recording version="1"><show>{show}</show><title>Тридцать минут {i}</title><out-of-turn>true</out-of-turn>
<recorded-at>2026-11-26T12:00:00Z</recorded-at><state>complete</state><seconds>1800</seconds></recording>
""")
    start = time.monotonic()
    sh(crosstalk, "upload", env=dict(os.environ, CROSSTALK_SPOOL=spool))
    deliver.append(time.monotonic() - start)

ct_m, ff_m = statistics.median(ct_cpu), statistics.median(ff_cpu)
print()
print(f"medians of {runs} runs, {seconds:.0f} s from the virtual mic (48 kHz mono), 64 kbit/s:")
print(f"  crosstalk record      {ct_m:7.3f} CPU s   peak RSS {max(ct_rss):5.1f} MiB")
print(f"  ffmpeg -f pulse       {ff_m:7.3f} CPU s")
print(f"  raw libopus floor     {floor_s:7.3f} s (codec time of the same audio)")
print(f"  crosstalk / ffmpeg  = {ct_m / ff_m:.3f}  (target <= 0.7)")
print(f"  crosstalk / floor   = {ct_m / floor_s:.3f}")
print(f"  peak RSS: {max(ct_rss):.1f} MiB at {seconds:.0f} s, {long_rss:.1f} MiB at {long_seconds:.0f} s (target <= 30, flat)")
print(f"  stop → library/ for a 30-minute recording (upload of the spool file): median "
      f"{statistics.median(deliver):.3f} s of {', '.join(f'{d:.3f}' for d in deliver)} (target < 2 s)")
