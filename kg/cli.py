"""nrkg: the command line. Each command only wires the stages together.

Exit codes: 0 success; 1 (reserved for `validate`: violations found); 2 bad input or a failed
stage, reported as one line on stderr that names the file, rule or query and what to do.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from kg import __version__
from kg.errors import KGError

PROJECT = Path(__file__).resolve().parent.parent
OUT_FILES = {"ttl": "nato-russia.ttl", "trig": "nato-russia.trig"}
GRAPH_PAGE = "graph.html"
COVERAGE = {"json": "coverage.json", "md": "coverage.md"}


def default_seeds() -> Path:
    """./seeds if there is one, else the repository's seeds (and the command says which it used)."""
    here = Path.cwd() / "seeds"
    return here if here.is_dir() else PROJECT / "seeds"


def seeds_folder(args) -> Path:
    if args.seeds:
        return Path(args.seeds)
    folder = default_seeds()
    if folder != Path.cwd() / "seeds":
        print(f"nrkg: note: no ./seeds folder here, so the seeds in {folder} are used; pass --seeds DIR to choose",
              file=sys.stderr)
    return folder


def _build(args):
    from kg.pipeline import build

    result = build(seeds_folder(args), store=getattr(args, "store", "rdflib"))
    for w in result.warnings:
        print(f"nrkg: warning: {w}", file=sys.stderr)
    return result


def cmd_build(args) -> int:
    from kg.serialize import output_lock, remove_stale_temps

    out = Path(args.out)
    with output_lock(out):  # a second build into the same folder fails now, not after its work
        for p in remove_stale_temps(out):
            print(f"nrkg: removed {p.name}, left by an nrkg that was killed while writing", file=sys.stderr)
        return _build_into(args, out)


def _build_into(args, out: Path) -> int:
    from kg.serialize import atomic_write_all

    t0 = time.perf_counter()
    result = _build(args)
    files = [out / name for name in (*OUT_FILES.values(), *COVERAGE.values())] + ([] if args.no_page else [out / GRAPH_PAGE])

    html: list[str] = []

    def page():
        if not args.no_page:
            from kg.viz import add_timeline, page_data, render

            data = add_timeline(page_data(result.docs, result.facts, result.book), result.store(), result.book)
            html.append(render(data))

    report = None
    if args.no_validate:
        page()
    elif result.dataset is None:
        print("nrkg: note: --store oxigraph does not validate the graph (HermiT and pyshacl need the in-memory "
              "rdflib graph that this store avoids); validate a sample with `nrkg validate --seeds DIR`", file=sys.stderr)
        page()
    else:
        import shutil

        from kg.validate import validate

        java = shutil.which("java") is not None
        if not java:
            print("nrkg: warning: Java is not installed, so OWL reasoning (HermiT) is skipped; SHACL shapes are "
                  "still checked (install a JRE, or pass --no-validate)", file=sys.stderr)
        # HermiT reasons in a child process while this one checks the shapes and renders the page;
        # its inferences go to their own named graph. Nothing is written until all of it succeeded.
        report = validate(result.dataset, timeout=args.timeout, during=page, reasoner=java)
    from kg.coverage import coverage, summary_line, to_json, to_markdown

    outputs = {out / name: result.serialized(fmt) for fmt, name in OUT_FILES.items()}
    cov = coverage(result.analysed, result.facts)
    outputs[out / COVERAGE["json"]] = to_json(cov)
    outputs[out / COVERAGE["md"]] = to_markdown(cov)
    if html:
        outputs[out / GRAPH_PAGE] = html[0]
    atomic_write_all(outputs)
    seconds = time.perf_counter() - t0
    if not args.quiet:
        s = result.summary()
        print(f"Built the NATO-Russia knowledge graph in {seconds:.2f} s")
        print(f"  documents          {s['documents']}  ({s['words']} words, {s['sentences']} sentences)")
        print("  entities           " + ", ".join(f"{k} {v}" for k, v in s["entities"].items()))
        print(f"  facts              {s['facts']} asserted triples, each with evidence")
        print(f"  claims             {s['claims (not asserted)']} negated / proposed / expected / planned, kept apart")
        print(f"  evidence records   {s['evidence records']}")
        print(f"  triples            {s['triples']}")
        if s["documents without facts"]:
            print("  no facts from      " + ", ".join(s["documents without facts"]))
        print(f"  coverage           {summary_line(cov)} ({out / COVERAGE['md']}; `nrkg suggest` drafts entries)")
        if report is not None:
            _print_report(report, indent="  ")
        print("Outputs:")
        for p in files:
            print(f"  {p}")
        if not args.no_page:
            print(f"Open {out / GRAPH_PAGE} in a browser to explore the graph (works offline).")
    if report is not None and not report.conforms:
        print("nrkg: the graph does not validate (see above); outputs were written", file=sys.stderr)
        return 1
    return 0


def _print_report(report, indent: str = "", shown: int = 5) -> None:
    if report.consistent is False:
        print(f"{indent}INCONSISTENT (OWL 2 DL, HermiT): {report.inconsistency}")
    elif report.consistent is None:
        print(f"{indent}reasoning          skipped (no Java)")
    else:
        print(f"{indent}reasoning          consistent (HermiT); {len(report.inferred)} inferred triples in graph <id/graph/inferred>")
    errors, warnings = report.errors, report.warnings
    if errors:
        print(f"{indent}SHACL              {len(errors)} violation{'s' if len(errors) != 1 else ''} (ontology/shapes.ttl):")
        for v in errors:
            print(f"{indent}  [{v.shape}] {v.focus}: {v.message}")
    else:
        print(f"{indent}SHACL              conforms (ontology/shapes.ttl)"
              + (f"; {len(warnings)} warning{'s' if len(warnings) != 1 else ''} (incomplete, not wrong)" if warnings else ""))
    for v in warnings[:shown]:
        print(f"{indent}  warning [{v.shape}] {v.focus}: {v.message}")
    if len(warnings) > shown:
        print(f"{indent}  ... and {len(warnings) - shown} more warnings (`nrkg validate` lists them all)")


def cmd_suggest(args) -> int:
    import json

    from kg.coverage import suggest

    path = Path(args.out) / COVERAGE["json"]
    if not path.is_file():
        raise KGError(f"{path}: no coverage report; run `nrkg build` first (or pass --out DIR of a build)")
    try:
        cov = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise KGError(f"{path}: not a coverage report written by nrkg build; run `nrkg build` again") from None
    from kg.rules import load_rulebook

    sys.stdout.write(suggest(cov, args.min_count, known=set(load_rulebook().entities)))
    return 0


def cmd_viz(args) -> int:
    from kg.serialize import atomic_write, check_folder
    from kg.viz import add_timeline, focus, page_data, render

    out = Path(args.out)
    check_folder(out.parent, out)  # before the build: a bad --out fails at once
    result = _build(args)
    data = add_timeline(page_data(result.docs, result.facts, result.book), result.store(), result.book)
    title = "NATO-Russia knowledge graph"
    if args.focus:
        from kg.analysis import find_entity

        depth = 1 if args.depth is None else args.depth
        find_entity(data, args.focus)  # an unknown name: the error suggests similar ones
        data = focus(data, args.focus, depth)
        title += f": {args.focus} and {depth} hop{'s' if depth != 1 else ''} around"
    atomic_write(out, render(data, title))
    print(f"Wrote {out} ({len(data.nodes)} entities, {len(data.edges)} relations)")
    if args.open:
        _open_in_browser(out)
    return 0


def _open_in_browser(path: Path) -> None:
    """Open a written page in the default browser, or say in one line why not and where the page is."""
    import os
    import webbrowser

    where = f"open {path.resolve()} in a browser yourself"
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        # webbrowser would find no graphical browser (or start a text one in this terminal)
        print(f"nrkg: note: no display to open a browser on (DISPLAY is not set); {where}", file=sys.stderr)
        return
    try:
        opened = webbrowser.open(path.resolve().as_uri())
    except webbrowser.Error:
        opened = False
    if not opened:
        print(f"nrkg: note: no web browser found to open the page; {where}", file=sys.stderr)


def cmd_query(args) -> int:
    from kg.query import format_result, named_queries, resolve

    if args.list:
        for name, q in named_queries().items():
            print(f"{name:34} {q.summary}")
        return 0
    if not args.query:
        raise KGError("nrkg query: give a query name, a .rq file or SPARQL text; `nrkg query --list` shows the names")
    label, text = resolve(args.query)
    store = _store(args)
    from kg.sandbox import deny_network

    deny_network()  # from here on this process opens no network socket, whatever the query makes a store try
    res = store.query(label, text)
    if args.format == "table" and res.kind == "select":
        from kg.query import short
        from kg.tables import text_table

        lines = text_table(res.vars, [[short(v) for v in row] for row in res.rows], args.width)
        lines.append(f"({len(res.rows)} row{'s' if len(res.rows) != 1 else ''})")
        sys.stdout.write("\n".join(lines) + "\n")
        return 0
    sys.stdout.write(format_result(res, args.format))
    return 0


def _store(args, result=None):
    """The store to query: a built file (--graph) or a fresh build, in rdflib or Oxigraph."""
    from kg.store import open_store

    if args.graph:
        return open_store(args.store, path=Path(args.graph))
    return (result or _build(args)).store()


def cmd_serve(args) -> int:
    from kg.server import Limits, serve

    if args.timeout <= 0 or args.queue_wait <= 0 or args.max_rows < 1 or args.max_body < 1024 or args.workers < 1:
        raise KGError("serve: --timeout and --queue-wait must be > 0, --max-rows >= 1, --max-body >= 1024 "
                      "and --workers >= 1")
    if args.worker_memory < 128 or args.max_response < 1024 or args.read_timeout <= 0 or args.per_client < 0:
        raise KGError("serve: --worker-memory must be >= 128 (MiB), --max-response >= 1024, --read-timeout > 0 "
                      "and --per-client >= 1 (0: workers minus one)")
    if args.graph:
        store = _store(args)
        beside = Path(args.graph).parent / GRAPH_PAGE
        page = beside.read_text(encoding="utf-8") if beside.is_file() else None
    else:
        from kg.viz import add_timeline, page_data, render

        result = _build(args)
        store = _store(args, result)
        page = render(add_timeline(page_data(result.docs, result.facts, result.book), store, result.book))
    limits = Limits(timeout=args.timeout, max_rows=args.max_rows, max_body=args.max_body, workers=args.workers,
                    queue_wait=args.queue_wait, worker_memory=args.worker_memory, max_response=args.max_response,
                    per_client=args.per_client, read_timeout=args.read_timeout)
    serve(store, host=args.host, port=args.port, limits=limits, graph_page=page, cors=args.cors, quiet=args.quiet)
    return 0


def cmd_push(args) -> int:
    from kg.push import push, redact

    t0 = time.perf_counter()
    if args.input:
        from kg.store import RdflibStore

        ds = RdflibStore.load(Path(args.input)).ds
    else:
        ds = _build(args).dataset
    pushed = push(ds, args.endpoint, args.graph, timeout=args.timeout)
    total = sum(p.triples for p in pushed)
    print(f"Pushed {total} triples in {len(pushed)} graph{'s' if len(pushed) != 1 else ''} to {redact(args.endpoint)} "
          f"in {time.perf_counter() - t0:.1f} s")
    for p in pushed:
        print(f"  {p.triples:>7}  <{p.graph}>")
    return 0


def cmd_export(args) -> int:
    from kg.serialize import atomic_write, atomic_write_all, check_folder, serialize

    if args.format == "csv" and args.output == "-":
        raise KGError("--format csv writes two files (nodes and edges); give -o a file name, not -")
    if args.output != "-":
        check_folder(Path(args.output).parent, Path(args.output))  # before the build; a bad -o creates nothing
    result = _build(args)
    if args.format in ("graphml", "csv"):
        from kg import tables
        from kg.viz import page_data

        entity_graph = page_data(result.docs, result.facts, result.book, max_evidence=0)
        if args.format == "csv":
            nodes_path, edges_path = tables.csv_paths(Path(args.output))
            nodes_csv, edges_csv = tables.csv_tables(entity_graph)
            atomic_write_all({nodes_path: nodes_csv, edges_path: edges_csv})
            print(f"Wrote {nodes_path} and {edges_path} (csv)", file=sys.stderr)
            return 0
        data = tables.graphml(entity_graph)
    else:
        data = serialize(result.dataset, args.format)
    if args.output == "-":
        sys.stdout.write(data)
    else:
        atomic_write(Path(args.output), data)
        print(f"Wrote {args.output} ({args.format})", file=sys.stderr)
    return 0


def _entity_data(args):
    from kg.viz import page_data

    result = _build(args)
    return page_data(result.docs, result.facts, result.book, max_evidence=0), result


def cmd_explain(args) -> int:
    from kg.analysis import explain

    data, _ = _entity_data(args)
    sys.stdout.write(explain(data, args.entity))
    return 0


def cmd_stats(args) -> int:
    from kg.analysis import stats

    data, _ = _entity_data(args)
    sys.stdout.write(stats(data, args.top))
    return 0


def cmd_path(args) -> int:
    from kg.analysis import paths

    data, _ = _entity_data(args)
    sys.stdout.write(paths(data, args.a, args.b, args.limit))
    return 0


def cmd_timeline(args) -> int:
    from kg.barometer import chart, code, timeline_text

    if not (args.list or args.positions):
        from kg.serialize import check_folder

        check_folder(Path(args.out))  # before the build and the table: a bad --out fails at once
    result = _build(args)
    if args.positions:
        from kg.analysis import positions_over_time, positions_text

        sys.stdout.write(positions_text(positions_over_time(result.store())))
        return 0
    interactions = code(result.store(), result.book)
    if args.list:
        from rdflib import URIRef

        from kg.query import short
        from kg.store import select
        from kg.tables import text_table

        labels: dict[str, str] = {}
        for s, label in sorted((str(r["s"]), str(r["label"])) for r in select(
                result.store(), "labels", "SELECT ?s ?label WHERE { ?s rdfs:label ?label }")):
            labels.setdefault(s, label)
        rows = [[i.dyad, str(i.year), i.cls, i.rule, i.doc, short(URIRef(i.item)), labels.get(i.item, "")]
                for i in interactions]
        lines = text_table(["dyad", "year", "class", "rule", "document", "item", "label"], rows, width=None)
        lines.append(f"({len(rows)} coded interaction{'s' if len(rows) != 1 else ''})")
        sys.stdout.write("\n".join(lines) + "\n")
        return 0
    sys.stdout.write(timeline_text(interactions))
    out = Path(args.out)
    chart(interactions, out / "timeline.svg", out / "timeline.png")
    print(f"Chart: {out / 'timeline.svg'} and {out / 'timeline.png'}")
    return 0


def cmd_validate(args) -> int:
    from kg.validate import validate

    result = _build(args)
    report = validate(result.dataset, timeout=args.timeout)
    _print_report(report, shown=len(report.warnings))
    return 0 if report.conforms else 1


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors on one line like every other nrkg error (not the usage block)."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}; see `{self.prog} --help`\n")


def _at_least(low: int, what: str = "a whole number"):
    """An argparse type: an integer >= low, or a usage error naming the value."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not {what}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be {low} or more, not {value}")
        return value

    return parse


def _check(args, p: argparse.ArgumentParser) -> None:
    """Combinations of options that cannot work, refused before any work is done."""
    if args.command == "query" and 0 < args.width < 4:
        p.exit(2, f"nrkg query: error: argument --width: must be 0 (never cut) or at least 4, not {args.width}; "
                  "see `nrkg query --help`\n")
    if args.command == "viz" and args.depth is not None and not args.focus:
        p.exit(2, "nrkg viz: error: --depth counts hops around --focus ENTITY; give --focus too, or drop --depth; "
                  "see `nrkg viz --help`\n")


def parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="nrkg",
        description="Build, query and export the NATO-Russia knowledge graph.",
        epilog="Exit codes: 0 ok; 1 validation found violations; 2 bad input (one-line message on stderr).",
    )
    p.add_argument("--version", action="version", version=f"nrkg {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    seeds = argparse.ArgumentParser(add_help=False)
    seeds.add_argument("--seeds", metavar="DIR", help="folder of .txt documents and catalogue.yaml (default: ./seeds)")

    reasoning = argparse.ArgumentParser(add_help=False)
    reasoning.add_argument("--timeout", type=float, default=120.0, metavar="S",
                           help="time limit for the reasoner (default 120 s)")

    def command(name: str, help_text: str, description: str, extra=()) -> argparse.ArgumentParser:
        """One subcommand: shares --seeds, shows its description and examples verbatim, runs cmd_<name>."""
        cmd = sub.add_parser(name, parents=[seeds, *extra], help=help_text, description=description,
                             formatter_class=argparse.RawDescriptionHelpFormatter)
        cmd.set_defaults(func=globals()[f"cmd_{name}"])
        return cmd

    b = command("build", "extract and check the graph; write Turtle, TriG and the browser page",
                "Extract the graph from the seed documents, check it (HermiT and SHACL, unless --no-validate) and "
                "write out/nato-russia.ttl (ontology + facts + evidence), out/nato-russia.trig (one named graph per "
                "document, plus the inferred graph) and out/graph.html (the browser page).\n"
                "Exit codes: 0 ok, 1 the graph does not validate (outputs written), 2 bad input.\n\n"
                "Example:\n  nrkg build --out out", extra=[reasoning])
    b.add_argument("--out", metavar="DIR", default="out", help="output folder (default: out)")
    b.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    b.add_argument("--no-page", action="store_true", help="do not write the browser page graph.html")
    b.add_argument("--no-validate", action="store_true", help="skip HermiT and SHACL (see `nrkg validate`)")
    b.add_argument("--store", choices=["rdflib", "oxigraph"], default="rdflib",
                   help="rdflib (default; validated with HermiT and SHACL) or oxigraph: for corpora too large for an "
                        "in-memory rdflib graph; outputs are sorted N-Triples lines, valid Turtle and TriG")

    v = command("viz", "write the offline browser page (whole graph or one neighbourhood)",
                "Write a self-contained HTML page to explore the graph: search, filters by class, "
                "document and year, and the evidence of every fact. Works from file:// offline.\n\n"
                "Examples:\n  nrkg viz --out out/graph.html\n  nrkg viz --focus RNC --depth 1 --out rnc.html --open")
    v.add_argument("--out", metavar="FILE", default="out/graph.html", help="output file (default: out/graph.html)")
    v.add_argument("--focus", metavar="ENTITY", help="only this entity (label or alias) and its neighbourhood")
    v.add_argument("--depth", type=_at_least(0), metavar="N", help="hops around --focus (default: 1; needs --focus)")
    v.add_argument("--open", action="store_true", help="open the page in the default browser")

    store = argparse.ArgumentParser(add_help=False)
    store.add_argument("--store", choices=["rdflib", "oxigraph"], default="rdflib",
                       help="query engine: rdflib (default) or oxigraph (pyoxigraph: faster, for large graphs)")
    store.add_argument("--graph", metavar="FILE",
                       help="use a built file (.trig/.ttl/.nt/.nq/.jsonld) instead of building from --seeds")

    q = command("query", "run a named query, a .rq file or SPARQL text",
                "Run SPARQL on the graph (read-only, offline).\n\n"
                "Examples:\n  nrkg query --list\n  nrkg query agreements\n"
                "  nrkg query 'SELECT ?p WHERE { ?p a kg:Person }' --format csv\n"
                "  nrkg query timeline --graph out/nato-russia.trig --store oxigraph", extra=[store])
    q.add_argument("query", nargs="?", help="query name (see --list), path to a .rq file, or SPARQL text")
    q.add_argument("--format", choices=["table", "csv", "tsv", "json", "xml"], default="table",
                   help="output format: a table, or SPARQL results as csv, tsv, json or xml (default: table)")
    q.add_argument("--list", action="store_true", help="list the named queries with their questions")
    q.add_argument("--width", type=_at_least(0), default=60, metavar="N",
                   help="--format table: cut values longer than N characters with ... (default 60; 0: never cut)")

    e = command("export", "write the graph as RDF (ttl, nt, trig, jsonld) or as GraphML or CSV",
                "Write the whole graph in one RDF format (ttl, nt, trig, jsonld with an inline context), or the entity "
                "graph for graph tools and spreadsheets: GraphML, or CSV as two files NAME.nodes.csv and NAME.edges.csv."
                "\n\nExamples:\n  nrkg export --format jsonld -o graph.jsonld\n  nrkg export --format graphml -o graph.graphml"
                "\n  nrkg export --format csv -o graph")
    e.add_argument("--format", choices=["ttl", "nt", "trig", "jsonld", "graphml", "csv"], required=True,
                   help="RDF serialisation, or the entity graph as GraphML or CSV node and edge lists")
    e.add_argument("-o", "--output", required=True, metavar="FILE", help="output file, or - for stdout")

    command("validate", "OWL consistency (HermiT) and SHACL shapes",
                "Check the graph: OWL 2 DL consistency with owlready2's HermiT (Java needed) and the "
                "SHACL shapes of ontology/shapes.ttl.\nExit codes: 0 conforms, 1 violations or "
                "inconsistency found, 2 could not run (bad input, Java missing, time limit).\n\n"
                "Example:\n  nrkg validate --timeout 60", extra=[reasoning])

    sg = command("suggest", "gazetteer entries for the names the last build did not know",
                 "Read the coverage report of a build (out/coverage.json) and print a gazetteer entry for each "
                 "capitalised name that no entry matched, most frequent first, with a guessed class to confirm. "
                 "Paste them into kg/rules/reference/domain.yaml and build again.\n\n"
                 "Example:\n  nrkg suggest --min-count 2 >> kg/rules/reference/domain.yaml")
    sg.add_argument("--out", metavar="DIR", default="out", help="the build's output folder (default: out)")
    sg.add_argument("--min-count", type=int, default=1, metavar="N", help="only names seen at least N times (default 1)")

    ex = command("explain", "everything the graph knows about an entity, with evidence",
                "Every fact about an entity (by label or alias), each with its quote, document and "
                "rule; statements that are not asserted are listed apart.\n\nExample:\n  nrkg explain RNC")
    ex.add_argument("entity", help="label or alias, e.g. 'CFE Treaty' or RNC")

    st = command("stats", "counts, centrality and components of the entity graph",
                "Entities per class, relations per kind, degree and betweenness centrality (top N), "
                "connected components.\n\nExample:\n  nrkg stats --top 5")
    st.add_argument("--top", type=_at_least(1), default=10, metavar="N",
                    help="how many central entities to list (default 10)")

    tl = command("timeline", "relations barometer: cooperation and conflict per year",
                "Code every Russia-NATO and Russia-US interaction as verbal/material cooperation/"
                "conflict (rules in kg/rules/barometer.yaml), print counts per year and write a chart "
                "(SVG and PNG).\n\nExample:\n  nrkg timeline --out out")
    tl.add_argument("--out", metavar="DIR", default="out", help="folder for timeline.svg and timeline.png (default: out)")
    tl.add_argument("--list", action="store_true", help="list every coded interaction with its rule instead")
    tl.add_argument("--positions", action="store_true",
                    help="each actor's stated stances on each issue over time, flagging changes between documents")

    pa = command("path", "shortest connections between two entities, with evidence",
                "The shortest connections between two entities, each hop with its evidence.\n\n"
                "Example:\n  nrkg path CSTO NATO")
    pa.add_argument("a", help="first entity (label or alias)")
    pa.add_argument("b", help="second entity (label or alias)")
    pa.add_argument("--limit", type=_at_least(1), default=3, metavar="N",
                    help="at most this many shortest paths (default 3)")
    sv = command("serve", "a read-only SPARQL endpoint with a query page and the graph page",
                 "Serve the graph over HTTP: a SPARQL 1.1 Protocol endpoint at /sparql (GET, POST form, POST "
                 "application/sparql-query; SPARQL JSON, XML, CSV, TSV, Turtle, N-Triples, JSON-LD, RDF/XML, N-Quads "
                 "or TriG by Accept), a query page at / and the graph page at /graph. Read-only: Update, SERVICE, FROM "
                 "and LOAD are refused; each query has a time and a memory limit, each answer a row and a byte cap.\n\n"
                 "Examples:\n  nrkg serve\n  nrkg serve --graph out/nato-russia.trig --store oxigraph --port 8080\n"
                 "  curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT ?s WHERE { ?s a kg:State }' "
                 "http://127.0.0.1:8000/sparql", extra=[store])
    sv.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    sv.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    sv.add_argument("--timeout", type=float, default=10.0, metavar="S", help="time limit per query (default 10 s)")
    sv.add_argument("--max-rows", type=int, default=10_000, metavar="N", help="results returned at most (default 10000)")
    sv.add_argument("--max-body", type=int, default=64 * 1024, metavar="BYTES",
                    help="largest request body accepted (default 65536)")
    sv.add_argument("--workers", type=int, default=2, metavar="N", help="queries run at once, one process each (default 2)")
    sv.add_argument("--queue-wait", type=float, default=30.0, metavar="S",
                    help="how long a request may wait for a free worker before 503 busy (default 30 s)")
    sv.add_argument("--worker-memory", type=int, default=1024, metavar="MIB",
                    help="memory (address space) each query worker may use; a query past it gets 503 and its worker "
                         "is replaced (default 1024 MiB: two workers and the server fit a 4 GB machine)")
    sv.add_argument("--max-response", type=int, default=64 * 1024 * 1024, metavar="BYTES",
                    help="largest answer sent; a larger one gets 503, never a cut document (default 67108864)")
    sv.add_argument("--per-client", type=int, default=0, metavar="N",
                    help="queries one client address may run at once, so one client cannot hold every worker "
                         "(default: --workers minus 1, at least 1)")
    sv.add_argument("--read-timeout", type=float, default=10.0, metavar="S",
                    help="time a client has to send a request's headers and body, or 408 and the connection is "
                         "closed (default 10 s)")
    sv.add_argument("--cors", action="store_true", help="allow cross-origin requests from any web page (off by default)")
    sv.add_argument("-q", "--quiet", action="store_true",
                    help="no access log (by default one line per request on stderr: time, client, request, status)")

    pu = command("push", "load the graph into a triplestore (SPARQL 1.1 Graph Store Protocol)",
                 "Send every named graph to a store's Graph Store endpoint with PUT ?graph=IRI (replacing what "
                 "was there), or the whole graph into one graph with --graph.\n\n"
                 "Examples:\n  nrkg push --endpoint http://127.0.0.1:7878/store\n"
                 "  nrkg push --endpoint http://localhost:3030/nrkg/data --graph https://example.org/nato-russia "
                 "--input out/nato-russia.trig")
    pu.add_argument("--endpoint", required=True, metavar="URL", help="the store's Graph Store endpoint")
    pu.add_argument("--graph", metavar="IRI", help="put everything into this one graph instead of one per named graph")
    pu.add_argument("--input", metavar="FILE", help="push a built file (.trig keeps the named graphs) instead of building")
    pu.add_argument("--timeout", type=float, default=120.0, metavar="S", help="deadline for the whole push (default 120 s)")
    return p


def _terminated(signum, frame):
    raise KeyboardInterrupt  # so that temporaries are removed and child processes stopped on the way out


def main(argv: list[str] | None = None) -> int:
    import signal

    p = parser()
    args = p.parse_args(argv)
    _check(args, p)
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _terminated)
    if not getattr(args, "func", None):
        p.print_help()
        return 2
    try:
        return args.func(args)
    except KGError as exc:
        print(f"nrkg: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("nrkg: interrupted; outputs left as they were", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
