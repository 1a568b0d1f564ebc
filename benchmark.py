#!/usr/bin/env python3
"""Speed and memory, printed as numbers (not asserted in tests). One command runs every section:

    python benchmark.py                       # all sections (about 25 minutes on 2 cores)
    python benchmark.py --quick               # smaller sizes (a few minutes)
    python benchmark.py --only scale          # one or more of: build, page, endpoint, stores, scale
    python benchmark.py --no-page             # without the browser (Chromium)

Sections and their targets:
- build: `nrkg build` of the seeds in a fresh process (wall, peak memory; target < 5 s), and
  extraction throughput in words per second on the seeds and on a 100x synthetic corpus
  (target >= 100,000 words/s).
- page: the graph page in headless Chromium, seeds and a synthetic 5,000-node graph: time until
  drawn and stable (targets 2 s and 5 s), and with every node shown: Fit all (< 1 s), frames while
  zooming with the wheel and dragging, and a full frame at each scale from Fit all to 2 (< 50 ms),
  search suggestions per key (< 50 ms).
- endpoint: `nrkg serve` with each store under 8 clients sending the named queries for 30 s:
  throughput, p50/p95 latency, errors, wrong answers (target: no errors, no wrong answers).
- stores: rdflib against pyoxigraph on the built graph and on it repeated to 1M quads: load
  time, peak memory, every named query's latency.
- scale: synthetic corpora of 10x, 100x and 1,000x the seeds (kg.synth) built in fresh processes
  with each store: wall, peak memory, triples, growth against linear (targets: within 1.5x of
  linear; 1,000x under 10 minutes with the oxigraph store).
"""
from __future__ import annotations

import argparse
import re
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


# Peak memory is the process's own high-water mark (VmHWM), read as it exits. Not wait4's or
# getrusage's ru_maxrss: on Linux exec records the forking process's high-water mark, so every
# child of a benchmark that has grown would report at least the benchmark's own size.
PEAK = "import atexit, os; atexit.register(lambda: os.write({fd}, _peak().encode()))\n" \
       "def _peak():\n    return next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:'))\n"


def peak_mib() -> float:
    """This process's own peak resident memory in MiB."""
    with open("/proc/self/status", encoding="ascii") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:")) / 1024


def build_process(seeds: Path, out: Path, *extra: str) -> tuple[float, float, str]:
    """Wall seconds, peak resident memory in MiB (the main process; extraction workers, when a
    large corpus has them, hold one document each) and stdout of one `nrkg build` process."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), CI="true")  # CI: no progress bar in the figures
    read, write = os.pipe()
    code = PEAK.format(fd=write) + "import sys\nfrom kg.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code, "build", "--seeds", str(seeds), "--out", str(out), *extra],
                          cwd=ROOT, env=env, capture_output=True, text=True, pass_fds=(write,))
    wall = time.perf_counter() - t
    os.close(write)
    with os.fdopen(read) as fh:
        peak_kb = fh.read()
    if proc.returncode != 0:
        raise SystemExit(f"build of {seeds} failed: {proc.stderr.strip()[-500:]}")
    return wall, int(peak_kb) / 1024, proc.stdout


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


INTERACTION_JS = """async () => {
  const g = window.kgGraph, net = g.network;
  const settle = () => new Promise((r) => setTimeout(r, 120));
  g.showAll(); await settle();
  // Fit all: from the click on the button to the end of its last frame (animated or not)
  let t = performance.now(), last = t, drawn = false;
  const mark = () => { last = performance.now(); drawn = true; };
  net.on("afterDrawing", mark);
  document.getElementById("fit").click();
  for (;;) {
    drawn = false;
    await new Promise((r) => setTimeout(r, 150));
    if (!drawn && last > t) break;
  }
  net.off("afterDrawing", mark);
  const fit = last - t;
  await settle();
  // search: the suggestions for one more key, typed into the box (the input handler, synchronous)
  const box = document.getElementById("search"), keys = [];
  let q = "";
  for (const ch of "person 12") {
    q += ch; box.value = q;
    t = performance.now(); box.dispatchEvent(new Event("input")); keys.push(performance.now() - t);
  }
  box.value = ""; box.dispatchEvent(new Event("input")); box.blur();
  return { fit, keys, visible: g.visibleIds().length };
}"""

# A full frame (edges included) at each scale from Fit all to 2: the wheel zooms through these and
# the frame drawn when it stops shows everything (labels, arrow heads and edges come and go with the scale).
SCALES_JS = """async () => {
  const net = window.kgGraph.network, out = [];
  net.fit({ animation: false });
  const fit = net.getScale();
  for (const s of [fit, 0.15, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.667, 0.8, 1, 1.5, 2]) {
    if (s < fit) continue;
    net.moveTo({ scale: s, animation: false });
    await new Promise((r) => setTimeout(r, 150));  // the page adapts to the scale (arrow heads)
    window.__draws.splice(0);
    for (let i = 0; i < 3; i++) net.redraw();
    out.push([s, Math.max(...window.__draws.splice(0))]);
  }
  net.fit({ animation: false });
  return out;
}"""

FRAMES_JS = "window.__draws.splice(0)"  # the draw times (ms) of the frames since the last call
HOOK_JS = """(() => { window.__draws = []; let t0 = 0; const net = window.kgGraph.network;
  net.on("beforeDrawing", () => { t0 = performance.now(); });
  net.on("afterDrawing", () => { if (t0) window.__draws.push(performance.now() - t0); t0 = 0; }); })()"""


def _median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if xs else float("nan")


def page_timings(html: str, tmp: Path) -> dict:
    """The page in headless Chromium: seconds from navigation to drawn and stable, seconds of
    vis-network's stabilisation, then (with every node shown) Fit all in ms, the median and worst
    frame drawn while zooming with the wheel and while dragging, the worst full frame at any scale
    from Fit all to 2 (and that scale), and the search suggestions per key.

    All are measured by the page itself (performance.now()), so browser start-up is excluded.
    """
    sys.path.insert(0, str(ROOT / "tests"))
    from browser import Page
    from playwright.sync_api import sync_playwright

    path = tmp / "page.html"
    path.write_text(html, encoding="utf-8")
    with sync_playwright() as pw:
        Page(pw, path.as_uri()).close()  # warm the file cache and the browser binary
        page = Page(pw, path.as_uri(), viewport=(1600, 1000))
        p = page.page
        ready, stable = p.evaluate("[window.kgGraph.readyAt, window.kgGraph.stableMs]")
        res = p.evaluate(INTERACTION_JS)
        p.evaluate(HOOK_JS)
        box = p.query_selector("#graph").bounding_box()
        cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        p.mouse.move(cx, cy)
        for i in range(12):
            p.mouse.wheel(0, 120 if i < 6 else -120)
            p.wait_for_timeout(60)
        p.wait_for_timeout(300)
        wheel = p.evaluate(FRAMES_JS)
        # drag the view from an empty corner of the canvas
        p.mouse.move(box["x"] + 5, box["y"] + box["height"] - 5)
        p.mouse.down()
        for i in range(15):
            p.mouse.move(box["x"] + 5 + 12 * i, box["y"] + box["height"] - 5 - 8 * i)
            p.wait_for_timeout(30)
        p.mouse.up()
        p.wait_for_timeout(300)
        drag = p.evaluate(FRAMES_JS)
        scales = p.evaluate(SCALES_JS)
        page.close()
    return {"ready": ready / 1000, "stable": stable / 1000, "fit": res["fit"], "visible": res["visible"],
            "key": max(res["keys"]), "key_median": _median(res["keys"]),
            "wheel": _median(wheel), "wheel_max": max(wheel or [float("nan")]),
            "drag": _median(drag), "drag_max": max(drag or [float("nan")]),
            "full_max": max(ms for _s, ms in scales), "full_at": max(scales, key=lambda sm: sm[1])[0]}


def page_stable_seconds(html: str, tmp: Path) -> tuple[float, float]:
    """(seconds from navigation start to drawn and stable, seconds of vis-network's stabilisation)."""
    t = page_timings(html, tmp)
    return t["ready"], t["stable"]


def page_benchmark(tmp: Path) -> None:
    from kg.pipeline import build
    from kg.viz import page_data, render

    result = build(ROOT / "seeds")
    print()
    print("| graph page (headless Chromium) | nodes | edges | page written | drawn and stable | Fit all | wheel frame (median / worst) | drag frame (median / worst) | full frame, Fit all to scale 2 (worst) | search, per key (worst) |")
    print("|--------------------------------|-------|-------|--------------|------------------|---------|------------------------------|-----------------------------|----------------------------------------|-------------------------|")
    for label, data_fn in (("seeds", lambda: page_data(result.docs, result.facts, result.book)),
                           ("synthetic, 5,000 nodes", lambda: synthetic_page_data(5000, 7500))):
        t = time.perf_counter()
        data = data_fn()
        html = render(data)
        written = time.perf_counter() - t
        m = page_timings(html, tmp)
        print(f"| {label:<30} | {len(data.nodes):>5} | {len(data.edges):>5} | {written:>10.1f} s | {m['ready']:>14.2f} s | "
              f"{m['fit']:>4.0f} ms | {m['wheel']:>10.0f} / {m['wheel_max']:.0f} ms | {m['drag']:>10.0f} / {m['drag_max']:.0f} ms | "
              f"{m['full_max']:>20.0f} ms (at {m['full_at']:.2f}) | {m['key']:>20.1f} ms |")
    print("Targets: drawn and stable under 2 s (seeds) and under 5 s (5,000 nodes); at 5,000 nodes with every node shown, "
          "Fit all under 1 s, wheel and drag frames (and any full frame) under 50 ms, search suggestions under 50 ms per key.")


ID_IRI = re.compile(r"<(https://w3id\.org/nato-russia-kg/id/[^>]*)>")
ONTOLOGY_GRAPH = "https://w3id.org/nato-russia-kg/id/graph/ontology"


def scaled_graph(trig: Path, target_triples: int, dest: Path) -> tuple[Path, int]:
    """The built graph repeated until it holds about target_triples quads, written as TriG.

    Copy 0 is the graph as built; copy k (k >= 1) repeats every named graph but the ontology with
    each IRI under /id/ suffixed "-k", so every copy is new individuals, documents, evidence and
    named graphs in the same shape, and the named queries find the same kind of data at scale.
    """
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
    by_graph: dict[str, list[str]] = {}
    for q in store.quads_for_pattern(None, None, None, None):
        by_graph.setdefault(q.graph_name.value, []).append(f"{q.subject} {q.predicate} {q.object} .")
    per_copy = sum(len(v) for g, v in by_graph.items() if g != ONTOLOGY_GRAPH)
    copies = max(1, round((target_triples - len(by_graph.get(ONTOLOGY_GRAPH, []))) / per_copy))
    total = 0
    with open(dest, "w", encoding="utf-8") as out:
        for k in range(copies):
            for g in sorted(by_graph):
                if k and g == ONTOLOGY_GRAPH:
                    continue
                lines = by_graph[g]
                text = f"<{g}> {{\n" + "\n".join(lines) + "\n}\n"
                out.write(ID_IRI.sub(lambda m: f"<{m.group(1)}-{k}>", text) if k else text)
                total += len(lines)
    return dest, total


def _store_child(kind: str, path: str, cap: float) -> None:
    """In a fresh process: load `path` into the `kind` store, run every named query; print JSON."""
    import json
    import signal

    from kg.query import named_queries
    from kg.store import open_store

    class Late(BaseException):  # kg.query wraps every Exception as a QueryError
        pass

    def late(*_):
        raise Late

    signal.signal(signal.SIGALRM, late)
    t = time.perf_counter()
    store = open_store(kind, path=Path(path))
    load = time.perf_counter() - t
    rss_load = peak_mib()
    times = {}
    for name, q in named_queries().items():
        t = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, cap)  # rdflib cannot be stopped any other way
        try:
            rows = len(store.query(name, q.text).rows)
            times[name] = [time.perf_counter() - t, rows]
        except Late:
            times[name] = [None, None]
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    print(json.dumps({"load": load, "rss_load": rss_load, "triples": len(store), "queries": times,
                      "rss": peak_mib()}))


def store_run(kind: str, path: Path, cap: float) -> dict:
    import json

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, str(ROOT / "benchmark.py"), "--store-child", kind, str(path), str(cap)],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{kind} store on {path.name} failed: {proc.stderr.strip()[-500:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def stores_benchmark(tmp: Path, trig: Path, target: int, cap: float) -> None:
    """rdflib against pyoxigraph on the seeds graph and on the graph scaled to `target` triples."""
    big, n = scaled_graph(trig, target, tmp / "scaled.trig")
    print()
    print(f"Stores: the built TriG and the same graph repeated to {n:,} quads ({big.stat().st_size / 1e6:.0f} MB of TriG); "
          f"each store in a fresh process; queries stopped after {cap:g} s.")
    results = {(label, kind): store_run(kind, path, cap) for label, path in (("seeds", trig), ("scaled", big))
               for kind in ("rdflib", "oxigraph")}
    print("| graph  | store    | triples   | load (parse + index) | peak memory after load | peak memory | all named queries |")
    print("|--------|----------|-----------|----------------------|------------------------|-------------|-------------------|")
    for (label, kind), r in results.items():
        done = [t for t, _ in r["queries"].values() if t is not None]
        late = len(r["queries"]) - len(done)
        total = f"{sum(done):.2f} s" + (f" (+{late} stopped at {cap:g} s)" if late else "")
        print(f"| {label:<6} | {kind:<8} | {r['triples']:>9,} | {r['load']:>18.2f} s | {r['rss_load']:>18.0f} MiB | "
              f"{r['rss']:>7.0f} MiB | {total:>17} |")
    print()
    print("| named query (seconds)               | seeds rdflib | seeds oxigraph | scaled rdflib | scaled oxigraph |")
    print("|-------------------------------------|--------------|----------------|---------------|-----------------|")
    names = list(results[("seeds", "rdflib")]["queries"])

    def cell(label, kind, name):
        t, rows = results[(label, kind)]["queries"][name]
        return f"> {cap:g}" if t is None else f"{t:.3f}"

    for name in names:
        print(f"| {name:<35} | {cell('seeds', 'rdflib', name):>12} | {cell('seeds', 'oxigraph', name):>14} | "
              f"{cell('scaled', 'rdflib', name):>13} | {cell('scaled', 'oxigraph', name):>15} |")
    for label in ("seeds", "scaled"):
        rd, ox = results[(label, "rdflib")], results[(label, "oxigraph")]
        print(f"{label}: oxigraph loads {rd['load'] / ox['load']:.0f}x faster than rdflib and peaks at "
              f"{ox['rss_load'] / rd['rss_load']:.2f} of its memory after loading.")


def endpoint_benchmark(trig: Path, seconds: float) -> None:
    """`nrkg serve` under 8 concurrent clients sending the named queries, for each store."""
    sys.path.insert(0, str(ROOT / "tests"))
    from server_util import Server

    from kg.loadtest import expected_rows, run_load
    from kg.query import named_queries
    from kg.store import open_store

    queries = {name: q.text for name, q in named_queries().items()}
    want = expected_rows(open_store("rdflib", path=trig), queries)
    print()
    print(f"Endpoint: `nrkg serve --graph {trig.name}` (2 worker processes, default limits), 8 clients sending the "
          f"{len(queries)} named queries for {seconds:g} s, every answer checked.")
    print("| store    | requests | throughput | p50 latency | p95 latency | errors | wrong answers |")
    print("|----------|----------|------------|-------------|-------------|--------|---------------|")
    for kind in ("rdflib", "oxigraph"):
        server = Server("--graph", str(trig), "--store", kind)
        try:
            r = run_load(server.url, queries, want, clients=8, seconds=seconds)
        finally:
            server.stop()
        print(f"| {kind:<8} | {r.requests:>8} | {r.throughput:>6.1f} /s | {r.percentile(50) * 1000:>8.0f} ms | "
              f"{r.percentile(95) * 1000:>8.0f} ms | {len(r.errors):>6} | {len(r.wrong):>13} |")


def row(label, wall, rss, words, secs, facts):
    print(f"| {label:<27} | {wall:>8.2f} s | {rss:>8.0f} MiB | {words:>9,} | {words / secs:>15,.0f} | {facts:>9,} |")


def scale_benchmark(tmp: Path, factors: tuple[int, ...], rdflib_up_to: int) -> None:
    """Synthetic corpora at each factor of the seeds (kg.synth), each built in a fresh process
    with each store (rdflib only up to `rdflib_up_to`), without the page and validation, which
    are not part of what must scale. Growth is each step's cost ratio over its size ratio."""
    from kg.synth import make_corpus

    print()
    print("Scale: synthetic corpora (seeds x factor: years shifted, names exchanged), `nrkg build --store S "
          "--no-page --no-validate` in a fresh process each.")
    print("| corpus | documents | words     | store    | triples    | build wall | peak memory | wall vs linear | memory vs linear |")
    print("|--------|-----------|-----------|----------|------------|------------|-------------|----------------|------------------|")
    previous: dict[str, tuple[int, float, float]] = {}
    verdicts = []
    for factor in factors:
        corpus = make_corpus(ROOT / "seeds", tmp / f"x{factor}", factor)
        for store in ("rdflib", "oxigraph"):
            if store == "rdflib" and factor > rdflib_up_to:
                continue
            out = tmp / f"out-x{factor}-{store}"
            wall, rss, stdout = build_process(corpus, out, "--store", store, "--no-page", "--no-validate")
            triples = int(re.search(r"triples\s+(\d+)", stdout).group(1))
            docs, words = map(int, re.search(r"documents\s+(\d+)\s+\((\d+) words", stdout).groups())
            growth = ["", ""]
            if store in previous:
                f0, w0, r0 = previous[store]
                size = factor / f0
                growth = [f"{(wall / w0) / size:.2f}x", f"{(rss / r0) / size:.2f}x"]
                verdicts.append((store, f0, factor, (wall / w0) / size))
            previous[store] = (factor, wall, rss)
            print(f"| {factor:>5}x | {docs:>9,} | {words:>9,} | {store:<8} | {triples:>10,} | {wall:>8.1f} s | "
                  f"{rss:>7,.0f} MiB | {growth[0]:>14} | {growth[1]:>16} |")
            shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(corpus, ignore_errors=True)
    for store, f0, f1, g in verdicts:
        print(f"{store} {f0}x -> {f1}x: build wall grows {g:.2f}x linear ({'within' if g <= 1.5 else 'OVER'} the 1.5x target)")
    print("Target: the 1,000x corpus built under 10 minutes with the oxigraph store; growth within 1.5x of linear.")


SECTIONS = ("build", "page", "endpoint", "stores", "scale")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", metavar="SECTION[,SECTION]", default=",".join(SECTIONS),
                    help=f"sections to run, of {', '.join(SECTIONS)} (default: all)")
    ap.add_argument("--quick", action="store_true",
                    help="small sizes only: no 100x extraction, a 100k-triple graph for stores, scale to 100x")
    ap.add_argument("--no-page", action="store_true", help="skip the browser page benchmark (needs Chromium)")
    ap.add_argument("--triples", type=int, default=1_000_000, help="size of the scaled graph for stores (default 1,000,000)")
    ap.add_argument("--load-seconds", type=float, default=30.0, help="how long the endpoint load runs (default 30)")
    ap.add_argument("--query-cap", type=float, default=60.0, help="stop a store's query after this many seconds (default 60)")
    ap.add_argument("--store-child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.store_child:
        kind, path, cap = args.store_child
        _store_child(kind, path, float(cap))
        return 0
    only = set(args.only.split(","))
    if not only <= set(SECTIONS):
        ap.error(f"--only takes {', '.join(SECTIONS)}")
    if args.no_page:
        only.discard("page")
    print(f"nato-russia-kg benchmark on {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    tmp = Path(tempfile.mkdtemp(prefix="nrkg-bench-"))
    try:
        if "build" in only:
            print("| corpus                      | build wall | peak memory | words     | extract words/s | facts     |")
            print("|-----------------------------|------------|-------------|-----------|-----------------|-----------|")
            runs = [build_process(ROOT / "seeds", tmp / "out") for _ in range(3)]
            wall = sorted(w for w, _, _ in runs)[1]
            rss = max(r for _, r, _ in runs)
            words, secs, facts = extraction_throughput(ROOT / "seeds", repeat=5)
            row("seeds (5 documents)", wall, rss, words, secs, facts)
            if not args.quick:
                from kg.synth import make_corpus

                big = make_corpus(ROOT / "seeds", tmp / "x100", 100)
                words, secs, facts = extraction_throughput(big, repeat=2)
                print(f"| {'synthetic 100x (500 docs)':<27} | {'':>10} | {'':>11} | {words:>9,} | {words / secs:>15,.0f} | "
                      f"{facts:>9,} |  (extraction only, 2 worker processes)")
                shutil.rmtree(big)
            print("Targets: seeds build < 5 s wall (interpreter start included); extraction >= 100,000 words/s.")
        if "page" in only:
            page_benchmark(tmp)
        if only & {"endpoint", "stores"}:
            trig = tmp / "out" / "nato-russia.trig"
            if not trig.is_file():
                build_process(ROOT / "seeds", tmp / "out")
            if "endpoint" in only:
                endpoint_benchmark(trig, args.load_seconds)
            if "stores" in only:
                stores_benchmark(tmp, trig, 100_000 if args.quick else args.triples, args.query_cap)
        if "scale" in only:
            scale_benchmark(tmp, (10, 100) if args.quick else (10, 100, 1000), rdflib_up_to=100)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
