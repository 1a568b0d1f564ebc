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
    """The outputs are the previous ones, and nothing else is there but temporaries (checked apart)."""
    return {p.name: p.read_text(encoding="utf-8") for p in out.iterdir() if p.name not in temps(out)} == PREVIOUS


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


# --- faults while writing -------------------------------------------------------------------

PATCHED = """
import errno, os, sys, time
real_fsync, calls = os.fsync, []
def fsync(fd):
    real_fsync(fd)
    calls.append(fd)
    if len(calls) == 2:  # both outputs are staged as temporaries; none is in place yet
        {action}
os.fsync = fsync
from kg.cli import main
sys.exit(main(sys.argv[1:]))
"""
PAUSE = "print('STAGED', file=sys.stderr, flush=True); time.sleep(120)"
DISK_FULL = "raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))"


def patched_build(action: str, out: Path, seeds: Path = SEEDS):
    """`nrkg build` in a child process whose second fsync pauses or fails, as a user's build would."""
    import subprocess
    import sys

    from conftest import ROOT

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-c", PATCHED.format(action=action), "build", "--seeds", str(seeds),
                             "--out", str(out), "--no-validate", "--no-page"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_staged(proc):
    line = proc.stderr.readline()
    assert line == "STAGED\n", line + proc.stderr.read()


def temps(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.endswith(".nrkg-tmp"))


def test_a_build_stopped_mid_write_leaves_previous_outputs_and_no_temp_files(out):
    import signal

    proc = patched_build(PAUSE, out)
    wait_staged(proc)
    assert len(temps(out)) == 2  # really caught mid-write
    proc.send_signal(signal.SIGTERM)  # what `kill`, systemd or a CI timeout sends first
    assert proc.wait(30) == 130
    assert "interrupted; outputs left as they were" in proc.stderr.read()
    assert temps(out) == [] and untouched(out)


def test_a_build_killed_outright_leaves_previous_outputs_and_the_next_build_clears_its_temps(out):
    import signal

    proc = patched_build(PAUSE, out)
    wait_staged(proc)
    proc.send_signal(signal.SIGKILL)  # no chance to clean up
    proc.wait(30)
    proc.stderr.close()
    proc.stdout.close()
    assert untouched(out) and len(temps(out)) == 2
    r = run_cli("build", "--out", str(out), "--no-validate", "--no-page", "-q")
    assert r.returncode == 0, r.stderr
    assert r.stderr.count("left by an nrkg that was killed while writing") == 2
    assert temps(out) == []
    assert (out / "nato-russia.ttl").read_text(encoding="utf-8").startswith("PREFIX ")


def test_a_second_build_into_the_same_folder_fails_fast(out):
    import time

    first = patched_build(PAUSE, out)
    try:
        wait_staged(first)  # the first build holds the folder
        t0 = time.monotonic()
        r = run_cli("build", "--out", str(out), "--no-validate", "--no-page")
        took = time.monotonic() - t0
        assert r.returncode == 2 and r.stderr.count("\n") == 1
        assert f"nrkg: error: {out}: another nrkg build is writing here" in r.stderr
        assert took < 20  # it did not build first (a build takes seconds) nor wait for the lock
    finally:
        first.kill()
        first.wait(30)
        first.stderr.close()
        first.stdout.close()
    assert untouched(out)


def test_disk_full_is_reported_and_changes_nothing(out):
    proc = patched_build(DISK_FULL, out)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 2
    assert stderr.count("\n") == 1 and "cannot write (No space left on device)" in stderr
    assert "the previous outputs are unchanged" in stderr
    assert temps(out) == [] and untouched(out)
