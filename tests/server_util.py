"""Start `nrkg serve` (or an Oxigraph server) as a user would, on 127.0.0.1, and talk HTTP to it."""
import json
import os
import re
import select
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

from bench.listener import Listener, stop_server  # noqa: F401 - Listener: the tests' name for it
from conftest import ROOT
from kg.loadtest import rows_of  # noqa: F401 - the tests' one way to compare answers

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only, never a proxy


class Server:
    """`python -m kg serve --port 0 ARGS`; the URL is read from its first line of output."""

    def __init__(self, *args, ready_timeout=120):
        env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        self.proc = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--port", "0", "--quiet", *args],
                                     cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + ready_timeout
        self.banner = ""
        while time.monotonic() < deadline and "/sparql" not in self.banner:
            ready, _, _ = select.select([self.proc.stdout], [], [], 1)
            if ready:
                line = self.proc.stdout.readline()
                if not line:
                    break
                self.banner += line
        m = re.search(r"http://(127\.\d+\.\d+\.\d+):(\d+)/sparql", self.banner)
        if not m:
            self.stop()
            raise RuntimeError(f"nrkg serve did not start: {self.banner} {self.proc.stderr.read()}")
        self.host, self.port = m.group(1), int(m.group(2))
        self.base = f"http://{self.host}:{self.port}"
        self.url = self.base + "/sparql"

    def request(self, path="/sparql", *, data=None, method=None, headers=None, params=None, timeout=60):
        url = self.base + path + ("?" + urlencode(params) if params else "")
        if isinstance(data, dict):
            data = urlencode(data).encode()
            headers = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        elif isinstance(data, str):
            data = data.encode()
        req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
        try:
            with OPENER.open(req, timeout=timeout) as resp:
                return resp.status, dict(resp.headers), resp.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read().decode("utf-8")

    def select(self, query, **kw):
        status, headers, body = self.request(data={"query": query},
                                             headers={"Accept": "application/sparql-results+json"}, **kw)
        assert status == 200, body
        return json.loads(body)

    def stop(self):
        stop_server(self.proc)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
