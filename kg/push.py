"""`nrkg push`: load the graph into a triplestore over the SPARQL 1.1 Graph Store HTTP Protocol.

Each named graph (ontology, vocabulary, one per document, inferred) is sent with
`PUT <endpoint>?graph=<iri>` as Turtle, which replaces that graph in the store, so pushing
twice leaves the same data. With `graph=IRI`, the union of all graphs goes into that one graph
instead. Works with Oxigraph (/store), Fuseki (/DATASET/data), GraphDB, and any store that
speaks the protocol.
"""
from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from rdflib import Dataset, Graph

from kg.errors import KGError
from kg.serialize import graph_turtle, union_graph


@dataclass(frozen=True)
class Pushed:
    graph: str
    triples: int


def _put(endpoint: str, graph_iri: str, g: Graph, timeout: float) -> None:
    url = f"{endpoint}{'&' if '?' in endpoint else '?'}graph={quote(graph_iri, safe='')}"
    req = urllib.request.Request(url, data=graph_turtle(g).encode("utf-8"), method="PUT",
                                 headers={"Content-Type": "text/turtle; charset=utf-8"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            resp.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace").strip().splitlines()
        raise KGError(f"{endpoint}: the store answered {exc.code} {exc.reason} for graph <{graph_iri}>"
                      f"{': ' + detail[0][:200] if detail else ''}; check that the URL is its Graph Store "
                      "endpoint (Oxigraph: /store, Fuseki: /DATASET/data) and that it accepts writes") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise KGError(f"{endpoint}: cannot reach the store ({reason}); is it running, and is the URL right?") from None


def push(ds: Dataset, endpoint: str, graph: str | None = None, timeout: float = 120.0) -> list[Pushed]:
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise KGError(f"{endpoint}: not an http(s) URL; give the store's Graph Store endpoint, "
                      "e.g. http://127.0.0.1:7878/store")
    if graph is not None:
        g = union_graph(ds)
        _put(endpoint, graph, g, timeout)
        return [Pushed(graph, len(g))]
    done = []
    for ctx in sorted(ds.graphs(), key=lambda c: str(c.identifier)):
        if len(ctx) == 0 or str(ctx.identifier).startswith("urn:x-rdflib:"):
            continue
        _put(endpoint, str(ctx.identifier), ctx, timeout)
        done.append(Pushed(str(ctx.identifier), len(ctx)))
    return done
