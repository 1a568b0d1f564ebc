"""Load on a SPARQL endpoint: N clients send the named queries for S seconds; every answer is checked.

Used by the test suite (zero errors, every answer right) and by `benchmark.py --only endpoint`
(throughput, p50/p95 latency). Each client is a thread that opens a connection per request
(no proxy: the endpoint is on this machine); each sends the named queries in turn, starting at
a different one, as `POST application/sparql-query` asking for SPARQL JSON, and compares the
rows with the ones the same query gives locally. On a loopback endpoint each client connects
from its own loopback address (127.0.0.10, .11, ...), as separate clients would: the server
limits how many queries one address runs at once (`nrkg serve --per-client`).
"""
from __future__ import annotations

import http.client
import json
import statistics
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit


def rows_of(sparql_json: dict) -> list[tuple]:
    """SPARQL JSON rows as sorted tuples of values, comparable across stores and runs.

    GROUP_CONCAT's order is undefined in SPARQL, so concatenated values compare as sorted parts.
    """
    vars_ = sparql_json["head"]["vars"]

    def cell(b):
        if b is None:
            return None
        v = b["value"]
        for sep in (" | ", "; ", ", "):
            if sep in v:
                return sep.join(sorted(v.split(sep)))
        return v

    return sorted(tuple(cell(row.get(v)) for v in vars_) for row in sparql_json["results"]["bindings"])


def expected_rows(store, queries: dict[str, str]) -> dict[str, list[tuple]]:
    """What each query gives on `store` (a kg.store store), in the form rows_of returns."""
    from kg.query import format_result

    return {name: rows_of(json.loads(format_result(store.query(name, text), "json"))) for name, text in queries.items()}


@dataclass
class LoadReport:
    clients: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # status or exception, with the query's name
    wrong: list[str] = field(default_factory=list)   # queries whose rows differed from the local answer

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        if len(self.latencies) == 1:
            return self.latencies[0]
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[int(p) - 1]

    def summary(self) -> str:
        return (f"{self.clients} clients, {self.seconds:.0f} s: {self.requests} requests, {self.throughput:.1f}/s, "
                f"p50 {self.percentile(50) * 1000:.0f} ms, p95 {self.percentile(95) * 1000:.0f} ms, "
                f"{len(self.errors)} errors, {len(self.wrong)} wrong answers")


def run_load(url: str, queries: dict[str, str], expected: dict[str, list[tuple]], *, clients: int = 8,
             seconds: float = 30.0, request_timeout: float = 60.0) -> LoadReport:
    """`clients` threads send `queries` to `url` until `seconds` have passed; nothing is retried."""
    names = sorted(queries)
    report = LoadReport(clients=clients, seconds=seconds)
    lock = threading.Lock()
    parts = urlsplit(url)
    host, port, path = parts.hostname, parts.port or 80, parts.path or "/"
    start = time.monotonic()
    stop_at = start + seconds

    def client(k: int) -> None:
        source = (f"127.0.0.{10 + k % 240}", 0) if host.startswith("127.") else None
        i = k
        while time.monotonic() < stop_at:
            name = names[i % len(names)]
            i += 1
            t = time.monotonic()
            conn = http.client.HTTPConnection(host, port, timeout=request_timeout, source_address=source)
            try:
                conn.request("POST", path, body=queries[name].encode("utf-8"),
                             headers={"Content-Type": "application/sparql-query",
                                      "Accept": "application/sparql-results+json"})
                resp = conn.getresponse()
                body = resp.read()
                took = time.monotonic() - t
                if resp.status != 200:
                    with lock:
                        report.latencies.append(took)
                        report.errors.append(f"{name}: HTTP {resp.status} {body[:200]!r}")
                    continue
                ok = rows_of(json.loads(body)) == expected[name]
                with lock:
                    report.latencies.append(took)
                    if not ok:
                        report.wrong.append(name)
            except (OSError, ValueError, http.client.HTTPException) as exc:
                with lock:
                    report.latencies.append(time.monotonic() - t)
                    report.errors.append(f"{name}: {type(exc).__name__}: {exc}")
            finally:
                conn.close()

    threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    report.seconds = time.monotonic() - start  # the last requests end after the deadline
    return report
