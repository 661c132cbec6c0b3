"""The browser studio through a real browser: Debian's Chromium driven by
Playwright (studio_browser.js) records from Chromium's fake microphone,
which plays espeak speech; the episode in library/ is then checked with
opusdec, opusinfo and mutagen. The refusals (no link, revoked link, forged
cookie, cross-origin socket, missing CSRF token, a host trying a comms
action) are checked with plain HTTP requests."""
import base64
import glob
import http.client
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import time
import xml.etree.ElementTree as ET

import numpy as np
from mutagen.oggopus import OggOpus

from show_support import NASTY, ShowTest, opus_duration
from http_support import make_certificate, wait_for_port
from support import BIN, decode, run, speech, tool

HERE = os.path.dirname(os.path.abspath(__file__))
ARTIFACTS = os.path.join(os.environ.get("CROSSTALK_ARTIFACTS", "/tmp/crosstalk-artifacts"), "studio")
HOST = "Анна Смирнова"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def best_alignment(recording, source):
    """Pearson correlation of `recording` with the looping `source` at the
    best offset (Chromium's fake microphone loops its file)."""
    loops = int(np.ceil(len(recording) / len(source))) + 2
    reference = np.tile(source, loops)
    n = 1 << int(np.ceil(np.log2(len(reference) + len(recording))))
    corr = np.fft.irfft(np.fft.rfft(reference, n) * np.conj(np.fft.rfft(recording, n)), n)
    offset = int(np.argmax(corr[: len(reference) - len(recording)]))
    window = reference[offset: offset + len(recording)]
    return float(np.corrcoef(window, recording)[0, 1]), offset


class Studio:
    """`crosstalk studio` on a free loopback port, its own spool."""

    def __init__(self, show, spool, log, *extra, tls=None, env=None):
        self.port = free_port()
        self.scheme = "https" if tls else "http"
        args = [BIN, "-C", show, "studio", "--listen", f"127.0.0.1:{self.port}", *extra]
        if tls:
            args += ["--tls-cert", tls[0], "--tls-key", tls[1]]
        self.log = open(log, "ab")
        env = dict(os.environ, CROSSTALK_SPOOL=spool, **(env or {}))
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, env=env)
        try:
            wait_for_port(self.port, self.proc)
        except AssertionError as e:
            with open(log, encoding="utf-8", errors="replace") as f:
                raise AssertionError(f"studio: {e}: {f.read()}") from None

    @property
    def base(self):
        return f"{self.scheme}://127.0.0.1:{self.port}/"

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request(method, path, body=body, headers=headers or {})
        res = conn.getresponse()
        data = res.read()
        conn.close()
        return res, data


class StudioTest(ShowTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 48 kHz speech played by the fake microphone, longer than any
        # recording here: Chromium loops the file with a seam, so a
        # recording must not reach the end of it to compare sample for sample.
        cls.mic = os.path.join(cls._audio_dir, "mic.wav")
        speech(cls.mic, "Маркетинг рассказывает продажам о победах и неудачах квартала. "
                        "Продажи отвечают, что клиенты ждут подкаст каждую неделю. "
                        "Раз, два, три, четыре, пять, шесть, семь, восемь, девять, десять. "
                        "Новый продукт вышел в октябре, и первые отзывы клиентов хорошие. "
                        "В ноябре мы провели три вебинара и получили сорок заявок. "
                        "Отдел продаж просит больше историй о реальных внедрениях. "
                        "Маркетинг обещает кейс про логистическую компанию к декабрю.", "ru", 48000)
        cls.mic_samples = decode_wav(cls.mic)

    def setUp(self):
        super().setUp()
        self.spool = self.path("spool")
        os.makedirs(self.spool)
        # Normalisation off: the episode is compared sample for sample with the speech played.
        show_xml = os.path.join(self.show, "show.xml")
        with open(show_xml, encoding="utf-8") as f:
            xml = f.read()
        with open(show_xml, "w", encoding="utf-8") as f:
            f.write(re.sub(r'normalize="true"', 'normalize="false"', xml))
        self.host_link = self.staff_add(HOST, "host", "marketing", "anna@example.com")
        self.comms_link = self.staff_add("Comms Desk", "comms")
        self.studios = []

    def tearDown(self):
        for s in self.studios:
            s.stop()
        super().tearDown()

    def staff_add(self, name, role, department=None, email=None):
        args = ["staff", "add", name, "--role", role]
        if department:
            args += ["--department", department]
        if email:
            args += ["--email", email]
        out = self.ct(*args, check=0).stdout
        return re.search(r"sign-in link: (\S+)", out).group(1)

    def studio(self, *extra, tls=None, env=None):
        s = Studio(self.show, self.spool, self.path("studio.log"), *extra, tls=tls, env=env)
        self.studios.append(s)
        return s

    def link(self, studio, link):
        return studio.base + link[link.index("signin#"):]

    def browser(self, scenario, studio, title, shots=None, stdin=None, **extra):
        args = dict(scenario=scenario, base=studio.base, link=self.link(studio, self.host_link), wav=self.mic,
                    title=title, shots=shots, **extra)
        proc = subprocess.Popen(["node", os.path.join(HERE, "studio_browser.js"), json.dumps(args)],
                                stdout=subprocess.PIPE, stdin=subprocess.PIPE, text=True)
        return proc

    def drive(self, scenario, studio, title, **extra):
        proc = self.browser(scenario, studio, title, **extra)
        out, _ = proc.communicate(timeout=240)
        lines = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
        result = lines[-1] if lines else {"ok": False, "error": out}
        self.assertTrue(result.get("ok"), f"{result}\n{open(self.path('studio.log')).read()}")
        return result

    def sidecars(self):
        out = {}
        for path in glob.glob(os.path.join(self.show, "library", "*.xml")):
            root = ET.parse(path).getroot()
            out[int(root.findtext("number"))] = root
        return out

    def wait_for_episode(self, number, seconds=60):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if number in self.sidecars():
                return self.sidecars()[number]
            time.sleep(0.2)
        raise AssertionError(f"episode {number} never appeared: {open(self.path('studio.log')).read()}")

    def episode_audio(self, root):
        stem = f"{int(root.findtext('number')):04d}-{root.findtext('department')}"
        return os.path.join(self.show, "library", stem + ".opus")

    def assertMatchesMic(self, opus, minimum=0.95):
        recording = decode(opus, self.path("decoded.wav"))[:, 0]
        corr, shifts = continuity(recording, self.mic_samples)
        spread = max(abs(x) for x in shifts)
        detail = f"correlation {corr:.3f}, alignments within {spread} samples of the first; shifts: {shifts}"
        self.assertGreaterEqual(corr, minimum, detail)
        self.assertLess(spread, DRIFT, detail)
        return corr, spread


SLACK = 960  # 20 ms at 48 kHz: how far one window may move from the last
# What Chromium's fake device may slip in all, in 10 ms capture buffers
# (seen: three in 12 s while offline): under 100 ms, less than the page's
# smallest message (116 ms), so a lost or doubled message still fails.
DRIFT = 4800


def continuity(recording, source, win=12000):
    """How well `recording` follows the looping `source` with nothing missing
    or doubled: quarter-second windows are aligned one after the other, each
    within 20 ms of where the one before ended (Chromium's fake device may
    slip by a 10 ms capture buffer on a loaded machine); quiet windows just
    continue. A lost or repeated message (about 100 ms of audio) cannot be
    followed, so the correlation after it collapses, and the shift from the
    first alignment would be a whole message or more. Returns (correlation,
    shifts)."""
    loop = len(source)
    reference = np.tile(source, int(np.ceil(len(recording) / loop)) + 2)
    _, first = best_alignment(recording[:48000], source)
    first %= loop  # the same place in the first copy (the best match may be in a later one)
    loud = np.mean(recording ** 2) * 0.05
    offset, aligned, shifts = first, [], []
    for start in range(0, len(recording) - win + 1, win):
        part = recording[start:start + win]
        if np.mean(part ** 2) > loud:
            lo = max(0, offset - SLACK)
            offset = lo + int(np.argmax(np.correlate(reference[lo:lo + win + 2 * SLACK], part, mode="valid")))
        shifts.append(offset - start - first)
        aligned.append(reference[offset:offset + win])
        offset += win
    used = recording[:len(aligned) * win]
    return float(np.corrcoef(np.concatenate(aligned), used)[0, 1]), shifts


def decode_wav(path):
    from support import read_wav
    data, rate = read_wav(path)
    assert rate == 48000
    return data[:, 0]


class BrowserRecording(StudioTest):
    def test_record_10_s_with_a_chapter_over_tls(self):
        key, cert = self.path("key.pem"), self.path("cert.pem")
        make_certificate(key, cert)
        studio = self.studio(tls=(cert, key))
        result = self.drive("record", studio, NASTY, shots=ARTIFACTS)
        self.assertGreater(result["meter"], -60, "the mic test's meter did not move")
        self.assertEqual(result["episode"], 1)  # the mic test made no episode
        e = self.wait_for_episode(1)
        opus = self.episode_audio(e)
        self.assertOpusinfoClean(opus)
        duration = opus_duration(opus)
        self.assertAlmostEqual(duration, 10.0, delta=0.2)
        corr, spread = self.assertMatchesMic(opus)
        print(f"\n  10 s over TLS: {duration:.3f} s, correlation {corr:.3f} (alignments within {spread} samples)")
        self.assertEqual(e.findtext("title"), NASTY)
        self.assertEqual(e.findtext("host"), HOST)
        self.assertEqual(e.findtext("recorded-by"), HOST)
        self.assertEqual(e.findtext("department"), "marketing")
        self.assertEqual(e.findtext("state"), "draft")
        self.assertEqual(e.findtext("note"), "Можно в пятницу — «готово» & <ok>")
        self.assertIsNone(e.find("cut-short"))
        chapters = e.findall("chapters/chapter")
        self.assertEqual(len(chapters), 1)
        self.assertAlmostEqual(float(chapters[0].get("start")), 3.0, delta=0.3)
        tags = OggOpus(opus)
        self.assertEqual(tags["artist"], [HOST])
        self.assertEqual(tags["department"], ["marketing"])
        self.assertEqual(tags["title"], [NASTY])
        self.assertTrue(any("Глава 1" in v for v in tags.get("chapter001name", [])), tags.pprint())
        self.assertTrue(os.path.exists(opus[:-5] + ".mp3"))
        self.assertEqual(os.listdir(self.spool), [])

    def test_pause_leaves_the_paused_stretch_out(self):
        studio = self.studio()
        result = self.drive("pause", studio, "С паузой")
        e = self.wait_for_episode(result["episode"])
        duration = opus_duration(self.episode_audio(e))
        print(f"\n  3 s + {result['paused']:.1f} s paused + 3 s → {duration:.3f} s")
        self.assertGreater(result["paused"], 2.9)
        self.assertAlmostEqual(duration, 6.0, delta=0.25)

    def test_5_s_offline_leaves_no_gap(self):
        studio = self.studio()
        result = self.drive("offline", studio, "Без сети")
        e = self.wait_for_episode(result["episode"])
        opus = self.episode_audio(e)
        duration = opus_duration(opus)
        self.assertAlmostEqual(duration, 12.0, delta=0.25)
        # One alignment for the whole episode: a gap would shift everything after it.
        corr, spread = self.assertMatchesMic(opus)
        print(f"\n  12 s with 5 s offline: {duration:.3f} s, correlation {corr:.3f} (alignments within {spread} samples)")
        log = open(self.path("studio.log")).read()
        self.assertGreaterEqual(log.count(" WS /api/record 101"), 2, "the page reconnected")

    def test_a_closed_tab_leaves_a_draft_marked_cut_short(self):
        studio = self.studio("--cut-short-after", "2")
        self.drive("close", studio, "Закрытая вкладка")
        e = self.wait_for_episode(1, seconds=30)
        self.assertEqual(e.findtext("cut-short"), "true")
        self.assertEqual(e.findtext("state"), "draft")
        duration = opus_duration(self.episode_audio(e))
        self.assertGreater(duration, 3.5)
        self.assertLess(duration, 6.0)

    def test_a_killed_studio_leaves_the_recording_in_the_spool_for_recover_and_upload(self):
        studio = self.studio()
        proc = self.browser("kill", studio, "Убитая студия")
        line = proc.stdout.readline()
        self.assertIn('"recording"', line)
        time.sleep(1.5)  # pages reach the disk at least every second
        studio.proc.kill()
        studio.proc.wait()
        proc.stdin.write("done\n")
        proc.stdin.flush()
        proc.communicate(timeout=60)
        self.assertEqual(self.sidecars(), {})
        audio = glob.glob(os.path.join(self.spool, "rec-*.opus"))
        self.assertEqual(len(audio), 1)
        env = dict(os.environ, CROSSTALK_SPOOL=self.spool)
        run(["recover", audio[0]], check=0, env=env)
        run(["upload"], check=0, env=env)
        e = self.sidecars()[1]
        opus = self.episode_audio(e)
        self.assertOpusinfoClean(opus)
        duration = opus_duration(opus)
        print(f"\n  killed after ≥ 5.5 s: {duration:.3f} s recovered")
        self.assertGreater(duration, 4.0)
        self.assertEqual(e.findtext("recorded-by"), HOST)


class Refusals(StudioTest):
    def sign_in(self, studio, link):
        token = link.split("#", 1)[1]
        res, body = studio.request("POST", "/api/signin", json.dumps({"token": token}),
                                   {"Content-Type": "application/json"})
        return res, body

    def session(self, studio, link):
        res, _ = self.sign_in(studio, link)
        self.assertEqual(res.status, 204)
        cookie = res.getheader("Set-Cookie")
        self.assertIn("HttpOnly", cookie)
        self.assertIn("SameSite=Strict", cookie)
        value = cookie.split(";")[0]
        res, body = studio.request("GET", "/api/me", headers={"Cookie": value})
        self.assertEqual(res.status, 200)
        return value, json.loads(body)["csrf"]

    def upgrade(self, studio, headers):
        key = base64.b64encode(os.urandom(16)).decode()
        res, _ = studio.request("GET", "/api/record", headers={
            "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Key": key,
            "Sec-WebSocket-Version": "13", **headers})
        return res.status

    def snapshot(self):
        files = {}
        for root, _, names in os.walk(self.show):
            for n in names:
                if n == ".crosstalk.lock":  # the show lock's holder note: who held it last, not show data
                    continue
                p = os.path.join(root, n)
                with open(p, "rb") as f:
                    files[p] = f.read()
        return files

    def test_each_refusal_has_its_status_and_changes_nothing(self):
        self.imp("Первый выпуск")
        studio = self.studio()
        before = self.snapshot()
        # No link: the page is the sign-in page with 401, the API 401.
        res, _ = studio.request("GET", "/")
        self.assertEqual(res.status, 401)
        self.assertEqual(studio.request("GET", "/api/me")[0].status, 401)
        # A wrong token, a forged cookie.
        self.assertEqual(self.sign_in(studio, "x#" + "0" * 64)[0].status, 403)
        self.assertEqual(studio.request("GET", "/api/me", headers={"Cookie": "ct_session=" + "a" * 64})[0].status, 401)
        host_cookie, host_csrf = self.session(studio, self.host_link)
        self.assertNotIn("Secure", studio.request("POST", "/api/signin", json.dumps({"token": self.host_link.split("#")[1]}),
                                                  {"Content-Type": "application/json"})[0].getheader("Set-Cookie"))
        origin = f"http://127.0.0.1:{studio.port}"
        # A state change without the CSRF token; with a wrong one.
        edit = json.dumps({"title": "Взлом"})
        self.assertEqual(studio.request("POST", "/api/episodes/1", edit, {"Cookie": host_cookie})[0].status, 403)
        self.assertEqual(studio.request("POST", "/api/episodes/1", edit,
                                        {"Cookie": host_cookie, "X-CSRF-Token": "b" * 64})[0].status, 403)
        # A host trying comms' actions: publishing; editing an episode not theirs.
        ok_headers = {"Cookie": host_cookie, "X-CSRF-Token": host_csrf}
        self.assertEqual(studio.request("POST", "/api/episodes/1/publish", "{}", ok_headers)[0].status, 403)
        self.assertEqual(studio.request("POST", "/api/episodes/1", edit, ok_headers)[0].status, 403)
        self.assertEqual(studio.request("GET", "/api/episodes/1/audio", headers=ok_headers)[0].status, 403)
        # The recording socket: from another site, without a session.
        self.assertEqual(self.upgrade(studio, {"Cookie": host_cookie, "Origin": "http://evil.example"}), 403)
        self.assertEqual(self.upgrade(studio, {"Origin": origin}), 401)
        self.assertEqual(self.upgrade(studio, {"Cookie": host_cookie, "Origin": origin}), 101)
        self.assertEqual(self.snapshot(), before, "a refused request changed the show folder")
        # Revoked: the session and the link stop working at the next request.
        self.ct("staff", "revoke", HOST, check=0)
        self.assertEqual(studio.request("GET", "/api/me", headers={"Cookie": host_cookie})[0].status, 401)
        self.assertEqual(self.sign_in(studio, self.host_link)[0].status, 403)
        # Comms may publish: the refusals above were the rules, not a broken endpoint.
        comms_cookie, comms_csrf = self.session(studio, self.comms_link)
        res, body = studio.request("POST", "/api/episodes/1/publish", "{}",
                                   {"Cookie": comms_cookie, "X-CSRF-Token": comms_csrf})
        self.assertEqual(res.status, 200, body)
        self.assertEqual(json.loads(body)["state"], "published")

    def test_single_sign_on_header_only_from_the_trusted_proxy(self):
        trusted = self.studio("--trust-proxy", "127.0.0.1", "--user-header", "X-Remote-User")
        res, body = trusted.request("GET", "/api/me", headers={"X-Remote-User": "anna@example.com"})
        self.assertEqual(res.status, 200, body)
        self.assertEqual(json.loads(body)["name"], HOST)
        self.assertEqual(trusted.request("GET", "/api/me", headers={"X-Remote-User": "mallory"})[0].status, 401)
        other = self.studio("--trust-proxy", "10.9.9.9", "--user-header", "X-Remote-User")
        self.assertEqual(other.request("GET", "/api/me", headers={"X-Remote-User": "anna@example.com"})[0].status, 401)

    def test_plain_http_off_loopback_is_refused(self):
        proc = run(["-C", self.show, "studio", "--listen", f"0.0.0.0:{free_port()}"])
        self.assertOneLineError(proc, 2, "--tls-cert")

    def test_the_start_line_and_refusals_in_the_readers_language(self):
        ru = dict(LC_ALL="", LC_MESSAGES="", LANG="ru_RU.UTF-8")
        studio = self.studio(env=ru)
        with open(self.path("studio.log"), encoding="utf-8") as f:
            first = f.readline()
        self.assertIn(f"работает по адресу http://127.0.0.1:{studio.port}/ "
                      "(ссылки для входа выдаёт «crosstalk staff add ИМЯ»); очередь: ", first)
        self.assertIn("Ctrl-C — остановить", first)
        ru = dict(os.environ, **ru)
        proc = run(["-C", self.show, "studio", "--listen", f"0.0.0.0:{free_port()}"], env=ru)
        self.assertOneLineError(proc, 2, "браузер даёт странице доступ к микрофону только по HTTPS", "--tls-cert")
        proc = run(["-C", self.show, "studio", "--user-header", "X-Remote-User"], env=ru)
        self.assertOneLineError(proc, 2, "--user-header нужен вместе с --trust-proxy")
        proc = run(["-C", self.show, "serve", "--listen", "8080"], env=ru)
        self.assertOneLineError(proc, 2, "--listen «8080»: укажите ХОСТ:ПОРТ, например 127.0.0.1:8080")
        proc = run(["-C", self.show, "serve", "--listen", "8080"], env=dict(os.environ, LC_ALL="C.UTF-8"))
        self.assertOneLineError(proc, 2, "--listen '8080': use HOST:PORT, e.g. 127.0.0.1:8080")

    def test_staff_links_and_errors(self):
        self.assertRegex(self.host_link, r"^http://127\.0\.0\.1:8090/signin#[0-9a-f]{64}$")
        proc = self.ct("staff", "add", HOST, "--role", "host")
        self.assertOneLineError(proc, 2, "already")
        proc = self.ct("staff", "add", "Новый", "--department", "legal")
        self.assertOneLineError(proc, 2, "legal")
        with open(os.path.join(self.show, "staff.xml"), encoding="utf-8") as f:
            staff = f.read()
        self.assertNotIn(self.host_link.split("#")[1], staff)
        out = self.ct("staff", "list", check=0).stdout
        self.assertIn(HOST, out)
        self.assertIn("comms", out)


if __name__ == "__main__":
    import unittest
    unittest.main()


class StudioBehindNginx(StudioTest):
    """docs/nginx-studio.conf as IT would install it: nginx terminates TLS and
    proxies the studio on loopback, WebSocket included."""

    def setUp(self):
        super().setUp()
        self.nginx_port = free_port()
        key, cert = self.path("key.pem"), self.path("cert.pem")
        make_certificate(key, cert)
        show_xml = os.path.join(self.show, "show.xml")
        with open(show_xml, encoding="utf-8") as f:
            xml = f.read()
        with open(show_xml, "w", encoding="utf-8") as f:
            f.write(re.sub(r"<studio-url>[^<]*</studio-url>",
                           f"<studio-url>https://127.0.0.1:{self.nginx_port}/</studio-url>", xml))
        self.ct("staff", "revoke", HOST, check=0)  # a new link, with the new studio URL
        self.host_link = self.staff_add(HOST, "host", "marketing")
        self.studio_proc = self.studio()
        with open(os.path.join(HERE, "..", "..", "docs", "nginx-studio.conf"), encoding="utf-8") as f:
            site = f.read()
        site = (site.replace("listen 443 ssl;", f"listen 127.0.0.1:{self.nginx_port} ssl;")
                    .replace("/etc/ssl/crosstalk/studio.crt", cert).replace("/etc/ssl/crosstalk/studio.key", key)
                    .replace("127.0.0.1:8090", f"127.0.0.1:{self.studio_proc.port}"))
        conf_dir = self.path("nginx")
        os.makedirs(conf_dir)
        conf = os.path.join(conf_dir, "nginx.conf")
        with open(conf, "w", encoding="utf-8") as f:
            f.write(f"daemon off;\npid {conf_dir}/nginx.pid;\nerror_log {conf_dir}/error.log;\n"
                    f"{'user root;' if os.geteuid() == 0 else ''}\nevents {{ worker_connections 256; }}\n"
                    f"http {{\n client_body_temp_path {conf_dir}/body;\n proxy_temp_path {conf_dir}/proxy;\n"
                    f" fastcgi_temp_path {conf_dir}/fastcgi;\n uwsgi_temp_path {conf_dir}/uwsgi;\n"
                    f" scgi_temp_path {conf_dir}/scgi;\n access_log {conf_dir}/access.log;\n{site}\n}}\n")
        self.nginx = subprocess.Popen(["nginx", "-e", os.path.join(conf_dir, "error.log"), "-c", conf],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            wait_for_port(self.nginx_port, self.nginx)
        except AssertionError as e:
            raise AssertionError(f"nginx: {e}: {self.nginx.stderr.read()}") from None
        self.base = f"https://127.0.0.1:{self.nginx_port}/"

    def tearDown(self):
        self.nginx.terminate()
        self.nginx.wait()
        self.nginx.stderr.close()
        super().tearDown()

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPSConnection("127.0.0.1", self.nginx_port, timeout=10,
                                           context=ssl._create_unverified_context())
        conn.request(method, path, body=body, headers=headers or {})
        res = conn.getresponse()
        data = res.read()
        conn.close()
        return res, data

    def test_sign_in_and_the_socket_through_nginx(self):
        self.assertTrue(self.host_link.startswith(self.base + "signin#"), self.host_link)
        token = self.host_link.split("#", 1)[1]
        res, _ = self.request("POST", "/api/signin", json.dumps({"token": token}), {"Content-Type": "application/json"})
        self.assertEqual(res.status, 204)
        cookie = res.getheader("Set-Cookie")
        self.assertIn("Secure", cookie)
        session = cookie.split(";")[0]
        res, body = self.request("GET", "/api/me", headers={"Cookie": session})
        self.assertEqual(res.status, 200, body)
        key = base64.b64encode(os.urandom(16)).decode()
        upgrade = {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Key": key,
                   "Sec-WebSocket-Version": "13", "Cookie": session}
        origin = f"https://127.0.0.1:{self.nginx_port}"
        self.assertEqual(self.request("GET", "/api/record", headers={**upgrade, "Origin": origin})[0].status, 101)
        self.assertEqual(self.request("GET", "/api/record", headers={**upgrade, "Origin": "https://evil.example"})[0].status, 403)

    def test_a_phone_records_through_nginx(self):
        # The studio object's base is the proxy's: the browser only ever sees nginx.
        self.studio_proc.scheme = "https"
        self.studio_proc.port = self.nginx_port
        result = self.drive("phone", self.studio_proc, "Через nginx", shots=ARTIFACTS)
        self.assertLessEqual(result["scrollWidth"], 390)
        e = self.wait_for_episode(1)
        self.assertOpusinfoClean(self.episode_audio(e))
        self.assertGreater(opus_duration(self.episode_audio(e)), 1.9)
