"""A port on 127.0.0.1 that records every connection (an outside resource nothing may fetch), and
the way to stop a served process. Shared by the SSRF tests (tests/test_ssrf.py, tests/test_server.py) and bench/reliability.py."""
from __future__ import annotations

import signal
import socket
import subprocess
import threading
import time


def stop_server(proc: subprocess.Popen) -> None:
    """Stop `nrkg serve` as Ctrl-C would, and kill it if it has not gone within 15 s."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Listener:
    """`with Listener() as lst:` ... `lst.hits` is the first bytes of each connection made to `lst.url`."""

    def __init__(self, path: str = "/data.ttl", grace: float = 0.3):
        self.path, self.grace = path, grace

    def __enter__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}{self.path}"
        self.hits: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()
        return self

    def _accept(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
                conn.settimeout(0.5)
                try:
                    self.hits.append(conn.recv(200))
                except OSError:
                    self.hits.append(b"")
                conn.close()
            except OSError:
                pass

    def __exit__(self, *exc):
        time.sleep(self.grace)  # a connection on its way still counts
        self._stop.set()
        self._thread.join()
        self.sock.close()
