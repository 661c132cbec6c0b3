"""The Debian package (scripts/package.sh, docs/packaging.md): lintian finds
no errors; Depends has no build tool or -dev package; the man pages say what
--help says; the systemd units pass `systemd-analyze verify`; the bash
completion completes; and `apt-get install ./crosstalk_….deb` in a fresh
Debian 12 root (debootstrap minbase, cached) pulls what it needs and nothing
of the toolchain, after which crosstalk runs there: --version, init, encode,
build, serve answering a request. Only in the normal build (the package is
made from it, not from the sanitizer build)."""
import glob
import gzip
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import numpy as np

from http_support import free_port
from support import BIN, write_wav

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.normpath(os.path.join(HERE, "..", ".."))
BUILD = os.environ.get("CROSSTALK_BUILD_DIR", os.path.join(SOURCE, "build"))
# Nothing of the build toolchain may reach a server with the package.
TOOLCHAIN = re.compile(r"^(gcc|g\+\+|cpp|clang|llvm|binutils|make|cmake|ninja-build|pkg-config|pkgconf|dpkg-dev"
                       r"|build-essential|libc6-dev|libc-dev-bin|linux-libc-dev|libstdc\+\+-\d+-dev|libgcc-\d+-dev)"
                       r"(-\d+)?(-x86-64-linux-gnu)?$|-dev$")


def commands(help_text):
    """The subcommands a help text lists."""
    out, on = [], False
    for line in help_text.splitlines():
        if line.startswith("Subcommands:"):
            on = True
        elif on and re.match(r"^  [a-z]", line):
            out.append(line.split()[0])
        elif on and not line.strip():
            on = False
    return out


def tone(seconds):
    """440 Hz at -12 dBFS, 48 kHz mono."""
    return 0.25 * np.sin(2 * np.pi * 440 * np.arange(int(48000 * seconds)) / 48000)


def help_of(*words):
    env = dict(os.environ, HOME="~", XDG_CONFIG_HOME="")
    return subprocess.run([BIN, *words, "--help"], capture_output=True, text=True, env=env, check=True).stdout


class Package(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        done = subprocess.run([os.path.join(SOURCE, "scripts", "package.sh"), BUILD], capture_output=True, text=True)
        if done.returncode != 0:
            raise AssertionError("scripts/package.sh failed:\n" + done.stdout[-3000:] + done.stderr[-5000:])
        cls.deb = done.stdout.strip().splitlines()[-1]
        cls.lintian = done.stderr
        cls.tmp = tempfile.mkdtemp(prefix="crosstalk-pkg-")
        cls.tree = os.path.join(cls.tmp, "tree")
        subprocess.run(["dpkg-deb", "-x", cls.deb, cls.tree], check=True)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def field(self, name):
        return subprocess.run(["dpkg-deb", "-f", self.deb, name], capture_output=True, text=True, check=True).stdout.strip()

    def test_name_fields_and_depends(self):
        version = subprocess.run([BIN, "--version"], capture_output=True, text=True).stdout.split()[1]
        self.assertEqual(os.path.basename(self.deb), f"crosstalk_{version}_amd64.deb")
        self.assertNotRegex(self.lintian, r"(?m)^E: ", "lintian found errors")
        depends = [d.strip().split()[0] for d in re.split(r"[,|]", self.field("Depends"))]
        print(f"\n  Depends: {', '.join(depends)}")
        for lib in ("libopus0", "libavformat59", "libssl3", "libtag1v5", "libstdc++6", "adduser", "tzdata"):
            self.assertIn(lib, depends)
        self.assertEqual([d for d in depends if TOOLCHAIN.search(d)], [])
        files = subprocess.run(["dpkg-deb", "-c", self.deb], capture_output=True, text=True, check=True).stdout
        for path in ("./usr/bin/crosstalk", "./usr/lib/crosstalk/ffmpeg.so", "./usr/lib/crosstalk/tags.so", "./usr/lib/crosstalk/sndfile.so", "./lib/systemd/system/crosstalk-serve@.service",
                     "./lib/systemd/system/crosstalk-studio@.service", "./etc/logrotate.d/crosstalk",
                     "./usr/share/bash-completion/completions/crosstalk", "./usr/share/doc/crosstalk/copyright",
                     "./usr/share/man/man1/crosstalk.1.gz", "./usr/share/man/man1/crosstalk-serve.1.gz"):
            self.assertIn(path, files)

    def test_every_command_has_a_man_page_saying_what_its_help_says(self):
        man = os.path.join(self.tree, "usr", "share", "man", "man1")
        pages = 0

        def check(*words):
            nonlocal pages
            name = "-".join(("crosstalk",) + words)
            text = gzip.open(os.path.join(man, name + ".1.gz"), "rt", encoding="utf-8").read()
            plain = re.sub(r"\\f[A-Z,/\\]*|\\/|\\,", "", text).replace("\\-", "-")
            help_text = help_of(*words)
            options = set(re.findall(r"(?<![\w-])--?[A-Za-z][-A-Za-z0-9]*", help_text))
            self.assertTrue(options, name)
            for option in options:
                self.assertIn(option, plain, f"{name}.1 lacks {option}")
            for sentence in [l.strip() for l in help_text.splitlines()[:1]]:
                self.assertIn(sentence.split("(")[0].strip()[:40], plain.replace("\n", " "), name)
            pages += 1
            for sub in commands(help_text):
                check(*words, sub)

        check()
        self.assertEqual(len(os.listdir(man)), pages, "a page for no command")
        self.assertGreaterEqual(pages, 25)

    def test_units_pass_systemd_analyze_verify(self):
        units = os.path.join(self.tree, "lib", "systemd", "system")
        # verify needs an instance, and the binary where ExecStart names it:
        # the package's own, unpacked.
        root = os.path.join(self.tmp, "verify")
        os.makedirs(root)
        for unit in ("crosstalk-serve@.service", "crosstalk-studio@.service"):
            instance = os.path.join(root, unit.replace("@", "@srv-podcast-show"))
            with open(os.path.join(units, unit), encoding="utf-8") as f:
                text = f.read()
            self.assertIn("ExecStart=/usr/bin/crosstalk -C %f ", text)
            with open(instance, "w", encoding="utf-8") as f:
                f.write(text.replace("=/usr/bin/crosstalk ", f"={self.tree}/usr/bin/crosstalk "))
            done = subprocess.run(["systemd-analyze", "verify", "--man=no", instance], capture_output=True, text=True)
            self.assertEqual((done.returncode, done.stderr), (0, ""), unit)
            security = subprocess.run(["systemd-analyze", "security", "--offline=yes", instance],
                                      capture_output=True, text=True)
            exposure = re.search(r"Overall exposure level for .*: ([0-9.]+)", security.stdout)
            self.assertIsNotNone(exposure, security.stdout[-1500:] + security.stderr)
            print(f"\n  systemd-analyze security {unit}: {exposure.group(1)}")
            self.assertLess(float(exposure.group(1)), 3.0, security.stdout)

    def test_logrotate_reads_the_snippet(self):
        state = os.path.join(self.tmp, "logrotate.state")
        done = subprocess.run(["logrotate", "--debug", "--state", state,
                               os.path.join(self.tree, "etc", "logrotate.d", "crosstalk")], capture_output=True, text=True)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("/var/log/crosstalk/*.access.log", done.stderr)
        self.assertNotIn("error", done.stderr.lower())

    def complete(self, line, show=None):
        """What the packaged completion offers for `line` (the cursor at its end)."""
        script = os.path.join(self.tree, "usr", "share", "bash-completion", "completions", "crosstalk")
        words = line.split(" ")
        words[0] = BIN
        quoted = " ".join("'" + w.replace("'", "'\\''") + "'" for w in words)
        done = subprocess.run(["bash", "-c", f"source '{script}'; COMP_WORDS=({quoted}); COMP_CWORD={len(words) - 1}; "
                               "_crosstalk; printf '%s\\n' \"${COMPREPLY[@]}\""],
                              capture_output=True, text=True, env=dict(os.environ, HOME=self.tmp))
        return sorted(w for w in done.stdout.splitlines() if w)

    def test_bash_completion(self):
        self.assertEqual(self.complete("crosstalk pub"), ["publish"])
        self.assertIn("subscribers", self.complete("crosstalk "))
        self.assertEqual(self.complete("crosstalk spool l"), ["list"])
        self.assertEqual(self.complete("crosstalk serve --tls"), ["--tls-cert", "--tls-key"])
        self.assertIn("--access-log", self.complete("crosstalk -C x serve --"))
        show = os.path.join(self.tmp, "show")
        subprocess.run([BIN, "init", show, "--title", "Голос врага"], check=True, capture_output=True)
        wav = os.path.join(self.tmp, "tone.wav")
        write_wav(wav, tone(1.0), 48000)
        for _ in range(2):
            subprocess.run([BIN, "-C", show, "import", wav, "--title", "Тон", "--max-gain", "60"], check=True,
                           capture_output=True)
        self.assertEqual(self.complete(f"crosstalk -C {show} publish "), ["1", "2"])
        self.assertEqual(self.complete(f"crosstalk -C {show} schedule 2 --at"), ["--at"])
        self.assertEqual(self.complete(f"crosstalk -C {show} edit 1"), ["1"])
        # devices: the IDs `crosstalk devices` lists (none on a machine without inputs)
        listed = subprocess.run([BIN, "devices"], capture_output=True, text=True).stdout
        ids = sorted(re.findall(r"(?m)^[ *]\s*(\d+)  ", listed))
        self.assertEqual(self.complete("crosstalk record --device "), ids)

    def test_installs_and_runs_in_a_fresh_debian_root(self):
        tarball = subprocess.run([os.path.join(SOURCE, "scripts", "debian_root.sh")], capture_output=True, text=True)
        self.assertEqual(tarball.returncode, 0, tarball.stderr)
        root = os.path.join(self.tmp, "root")
        os.makedirs(root)
        subprocess.run(["tar", "-C", root, "-xf", tarball.stdout.strip()], check=True)
        shutil.copy("/etc/resolv.conf", os.path.join(root, "etc", "resolv.conf"))
        shutil.copy(self.deb, os.path.join(root, "tmp"))
        write_wav(os.path.join(root, "tmp", "tone.wav"), tone(2.0), 48000)
        # An MP3 is read by the FFmpeg module, loaded from ../lib/crosstalk/ (as is
        # the recording module, by `devices`).
        subprocess.run(["lame", "--quiet", os.path.join(root, "tmp", "tone.wav"), os.path.join(root, "tmp", "tone.mp3")],
                       check=True)
        # Downloaded packages are kept between runs (hard links when the cache is on the same disk).
        archives = os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "crosstalk",
                                "apt-archives")
        os.makedirs(archives, exist_ok=True)
        inside = os.path.join(root, "var", "cache", "apt", "archives")
        self.link_debs(archives, inside)
        port = free_port()
        with open(os.path.join(root, "tmp", "check.sh"), "w", encoding="utf-8") as f:
            f.write(CHECK.format(deb=os.path.basename(self.deb), port=port))
        # The proc mount lives in a mount namespace of its own: it goes with
        # the last process in it, whatever happens to this test. Inside a
        # chroot (the README's fresh-machine check) "/" is no mount point and
        # cannot be made private: then the proc mount is also undone by hand.
        done = subprocess.run(["unshare", "--mount", "--propagation", "unchanged", "--", "sh", "-c",
                               'mount --make-rprivate / 2>/dev/null; mount -t proc proc "$1/proc" || exit 1; '
                               'chroot "$1" /bin/bash /tmp/check.sh; rc=$?; umount "$1/proc"; exit $rc', "_", root],
                              capture_output=True, text=True, timeout=900)
        self.link_debs(inside, archives)
        out = done.stdout + done.stderr
        self.assertEqual(done.returncode, 0, out[-6000:])
        self.assertIn("crosstalk " + self.field("Version"), out)
        self.assertIn("ENCODED OggS", out)
        self.assertIn("FROM MP3 OggS", out)
        # The recording module (PortAudio) loads: a root without a sound card
        # has no input device, or only ALSA's plugins.
        devices = re.search(r"DEVICES (.*)", out).group(1)
        self.assertNotIn("module", devices)
        self.assertRegex(devices, r"no input devices|\[ALSA\]")
        self.assertIn("HTTP/1.1 200 OK", out)
        self.assertIn("<rss", out)
        self.assertRegex(out, r"USER crosstalk:x:\d+:\d+:")
        installed = re.search(r"INSTALLED\n(.*?)\nEND", out, re.S).group(1).split()
        print(f"\n  {len(installed)} packages in the root after the install")
        self.assertIn("crosstalk", installed)
        self.assertEqual([p for p in installed if TOOLCHAIN.search(p)], [], "toolchain or -dev packages installed")

    @staticmethod
    def link_debs(src, dst):
        for deb in glob.glob(os.path.join(src, "*.deb")):
            target = os.path.join(dst, os.path.basename(deb))
            if os.path.exists(target) or os.path.basename(deb).startswith("crosstalk_"):
                continue
            try:
                os.link(deb, target)
            except OSError:
                shutil.copy(deb, target)


# Runs inside the fresh root (bash; no Python there).
CHECK = r"""set -euo pipefail
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 PATH=/usr/sbin:/usr/bin:/sbin:/bin
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends /tmp/{deb} >/tmp/apt.log 2>&1 || {{ tail -30 /tmp/apt.log; exit 1; }}
crosstalk --version
echo "USER $(getent passwd crosstalk)"
cd /tmp
crosstalk encode tone.wav tone.opus --title 'Тон & <тест>' --max-gain 60
echo "ENCODED $(head -c 4 tone.opus)"
crosstalk encode tone.mp3 tone-mp3.opus --max-gain 60
echo "FROM MP3 $(head -c 4 tone-mp3.opus)"
echo "DEVICES $(crosstalk devices 2>&1 || true)"
crosstalk init /srv/show --title 'Голос врага' --base-url http://127.0.0.1:{port}/
crosstalk -C /srv/show import tone.wav --title 'Первый' --host 'Анна' --max-gain 60
crosstalk -C /srv/show publish 1
crosstalk -C /srv/show serve --listen 127.0.0.1:{port} >/tmp/serve.log 2>&1 &
serve=$!
for i in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/{port}) 2>/dev/null && break; sleep 0.1; done
exec 3<>/dev/tcp/127.0.0.1/{port}
printf 'GET /feed.xml HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' >&3
cat <&3 | head -c 2000
exec 3<&-
kill -TERM $serve
wait $serve
echo
echo INSTALLED
dpkg-query -W -f '${{Package}}\n'
echo END
"""

if __name__ == "__main__":
    unittest.main()
