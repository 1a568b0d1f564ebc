"""The entity graph for graph tools and spreadsheets: GraphML (Gephi, yEd, Cytoscape) and CSV
node/edge lists, built with networkx from the same entity graph the browser page draws."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import networkx as nx

from kg.viz import PageData

NODE_FIELDS = ["id", "iri", "label", "class", "group", "aliases", "documents", "years"]
EDGE_FIELDS = ["source", "target", "relation", "stance", "documents", "years", "evidence", "first_quote", "first_rule"]


def to_networkx(data: PageData) -> nx.MultiDiGraph:
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
