"""Bad input and faults: a clear one-line error naming the file and what to do, exit 2, and the
previous outputs untouched; or, where the input is only odd, a warning and a build that goes on."""
import os
import shutil
from pathlib import Path

import pytest

from conftest import SEEDS, run_cli

PREVIOUS = {"nato-russia.ttl": "previous ttl", "nato-russia.trig": "previous trig", "graph.html": "previous page"}


@pytest.fixture
def seeds(tmp_path):
    d = tmp_path / "seeds"
    shutil.copytree(SEEDS, d)
    return d


@pytest.fixture
def out(tmp_path):
    d = tmp_path / "out"
    d.mkdir()
    for name, text in PREVIOUS.items():
        (d / name).write_text(text, encoding="utf-8")
    return d


def untouched(out: Path) -> bool:
    return {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()} == PREVIOUS


def _cp1251(d):
    (d / "bad.txt").write_bytes("Россия и НАТО".encode("cp1251"))


def _binary(d):
    (d / "bad.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def _oversize(d):
    from kg.corpus import MAX_BYTES

    (d / "bad.txt").write_bytes(b"NATO. " * (MAX_BYTES // 6 + 1))


def _symlink_out(d):
    outside = d.parent / "elsewhere.txt"
    outside.write_text("NATO and Russia.", encoding="utf-8")
    (d / "bad.txt").symlink_to(outside)


def _unsafe_name(d):
    (d / "bad name>x.txt").write_text("NATO and Russia.", encoding="utf-8")


def _case_twin(d):
    shutil.copy(d / "000_8dd90a42d0e04c43.txt", d / "000_8DD90A42D0E04C43.txt")


def _catalogue_twice(d):
    cat = d / "catalogue.yaml"
    cat.write_text(cat.read_text(encoding="utf-8") + "000_8dd90a42d0e04c43:\n  title: Listed again\n", encoding="utf-8")


BAD_SEEDS = [
    ("non-utf8-cp1251", _cp1251, "bad.txt: not UTF-8 (byte 0); re-encode it as UTF-8"),
    ("binary", _binary, "bad.txt: looks binary (NUL bytes)"),
    ("over-size-limit", _oversize, "-byte limit; split the document"),
    ("symlink-leaving-seeds", _symlink_out, "bad.txt: points outside the seeds folder"),
    ("unsafe-file-name", _unsafe_name, "rename it, e.g. to bad-name-x.txt"),
    ("same-id-but-for-case", _case_twin, "000_8dd90a42d0e04c43.txt: same document id as 000_8DD90A42D0E04C43.txt but for letter case"),
    ("catalogue-lists-an-id-twice", _catalogue_twice, "catalogue.yaml:"),
]


@pytest.mark.parametrize("name,make,message", BAD_SEEDS, ids=[b[0] for b in BAD_SEEDS])
def test_bad_seeds_are_one_line_errors_and_leave_outputs_untouched(seeds, out, name, make, message):
    make(seeds)
    r = run_cli("build", "--seeds", str(seeds), "--out", str(out))
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith("nrkg: error: ") and r.stderr.count("\n") == 1, r.stderr
    assert message in r.stderr
    assert untouched(out)


def test_catalogue_duplicate_names_both_lines(seeds):
    from kg.corpus import load_corpus
    from kg.errors import CorpusError

    _catalogue_twice(seeds)
    with pytest.raises(CorpusError, match=r"catalogue\.yaml:\d+: invalid YAML \(key '000_8dd90a42d0e04c43' appears twice \(first on line \d+\)\)"):
        load_corpus(seeds)


def test_empty_document_warns_and_the_build_goes_on(seeds, tmp_path):
    (seeds / "empty.txt").write_text("", encoding="utf-8")
    (seeds / "nothing.txt").write_text("The weather was fine and the tea was hot.\n", encoding="utf-8")
    r = run_cli("build", "--seeds", str(seeds), "--out", str(tmp_path / "o"), "--no-validate", "--no-page")
    assert r.returncode == 0, r.stderr
    assert r.stderr == f"nrkg: warning: {seeds / 'empty.txt'}: empty document; it is built but gives no facts\n"
    # Both are listed so recall can be judged: one is empty, the other has text but no facts.
    assert "no facts from      empty, nothing" in r.stdout
    assert (tmp_path / "o" / "nato-russia.ttl").stat().st_size > 100_000
