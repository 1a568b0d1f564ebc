"""`nrkg push` into a real Oxigraph server on 127.0.0.1: every named query gives the same rows there."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from conftest import run_cli
from kg.query import format_result, named_queries, run
from server_util import OPENER, free_port, rows_of

QUERIES = named_queries()


def oxigraph_binary():
    found = shutil.which("oxigraph") or (Path(sys.executable).parent / "oxigraph")
    if not Path(found).exists():
        msg = "the Oxigraph server is not installed (pip install oxigraph)"
        if os.environ.get("CI") == "true":
            pytest.fail(msg + " — .ci/run should have installed it with the test extra")
        pytest.skip(msg)
    return str(found)


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    port = free_port()
    proc = subprocess.Popen([oxigraph_binary(), "serve", "--location", str(tmp_path_factory.mktemp("oxigraph")),
                             "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            OPENER.open(base + "/query?" + urlencode({"query": "ASK {}"}), timeout=2).read()
            break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail(f"oxigraph did not start: {proc.stderr.read()}")
    yield base, proc
    os.kill(proc.pid, signal.SIGTERM)  # stopped by its PID
    proc.wait(10)
    assert proc.poll() is not None


def remote(base, text):
    req = __import__("urllib.request").request.Request(
        base + "/query", data=text.encode(), headers={"Content-Type": "application/sparql-query",
                                                      "Accept": "application/sparql-results+json"})
    with OPENER.open(req, timeout=60) as resp:
        return json.loads(resp.read())


def test_push_fills_oxigraph_and_every_named_query_agrees(oxigraph, ds):
    base, _ = oxigraph
    r = run_cli("push", "--endpoint", base + "/store")
    assert r.returncode == 0, r.stderr
    graphs = [line for line in r.stdout.splitlines()[1:] if line.strip()]
    assert len(graphs) == 7  # ontology, vocabulary and one graph per document
    n = remote(base, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")["results"]["bindings"][0]["n"]["value"]
    assert int(n) == sum(len(g) for g in ds.graphs())
    for name, q in QUERIES.items():
        local = rows_of(json.loads(format_result(run(ds, name, q.text), "json")))
        assert rows_of(remote(base, q.text)) == local, name
    # Pushing again replaces each graph: nothing doubles.
    assert run_cli("push", "--endpoint", base + "/store").returncode == 0
    again = remote(base, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")["results"]["bindings"][0]["n"]["value"]
    assert again == n


def test_push_into_one_graph(oxigraph, ds, tmp_path, built):
    from kg.serialize import serialize

    base, _ = oxigraph
    trig = tmp_path / "g.trig"
    trig.write_text(serialize(built.dataset, "trig"), encoding="utf-8")
    r = run_cli("push", "--endpoint", base + "/store", "--graph", "https://example.org/all", "--input", str(trig))
    assert r.returncode == 0, r.stderr
    got = remote(base, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://example.org/all> { ?s ?p ?o } }")
    assert int(got["results"]["bindings"][0]["n"]["value"]) == len(ds)


def test_push_errors_are_one_line():
    r = run_cli("push", "--endpoint", f"http://127.0.0.1:{free_port()}/store")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "cannot reach the store" in r.stderr
    r = run_cli("push", "--endpoint", "ftp://example.org/store")
    assert r.returncode == 2 and "not an http(s) URL" in r.stderr


class _Store:
    """A local HTTP server that records PUTs; `drip` seconds between bytes of a slow answer."""

    def __init__(self, drip: float | None = None):
        import http.server
        import threading

        seen = self.seen = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_PUT(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                seen.append(self.headers.get("Authorization"))
                if drip is None:
                    self.send_response(204)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Length", "1000")
                self.end_headers()
                for _ in range(40):
                    try:
                        self.wfile.write(b"x")
                        self.wfile.flush()
                    except OSError:
                        return
                    time.sleep(drip)

            def log_message(self, *a):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def test_push_timeout_is_a_deadline_for_the_whole_push(ds):
    """A store that sends a byte every 0.5 s no longer keeps a push with --timeout 2 alive (issue 13)."""
    from kg.errors import KGError
    from kg.push import push

    store = _Store(drip=0.5)
    try:
        t = time.monotonic()
        with pytest.raises(KGError, match="did not finish within --timeout"):
            push(ds, f"http://127.0.0.1:{store.port}/store", timeout=2)
        assert time.monotonic() - t < 4
    finally:
        store.close()


def test_credentials_in_the_url_are_basic_auth_and_never_printed(ds):
    import base64

    store = _Store()
    try:
        r = run_cli("push", "--endpoint", f"http://nrkg:s3cret-pw@127.0.0.1:{store.port}/store", "--graph", "urn:x:all")
        assert r.returncode == 0, r.stderr
        assert store.seen == ["Basic " + base64.b64encode(b"nrkg:s3cret-pw").decode()]
        assert "s3cret-pw" not in r.stdout + r.stderr and f"http://127.0.0.1:{store.port}/store" in r.stdout
        bad = run_cli("push", "--endpoint", "http://nrkg:s3cret-pw@127.0.0.1:9/store", "--graph", "urn:x:all",
                      "--timeout", "5")
        assert bad.returncode == 2 and "s3cret-pw" not in bad.stdout + bad.stderr
    finally:
        store.close()
