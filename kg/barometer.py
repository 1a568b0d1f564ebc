"""Relations barometer: interactions between Russia and NATO (and Russia and the US) coded as
verbal/material cooperation/conflict, in the spirit of CAMEO's quad classes.

The coding rules are data (kg/rules/barometer.yaml): each is a SPARQL SELECT over the graph
with an id and a class; every coded interaction cites the rule that coded it.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from kg.errors import RuleError
from kg.extract import entity_iri
from kg.query import check
from kg.rules import RULES_DIR, Rulebook
from kg.yamlfile import load_yaml

CLASSES = ("verbal-cooperation", "material-cooperation", "verbal-conflict", "material-conflict")
BAROMETER = RULES_DIR / "barometer.yaml"


@dataclass(frozen=True, order=True)
class Interaction:
    dyad: str
    year: int
    cls: str
    rule: str
    item: str
    doc: str


def load(book: Rulebook, path: Path = BAROMETER):
    data = load_yaml(path, RuleError, "fix the barometer rules", "barometer rules missing; restore them from git") or {}
    side_of = {}
    for side, members in (data.get("sides") or {}).items():
        for eid in members:
            if eid not in book.entities:
                raise RuleError(f"{path}: side '{side}': unknown entity '{eid}' (not in the gazetteer)")
            side_of[str(entity_iri(book, eid))] = side
    dyads = {}
    for name, pair in (data.get("dyads") or {}).items():
        if len(pair) != 2:
            raise RuleError(f"{path}: dyad '{name}' must name two sides")
        dyads[frozenset(pair)] = name
    rules, seen = [], set()
    for r in data.get("rules") or []:
        rid = r.get("id")
        if not rid or rid in seen:
            raise RuleError(f"{path}: rule {rid!r}: missing or duplicate id")
        seen.add(rid)
        if r.get("class") not in CLASSES:
            raise RuleError(f"{path}: rule '{rid}': class must be one of {', '.join(CLASSES)}")
        check(f"{path.name}: rule '{rid}'", r["select"])
        rules.append((rid, r["class"], r.get("description", ""), r["select"]))
    return side_of, dyads, rules


def code(graph, book: Rulebook, path: Path = BAROMETER) -> list[Interaction]:
    """The coded interactions in `graph` (an rdflib Dataset or a kg.store store)."""
    from kg.store import select

    side_of, dyads, rules = load(book, path)
    out = set()
    for rid, cls, _, query in rules:
        for row in select(graph, f"{path.name}: rule '{rid}'", query):
            a, b = side_of.get(str(row["a"])), side_of.get(str(row["b"]))
            if a is None or b is None or a == b:
                continue
            dyad = dyads.get(frozenset((a, b)))
            if dyad is None or row["year"] is None:
                continue
            out.add(Interaction(dyad, int(row["year"]), cls, rid, str(row["item"]), str(row["doc"]).rsplit("/", 1)[-1]))
    return sorted(out)


def counts(interactions: list[Interaction]) -> dict[tuple[str, int], Counter]:
    table: dict[tuple[str, int], Counter] = {}
    for i in interactions:
        table.setdefault((i.dyad, i.year), Counter())[i.cls] += 1
    return table


def timeline_text(interactions: list[Interaction]) -> str:
    table = counts(interactions)
    head = f"{'dyad':<12} {'year':>4}  " + "  ".join(f"{c:>20}" for c in CLASSES)
    lines = [head, "-" * len(head)]
    for (dyad, year) in sorted(table):
        c = table[(dyad, year)]
        lines.append(f"{dyad:<12} {year:>4}  " + "  ".join(f"{c[k]:>20}" for k in CLASSES))
    lines.append(f"({len(interactions)} coded interactions; `nrkg timeline --list` shows each with its rule)")
    return "\n".join(lines) + "\n"


def chart(interactions: list[Interaction], svg: Path, png: Path) -> None:
    """Stacked bars per year and dyad: cooperation above the axis, conflict below."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "nrkg"
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    from kg.serialize import atomic_write

    table = counts(interactions)
    dyads = sorted({d for d, _ in table})
    years = list(range(min(y for _, y in table), max(y for _, y in table) + 1)) if table else []
    colours = {"verbal-cooperation": "#9ecae1", "material-cooperation": "#3182bd",
               "verbal-conflict": "#fcae91", "material-conflict": "#de2d26"}
    fig, axes = plt.subplots(len(dyads) or 1, 1, figsize=(9, 3.2 * max(1, len(dyads))), sharex=True, squeeze=False)
    for ax, dyad in zip(axes[:, 0], dyads or ["none"]):
        up = [0] * len(years)
        down = [0] * len(years)
        for cls in CLASSES:
            vals = [table.get((dyad, y), Counter())[cls] for y in years]
            if "cooperation" in cls:
                ax.bar(years, vals, bottom=up, color=colours[cls], label=cls)
                up = [u + v for u, v in zip(up, vals)]
            else:
                ax.bar(years, [-v for v in vals], bottom=down, color=colours[cls], label=cls)
                down = [d - v for d, v in zip(down, vals)]
        ax.axhline(0, color="#333", linewidth=0.8)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(f"{dyad}: cooperation (up) and conflict (down), coded interactions per year", fontsize=10)
        ax.set_ylabel("interactions")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=8, ncol=4, loc="lower center", frameon=False)
    if years:
        axes[-1, 0].set_xticks(years)
        axes[-1, 0].tick_params(axis="x", rotation=45)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    import io

    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    atomic_write(svg, buf.getvalue())
    bbuf = io.BytesIO()
    fig.savefig(bbuf, format="png", dpi=110, metadata={"Software": None})
    atomic_write(png, bbuf.getvalue())
    plt.close(fig)
