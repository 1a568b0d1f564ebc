"""Reliability probes of `nrkg serve` on both stores, printed as a table (issue 13).

    python -m bench.reliability [--graph out/nato-russia.trig] [--worker-memory 512] [--timeout 10]

Everything runs on 127.0.0.1: a server per store and probe, started as a user would
(`python -m kg serve`), and a listener that must see no connection. The probes:

- SSRF: every SERVICE-bypass variant (bench/payloads.py), by GET and by POST; the listener
  counts connections (must be 0);
- memory: the hostile queries (ORDER BY over a cartesian product; a small query whose strings
  double 26 times; an answer over --max-response) with the peak resident memory of the server
  process and of its workers (each must stay under --worker-memory);
- fairness: the time of a cheap ASK while two slow queries run, from clients that went away and
  from one other address that stays connected; and while 48 slowloris connections dawdle;
- recovery: `kill -9` of the server (the port is free and a new server answers) and of a worker
  running a query (the client gets an error, the next query answers).

Figures depend on the machine; the README's reliability section has one run's table.
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path

import psutil

from bench.listener import Listener, stop_server
from bench.payloads import CHEAP, HOSTILE, SLOW, doubling, ssrf_texts
from bench.probes import PeakRSS, closed_by_server, half_open, post, send_and_leave_open

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024
STORES = ("rdflib", "oxigraph")


class Serve:
    """`python -m kg serve --port P ARGS` with the URL read from its banner."""

    def __init__(self, graph: Path, store: str, *args: str, port: int = 0):
        env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        self.proc = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--graph", str(graph), "--store", store,
                                      "--port", str(port), "--quiet", *args],
                                     cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        banner, deadline = "", time.monotonic() + 120
        while time.monotonic() < deadline and "/sparql" not in banner:
            if select.select([self.proc.stdout], [], [], 1)[0]:
                line = self.proc.stdout.readline()
                if not line:
                    break
                banner += line
        m = re.search(r"http://(127\.\d+\.\d+\.\d+):(\d+)/sparql", banner)
        if not m:
            self.stop()
            raise SystemExit(f"nrkg serve did not start: {banner}")
        self.host, self.port = m.group(1), int(m.group(2))

    def workers(self) -> list[int]:
        return sorted(p.pid for p in psutil.Process(self.proc.pid).children())

    def ask(self, **kw) -> float:
        status, _, body, took = post(self.host, self.port, CHEAP, **kw)
        if status != 200:
            raise RuntimeError(f"the cheap query failed: {status} {body[:200]!r}")
        return took

    def stop(self) -> None:
        stop_server(self.proc)


def get(host: str, port: int, query: str) -> int:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    url = f"http://{host}:{port}/sparql?" + urllib.parse.urlencode({"query": query})
    try:
        with opener.open(url, timeout=30) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


def outcome(status: int, body: bytes) -> str:
    text = body.decode("utf-8", "replace")
    for key, short in (("memory limit", "memory limit"), ("time limit", "time limit"),
                       ("--max-response", "over --max-response")):
        if key in text:
            return f"{status} {short}"
    return str(status)


def probe_ssrf(graph: Path, store: str) -> dict[str, str]:
    s = Serve(graph, store)
    try:
        with Listener("/sparql") as lst:
            texts = ssrf_texts(lst.url)
            refused = 0
            for text in texts.values():
                refused += get(s.host, s.port, text) == 400
                refused += post(s.host, s.port, text)[0] == 400
        return {"SSRF variants tried (GET and POST)": f"{2 * len(texts)}, {refused} refused, {len(lst.hits)} connections"}
    finally:
        s.stop()


def probe_memory(graph: Path, store: str, limits: list[str], mem: int) -> dict[str, str]:
    s = Serve(graph, store, *limits)
    rows = {}
    try:
        base = psutil.Process(s.proc.pid).memory_info().rss
        queries = {**HOSTILE, "answer over --max-response (16 MiB)": doubling(8, "?s ?p ?l0"),
                   "answer of 14 MiB, streamed": doubling(6, "?s ?p ?l0")}
        peak_all = PeakRSS(s.proc.pid)
        with peak_all:
            for name, query in queries.items():
                with PeakRSS(s.proc.pid) as peak:
                    status, _, body, took = post(s.host, s.port, query, accept="text/csv")
                what = f"{len(body) / MIB:.1f} MiB" if status == 200 else outcome(status, body)
                rows[f"memory: {name}"] = (f"{what} in {took:.1f} s; peak worker {peak.worker / MIB:.0f} MiB, "
                                           f"server {peak.main / MIB:.0f} MiB")
            rows["memory: cheap ASK afterwards"] = f"{s.ask() * 1000:.0f} ms"
        rows["memory: peak of any worker / limit"] = f"{peak_all.worker / MIB:.0f} / {mem} MiB"
        rows["memory: server process, start / peak"] = f"{base / MIB:.0f} / {peak_all.main / MIB:.0f} MiB"
    finally:
        s.stop()
    return rows


def probe_fairness(graph: Path, store: str) -> dict[str, str]:
    rows = {}
    s = Serve(graph, store, "--timeout", "30", "--read-timeout", "2")
    try:
        socks = [send_and_leave_open(s.host, s.port, SLOW, source=src) for src in ("127.0.0.2", "127.0.0.3")]
        time.sleep(1)
        for sock in socks:
            sock.close()
        rows["cheap ASK after 2 slow queries' clients went away"] = f"{s.ask() * 1000:.0f} ms (time limit 30 s)"
        held = [send_and_leave_open(s.host, s.port, SLOW, source="127.0.0.2") for _ in range(2)]
        time.sleep(1)
        rows["cheap ASK while one address runs 2 slow queries"] = f"{s.ask() * 1000:.0f} ms"
        for sock in held:
            sock.close()
        time.sleep(0.5)
        t0 = time.monotonic()
        slow = [half_open(s.host, s.port, body=i % 6 == 0) for i in range(48)]
        took = s.ask()
        gone = [closed_by_server(sock, within=10) for sock in slow]
        dropped = sum(g is not None for g in gone)
        rows["48 slowloris connections (--read-timeout 2)"] = (
            f"cheap ASK {took * 1000:.0f} ms meanwhile; {dropped}/48 dropped, the last "
            f"{time.monotonic() - t0:.1f} s after opening")
        for sock in slow:
            sock.close()
    finally:
        s.stop()
    return rows


def probe_recovery(graph: Path, store: str) -> dict[str, str]:
    rows = {}
    s = Serve(graph, store, "--timeout", "30")
    port, workers = s.port, s.workers()
    procs = [psutil.Process(p) for p in workers]
    t0 = time.monotonic()
    s.proc.send_signal(signal.SIGKILL)
    s.proc.wait()
    free = False
    with socket.socket() as sock:  # at once: no worker holds the listening socket
        try:
            sock.bind(("127.0.0.1", port))
            free = True
        except OSError:
            pass
    t_port = time.monotonic() - t0
    while time.monotonic() - t0 < 10 and any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in procs):
        time.sleep(0.01)
    alive = [p for p in procs if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    t_workers = time.monotonic() - t0
    again = Serve(graph, store, "--timeout", "30", port=port)
    try:
        rows["kill -9 of the server"] = (f"port {'free' if free else 'HELD'} {t_port * 1000:.0f} ms after; "
                                         f"{len(workers) - len(alive)}/{len(workers)} workers gone within "
                                         f"{t_workers * 1000:.0f} ms; a new server on the port answers in "
                                         f"{again.ask() * 1000:.0f} ms")
        before = again.workers()
        box = {}
        client = threading.Thread(target=lambda: box.update(r=post(again.host, again.port, SLOW)))
        client.start()
        time.sleep(1)
        busy = [p for p in before if psutil.Process(p).cpu_percent(0.2) > 20] or before[:1]
        os.kill(busy[0], signal.SIGKILL)
        client.join(30)
        status, _, body, _ = box["r"]
        t0 = time.monotonic()
        again.ask()
        rows["kill -9 of a worker running a query"] = (f"its client got {status}; next query answered in "
                                                       f"{(time.monotonic() - t0) * 1000:.0f} ms; "
                                                       f"{len(again.workers())} workers")
    finally:
        again.stop()
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--graph", type=Path, help="a built TriG (default: build the seeds into a temporary folder)")
    ap.add_argument("--worker-memory", type=int, default=512, metavar="MIB", help="the limit under test (default 512)")
    ap.add_argument("--timeout", type=float, default=10.0, metavar="S", help="time limit per query (default 10)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        graph = args.graph
        if graph is None:
            subprocess.run([sys.executable, "-m", "kg", "build", "--out", tmp, "--no-page", "--no-validate", "-q"],
                           cwd=ROOT, check=True)
            graph = Path(tmp) / "nato-russia.trig"
        limits = ["--worker-memory", str(args.worker_memory), "--timeout", f"{args.timeout:g}",
                  "--max-response", str(16 * MIB)]
        table: dict[str, dict[str, str]] = {}
        for store in STORES:
            for probe in (lambda: probe_ssrf(graph, store), lambda: probe_memory(graph, store, limits, args.worker_memory),
                          lambda: probe_fairness(graph, store), lambda: probe_recovery(graph, store)):
                for key, value in probe().items():
                    table.setdefault(key, {})[store] = value
                    print(f"  {store:8} {key}: {value}", file=sys.stderr, flush=True)
    cpus = os.cpu_count()
    mem = psutil.virtual_memory().total / 2**30
    print(f"nrkg serve reliability, {date.today().isoformat()}, {platform.machine()}, {cpus} cores, {mem:.0f} GiB, "
          f"Python {platform.python_version()}; serve {' '.join(limits)}\n")
    print("| probe | rdflib | Oxigraph |")
    print("|---|---|---|")
    for key, by_store in table.items():
        print(f"| {key} | {by_store.get('rdflib', '')} | {by_store.get('oxigraph', '')} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
