"""Scale: the synthetic corpus generator, the Oxigraph build path (no rdflib graph), progress."""
import hashlib
import io
import re

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from conftest import SEEDS, run_cli
from kg.validate import G_INFERRED


def digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_synthetic_corpus_is_deterministic_and_varied(tmp_path):
    import yaml

    from kg.synth import make_corpus

    a, b = make_corpus(SEEDS, tmp_path / "a", 3), make_corpus(SEEDS, tmp_path / "b", 3)
    assert digest(a) == digest(b)
    texts = sorted(p.name for p in a.glob("*.txt"))
    assert len(texts) == 15 and "000_8dd90a42d0e04c43-x0002.txt" in texts
    seed = (SEEDS / "000_8dd90a42d0e04c43.txt").read_text(encoding="utf-8")
    assert (a / "000_8dd90a42d0e04c43.txt").read_text(encoding="utf-8") == seed  # copy 0 is the seed
    copy = (a / "000_8dd90a42d0e04c43-x0001.txt").read_text(encoding="utf-8")
    assert "Sergey Lavrov tomorrow, in Brussels" in seed and "Sergey Lavrov tomorrow, in Brussels" not in copy
    assert "December 6, 2003" in copy  # 2007 shifted by 1 % 11 - 5 = -4
    cat = yaml.safe_load((a / "catalogue.yaml").read_text(encoding="utf-8"))
    assert cat["000_8dd90a42d0e04c43-x0001"]["date"] == "2003-12-06"
    assert cat["000_8dd90a42d0e04c43-x0001"]["title"].endswith("(synthetic copy 1)")
    assert len(cat) == 15


@pytest.fixture(scope="module")
def ox_build(tmp_path_factory):
    """The seeds built with --store oxigraph, twice, through the CLI."""
    outs = []
    for i in range(2):
        out = tmp_path_factory.mktemp(f"ox{i}")
        r = run_cli("build", "--store", "oxigraph", "--out", str(out), "--no-page")
        assert r.returncode == 0, r.stderr
        outs.append((out, r))
    return outs


def test_oxigraph_build_says_it_is_not_validated_and_is_deterministic(ox_build):
    (a, r), (b, _) = ox_build
    assert "does not validate the graph" in r.stderr and r.stderr.count("\n") == 1
    assert re.search(r"triples\s+14198\n", r.stdout) and "evidence records   1086" in r.stdout
    assert digest(a) == digest(b)


def test_oxigraph_build_outputs_are_the_same_graph_as_rdflibs(ox_build, ds):
    out = ox_build[0][0]
    g = Graph()
    g.parse(out / "nato-russia.ttl", format="turtle")
    extracted = [c for c in ds.graphs() if len(c) and c.identifier != G_INFERRED]  # an unvalidated build
    union = Graph()
    for c in extracted:
        for t in c:
            union.add(t)
    assert isomorphic(g, union)
    back = Dataset()
    back.parse(out / "nato-russia.trig", format="trig")
    for c in extracted:
            assert isomorphic(c, back.graph(c.identifier)), c.identifier


def test_every_named_query_agrees_between_the_two_build_paths(built):
    from kg.loadtest import expected_rows
    from kg.pipeline import build
    from kg.query import named_queries

    queries = {name: q.text for name, q in named_queries().items()}
    ox = build(SEEDS, store="oxigraph")
    assert ox.dataset is None and ox.store().name == "oxigraph"
    assert expected_rows(ox.store(), queries) == expected_rows(built.store(), queries)


def test_progress_bar_on_a_terminal_only(monkeypatch):
    from kg.progress import Progress

    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.delenv("CI", raising=False)
    tty = Tty()
    p = Progress("extracting", 10, stream=tty, min_seconds=0)
    for i in range(1, 11):
        p.update(i)
    p.close()
    assert "extracting" in tty.getvalue() and "100%" in tty.getvalue() and "done in" in tty.getvalue()
    monkeypatch.setenv("CI", "true")
    quiet = Tty()
    p = Progress("extracting", 10, stream=quiet, min_seconds=0)
    p.update(10)
    p.close()
    assert quiet.getvalue() == ""
    piped = io.StringIO()  # not a terminal
    monkeypatch.delenv("CI")
    p = Progress("extracting", 10, stream=piped, min_seconds=0)
    p.update(10)
    p.close()
    assert piped.getvalue() == ""
