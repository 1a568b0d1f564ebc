#!/usr/bin/env python3
"""Speed and memory of the build, printed as numbers (not asserted in tests).

    python benchmark.py            # seeds + a corpus scaled to 10 MB by repetition
    python benchmark.py --quick    # seeds only
    python benchmark.py --quick --no-page   # no browser either

Measures, for the seeds and for the scaled corpus:
- build wall time of `python -m kg build` in a fresh process (interpreter start included),
  and that process's peak resident memory;
- extraction throughput in words per second (sentences, mentions and relation rules: the
  stages that scale with the text), in-process, best of several runs.
Targets (issue #2): seeds build < 5 s wall; extraction >= 100,000 words/s on a 2-core machine.
Also the graph page (issue #3): time until the network is drawn and stable in headless Chromium,
for the seeds graph and a synthetic graph of 5,000 nodes (targets 2 s and 5 s).
"""
from __future__ import annotations

import argparse
import os
import platform
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


def synthetic_page_data(n_nodes: int, n_edges: int):
    """A deterministic synthetic graph of n_nodes entities for the page benchmark."""
    import random

    from kg.viz import STYLE, PageData

    rnd = random.Random(7)
    groups = list(STYLE)
    nodes = []
    for i in range(n_nodes):
        g = groups[i % len(groups)]
        nodes.append({"id": i, "iri": f"urn:x:{i}", "label": f"{g} {i}", "group": g, "cls": g, "color": STYLE[g][0],
                      "shape": STYLE[g][1], "aliases": [], "comment": "", "docs": [f"d{i % 50}"],
                      "years": [1997 + i % 18], "dates": []})
    edges, seen = [], set()
    while len(edges) < n_edges:
        a, b = rnd.randrange(n_nodes), rnd.randrange(n_nodes)
        if a == b or (a, b) in seen:
            continue
        seen.add((a, b))
        edges.append({"id": len(edges), "from": a, "to": b, "label": "participant", "docs": [f"d{a % 50}"],
                      "years": [1997 + a % 18], "evidence": [], "stance": False,
                      "smooth": {"enabled": True, "type": "curvedCW", "roundness": 0.12}})
    return PageData(nodes=nodes, edges=edges, details={}, years=(1997, 2014),
                    documents=[{"id": f"d{i}", "title": f"Document {i}", "date": ""} for i in range(50)],
                    classes=[{"name": g, "color": STYLE[g][0], "shape": STYLE[g][1], "count": n_nodes // len(groups)}
                             for g in groups])


def page_stable_seconds(html: str, tmp: Path) -> tuple[float, float]:
    """(seconds from navigation start to drawn and stable, seconds of vis-network's stabilisation).

    Both are measured by the page itself (performance.now()), so browser start-up is excluded.
    """
    sys.path.insert(0, str(ROOT / "tests"))
    from browser import Page
    from playwright.sync_api import sync_playwright

    path = tmp / "page.html"
    path.write_text(html, encoding="utf-8")
    with sync_playwright() as pw:
        Page(pw, path.as_uri()).close()  # warm the file cache and the browser binary
        page = Page(pw, path.as_uri())
        ready, stable = page.page.evaluate("[window.kgGraph.readyAt, window.kgGraph.stableMs]")
        page.close()
    return ready / 1000, stable / 1000


def page_benchmark(tmp: Path) -> None:
    from kg.pipeline import build
    from kg.viz import page_data, render

    result = build(ROOT / "seeds")
    print()
    print("| graph page (headless Chromium)  | nodes | edges | page written | drawn and stable (from navigation) | of which layout |")
    print("|---------------------------------|-------|-------|--------------|------------------------------------|-----------------|")
    for label, data_fn in (("seeds", lambda: page_data(result.docs, result.facts, result.book)),
                           ("synthetic, 5,000 nodes", lambda: synthetic_page_data(5000, 7500))):
        t = time.perf_counter()
        data = data_fn()
        html = render(data)
        written = time.perf_counter() - t
        wall, stable = page_stable_seconds(html, tmp)
        print(f"| {label:<31} | {len(data.nodes):>5} | {len(data.edges):>5} | {written:>10.1f} s | {wall:>32.2f} s | {stable:>13.2f} s |")
    print("Targets: drawn and stable under 2 s (seeds) and under 5 s (5,000 nodes).")


def row(label, wall, rss, words, secs, facts):
    print(f"| {label:<26} | {wall:>8.2f} s | {rss:>8.0f} MiB | {words:>9,} | {words / secs:>12,.0f} | {facts:>9,} |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="seeds only")
    ap.add_argument("--mb", type=float, default=10.0, help="size of the scaled corpus in MB (default 10)")
    ap.add_argument("--no-page", action="store_true", help="skip the browser page benchmark (needs Chromium)")
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
        print("Targets: seeds build < 5 s wall (interpreter start included); extraction >= 100,000 words/s.")
        if not args.no_page:
            page_benchmark(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
