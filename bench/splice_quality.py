#!/usr/bin/python3
"""Splice quality of the chunked (parallel) encoder (issue 16).

For each signal, encodes the same source twice with `crosstalk encode
--no-normalize`: one stream (--threads 1) and in chunks (--threads N), both
decoded with opusdec (opusfile: pre-skip and end trimming applied) and
compared with the source, sample-aligned:
  - opusinfo prints no WARNING/ERROR for either file;
  - the decoded lengths are equal, and equal to the source's;
  - sizes within 1 %;
  - around every splice (the boundary of the first kept packet, cut - pre-skip
    in the decoded output): the parallel decode's SNR against the source in
    +-100 ms is at most 1 dB below the sequential decode's in the same
    window, and its largest sample-to-sample step in +-5 ms is at most 1.1x
    the sequential decode's.
Prints the worst splice of each signal; exits 1 if a target is missed.

Usage: splice_quality.py CROSSTALK WORK_DIR THREADS SIGNAL=WAV...
       (SIGNAL names a 48 kHz mono 16-bit WAV; bench/encode.sh and
       tests/blackbox/test_splices.py make them with espeak-ng and sox)
"""
import os
import subprocess
import sys
import wave

import numpy as np

PRE_SKIP = 312


def read_wav(path):
    with wave.open(path, "rb") as w:
        assert w.getsampwidth() == 2 and w.getnchannels() == 1 and w.getframerate() == 48000, path
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64) / 32768.0


def run(args):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, check=True)


def encode(crosstalk, wav, out, threads):
    proc = run([crosstalk, "encode", "--no-normalize", "--threads", threads, "--print-cuts", wav, out])
    cuts = []
    for line in proc.stdout.splitlines():
        if line.startswith("cuts:"):
            cuts = [int(x) for x in line.split()[1:]]
    info = subprocess.run(["opusinfo", out], capture_output=True, text=True)
    problems = [l for l in (info.stdout + info.stderr).splitlines() if "WARNING" in l or "ERROR" in l]
    decoded = out + ".wav"
    run(["opusdec", "--quiet", "--rate", "48000", "--no-dither", out, decoded])
    return cuts, read_wav(decoded), os.path.getsize(out), problems


def snr(reference, decoded):
    noise = np.sum((decoded - reference) ** 2)
    return 10 * np.log10(np.sum(reference ** 2) / noise) if noise > 0 else 200.0


def max_step(x):
    return float(np.max(np.abs(np.diff(x)))) if len(x) > 1 else 0.0


def check(crosstalk, work, threads, name, wav):
    source = read_wav(wav)
    _, seq, seq_size, seq_problems = encode(crosstalk, wav, os.path.join(work, name + "-seq.opus"), 1)
    cuts, par, par_size, par_problems = encode(crosstalk, wav, os.path.join(work, name + "-par.opus"), threads)
    failures = []
    if seq_problems or par_problems:
        failures.append(f"opusinfo: {seq_problems + par_problems}")
    if not cuts:
        failures.append("no splices (the file was not cut)")
    if not (len(par) == len(seq) == len(source)):
        failures.append(f"lengths: source {len(source)}, sequential {len(seq)}, parallel {len(par)}")
    size_diff = (par_size - seq_size) * 100.0 / seq_size
    if abs(size_diff) > 1.0:
        failures.append(f"size {size_diff:+.2f} %")
    worst_snr, worst_step = None, None
    n = min(len(source), len(seq), len(par))
    for cut in cuts:
        at = cut - PRE_SKIP
        lo, hi = max(0, at - 4800), min(n, at + 4800)
        d_snr = snr(source[lo:hi], par[lo:hi]) - snr(source[lo:hi], seq[lo:hi])
        lo5, hi5 = max(0, at - 240), min(n, at + 240)
        s_seq, s_par = max_step(seq[lo5:hi5]), max_step(par[lo5:hi5])
        ratio = s_par / s_seq if s_seq > 0 else (1.0 if s_par == 0 else float("inf"))
        if worst_snr is None or d_snr < worst_snr[0]:
            worst_snr = (d_snr, cut, snr(source[lo:hi], seq[lo:hi]))
        if worst_step is None or ratio > worst_step[0]:
            worst_step = (ratio, cut, s_seq, s_par)
    print(f"{name}: {len(source) / 48000:.1f} s, {len(cuts)} splices, {threads} threads; "
          f"sizes {seq_size} / {par_size} ({size_diff:+.2f} %); lengths {len(seq)} / {len(par)} (source {len(source)})")
    if cuts:
        d, cut, base = worst_snr
        print(f"  worst SNR splice at {cut / 48000:.3f} s: parallel {base + d:.2f} dB vs sequential {base:.2f} dB "
              f"({d:+.2f} dB; target >= -1)")
        if d < -1.0:
            failures.append(f"SNR {d:+.2f} dB at {cut / 48000:.3f} s")
        r, cut, s_seq, s_par = worst_step
        print(f"  worst step splice at {cut / 48000:.3f} s: max step {s_par:.4f} vs {s_seq:.4f} "
              f"(x{r:.3f}; target <= 1.1)")
        if r > 1.1:
            failures.append(f"step x{r:.3f} at {cut / 48000:.3f} s")
    for f in failures:
        print(f"  FAILED: {f}")
    return not failures


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    crosstalk, work, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
    ok = True
    for arg in sys.argv[4:]:
        name, wav = arg.split("=", 1)
        ok = check(crosstalk, work, threads, name, wav) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
