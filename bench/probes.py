"""Small clients for probing `nrkg serve` on 127.0.0.1: shared by the tests and bench/reliability.py.

Nothing here opens a connection anywhere but the loopback address it is given.
"""
from __future__ import annotations

import http.client
import socket
import threading
import time


class PeakRSS:
    """The largest resident set of a process (`main`) and of any of its children (`worker`),
    sampled every 20 ms while the context is open; in bytes."""

    def __init__(self, pid: int, every: float = 0.02):
        self.pid, self.every = pid, every
        self.main = self.worker = 0
        self._stop = threading.Event()

    def sample(self) -> None:
        import psutil

        try:
            proc = psutil.Process(self.pid)
            self.main = max(self.main, proc.memory_info().rss)
            children = proc.children()
        except psutil.Error:
            return
        for child in children:
            try:
                self.worker = max(self.worker, child.memory_info().rss)
            except psutil.Error:
                pass

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.every)

    def __enter__(self) -> "PeakRSS":
        self.sample()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()


def post(host: str, port: int, query: str, *, accept: str = "application/sparql-results+json",
         source: str | None = None, timeout: float = 60.0) -> tuple[int, dict, bytes, float]:
    """POST application/sparql-query from `source` (a loopback address); (status, headers, body, seconds)."""
    t0 = time.monotonic()
    conn = http.client.HTTPConnection(host, port, timeout=timeout, source_address=(source, 0) if source else None)
    try:
        conn.request("POST", "/sparql", body=query.encode("utf-8"),
                     headers={"Content-Type": "application/sparql-query", "Accept": accept})
        resp = conn.getresponse()
        body = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body, time.monotonic() - t0
    finally:
        conn.close()


def send_and_leave_open(host: str, port: int, query: str, *, source: str | None = None) -> socket.socket:
    """Send a whole query and return the open socket without reading the answer: close it to
    play a client that went away mid-query."""
    sock = socket.create_connection((host, port), timeout=10, source_address=(source, 0) if source else None)
    body = query.encode("utf-8")
    sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/sparql-query\r\n"
                 b"Content-Length: %d\r\n\r\n" % (host.encode(), port, len(body)) + body)
    return sock


def half_open(host: str, port: int, *, body: bool = False) -> socket.socket:
    """A slowloris connection: part of a request's headers (or all of them and part of the body)."""
    sock = socket.create_connection((host, port), timeout=10)
    if body:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/sparql-query\r\n"
                     b"Content-Length: 100\r\n\r\nASK {" % (host.encode(), port))
    else:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: %s:%d\r\n" % (host.encode(), port))
    return sock


def closed_by_server(sock: socket.socket, within: float) -> bytes | None:
    """What the server sent before closing `sock` (b"" or a 408), or None if still open after `within` s."""
    sock.settimeout(within)
    got = b""
    try:
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                return got
            got += chunk
    except socket.timeout:
        return None
    except OSError:
        return got
