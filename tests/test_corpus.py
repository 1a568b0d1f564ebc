"""The seed corpus and its catalogue."""
import shutil
import pytest

from conftest import ROOT, SEEDS
from kg.corpus import load_corpus
from kg.pipeline import build

SHARED = ROOT.parent / "shared" / "seeds"


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/seeds is not beside this checkout")
def test_seeds_are_byte_identical_to_the_shared_copy():
    shared = sorted(p.name for p in SHARED.glob("*.txt"))
    assert shared == sorted(p.name for p in SEEDS.glob("*.txt"))
    for name in shared:
        assert (SEEDS / name).read_bytes() == (SHARED / name).read_bytes(), name


def test_catalogue_covers_every_seed_with_a_dated_entry():
    for doc in load_corpus(SEEDS):
        assert doc.title != doc.id and doc.date is not None and doc.speaker and doc.voice, doc.id


def test_a_new_txt_file_is_picked_up_by_the_next_build(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    (seeds / "005_new.txt").write_text("Russia has ratified the CFE Treaty.\n", encoding="utf-8")
    result = build(seeds)
    assert "005_new" in [d.id for d in result.docs]
    assert any(f.evidence.doc == "005_new" and f.evidence.rule == "agreement.ratified" for f in result.facts)


def test_utf8_bom_gives_the_same_graph(tmp_path):
    from rdflib.compare import isomorphic

    from kg.serialize import union_graph

    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    text = "Sergey Lavrov tomorrow, in Brussels, will take part in the NATO-Russia Council meeting.\n"
    (a / "x.txt").write_text(text, encoding="utf-8")
    (b / "x.txt").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert isomorphic(union_graph(build(a).dataset), union_graph(build(b).dataset))


def test_document_without_a_catalogue_entry_is_built_undated(tmp_path):
    (tmp_path / "y.txt").write_text("Russia and NATO will talk tomorrow.\n", encoding="utf-8")
    result = build(tmp_path)
    assert result.docs[0].date is None
    assert not any(f.p.endswith("#date") for f in result.facts)  # "tomorrow" cannot be resolved
    assert "y" in result.summary()["documents without facts"]
