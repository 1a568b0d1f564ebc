"""Analysis of the entity graph with networkx: explain an entity, statistics, paths between entities.

The entity graph is the one the browser page draws (kg.viz.page_data): entities as nodes,
relations and stated positions as edges, each edge with its evidence.
"""
from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

import networkx as nx

from kg.errors import KGError
from kg.viz import PageData, undirected

# How similar a name must be to be suggested for an unknown one (difflib's ratio, 0..1, compared
# case-insensitively with the whole label or alias, and at 0.9 of the score with each of its
# words): 0.8 takes typos and surnames ("Medvedv", "Lavrov", "Rasmusen") but not names that merely
# share letters ("Gorbachev" and "Georgia": 0.5).
SUGGEST_CUTOFF = 0.8
WORD_WEIGHT = 0.9


def _similarity(query: str, name: str) -> float:
    from difflib import SequenceMatcher

    q, n = query.strip().casefold(), name.casefold()
    best = SequenceMatcher(None, q, n).ratio()
    for word in n.replace("-", " ").split():
        if len(word) >= 3:
            best = max(best, WORD_WEIGHT * SequenceMatcher(None, q, word).ratio())
    return best


def similar_names(data: PageData, entity: str, n: int = 4, cutoff: float = SUGGEST_CUTOFF) -> list[str]:
    """The labels of the entities whose label or an alias is close to `entity`, most similar
    first (ties by label): at most n."""
    scored = []
    for node in data.nodes:
        score = max(_similarity(entity, name) for name in (node["label"], *node["aliases"]))
        if score >= cutoff:
            scored.append((-score, node["label"]))
    return [label for _, label in sorted(set(scored))[:n]]


def find_entity(data: PageData, entity: str) -> dict:
    """The node named `entity` (label or alias, case-insensitive), or a one-line error that suggests
    similar names, or says plainly that there is none."""
    key = entity.strip().casefold()
    for node in data.nodes:
        if node["label"].casefold() == key or key in (a.casefold() for a in node["aliases"]):
            return node
    close = similar_names(data, entity)
    if close:
        hint = f"did you mean {', '.join(repr(c) for c in close)}?"
    else:
        hint = "no entity has a similar label or alias; `nrkg query entity-names` lists them all"
    raise KGError(f"unknown entity '{entity}': {hint}")


def _evidence_lines(evidence: list[dict], docs: dict[str, str], more: int = 0) -> list[str]:
    out = []
    for ev in evidence:
        out.append(f"      \u201c{ev['quote']}\u201d")
        out.append(f"        {docs.get(ev['doc'], ev['doc'])} \u00b7 rule {ev['rule']} \u00b7 chars {ev['start']}\u2013{ev['end']}")
    if more:
        out.append(f"      \u2026 and {more} more")
    return out


def explain(data: PageData, entity: str) -> str:
    """Everything the graph knows about an entity, each fact with its quote, document and rule."""
    node = find_entity(data, entity)
    docs = {d["id"]: f"{d['id']} ({d['date'] or 'undated'})" for d in data.documents}
    lines = [f"{node['label']}  [{node['cls']}]  {node['iri']}"]
    if node["aliases"]:
        lines.append("  also: " + " \u00b7 ".join(node["aliases"]))
    if node["comment"]:
        lines.append("  " + node["comment"])
    if node["dates"]:
        lines.append("  date: " + ", ".join(node["dates"]))
    lines.append("  mentioned in: " + ", ".join(node["docs"]))
    rows = data.details.get(str(node["id"]), [])
    asserted = [r for r in rows if r["mode"] == "asserted"]
    claims = [r for r in rows if r["mode"] != "asserted"]
    lines.append(f"\n{len(asserted)} fact{'s' if len(asserted) != 1 else ''}:")
    for r in asserted:
        lines.append(f"  {r['s']} \u2014 {r['p']} \u2014 {r['o']}")
        lines += _evidence_lines(r["evidence"], docs, r.get("more", 0))
    if claims:
        lines.append(f"\n{len(claims)} statement{'s' if len(claims) != 1 else ''} NOT asserted (negated, proposed, expected, planned):")
        for r in claims:
            lines.append(f"  [{r['mode']}] {r['s']} \u2014 {r['p']} \u2014 {r['o']}")
            lines += _evidence_lines(r["evidence"], docs, r.get("more", 0))
    return "\n".join(lines) + "\n"


def stats(data: PageData, top: int = 10) -> str:
    g = undirected(data)
    label = {n["id"]: n["label"] for n in data.nodes}
    lines = [f"{len(data.nodes)} entities, {len(data.edges)} relations (including stated positions)", "", "Entities per class:"]
    for cls, n in sorted(Counter(n["cls"] for n in data.nodes).items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"  {cls:<22} {n:>5}")
    lines += ["", "Relations per kind:"]
    for rel, n in sorted(Counter(e["label"] for e in data.edges).items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"  {rel:<22} {n:>5}")
    for title, scores in (("Degree centrality", nx.degree_centrality(g)),
                          ("Betweenness centrality", nx.betweenness_centrality(g, seed=7))):
        lines += ["", f"{title}, top {top}:"]
        best = sorted(scores.items(), key=lambda kv: (-kv[1], label[kv[0]]))[:top]
        for i, (node, score) in enumerate(best, 1):
            lines.append(f"  {i:>2}. {label[node]:<50} {score:.3f}")
    comps = sorted((len(c) for c in nx.connected_components(g)), reverse=True)
    isolated = sum(1 for c in comps if c == 1)
    lines += ["", f"Connected components: {len(comps)} (largest {comps[0] if comps else 0} entities; "
                  f"{isolated} entities have no relation, only mentions)"]
    return "\n".join(lines) + "\n"


def paths(data: PageData, a: str, b: str, limit: int = 3) -> str:
    """The shortest connections between two entities, each hop with its evidence."""
    na, nb = find_entity(data, a), find_entity(data, b)
    g = undirected(data)
    label = {n["id"]: n["label"] for n in data.nodes}
    docs = {d["id"]: f"{d['id']} ({d['date'] or 'undated'})" for d in data.documents}
    try:
        found = []
        for p in nx.all_shortest_paths(g, na["id"], nb["id"]):
            found.append(p)
            if len(found) >= limit:
                break
    except nx.NetworkXNoPath:
        return f"No connection between {na['label']} and {nb['label']} in the graph.\n"
    edges: dict[tuple, list[dict]] = {}
    for e in data.edges:
        edges.setdefault((e["from"], e["to"]), []).append(e)
    lines = []
    for i, p in enumerate(found, 1):
        lines.append(f"Path {i} ({len(p) - 1} hop{'s' if len(p) != 2 else ''}): " + " \u2192 ".join(label[x] for x in p))
        for x, y in zip(p, p[1:]):
            for e in edges.get((x, y), []) + edges.get((y, x), []):
                lines.append(f"  {label[e['from']]} \u2014 {e['label']} \u2014 {label[e['to']]}")
                lines += _evidence_lines(e["evidence"][:1], docs)
        lines.append("")
    return "\n".join(lines)


POSITIONS_QUERY = """
SELECT ?holder ?about ?date ?stance ?doc WHERE {
  ?p a kg:Position ; kg:holder/rdfs:label ?holder ; kg:about/rdfs:label ?about ;
     kg:stance/rdfs:label ?stance ; kg:statedIn/dcterms:identifier ?doc .
  OPTIONAL { ?p kg:dateStated ?date }
}"""


def positions_over_time(graph) -> list[dict]:
    """Each actor's stances on each issue in date order; `changed` where documents differ.

    `graph` is an rdflib Dataset or a kg.store store."""
    from kg.store import select

    rows = [SimpleNamespace(**r) for r in select(graph, "positions over time", POSITIONS_QUERY)]
    grouped: dict[tuple[str, str], set] = {}
    for r in rows:
        grouped.setdefault((str(r.holder), str(r.about)), set()).add((str(r.date or ""), str(r.stance), str(r.doc)))
    out = []
    for (holder, about), items in sorted(grouped.items()):
        stated = sorted(items)
        by_doc: dict[str, set] = {}
        for _, stance, doc in stated:
            by_doc.setdefault(doc, set()).add(stance)
        changed = len({frozenset(s) for s in by_doc.values()}) > 1
        out.append({"holder": holder, "about": about, "changed": changed,
                    "stated": [{"date": d, "stance": s, "doc": doc} for d, s, doc in stated]})
    return out


def positions_text(items: list[dict]) -> str:
    lines = []
    for it in items:
        flag = "  (stance changed between documents)" if it["changed"] else ""
        lines.append(f"{it['holder']} on {it['about']}{flag}")
        for s in it["stated"]:
            lines.append(f"  {s['date'] or 'undated':<10}  {s['stance']:<10}  {s['doc']}")
    return "\n".join(lines) + "\n"
