"""Stage 6: deterministic serialisations, written atomically.

rdflib's plain Turtle and TriG writers do not promise a stable order, so:
- Turtle uses rdflib's `longturtle` (sorted subjects and predicates), checked byte-stable by tests;
- TriG is assembled here from one `longturtle` block per named graph, graphs sorted by IRI;
- N-Triples lines are sorted;
- JSON-LD uses an inline context (no remote context is ever fetched) and sorted output.
Every file is written to a temporary file beside the target and moved into place with
os.replace, so a failed or interrupted write never leaves a half-written output.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from rdflib import Dataset, Graph

from kg.errors import KGError
from kg.graph import PREFIXES

FORMATS = ("ttl", "trig", "nt", "jsonld")


def atomic_write(path: Path, data: str | bytes) -> None:
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        raw = data.encode("utf-8") if isinstance(data, str) else data
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            umask = os.umask(0)
            os.umask(umask)
            os.fchmod(fd, 0o666 & ~umask)
            with os.fdopen(fd, "wb") as fh:
                fh.write(raw)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
    except OSError as exc:
        raise KGError(f"{path}: cannot write ({exc.strerror}); check the folder and free disk space") from None


def _bound(g: Graph) -> Graph:
    for p, ns in PREFIXES.items():
        g.bind(p, ns, override=True, replace=True)
    return g


def union_graph(ds: Dataset) -> Graph:
    g = _bound(Graph())
    for t in ds.triples((None, None, None)):
        g.add(t)
    return g


def to_turtle(ds: Dataset) -> str:
    return union_graph(ds).serialize(format="longturtle")


def to_trig(ds: Dataset) -> str:
    header = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(PREFIXES.items()))
    parts = [header]
    for ctx in sorted(ds.graphs(), key=lambda c: str(c.identifier)):
        if len(ctx) == 0:
            continue
        g = _bound(Graph())
        for t in ctx:
            g.add(t)
        body = "\n".join(line for line in g.serialize(format="longturtle").splitlines()
                         if not line.startswith("PREFIX ")).strip("\n")
        parts.append(f"\n<{ctx.identifier}> {{\n{body}\n}}\n")
    return "".join(parts)


def to_ntriples(ds: Dataset) -> str:
    lines = union_graph(ds).serialize(format="nt").splitlines()
    return "\n".join(sorted(set(line for line in lines if line.strip()))) + "\n"


def to_jsonld(ds: Dataset) -> str:
    context = {p: str(ns) for p, ns in sorted(PREFIXES.items())}
    data = json.loads(union_graph(ds).serialize(format="json-ld", context=context, auto_compact=True))
    graph = data.get("@graph", [])
    for node in graph:
        for k, v in node.items():
            if isinstance(v, list):
                node[k] = sorted(v, key=lambda x: json.dumps(x, sort_keys=True, ensure_ascii=False))
    graph.sort(key=lambda n: n.get("@id", ""))
    return json.dumps({"@context": context, "@graph": graph}, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


WRITERS = {"ttl": to_turtle, "trig": to_trig, "nt": to_ntriples, "jsonld": to_jsonld}


def serialize(ds: Dataset, fmt: str) -> str:
    if fmt not in WRITERS:
        raise KGError(f"unknown format '{fmt}'; choose one of {', '.join(FORMATS)}")
    return WRITERS[fmt](ds)
