"""A test show served over real sockets, by `crosstalk serve` or by Debian's
nginx with the snippets crosstalk writes (private shows: nginx asks
`crosstalk serve` about every token). Public or private; `crosstalk serve`
also over TLS."""
import http.client
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import time

from show_support import ShowTest
from support import BIN, png, slurp, tool

SUBSCRIBER = "Анна & <Co> \"продажи\" 'x' 🎙️"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_certificate(key, cert, days=2):
    """A self-signed certificate for 127.0.0.1 (openssl), as PEM files."""
    tool(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
          "-days", str(days), "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"])


def tls_client(cert):
    """A client context that trusts exactly `cert`."""
    return ssl.create_default_context(cafile=cert)


def wait_for_port(port, proc=None):
    for _ in range(200):
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"server exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listens on {port}")


NGINX_CONF = """daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
worker_processes 2;
{user}
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    include {show}/nginx-crosstalk-http.conf;
    server {{
        listen 127.0.0.1:{port};
        include {show}/nginx-crosstalk.conf;
    }}
}}
"""


class ServedShow(ShowTest):
    """Two episodes (the first published) served on a free port. Subclasses
    choose `private`, `nginx` and `tls` (crosstalk serve --tls-cert/--tls-key;
    clients trust the test's certificate)."""

    private = False
    nginx = False
    tls = False

    def setUp(self):
        self.port = free_port()  # where clients connect
        self.serve_port = free_port() if self.nginx else self.port
        self.base_url = f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}/"
        self.init_args = ()
        if self.private:  # with a cover: images must be personal URLs too
            cover = os.path.join(self._audio_dir, "cover.png")
            if not os.path.exists(cover):
                png(cover, 1400, 1400)
            self.init_args = ("--private", "--cover", cover)
        super().setUp()
        if self.tls:
            self.key, self.cert = self.path("key.pem"), self.path("cert.pem")
            make_certificate(self.key, self.cert)
        self.imp("Первый & <тест>")
        self.imp("Второй")
        self.ct("publish", "1", check=0)
        self.prefix, self.token = "", None
        if self.private:
            out = self.ct("subscribers", "add", SUBSCRIBER, check=0).stdout
            self.token = re.search(r"/s/([0-9a-f]{64})/feed\.xml", out).group(1)
            self.prefix = "/s/" + self.token
        self.server = self.start_serve()
        self.nginx_proc = self.start_nginx() if self.nginx else None

    def serve_args(self):
        tls = ["--tls-cert", self.cert, "--tls-key", self.key] if self.tls else []
        return [BIN, "-C", self.show, "serve", "--listen", f"127.0.0.1:{self.serve_port}", *tls]

    def start_serve(self):
        proc = subprocess.Popen(self.serve_args(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_for_port(self.serve_port, proc)
        return proc

    def start_nginx(self):
        conf_dir = self.path("nginx")
        os.makedirs(conf_dir)
        self.nginx_log = os.path.join(conf_dir, "access.log")
        show_xml = os.path.join(self.show, "show.xml")
        text = re.sub(r"<nginx [^>]*/>", f'<nginx auth-check="127.0.0.1:{self.serve_port}" '
                                         f'access-log="{self.nginx_log}" />', slurp(show_xml))
        with open(show_xml, "w", encoding="utf-8") as f:
            f.write(text)
        self.ct("build", check=0)  # rewrites the snippets
        conf = os.path.join(conf_dir, "nginx.conf")
        with open(conf, "w", encoding="utf-8") as f:
            f.write(NGINX_CONF.format(dir=conf_dir, show=self.show, port=self.port,
                                      user="user root;" if os.geteuid() == 0 else ""))
        proc = subprocess.Popen(["nginx", "-e", os.path.join(conf_dir, "error.log"), "-c", conf],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_for_port(self.port, proc)
        return proc

    def tearDown(self):
        for proc in (self.nginx_proc, self.server):
            if proc is None:
                continue
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM if proc is self.server else signal.SIGQUIT)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            proc.stdout.close()
            proc.stderr.close()
        super().tearDown()

    def url(self, path):
        """A path as this site's client asks for it (a private show: the token first)."""
        return self.prefix + path

    def connection(self):
        if self.tls:
            return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=10, context=tls_client(self.cert))
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)

    def client_env(self, env):
        """The environment of a podcast client run by a test: over TLS, it
        trusts the test's certificate (wget reads $HOME/.wgetrc; Python's
        requests $REQUESTS_CA_BUNDLE)."""
        if self.tls:
            os.makedirs(env["HOME"], exist_ok=True)
            with open(os.path.join(env["HOME"], ".wgetrc"), "w", encoding="utf-8") as f:
                f.write(f"ca_certificate = {self.cert}\n")
            env = dict(env, REQUESTS_CA_BUNDLE=self.cert, SSL_CERT_FILE=self.cert)
        return env

    def request(self, method, path, headers=None):
        conn = self.connection()
        conn.request(method, path, headers=headers or {})
        res = conn.getresponse()
        body = res.read()
        conn.close()
        return res, body

    def raw(self, data):
        plain = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        with tls_client(self.cert).wrap_socket(plain, server_hostname="127.0.0.1") if self.tls else plain as s:
            s.sendall(data)
            reply = b""
            while True:
                try:
                    chunk = s.recv(65536)
                except ssl.SSLError:  # closed without TLS's close_notify: the end, as for plain TCP
                    break
                if not chunk:
                    break
                reply += chunk
                if b"\r\n\r\n" in reply and b"Connection: close" in reply.split(b"\r\n\r\n")[0]:
                    break
        return reply

    def expected_body(self, local_path):
        """What a client gets for a file: a private feed carries the token in every URL."""
        data = slurp(local_path, "rb")
        if self.private and (local_path.endswith(".xml") or local_path.endswith(".html")):
            data = data.replace(self.base_url.encode(), f"{self.base_url}s/{self.token}/".encode())
        return data

    def page_as_built(self, body):
        """A private show's page with the subscriber's own subscribe section
        put back to the marker the build writes (to compare with the file)."""
        if not self.private:
            return body
        section = re.search(rb'<section id="subscribe">.*?</section>\n', body, re.S)
        assert section, "a private page must have the subscriber's subscribe section"
        assert f"/s/{self.token}/feed".encode() in section.group(0)
        return body.replace(section.group(0), b"<!--crosstalk:subscribe-->")

    def access_log(self):
        if self.nginx:
            return slurp(self.nginx_log) if os.path.exists(self.nginx_log) else ""
        self.server.send_signal(signal.SIGTERM)
        self.server.wait(timeout=10)
        return self.server.stdout.read()
