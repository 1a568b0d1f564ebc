"""Tables: aligned text tables for the terminal, and the entity graph for graph tools and
spreadsheets: GraphML (Gephi, yEd, Cytoscape) and CSV node/edge lists, built with networkx from
the same entity graph the browser page draws.

networkx and the page's data are imported only by the functions that need them, so that a
command that prints a table starts fast."""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx

    from kg.viz import PageData

# Widest a column of a text table gets by default; a longer value is cut with "..." (--width).
DEFAULT_WIDTH = 60


def text_table(header: list[str], rows: list[list[str]], width: int | None = DEFAULT_WIDTH) -> list[str]:
    """An aligned table as lines: the header, a line of dashes, the rows.

    A value longer than `width` characters is cut to `width` with "..." at its end, so the table
    stays readable; `width` 0 or None never cuts (each column is as wide as its longest value).
    Line breaks inside a value are shown as spaces, so one row stays one line.
    """
    limit = width or None
    if limit is not None and limit < 4:
        raise ValueError("a table column needs a width of at least 4")
    rows = [[" ".join(str(v).splitlines()) for v in r] for r in rows]

    def cut(v: str) -> str:
        return v if limit is None or len(v) <= limit else v[: limit - 3] + "..."

    widths = [max([len(cut(h))] + [len(cut(r[i])) for r in rows]) for i, h in enumerate(header)]

    def line(vals):
        return "  ".join(cut(v).ljust(w) for v, w in zip(vals, widths)).rstrip()

    return [line(header), line(["-" * w for w in widths])] + [line(r) for r in rows]


NODE_FIELDS = ["id", "iri", "label", "class", "group", "aliases", "documents", "years"]
EDGE_FIELDS = ["source", "target", "relation", "stance", "documents", "years", "evidence", "first_quote", "first_rule"]


def to_networkx(data: PageData) -> nx.MultiDiGraph:
    import networkx as nx

    g = nx.MultiDiGraph()
    for n in data.nodes:
        g.add_node(n["iri"], label=n["label"], cls=n["cls"], group=n["group"], aliases=" | ".join(n["aliases"]),
                   documents=" ".join(n["docs"]), years=" ".join(map(str, n["years"])))
    iri = {n["id"]: n["iri"] for n in data.nodes}
    for e in data.edges:
        first = e["evidence"][0] if e["evidence"] else {}
        g.add_edge(iri[e["from"]], iri[e["to"]], key=str(e["id"]), relation=e["label"], stance=e["stance"],
                   documents=" ".join(e["docs"]), years=" ".join(map(str, e["years"])),
                   evidence=len(e["evidence"]) + e.get("more", 0), first_quote=first.get("quote", ""),
                   first_rule=first.get("rule", ""))
    return g


def graphml(data: PageData) -> str:
    import networkx as nx

    buf = io.BytesIO()
    nx.write_graphml(to_networkx(data), buf, encoding="utf-8", prettyprint=True)
    return buf.getvalue().decode("utf-8")


def csv_tables(data: PageData) -> tuple[str, str]:
    """(nodes CSV, edges CSV)."""
    g = to_networkx(data)
    nodes, edges = io.StringIO(), io.StringIO()
    w = csv.writer(nodes, lineterminator="\n")
    w.writerow(NODE_FIELDS)
    for node, a in g.nodes(data=True):
        w.writerow([node.rsplit("/", 1)[-1], node, a["label"], a["cls"], a["group"], a["aliases"], a["documents"], a["years"]])
    w = csv.writer(edges, lineterminator="\n")
    w.writerow(EDGE_FIELDS)
    for s, t, a in g.edges(data=True):
        w.writerow([s, t, a["relation"], a["stance"], a["documents"], a["years"], a["evidence"], a["first_quote"], a["first_rule"]])
    return nodes.getvalue(), edges.getvalue()


def csv_paths(output: Path) -> tuple[Path, Path]:
    stem = output.with_suffix("") if output.suffix == ".csv" else output
    return stem.with_name(stem.name + ".nodes.csv"), stem.with_name(stem.name + ".edges.csv")
