"""Helpers for the black-box suites: run the real crosstalk binary, make test
audio with the real tools (espeak-ng, sox), check results with independent
ones (opusinfo, opusdec, ffprobe, mutagen)."""
import os
import shutil
import struct
import subprocess
import tempfile
import unittest
import zlib

import numpy as np

BIN = os.environ.get("CROSSTALK_BIN", "crosstalk")
NOBODY = 65534


def _sanitized():
    try:
        with open(shutil.which(BIN) or BIN, "rb") as binary:
            return b"__asan_init" in binary.read()
    except OSError:
        return False


# The binary under test was built with AddressSanitizer: memory bounds are
# the normal build's to meet (shadow memory and the 256 MiB quarantine swell
# RSS), and capacity runs shrink to the same code paths on less data.
SANITIZED = _sanitized()


def run(args, check=None, binary=None, **kw):
    """Runs crosstalk with args; returns CompletedProcess (text)."""
    proc = subprocess.run([binary or BIN] + [str(a) for a in args], capture_output=True, text=True, **kw)
    if check is not None and proc.returncode != check:
        raise AssertionError(f"crosstalk {args} exited {proc.returncode}, wanted {check}:\n"
                             f"{proc.stdout}\n{proc.stderr}")
    return proc


def tool(args, **kw):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, check=True, **kw)


class TempDirTest(unittest.TestCase):
    """Each test gets its own folder."""

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="crosstalk-bb-")
        self.dir = self._tmp.name
        os.chmod(self.dir, 0o755)

    def tearDown(self):
        self._tmp.cleanup()

    def path(self, name):
        return os.path.join(self.dir, name)

    def run_unprivileged(self, args, **kw):
        """Runs crosstalk so that file permissions apply: as nobody when we are
        root, from a copy of the binary nobody can reach (the build folder may
        sit under a private home)."""
        if os.geteuid() != 0:
            return run(args, **kw)
        copy = self.path(".crosstalk/bin/crosstalk")
        if not os.path.exists(copy):
            # Its modules where it looks for them: ../lib/crosstalk.
            shutil.copytree(os.path.join(os.path.dirname(os.path.realpath(shutil.which(BIN))), "..", "lib", "crosstalk"),
                            self.path(".crosstalk/lib/crosstalk"))
            os.makedirs(os.path.dirname(copy))
            shutil.copy(shutil.which(BIN), copy)
            for d in (".crosstalk", ".crosstalk/bin", ".crosstalk/lib", ".crosstalk/lib/crosstalk"):
                os.chmod(self.path(d), 0o755)
            os.chmod(copy, 0o755)
        return run(args, binary=copy, preexec_fn=as_nobody(), **kw)

    def assertOneLineError(self, proc, code, *needles):
        self.assertEqual(proc.returncode, code, proc.stderr)
        lines = proc.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, f"want one line, got: {proc.stderr!r}")
        for needle in needles:
            self.assertIn(needle, lines[0])

    def assertOpusinfoClean(self, path):
        out = subprocess.run(["opusinfo", path], capture_output=True, text=True)
        text = out.stdout + out.stderr
        self.assertEqual(out.returncode, 0, text)
        self.assertNotIn("WARNING", text, text)
        self.assertNotIn("ERROR", text, text)


def speech(path, text, voice="ru", rate=None, channels=1, bits=16):
    """espeak-ng speech (22.05 kHz mono), converted by sox to the rate and channels asked."""
    raw = path + ".espeak.wav"
    tool(["espeak-ng", "-v", voice, "-w", raw, text])
    args = ["sox", raw, "-b", str(bits), "-c", str(channels)]
    if rate:
        args += ["-r", str(rate)]
    tool(args + [path])
    os.remove(raw)


def sweep(path, rate, channels, seconds=3.0):
    top = min(3000, rate // 2 - 500)
    tool(["sox", "-n", "-r", rate, "-c", channels, "-b", 16, path, "synth", seconds,
          "sine", f"100-{top}"])


def write_wav(path, samples, rate, bits=16):
    """samples: float array (frames,) or (frames, channels) in [-1, 1]."""
    data = np.asarray(samples, dtype=np.float64)
    if data.ndim == 1:
        data = data[:, None]
    channels = data.shape[1]
    if bits == 16:
        pcm = np.clip(np.round(data * 32767), -32768, 32767).astype("<i2").tobytes()
        fmt = 1
    else:
        pcm = data.astype("<f4").tobytes()
        fmt = 3
    block = channels * bits // 8
    header = b"RIFF" + struct.pack("<I", 36 + len(pcm)) + b"WAVE"
    header += b"fmt " + struct.pack("<IHHIIHH", 16, fmt, channels, rate, rate * block, block, bits)
    header += b"data" + struct.pack("<I", len(pcm))
    with open(path, "wb") as f:
        f.write(header + pcm)


def read_wav(path):
    """Returns (float array (frames, channels), rate) for PCM16 or float WAVs."""
    with open(path, "rb") as f:
        blob = f.read()
    assert blob[:4] == b"RIFF" and blob[8:12] == b"WAVE", path
    pos, fmt = 12, None
    while pos + 8 <= len(blob):
        cid, size = blob[pos:pos + 4], struct.unpack("<I", blob[pos + 4:pos + 8])[0]
        body = blob[pos + 8:pos + 8 + size]
        if cid == b"fmt ":
            tag, channels, rate, _, _, bits = struct.unpack("<HHIIHH", body[:16])
            if tag == 0xFFFE:
                tag = struct.unpack("<H", body[24:26])[0]
            fmt = (tag, channels, rate, bits)
        elif cid == b"data":
            tag, channels, rate, bits = fmt
            if tag == 3:
                data = np.frombuffer(body[: len(body) // 4 * 4], dtype="<f4").astype(np.float64)
            else:
                data = np.frombuffer(body[: len(body) // 2 * 2], dtype="<i2") / 32768.0
            return data.reshape(-1, channels), rate
        pos += 8 + size + (size & 1)
    raise AssertionError(f"{path}: no data chunk")


def decode(opus_path, out_wav):
    """opusdec (opusfile) at 48 kHz float: the reference decoder."""
    tool(["opusdec", "--quiet", "--rate", "48000", "--float", opus_path, out_wav])
    data, rate = read_wav(out_wav)
    assert rate == 48000
    return data


def png(path, width=64, height=64):
    """A real RGB PNG (zlib-compressed gradient)."""
    rows = b"".join(b"\x00" + bytes(v for x in range(width) for v in (x * 4 % 256, y * 4 % 256, 128))
                    for y in range(height))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    blob = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    blob += chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(blob)
    return blob


def ogg_pages(path):
    """Yields (offset, end, granule, flags) for each complete page with a valid length."""
    with open(path, "rb") as f:
        blob = f.read()
    pos = 0
    while pos + 27 <= len(blob) and blob[pos:pos + 4] == b"OggS":
        flags = blob[pos + 5]
        granule = struct.unpack("<q", blob[pos + 6:pos + 14])[0]
        nseg = blob[pos + 26]
        if pos + 27 + nseg > len(blob):
            return
        body = sum(blob[pos + 27:pos + 27 + nseg])
        end = pos + 27 + nseg + body
        if end > len(blob):
            return
        yield pos, end, granule, flags
        pos = end


def as_nobody():
    """preexec_fn that drops root so permission checks apply (tests run as root in CI)."""
    if os.geteuid() != 0:
        return None
    def drop():
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)
    return drop


def slurp(path, mode="r"):
    with open(path, mode, **({} if "b" in mode else {"encoding": "utf-8"})) as f:
        return f.read()


def have(cmd):
    return shutil.which(cmd) is not None
