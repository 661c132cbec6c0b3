"""Debian's nginx serving a show folder with the snippets crosstalk writes
(nginx-crosstalk-http.conf, nginx-crosstalk.conf): the same HTTP checks as
`crosstalk serve` (http_checks.py), podget and feedparser through nginx, and
a private show whose tokens nginx has `crosstalk serve` check."""
import os
import unittest

from http_checks import HttpChecks, PrivateChecks
from http_support import ServedShow
from support import slurp


class NginxPublic(ServedShow, HttpChecks):
    nginx = True
    # nginx answers 400 to a path that climbs above the root before routing it.
    refusals = (b"404", b"400")

    def test_the_access_log_uses_crosstalks_format(self):
        res, _ = self.request("GET", "/feed.xml?x=1")
        self.assertTrue(res.getheader("Server").startswith("nginx"))
        log = self.access_log()
        # The line crosstalk serve writes too (docs/stats.md): query strings dropped.
        self.assertRegex(log, r'(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d 127\.0\.0\.1 "-" 200 \d+ GET "/feed\.xml" "" "[^"]*"$')


class NginxPrivate(ServedShow, HttpChecks, PrivateChecks):
    nginx = True
    private = True
    refusals = (b"404", b"400")

    def test_the_snippet_keeps_tokens_hashed(self):
        for name in ("nginx-crosstalk.conf", "nginx-crosstalk-http.conf"):
            self.assertNotIn(self.token, slurp(os.path.join(self.show, name)))
        self.assertIn("auth_request", slurp(os.path.join(self.show, "nginx-crosstalk.conf")))

    def test_without_crosstalk_serve_nothing_is_served(self):
        self.server.terminate()
        self.server.wait(timeout=10)
        res, body = self.request("GET", self.url("/feed.xml"))
        self.assertNotEqual(res.status, 200)
        self.assertNotIn(b"<rss", body)


if __name__ == "__main__":
    unittest.main()
