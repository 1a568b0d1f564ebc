"""The SERVICE bypass (issue 13): no query text makes either store, the CLI or the endpoint call out.

Three walls, each tested on its own: one normalised text is vetted and executed (line ends,
\\u escapes); the keyword SERVICE may not appear anywhere; and processes that run users' queries
cannot open network sockets (seccomp). A listener on 127.0.0.1 must record no connection.
"""
import os
import time

import pytest

import kg.query
from conftest import run_cli
from kg.errors import QueryError
from kg.query import normalise, vet
from kg.store import OxigraphStore, RdflibStore, open_store
from server_util import Listener, Server

from bench.payloads import SSRF as PAYLOADS  # shared with bench/reliability.py; {url} is the listener

CASES = sorted(PAYLOADS)


def texts(url):
    return {name: t.replace("{url}", url) for name, t in PAYLOADS.items()}


@pytest.fixture(scope="module")
def trig(built, tmp_path_factory):
    from kg.serialize import serialize

    path = tmp_path_factory.mktemp("ssrf") / "nato-russia.trig"
    path.write_text(serialize(built.dataset, "trig"), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def stores(trig):
    return {"rdflib": open_store("rdflib", path=trig), "oxigraph": open_store("oxigraph", path=trig)}


@pytest.mark.parametrize("store", ["rdflib", "oxigraph"])
@pytest.mark.parametrize("case", CASES)
def test_every_variant_is_refused_in_process_with_no_connection(stores, store, case):
    with Listener() as lst:
        with pytest.raises(QueryError) as err:
            stores[store].query("q", texts(lst.url)[case])
        time.sleep(0.05)
        assert lst.hits == []
    assert str(err.value).startswith("q: ") and "\n" not in str(err.value)


@pytest.mark.parametrize("case", CASES)
def test_the_normalised_text_alone_stops_the_bypass(stores, monkeypatch, case):
    """Wall 1 without wall 2: Oxigraph runs the text rdflib vetted, so it is refused or harmless."""
    monkeypatch.setattr(kg.query, "_SERVICE", __import__("re").compile(r"(?!)"))
    with Listener() as lst:
        try:
            stores["oxigraph"].query("q", texts(lst.url)[case])
        except QueryError as exc:
            assert "SERVICE is not allowed" in str(exc) or "malformed" in str(exc) or "syntax error" in str(exc)
        time.sleep(0.05)
        assert lst.hits == []


def test_the_executed_text_is_the_vetted_text(stores):
    text, _ = vet("q", 'SELECT ?s WHERE {\r ?s <http://www.w3.org/2000/01/rdf-schema#label> "Russi\\u0061" }\r\n')
    assert text == 'SELECT ?s WHERE {\n ?s <http://www.w3.org/2000/01/rdf-schema#label> "Russia" }\n'
    for store in stores.values():  # escapes still mean what SPARQL says they mean
        rows = store.query("q", 'SELECT ?s WHERE { ?s rdfs:label "Russi\\u0061"@en }').rows
        assert [str(r[0]) for r in rows] == ["https://w3id.org/nato-russia-kg/id/state/russia"]


@pytest.mark.parametrize("text", ['SELECT * WHERE { ?s ?p "customer service" }', "SELECT * WHERE { ?s ?p ?o } # service",
                                  "SELECT ?service WHERE { ?service ?p ?o }", "SELECT * WHERE { ?s ?p <urn:Service> }"])
def test_the_keyword_is_refused_even_in_strings_and_comments(text):
    with pytest.raises(Exception, match="SERVICE is not allowed"):
        normalise(text)


@pytest.mark.parametrize("text", ["SELECT * WHERE { ?s ?p <urn:org:security-service> }",
                                  'SELECT * WHERE { ?s ?p "selfservice" }'])
def test_the_word_inside_a_hyphenated_name_is_not_the_keyword(text):
    assert normalise(text) == text


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_the_network_wall_stops_oxigraph_even_when_vetting_is_bypassed(trig):
    """Wall 3 alone: pyoxigraph is handed a raw SERVICE query in a process under kg.sandbox."""
    from kg.sandbox import deny_network

    store = open_store("oxigraph", path=trig)
    with Listener() as lst:
        query = f"SELECT ?s WHERE {{ SERVICE <{lst.url}> {{ ?s ?p ?o }} }}"
        pid = os.fork()
        if pid == 0:  # the child: the wall, then the raw query; exit 3 if it got rows, 4 if no wall
            code = 4
            try:
                if deny_network():
                    code = 0
                    list(store.store.query(query))
                    code = 3
            except BaseException:  # noqa: BLE001 - a refused connection is the expected outcome
                pass
            os._exit(code)
        _, status = os.waitpid(pid, 0)
        time.sleep(0.1)
        assert os.WEXITSTATUS(status) == 0, "the query ran or the wall could not be installed"
        assert lst.hits == []
        # and without the wall the same raw query does connect: the test shows the wall's effect
        with pytest.raises(OSError):
            list(store.store.query(query))
        time.sleep(0.1)
        assert len(lst.hits) == 1


@pytest.mark.parametrize("store", ["rdflib", "oxigraph"])
def test_cli_refuses_the_payloads_in_one_line(trig, store, tmp_path):
    with Listener() as lst:
        for case in ("comment-lone-cr", "quote-escapes"):
            path = tmp_path / f"{case}.rq"
            path.write_text(texts(lst.url)[case], encoding="utf-8", newline="")
            r = run_cli("query", str(path), "--graph", str(trig), "--store", store)
            assert r.returncode == 2, r.stdout
            assert "SERVICE is not allowed" in r.stderr and "Traceback" not in r.stderr
            assert len(r.stderr.strip().splitlines()) == 1
        time.sleep(0.1)
        assert lst.hits == []


@pytest.mark.parametrize("store", ["rdflib", "oxigraph"])
def test_endpoint_refuses_every_variant_by_get_and_post(trig, store):
    s = Server("--graph", str(trig), "--store", store)
    try:
        with Listener() as lst:
            for case, text in texts(lst.url).items():
                for how in ("get", "post"):
                    kw = {"params": {"query": text}} if how == "get" else {
                        "data": text, "headers": {"Content-Type": "application/sparql-query"}}
                    status, _, body = s.request(**kw)
                    assert status == 400, (case, how, status, body)
            time.sleep(0.1)
            assert lst.hits == []
    finally:
        s.stop()


def test_a_non_utf8_query_file_is_a_one_line_error(tmp_path):
    path = tmp_path / "bad.rq"
    path.write_bytes(b"SELECT * WHERE { ?s ?p \xff }")
    r = run_cli("query", str(path))
    assert r.returncode == 2 and "not a UTF-8 text file" in r.stderr and "Traceback" not in r.stderr


def test_oxigraph_errors_while_reading_results_are_one_line(stores):
    with pytest.raises(QueryError, match="^q: "):
        stores["oxigraph"].query("q", "SELECT ?x WHERE { BIND(<urn:nosuchfunction>(1) AS ?x) }")


def test_rdflib_store_module_is_used():  # both store classes are exercised above
    assert RdflibStore and OxigraphStore


def test_workers_die_with_a_killed_server_and_free_its_port(trig):
    """kill -9 of the main process: no worker is left holding the listening port (issue 13)."""
    import signal
    import socket

    import psutil

    s = Server("--graph", str(trig), "--workers", "2")
    workers = psutil.Process(s.proc.pid).children()
    assert len(workers) == 2
    s.proc.send_signal(signal.SIGKILL)
    s.proc.wait()
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert alive == []
    with socket.socket() as sock:  # the port is free again
        sock.bind(("127.0.0.1", s.port))


@pytest.mark.parametrize("store", ["rdflib", "oxigraph"])
def test_long_property_paths_and_deep_nesting_are_refused_before_they_run(trig, store, tmp_path):
    """Issue 13 (low): a 9,000-step path crashed `nrkg query --store oxigraph` (segfault)."""
    path = tmp_path / "long.rq"
    path.write_text("SELECT * WHERE { ?s " + "/".join(["rdfs:label"] * 9000) + " ?o }", encoding="utf-8")
    r = run_cli("query", str(path), "--graph", str(trig), "--store", store)
    assert r.returncode == 2 and "property path steps is over the limit" in r.stderr and "Traceback" not in r.stderr
    with pytest.raises(QueryError, match="nesting"):
        vet("q", "SELECT * WHERE " + "{ " * 300 + "?s ?p ?o" + " }" * 300)
    ok = "SELECT * WHERE { ?s rdfs:label/rdfs:label ?o . FILTER(CONTAINS(STR(?o), \"a/b|c\")) } LIMIT 1"
    assert vet("q", ok)[0] == ok  # slashes inside strings and IRIs are not steps
