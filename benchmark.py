#!/usr/bin/env python3
"""Speed and memory of the build, printed as numbers (not asserted in tests).

    python benchmark.py            # seeds + a corpus scaled to 10 MB by repetition
    python benchmark.py --quick    # seeds only

Measures, for the seeds and for the scaled corpus:
- build wall time of `python -m kg build` in a fresh process (interpreter start included),
  and that process's peak resident memory;
- extraction throughput in words per second (sentences, mentions and relation rules: the
  stages that scale with the text), in-process, best of several runs.
Targets (issue #2): seeds build < 5 s wall; extraction >= 100,000 words/s on a 2-core machine.
"""
from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))


def build_process(seeds: Path, out: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one `python -m kg build` process."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "kg", "build", "--seeds", str(seeds), "--out", str(out), "-q"],
                            cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"build failed: {proc.stderr.read()}")
    return wall, usage.ru_maxrss / 1024


def extraction_throughput(seeds: Path, repeat: int) -> tuple[int, float, int]:
    """Best-of-`repeat` seconds for sentences + mentions + relation rules over the corpus.

    The spaCy pipeline and the compiled rules are set up once, as in a build; a corpus large
    enough for the build to use worker processes is measured that way (worker start included).
    """
    from kg.corpus import load_corpus
    from kg.pipeline import PARALLEL_MIN_CHARS, extract_corpus
    from kg.extract import Extractor
    from kg.nlp import Analyser
    from kg.rules import RULES_DIR, load_rulebook

    book = load_rulebook()
    docs = load_corpus(seeds)
    words = sum(len(d.text.split()) for d in docs)
    parallel = sum(len(d.text) for d in docs) >= PARALLEL_MIN_CHARS
    analyser, extractor = Analyser(book), Extractor(book)
    best, nfacts = float("inf"), 0
    for _ in range(repeat):
        t = time.perf_counter()
        if parallel:
            _, facts = extract_corpus(docs, book, RULES_DIR)
        else:
            facts = [f for d in docs for f in extractor.extract(analyser.analyse(d))]
        best = min(best, time.perf_counter() - t)
        nfacts = len(facts)
    return words, best, nfacts


def scaled_corpus(target_bytes: int, dest: Path) -> Path:
    """Copies of the seeds (each copy a document of its own, same catalogue entry) up to target_bytes."""
    import yaml

    src = ROOT / "seeds"
    catalogue = yaml.safe_load((src / "catalogue.yaml").read_text(encoding="utf-8"))
    texts = sorted(src.glob("*.txt"))
    dest.mkdir(parents=True)
    size, n, out_cat = 0, 0, {}
    while size < target_bytes:
        for p in texts:
            name = f"{p.stem}-r{n:04d}"
            data = p.read_bytes()
            (dest / f"{name}.txt").write_bytes(data)
            out_cat[name] = catalogue[p.stem]
            size += len(data)
        n += 1
    (dest / "catalogue.yaml").write_text(yaml.safe_dump(out_cat, sort_keys=True), encoding="utf-8")
    return dest


def row(label, wall, rss, words, secs, facts):
    print(f"| {label:<26} | {wall:>8.2f} s | {rss:>8.0f} MiB | {words:>9,} | {words / secs:>12,.0f} | {facts:>9,} |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="seeds only")
    ap.add_argument("--mb", type=float, default=10.0, help="size of the scaled corpus in MB (default 10)")
    args = ap.parse_args()
    print(f"nato-russia-kg benchmark on {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print("| corpus                     | build wall | peak memory | words     | extract words/s | facts     |")
    print("|----------------------------|------------|-------------|-----------|-----------------|-----------|")
    tmp = Path(tempfile.mkdtemp(prefix="nrkg-bench-"))
    try:
        walls = [build_process(ROOT / "seeds", tmp / "out") for _ in range(3)]
        wall = sorted(w for w, _ in walls)[1]
        rss = max(r for _, r in walls)
        words, secs, facts = extraction_throughput(ROOT / "seeds", repeat=5)
        row("seeds (5 documents)", wall, rss, words, secs, facts)
        if not args.quick:
            big = scaled_corpus(int(args.mb * 1_000_000), tmp / "scaled")
            words, secs, facts = extraction_throughput(big, repeat=2)
            wall, rss = build_process(big, tmp / "out-scaled")
            ndocs = len(list(big.glob("*.txt")))
            row(f"scaled to {args.mb:g} MB ({ndocs} docs)", wall, rss, words, secs, facts)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("Targets: seeds build < 5 s wall (interpreter start included); extraction >= 100,000 words/s.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
