"""`nrkg push`: load the graph into a triplestore over the SPARQL 1.1 Graph Store HTTP Protocol.

Each named graph (ontology, vocabulary, one per document, inferred) is sent with
`PUT <endpoint>?graph=<iri>` as Turtle, which replaces that graph in the store, so pushing
twice leaves the same data. With `graph=IRI`, the union of all graphs goes into that one graph
instead. Works with Oxigraph (/store), Fuseki (/DATASET/data), GraphDB, and any store that
speaks the protocol.
"""
from __future__ import annotations

import base64
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from rdflib import Dataset, Graph

from kg.errors import KGError
from kg.serialize import graph_turtle, union_graph


OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # the store is addressed directly


@dataclass(frozen=True)
class Pushed:
    graph: str
    triples: int


def redact(endpoint: str) -> str:
    """The endpoint as it may be printed: without user and password."""
    parts = urlsplit(endpoint)
    if parts.username is None and parts.password is None:
        return endpoint
    host = parts.hostname or ""
    netloc = (f"[{host}]" if ":" in host else host) + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _put(endpoint: str, graph_iri: str, g: Graph, deadline: float, auth: str | None) -> None:
    url = f"{endpoint}{'&' if '?' in endpoint else '?'}graph={quote(graph_iri, safe='')}"
    headers = {"Content-Type": "text/turtle; charset=utf-8"}
    if auth:
        headers["Authorization"] = auth
    req = urllib.request.Request(url, data=graph_turtle(g).encode("utf-8"), method="PUT", headers=headers)
    outcome: list = []

    def send() -> None:
        try:
            with OPENER.open(req, timeout=max(0.1, deadline - time.monotonic())) as resp:
                resp.read()
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            outcome.append(exc)

    # --timeout is a deadline for the whole push, not per socket operation: a store that sends a
    # byte every few seconds must not keep it running (the request runs in a thread that is left).
    worker = threading.Thread(target=send, daemon=True)
    worker.start()
    worker.join(max(0.0, deadline - time.monotonic()))
    if not outcome:
        raise KGError(f"{endpoint}: the push did not finish within --timeout; raise it or check the store") from None
    try:
        if outcome[0] is not None:
            raise outcome[0]
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace").strip().splitlines()
        raise KGError(f"{endpoint}: the store answered {exc.code} {exc.reason} for graph <{graph_iri}>"
                      f"{': ' + detail[0][:200] if detail else ''}; check that the URL is its Graph Store "
                      "endpoint (Oxigraph: /store, Fuseki: /DATASET/data) and that it accepts writes") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise KGError(f"{endpoint}: cannot reach the store ({reason}); is it running, and is the URL right?") from None


def push(ds: Dataset, endpoint: str, graph: str | None = None, timeout: float = 120.0) -> list[Pushed]:
    """Send the graphs; `timeout` seconds is the deadline for all of it. Credentials in the URL
    (http://user:password@host/...) go as HTTP basic authentication and are never printed."""
    parts = urlsplit(endpoint)
    shown = redact(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise KGError(f"{shown}: not an http(s) URL; give the store's Graph Store endpoint, "
                      "e.g. http://127.0.0.1:7878/store")
    auth = None
    if parts.username is not None:
        token = f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode("utf-8")
        auth = "Basic " + base64.b64encode(token).decode("ascii")
    deadline = time.monotonic() + timeout
    if graph is not None:
        g = union_graph(ds)
        _put(shown, graph, g, deadline, auth)
        return [Pushed(graph, len(g))]
    done = []
    for ctx in sorted(ds.graphs(), key=lambda c: str(c.identifier)):
        if len(ctx) == 0 or str(ctx.identifier).startswith("urn:x-rdflib:"):
            continue
        _put(shown, str(ctx.identifier), ctx, deadline, auth)
        done.append(Pushed(str(ctx.identifier), len(ctx)))
    return done
