"""The browser view: one self-contained, offline HTML page drawn with pyvis (vis-network).

- Built with pyvis: a `pyvis.network.Network` holds nodes, edges and options (filled directly:
  its add_edge is quadratic), rendered through our own Jinja template (kg/templates/graph.html)
  instead of pyvis's, which pulls Bootstrap from a CDN and switches tooltips to innerHTML.
- vis-network's JavaScript and CSS (shipped inside the pyvis package) are embedded inline: the
  page works from file:// with the network off and makes no request at all.
- All text from documents and rules travels as JSON inside <script type="application/json">
  (with <, >, &, U+2028 and U+2029 escaped) and is shown with textContent only: a label or quote
  containing markup renders literally and runs nothing.
- A strict Content-Security-Policy: script-src lists the SHA-256 of the page's two scripts and
  nothing else (no 'unsafe-inline', no 'unsafe-eval'), so an injected script would not run.
- Large graphs (over LAYOUT_THRESHOLD nodes) get a layout precomputed with networkx and physics
  off, so the page stays responsive; graph.js draws them with less detail (edges in batched paths,
  nodes too when zoomed out) so that each frame stays under 50 ms at 5,000 nodes.
"""
from __future__ import annotations

import base64
import difflib
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
from pyvis.network import Network
from rdflib import RDF, RDFS, Literal, URIRef

from kg.errors import KGError
from kg.extract import entity_iri
from kg.model import KG, Document, Fact
from kg.rules import Rulebook, load_ontology

TEMPLATES = Path(__file__).parent / "templates"
LAYOUT_THRESHOLD = 1500
START_FOCUSED_ABOVE = 1500  # larger graphs open on the start entity's neighbourhood ("Show all" shows everything)
START_ENTITY = "NATO-Russia Council"  # the page's "start here" entity when the graph has it
MAX_EVIDENCE = 12  # quotes per fact shown in the page; `nrkg query evidence-for-a-fact` has them all
# Top-level classes drawn as nodes, with their legend colour and vis-network shape.
STYLE = {
    "Person": ("#d62728", "dot"),
    "State": ("#1f77b4", "diamond"),
    "Organization": ("#2ca02c", "square"),
    "Agreement": ("#9467bd", "triangle"),
    "Event": ("#ff7f0e", "star"),
    "Place": ("#8c564b", "triangleDown"),
    "Dispute": ("#e377c2", "hexagon"),
    "Proposal": ("#bcbd22", "hexagon"),
    "CooperationArea": ("#17becf", "dot"),
    "Relationship": ("#7f7f7f", "dot"),
    "Vessel": ("#393b79", "square"),
    "Policy": ("#637939", "triangle"),
    "Issue": ("#c5b0d5", "dot"),  # what a position is about, in the text's words
}
POSITION_PARTS = {KG.holder, KG.statedBy, KG.about, KG.stance, KG.statedIn, KG.dateStated, KG.quote}


def _local(iri) -> str:
    return str(iri).split("#")[-1]


@dataclass
class PageData:
    nodes: list[dict] = field(default_factory=list)
    edges: list[dict] = field(default_factory=list)
    details: dict[str, list[dict]] = field(default_factory=dict)
    documents: list[dict] = field(default_factory=list)
    classes: list[dict] = field(default_factory=list)
    years: tuple[int, int] = (0, 0)
    barometer: list[dict] = field(default_factory=list)  # {dyad, name, year, doc, counts: {class: n}}
    positions: list[dict] = field(default_factory=list)  # kg.analysis.positions_over_time


def _year(value: str | None) -> int | None:
    return int(value[:4]) if value else None


def page_data(docs: list[Document], facts: list[Fact], book: Rulebook, max_evidence: int | None = None) -> PageData:
    """Nodes (entities), edges (relations and stances) and per-node details from the facts.

    max_evidence caps the quotes kept per fact (default MAX_EVIDENCE, for the page); 0 keeps all.
    """
    cap = MAX_EVIDENCE if max_evidence is None else (max_evidence or 10**9)
    onto = load_ontology()
    top_of = {c: top for c, top in book.top_class.items() if top in STYLE}
    doc_year = {d.id: (d.date.year if d.date else None) for d in docs}

    labels: dict[URIRef, str] = {}
    aliases: dict[URIRef, list[str]] = {}
    comments: dict[URIRef, str] = {}
    for eid, ent in book.entities.items():
        iri = entity_iri(book, eid)
        labels[iri] = ent.label
        aliases[iri] = sorted({*ent.aliases, *ent.aliases_ci} - {ent.label})
        if ent.comment:
            comments[iri] = ent.comment
    classes: dict[URIRef, str] = {}
    dates: dict[URIRef, list[str]] = defaultdict(list)
    positions: dict[URIRef, dict] = defaultdict(dict)
    for f in facts:
        if f.mode != "asserted":
            continue
        if f.p == RDF.type and _local(f.o) in top_of:
            # the most specific class wins (Summit over Meeting): keep the one deepest in the tree
            cur = classes.get(f.s)
            new = _local(f.o)
            if cur is None or new in onto.classes.get(cur, ()):
                classes[f.s] = new
        elif f.p == RDFS.label:
            labels.setdefault(f.s, str(f.o))
        elif f.p == KG.date:
            dates[f.s].append(str(f.o))
        elif f.p in POSITION_PARTS:
            positions[f.s][f.p] = f.o

    def label(t) -> str:
        if isinstance(t, Literal):
            return str(t)
        return labels.get(t) or _local(t).rsplit("/", 1)[-1]

    node_docs: dict[URIRef, set[str]] = defaultdict(set)
    node_years: dict[URIRef, set[int]] = defaultdict(set)
    for iri, ds_ in dates.items():
        node_years[iri].update(_year(d) for d in ds_)
    details: dict[URIRef, list[dict]] = defaultdict(list)
    edge_map: dict[tuple, dict] = {}

    def evidence(f: Fact) -> dict:
        ev = f.evidence
        return {"doc": ev.doc, "quote": ev.quote, "rule": ev.rule, "start": ev.start, "end": ev.end}

    def fact_years(f: Fact, *ends) -> set[int]:
        ys = {doc_year[f.evidence.doc]} if doc_year.get(f.evidence.doc) else set()
        for e in ends:
            ys.update(_year(d) for d in dates.get(e, ()))
        return ys

    for f in facts:
        s_node, o_node = f.s in classes, isinstance(f.o, URIRef) and f.o in classes
        if f.p == KG.mentions and o_node:
            node_docs[f.o].add(f.evidence.doc)
            if doc_year.get(f.evidence.doc):
                node_years[f.o].add(doc_year[f.evidence.doc])
            continue
        if not s_node and not o_node:
            continue
        if f.s in positions or f.p in (RDF.type, RDFS.label):
            continue
        prop = label_of_property(f.p)
        row = {"s": label(f.s), "p": prop, "o": label(f.o), "mode": f.mode, "evidence": [evidence(f)], "_s": f.s, "_o": f.o}
        for n in (f.s, f.o):
            if isinstance(n, URIRef) and n in classes:
                details[n].append(row)
        if s_node and o_node and f.mode == "asserted":
            key = (f.s, f.p, f.o)
            e = edge_map.setdefault(key, {"from": f.s, "to": f.o, "label": prop, "docs": set(), "years": set(), "evidence": []})
            e["docs"].add(f.evidence.doc)
            e["years"] |= fact_years(f, f.s, f.o)
            e["evidence"].append(evidence(f))

    # Positions: one edge holder -> topic, labelled with the stance.
    stance_facts: dict[URIRef, list[Fact]] = defaultdict(list)
    for f in facts:
        if f.p == KG.stance and f.s in positions:
            stance_facts[f.s].append(f)
    for pos, parts in positions.items():
        holder, about, stance = parts.get(KG.holder), parts.get(KG.about), parts.get(KG.stance)
        if holder not in classes or about not in classes or stance is None:
            continue
        ev = [evidence(f) for f in stance_facts[pos]]
        stance_label = _local(stance)
        key = (holder, KG.stance, about, stance_label)
        e = edge_map.setdefault(key, {"from": holder, "to": about, "label": stance_label, "docs": set(),
                                      "years": set(), "evidence": [], "stance": True})
        for item in ev:
            e["docs"].add(item["doc"])
            if doc_year.get(item["doc"]):
                e["years"].add(doc_year[item["doc"]])
        if parts.get(KG.dateStated) is not None:
            e["years"].add(_year(str(parts[KG.dateStated])))
        e["evidence"] += ev
        row = {"s": label(holder), "p": f"stance: {stance_label}", "o": label(about), "mode": "asserted", "evidence": ev,
               "_s": holder, "_o": about}
        details[holder].append(row)
        details[about].append(row)

    for e in edge_map.values():
        for n in (e["from"], e["to"]):
            node_docs[n] |= e["docs"]

    ids = {iri: i for i, iri in enumerate(sorted(classes, key=str))}
    for rows in details.values():  # each end of a fact that is a node: its id, so the page can link to it
        for r in rows:
            if "_s" in r:
                r["si"], r["oi"] = ids.get(r.pop("_s")), ids.get(r.pop("_o"))
    nodes = []
    for iri in sorted(classes, key=str):
        cls = classes[iri]
        top = top_of[cls]
        color, shape = STYLE[top]
        nodes.append({
            "id": ids[iri], "iri": str(iri), "label": label(iri), "group": top, "cls": cls,
            "color": color, "shape": shape, "aliases": aliases.get(iri, []),
            "comment": comments.get(iri, ""), "docs": sorted(node_docs[iri]),
            "years": sorted(y for y in node_years[iri] if y), "dates": sorted(set(dates.get(iri, []))),
        })
    edges = []
    parallel: dict[frozenset, int] = defaultdict(int)
    for key in sorted(edge_map, key=lambda k: tuple(map(str, k))):
        e = edge_map[key]
        pair = frozenset((e["from"], e["to"]))
        k = parallel[pair]
        parallel[pair] += 1
        evidence, more = _cap(e["evidence"], cap)
        edges.append({
            "id": len(edges), "from": ids[e["from"]], "to": ids[e["to"]], "label": e["label"],
            "docs": sorted(e["docs"]), "years": sorted(y for y in e["years"] if y),
            "evidence": evidence, "more": more, "stance": bool(e.get("stance")),
            # parallel edges between the same two nodes curve apart so each stays readable
            "smooth": {"enabled": True, "type": "curvedCW" if k % 2 == 0 else "curvedCCW", "roundness": 0.12 + 0.18 * (k // 2 + (k % 2))},
        })
    all_years = sorted({y for n in nodes for y in n["years"]} | {y for e in edges for y in e["years"]})
    used = sorted({n["group"] for n in nodes}, key=list(STYLE).index)
    return PageData(
        nodes=nodes,
        edges=edges,
        details={str(ids[k]): _dedupe_rows(v, cap) for k, v in details.items() if k in ids},
        documents=[{"id": d.id, "title": d.title, "date": d.date.value if d.date else ""} for d in docs],
        classes=[{"name": c, "color": STYLE[c][0], "shape": STYLE[c][1],
                  "count": sum(1 for n in nodes if n["group"] == c)} for c in used],
        years=(all_years[0], all_years[-1]) if all_years else (0, 0),
    )


def label_of_property(p: URIRef) -> str:
    local = _local(p)
    onto_labels = _property_labels()
    return onto_labels.get(local, local)


_PROP_LABELS: dict[str, str] | None = None


def _property_labels() -> dict[str, str]:
    global _PROP_LABELS
    if _PROP_LABELS is None:
        from rdflib import Graph

        from kg.rules import ONTOLOGY

        g = Graph()
        g.parse(ONTOLOGY, format="turtle")
        _PROP_LABELS = {_local(s): str(o) for s, o in g.subject_objects(RDFS.label) if str(s).startswith(str(KG))}
    return _PROP_LABELS


def _unique(items: list[dict]) -> list[dict]:
    seen, out = set(), []
    for it in items:
        key = json.dumps(it, sort_keys=True)
        if key not in seen:
            seen.add(key)
            out.append(it)
    return out


def _cap(evidence: list[dict], cap: int) -> tuple[list[dict], int]:
    """At most `cap` quotes per fact (the rest stay queryable in SPARQL), and how many were left out."""
    unique = _unique(evidence)
    return unique[:cap], max(0, len(unique) - cap)


def _dedupe_rows(rows: list[dict], cap: int) -> list[dict]:
    merged: dict[tuple, dict] = {}
    for r in rows:
        key = (r["s"], r["p"], r["o"], r["mode"])
        if key in merged:
            merged[key]["evidence"].extend(r["evidence"])
        else:
            merged[key] = {**r, "evidence": list(r["evidence"])}
    for r in merged.values():
        r["evidence"], r["more"] = _cap(r["evidence"], cap)
    return sorted(merged.values(), key=lambda r: (r["mode"] != "asserted", r["p"], r["s"], r["o"]))


def named(data: PageData, entity: str) -> dict | None:
    """The node whose label or an alias is `entity` (case-insensitive), if any."""
    key = entity.strip().lower()
    return next((n for n in data.nodes if n["label"].lower() == key or key in (a.lower() for a in n["aliases"])), None)


def find_node(data: PageData, entity: str) -> dict:
    """The node named `entity` (label or alias, case-insensitive), or a one-line error with close matches."""
    node = named(data, entity)
    if node is not None:
        return node
    names = sorted({n["label"] for n in data.nodes} | {a for n in data.nodes for a in n["aliases"]})
    close = difflib.get_close_matches(entity, names, n=4, cutoff=0.5)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else "; `nrkg query entity-names` lists the names"
    raise KGError(f"unknown entity '{entity}'{hint}")


def undirected(data: PageData) -> nx.Graph:
    g = nx.Graph()
    g.add_nodes_from(n["id"] for n in data.nodes)
    g.add_edges_from((e["from"], e["to"]) for e in data.edges)
    return g


def focus(data: PageData, entity: str, depth: int) -> PageData:
    """The neighbourhood of one entity (by label or alias, case-insensitive) up to `depth` hops."""
    keep = set(nx.ego_graph(undirected(data), find_node(data, entity)["id"], radius=depth))
    out = PageData(
        nodes=[n for n in data.nodes if n["id"] in keep],
        edges=[e for e in data.edges if e["from"] in keep and e["to"] in keep],
        details={k: v for k, v in data.details.items() if int(k) in keep},
        documents=data.documents,
        years=data.years,
    )
    out.classes = [dict(c, count=sum(1 for n in out.nodes if n["group"] == c["name"])) for c in data.classes
                   if any(n["group"] == c["name"] for n in out.nodes)]
    return out


def start_node(data: PageData) -> int | None:
    """The node the page's focus mode starts from: START_ENTITY, else the most connected node."""
    if not data.nodes:
        return None
    node = named(data, START_ENTITY)  # no suggestions needed: an absent start entity is no error
    if node is not None:
        return node["id"]
    degree = defaultdict(int)
    for e in data.edges:
        degree[e["from"]] += 1
        degree[e["to"]] += 1
    return max(data.nodes, key=lambda n: (degree[n["id"]], -n["id"]))["id"]


def _layout(data: PageData) -> bool:
    """Precompute positions for large graphs; returns whether physics stays on."""
    if len(data.nodes) <= LAYOUT_THRESHOLD:
        return True
    g = nx.Graph()
    g.add_nodes_from(n["id"] for n in data.nodes)
    g.add_edges_from((e["from"], e["to"]) for e in data.edges)
    # Fruchterman-Reingold costs ~n^2 per iteration: bound the iterations so a 5,000-node
    # graph lays out in about ten seconds at build time instead of minutes.
    n = len(data.nodes)
    iterations = max(5, min(50, int(3e8 / n ** 2)))
    pos = nx.spring_layout(g, seed=7, iterations=iterations)
    scale = 60 * n ** 0.5
    for n in data.nodes:
        x, y = pos[n["id"]]
        n["x"], n["y"] = round(float(x) * scale, 1), round(float(y) * scale, 1)
    return False


def content_security_policy(*scripts: str) -> str:
    """A strict policy: only these inline scripts run (by their SHA-256), no eval, no request at all.

    Styles stay 'unsafe-inline' (vis-network sets element styles); the data travels in a
    <script type="application/json">, which is never run.
    """
    hashes = " ".join("'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() + "'"
                      for s in scripts)
    return (f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src data: blob:; "
            "font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'; object-src 'none'")


def _json(obj) -> str:
    """JSON safe inside <script type="application/json">: no character can close the element."""
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


class KGNetwork(Network):
    """pyvis Network rendered through our offline template with the page's extra data."""

    def __init__(self, data: PageData, title: str):
        super().__init__(height="100%", width="100%", directed=True, cdn_resources="in_line")
        self.data = data
        self.page_title = title
        self.set_template_dir(str(TEMPLATES), "graph.html")
        physics = _layout(data)
        large = len(data.nodes) > LAYOUT_THRESHOLD
        # Filled directly: pyvis's add_node/add_edge check every existing edge (quadratic).
        self.nodes = [self._vis_node(n, physics) for n in data.nodes]
        self.edges = [self._vis_edge(e, curved=not large) for e in data.edges]
        self.node_ids = [n["id"] for n in data.nodes]
        self.node_map = {n["id"]: n for n in self.nodes}
        self.options = {
            "autoResize": True,
            "nodes": {"font": {"size": 18, "face": "sans-serif", "strokeWidth": 4, "strokeColor": "#ffffff"},
                      "size": 16, "borderWidth": 1},
            "edges": {"font": {"size": 11, "align": "middle", "strokeWidth": 3, "strokeColor": "#ffffff", "color": "#444"},
                      "color": {"color": "#9aa3ad", "highlight": "#222"}, "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                      "selectionWidth": 2,
                      # a large graph draws straight edges (a curve costs several times a line per frame)
                      **({"smooth": False} if large else {})},
            "interaction": {"hover": True, "tooltipDelay": 200, "navigationButtons": False,
                            # keys move the view only while the graph has the focus (click it or Tab to it):
                            # bound to the window, "-" typed in the search box would zoom out
                            "keyboard": {"enabled": True, "bindToWindow": False, "autoFocus": False},
                            # a large graph hides its edges (and so their labels) while the view moves
                            "hideEdgesOnDrag": large, "hideEdgesOnZoom": large},
            "physics": {"enabled": physics, "solver": "forceAtlas2Based",
                        "forceAtlas2Based": {"gravitationalConstant": -90, "springLength": 140, "avoidOverlap": 0.6},
                        "stabilization": {"enabled": physics, "iterations": 400, "updateInterval": 50}},
            "layout": {"randomSeed": 7, "improvedLayout": len(data.nodes) <= 300},
        }

    @staticmethod
    def _vis_node(n: dict, physics: bool) -> dict:
        node = {"id": n["id"], "label": n["label"], "shape": n["shape"], "color": n["color"],
                "title": f'{n["label"]} ({n["cls"]})'}
        if not physics:
            node.update(x=n["x"], y=n["y"], physics=False)
        return node

    @staticmethod
    def _vis_edge(e: dict, curved: bool = True) -> dict:
        edge = {"id": e["id"], "from": e["from"], "to": e["to"], "label": e["label"], "title": e["label"]}
        if curved:
            edge["smooth"] = e["smooth"]
        if e["stance"]:
            edge["dashes"] = True
        return edge

    def generate_html(self, name="index.html", local=True, notebook=False):
        lib = Path(__import__("pyvis").__file__).parent / "lib" / "vis-9.1.2"
        template = self.templateEnv.get_template(self.path)
        nodes, edges, _heading, _h, _w, options = self.get_network_data()
        payload = {
            "nodes": nodes, "edges": edges, "options": json.loads(options) if isinstance(options, str) else options,
            "info": {"nodes": self.data.nodes, "edges": self.data.edges, "details": self.data.details,
                     "documents": self.data.documents, "classes": self.data.classes, "years": list(self.data.years),
                     "barometer": self.data.barometer, "positions": self.data.positions,
                     "start": start_node(self.data), "startFocused": len(self.data.nodes) > START_FOCUSED_ABOVE,
                     "large": LAYOUT_THRESHOLD},
        }
        vis_js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
        app_js = (TEMPLATES / "graph.js").read_text(encoding="utf-8")
        self.html = template.render(
            title=self.page_title,
            csp=content_security_policy(vis_js, app_js),
            vis_js=vis_js,
            vis_css=(lib / "vis-network.css").read_text(encoding="utf-8"),
            app_js=app_js,
            app_css=(TEMPLATES / "graph.css").read_text(encoding="utf-8"),
            data_json=_json(payload),
        )
        return self.html


def add_timeline(data: PageData, ds, book) -> PageData:
    """Attach the relations barometer and the positions over time for the page's Timeline view.

    The barometer is counted per dyad, year and document, so the page's document and year
    filters apply to it; each dyad carries a readable name made of its sides' labels.
    """
    from collections import Counter

    from kg.analysis import positions_over_time
    from kg.barometer import code
    from kg.barometer import load as load_barometer

    _side_of, dyads, _rules = load_barometer(book)

    def side_label(side: str) -> str:
        ent = book.entities.get(side)
        return ent.label if ent else side.replace("-", " ").title()

    names = {name: " \u2013 ".join(side_label(s) for s in sorted(pair, key=lambda x: (x != "russia", x)))
             for pair, name in dyads.items()}
    table: dict[tuple, Counter] = {}
    for i in code(ds, book):
        table.setdefault((i.dyad, i.year, i.doc), Counter())[i.cls] += 1
    data.barometer = [{"dyad": d, "name": names.get(d, d), "year": y, "doc": doc, "counts": dict(sorted(c.items()))}
                      for (d, y, doc), c in sorted(table.items())]
    data.positions = positions_over_time(ds)
    return data


def render(data: PageData, title: str = "NATO-Russia knowledge graph") -> str:
    return KGNetwork(data, title).generate_html()
