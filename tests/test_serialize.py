"""Deterministic outputs, lossless round trips, atomic writes."""
import hashlib
import os

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from conftest import run_cli
from kg.serialize import FORMATS, atomic_write, serialize, union_graph


def test_two_builds_are_byte_identical_across_processes(tmp_path):
    digests = []
    for i, seed in enumerate(("1", "12345")):
        out = tmp_path / f"out{i}"
        r = run_cli("build", "--out", str(out), "-q", env={"PYTHONHASHSEED": seed})
        assert r.returncode == 0, r.stderr
        digests.append({p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.iterdir())})
    assert digests[0] == digests[1]
    assert set(digests[0]) == {"nato-russia.ttl", "nato-russia.trig", "graph.html", "coverage.json", "coverage.md"}


@pytest.mark.parametrize("fmt,parser", [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_round_trip_is_isomorphic(ds, fmt, parser):
    g = Graph()
    g.parse(data=serialize(ds, fmt), format=parser)
    assert isomorphic(g, union_graph(ds))


def test_trig_round_trip_keeps_every_named_graph(ds):
    back = Dataset()
    back.parse(data=serialize(ds, "trig"), format="trig")
    for g in ds.graphs():
        if len(g):
            assert isomorphic(g, back.graph(g.identifier)), g.identifier


def test_serialisations_are_stable_in_process(ds):
    for fmt in FORMATS:
        assert serialize(ds, fmt) == serialize(ds, fmt)


def test_jsonld_has_inline_context_only(ds):
    import json

    data = json.loads(serialize(ds, "jsonld"))
    assert isinstance(data["@context"], dict)
    assert all(not str(v).startswith("http") or k != "@import" for k, v in data["@context"].items())


def test_atomic_write_leaves_old_file_and_no_temp_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "graph.ttl"
    target.write_text("old", encoding="utf-8")

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    from kg.errors import KGError

    with pytest.raises(KGError, match="graph.ttl: cannot write .*No space left on device"):
        atomic_write(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]


def test_written_files_follow_the_umask_not_mkstemp_0600(tmp_path):
    old = os.umask(0o022)
    try:
        atomic_write(tmp_path / "f.ttl", "x")
    finally:
        os.umask(old)
    assert (tmp_path / "f.ttl").stat().st_mode & 0o777 == 0o644


# --- text hostile to serialisers --------------------------------------------------------------

HOSTILE_LABEL = "<script>alert('x')</script> \"Quoted\" > a b\u2028Организация & co \\ end"
HOSTILE_ENTITY = '''
- id: hostile-org
  class: Organization
  label: "<script>alert('x')</script> \\"Quoted\\" > a b\\u2028Организация & co \\\\ end"
  comment: "A comment with \\"quotes\\", <b>tags</b>, a tab\\tand a line\\nbreak"
  aliases: [Hostile Org, Организация Договора]
'''
HOSTILE_TEXT = ("Hostile Org met NATO in Brussels in May 2009.\u2028<script>alert(1)</script> said the "
                "\"Организация Договора\" spokesman: NATO > Russia? Россия.\n")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A corpus and gazetteer entry whose labels, comments and quotes carry markup, quotes, '>',
    spaces, U+2028, a backslash and Cyrillic."""
    import shutil

    from kg.pipeline import build
    from kg.rules import RULES_DIR

    tmp = tmp_path_factory.mktemp("hostile")
    rules = tmp / "rules"
    shutil.copytree(RULES_DIR, rules)
    with open(rules / "gazetteer.yaml", "a", encoding="utf-8") as fh:
        fh.write(HOSTILE_ENTITY)
    seeds = tmp / "seeds"
    seeds.mkdir()
    (seeds / "hostile.txt").write_text(HOSTILE_TEXT, encoding="utf-8")
    (seeds / "catalogue.yaml").write_text('hostile:\n  title: "Title <i>with</i> \\"quotes\\" > and \\u2028"\n'
                                          "  date: 2009-05-20\n", encoding="utf-8")
    return build(seeds, rules)


def test_hostile_text_is_in_the_graph(hostile):
    from rdflib import RDFS, Literal

    from kg.model import ID, NIF

    ds = hostile.dataset
    assert (ID["org/hostile-org"], RDFS.label, Literal(HOSTILE_LABEL, lang="en")) in ds
    quotes = {str(o) for o in ds.objects(None, NIF.anchorOf)}
    assert any("<script>" in q and "Организация Договора" in q and ">" in q for q in quotes), quotes
    assert any("\u2028" in str(t) for t in ds.objects(None, RDFS.label))  # in the title too


@pytest.mark.parametrize("fmt,parser", [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_hostile_text_round_trips(hostile, fmt, parser):
    g = Graph()
    g.parse(data=serialize(hostile.dataset, fmt), format=parser)
    assert isomorphic(g, union_graph(hostile.dataset))


def test_hostile_text_round_trips_in_trig(hostile):
    back = Dataset()
    back.parse(data=serialize(hostile.dataset, "trig"), format="trig")
    for g in hostile.dataset.graphs():
        if len(g):
            assert isomorphic(g, back.graph(g.identifier)), g.identifier


def test_hostile_text_survives_graphml_and_csv(hostile, tmp_path):
    import csv
    import io

    import networkx as nx

    from kg import tables
    from kg.viz import page_data

    data = page_data(hostile.docs, hostile.facts, hostile.book, max_evidence=0)
    g = nx.read_graphml(io.BytesIO(tables.graphml(data).encode("utf-8")))
    assert HOSTILE_LABEL in {d.get("label") for _, d in g.nodes(data=True)}
    nodes_csv, _ = tables.csv_tables(data)
    assert HOSTILE_LABEL in {row["label"] for row in csv.DictReader(io.StringIO(nodes_csv, newline=""))}
