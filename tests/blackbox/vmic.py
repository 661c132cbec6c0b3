"""A virtual microphone for recorder tests on machines without a sound card:
a private PulseAudio server whose null sink's monitor is remapped into a
source; ALSA's default device points at it, so PortAudio opens it like any
mic. Playing a file into the sink with paplay is speaking into the mic.
(Recipe: start the server with private dirs, wait for pactl, keep a
low-latency reader on the monitor so the sink renders in small blocks,
point ALSA at pulse only, tear down by PID.)"""
import os
import shutil
import subprocess
import tempfile
import time

PA_SCRIPT = """load-module module-native-protocol-unix auth-anonymous=1 socket={sock}
load-module module-null-sink sink_name=vspk rate={rate} channels=1
load-module module-remap-source master=vspk.monitor source_name=vmic
set-default-sink vspk
set-default-source vmic
"""

ASOUND = """pcm.!default { type pulse }
ctl.!default { type pulse }
"""


class VirtualMic:
    def __init__(self, rate=16000):
        self.rate = rate
        self.dir = tempfile.mkdtemp(prefix="crosstalk-vmic-")
        self.procs = []

    def env(self):
        """The environment every client (crosstalk, paplay, espeak-ng) needs."""
        d = self.dir
        return dict(os.environ, HOME=os.path.join(d, "home"), XDG_RUNTIME_DIR=os.path.join(d, "run"),
                    XDG_CONFIG_HOME=os.path.join(d, "config"), PULSE_SERVER=f"unix:{d}/run/pulse.sock",
                    ALSA_CONFIG_PATH=os.path.join(d, "asound.conf"))

    def __enter__(self):
        d = self.dir
        for sub in ("home", "run", "config"):
            os.makedirs(os.path.join(d, sub), mode=0o700)
        with open(os.path.join(d, "vmic.pa"), "w") as f:
            f.write(PA_SCRIPT.format(sock=f"{d}/run/pulse.sock", rate=self.rate))
        with open(os.path.join(d, "asound.conf"), "w") as f:
            f.write(ASOUND)
        env = self.env()
        with open(os.path.join(d, "pulse.log"), "w") as log:
            self.server = subprocess.Popen(["pulseaudio", "-n", "-F", os.path.join(d, "vmic.pa"), "--daemonize=no",
                                            "--exit-idle-time=-1", "--use-pid-file=no", "--system=false"],
                                           env=env, stdout=subprocess.DEVNULL, stderr=log)
        self.procs.append(self.server)
        for _ in range(200):
            if subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode == 0:
                break
            if self.server.poll() is not None:
                raise RuntimeError("pulseaudio exited: " + open(os.path.join(d, "pulse.log")).read()[-2000:])
            time.sleep(0.05)
        else:
            raise RuntimeError("pulseaudio did not answer")
        # Without a low-latency reader the null sink renders in 2 s blocks.
        self.procs.append(subprocess.Popen(["pacat", "-r", "-d", "vspk.monitor", "--latency-msec=20", "--raw"],
                                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        time.sleep(2.1)
        return self

    def wait_for_capture(self, proc=None, timeout=30):
        """Waits until a program reads from the mic (PulseAudio lists a
        source output on it), so that what is played next is heard: a fixed
        sleep was too short for a recorder starting under ASan on a busy
        machine, and the whole phrase went into an unheard sink."""
        env = self.env()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc is not None and proc.poll() is not None:
                raise RuntimeError("the recorder exited before it opened the mic")
            sources = subprocess.run(["pactl", "list", "short", "sources"], env=env, capture_output=True,
                                     text=True).stdout
            mic = [line.split("\t")[0] for line in sources.splitlines() if line.split("\t")[1:2] == ["vmic"]]
            outputs = subprocess.run(["pactl", "list", "short", "source-outputs"], env=env, capture_output=True,
                                     text=True).stdout
            if mic and any(line.split("\t")[1:2] == mic for line in outputs.splitlines()):
                time.sleep(0.2)  # the stream's first buffers
                return
            time.sleep(0.05)
        raise RuntimeError("nothing opened the virtual mic")

    def play(self, wav):
        """Plays a file into the mic in real time (blocks)."""
        subprocess.run(["paplay", "-d", "vspk", wav], env=self.env(), check=True)

    def __exit__(self, *exc):
        for p in reversed(self.procs):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        shutil.rmtree(self.dir, ignore_errors=True)
        try:
            os.remove("/dev/shm/jack_db-0")  # left by PortAudio's JACK probe
        except OSError:
            pass
