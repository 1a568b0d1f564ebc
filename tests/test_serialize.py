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
    assert set(digests[0]) == {"nato-russia.ttl", "nato-russia.trig", "graph.html"}


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
