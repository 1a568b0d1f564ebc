"""Where SPARQL runs: one small interface, two back ends.

- `RdflibStore` (default): the rdflib Dataset the pipeline builds; pure Python.
- `OxigraphStore` (`--store oxigraph`, needs the optional `pyoxigraph` package): the same quads in
  Oxigraph's in-memory store, for corpora that outgrow rdflib (it parses and queries far faster
  and holds the graph in a fraction of the memory).

Both answer through `query(label, text)`, which vets the query first (no Update, SERVICE, FROM,
LOAD: see kg.query.check) and returns a `kg.query.Result` of rdflib terms, so formatting, the CLI
and the endpoint do not care which store answered. In both, the default graph is the union (a
set) of the named graphs.
"""
from __future__ import annotations

import io
import itertools
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import XSD

from kg.errors import KGError, QueryError
from kg.graph import PREFIXES
from kg.query import Result, run, vet

STORES = ("rdflib", "oxigraph")
RDF_FORMATS = {".trig": "trig", ".ttl": "turtle", ".nt": "nt", ".nq": "nquads", ".jsonld": "json-ld"}


class RdflibStore:
    name = "rdflib"

    def __init__(self, ds: Dataset):
        self.ds = ds

    @classmethod
    def load(cls, path: Path) -> "RdflibStore":
        fmt = _format(path)
        ds = Dataset(default_union=True)
        try:
            ds.parse(path, format=fmt)
        except Exception as exc:  # noqa: BLE001 - rdflib raises many kinds
            raise KGError(f"{path}: cannot parse ({str(exc).splitlines()[0]}); rebuild it with `nrkg build`") from None
        return cls(ds)

    def query(self, label: str, text: str) -> Result:
        return run(self.ds, label, text)

    def __len__(self) -> int:
        return len(self.ds)


class OxigraphStore:
    name = "oxigraph"

    def __init__(self, store):
        self.store = store

    @staticmethod
    def _module():
        try:
            import pyoxigraph
        except ImportError:
            raise KGError("--store oxigraph needs the pyoxigraph package: pip install 'nato-russia-kg[oxigraph]'") from None
        return pyoxigraph

    @classmethod
    def from_lines(cls, by_graph: dict[str, list[str]]) -> "OxigraphStore":
        """The store of a graph built as lines (kg.serialize.quad_lines), never held by rdflib."""
        from kg.serialize import trig_chunks, turtle_chunks

        ox = cls._module()
        store = ox.Store()
        store.bulk_load(_ChunkReader(trig_chunks(by_graph)), format=ox.RdfFormat.TRIG)
        # The union, already distinct and sorted, goes straight into the default graph.
        store.bulk_load(_ChunkReader(turtle_chunks(by_graph)), format=ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())
        return cls(store)

    @classmethod
    def load(cls, path: Path) -> "OxigraphStore":
        ox = cls._module()
        fmt = {"trig": ox.RdfFormat.TRIG, "turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
               "nquads": ox.RdfFormat.N_QUADS, "json-ld": ox.RdfFormat.JSON_LD}[_format(path)]
        store = ox.Store()
        try:
            store.bulk_load(path=str(path), format=fmt)
        except (SyntaxError, ValueError, OSError) as exc:
            raise KGError(f"{path}: cannot parse ({str(exc).splitlines()[0]}); rebuild it with `nrkg build`") from None
        return cls(_with_union(store))

    def query(self, label: str, text: str, max_rows: int | None = None) -> Result:
        """The answer, read whole, or (for the server) at most max_rows + 1 solutions or triples."""
        # The same vetting as rdflib, and Oxigraph executes exactly the text that was vetted.
        text, _ = vet(label, text)
        try:
            return self._result(self.store.query(text, prefixes={p: str(ns) for p, ns in PREFIXES.items()}), max_rows)
        except (QueryError, MemoryError):
            raise
        except SyntaxError as exc:
            raise QueryError(f"{label}: {str(exc).splitlines()[0]}") from None
        except Exception as exc:  # noqa: BLE001 - Oxigraph raises OSError, RuntimeError, ... also while results are read
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise QueryError(f"{label}: query failed ({first})") from None

    def _result(self, res, max_rows: int | None = None) -> Result:
        ox = self._module()
        if isinstance(res, ox.QueryBoolean):
            return Result("ask", [], [], boolean=bool(res))
        head = (lambda it: itertools.islice(it, max_rows + 1)) if max_rows is not None else iter
        if isinstance(res, ox.QueryTriples):
            g = Graph()
            if max_rows is None:
                for p, ns in PREFIXES.items():
                    g.bind(p, ns, override=True, replace=True)
            for t in head(res):
                g.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
            return Result("graph", [], [], graph=g)
        vars_ = [v.value for v in res.variables]
        return Result("select", vars_, [[to_rdflib(sol[v]) for v in vars_] for sol in head(res)])

    def __len__(self) -> int:  # distinct triples, as rdflib's union counts them
        return int(next(iter(self.store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value)


class _ChunkReader(io.RawIOBase):
    """A binary file over an iterator of text chunks, so a large graph streams into Oxigraph."""

    def __init__(self, chunks):
        self._chunks, self._buf, self._pos = iter(chunks), memoryview(b""), 0

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        while self._pos >= len(self._buf):  # a view and an offset: no copy of the rest of a chunk per read
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._buf, self._pos = memoryview(chunk.encode("utf-8")), 0
        n = min(len(b), len(self._buf) - self._pos)
        b[:n] = self._buf[self._pos:self._pos + n]
        self._pos += n
        return n


def _with_union(store):
    """Put the set union of the named graphs in the default graph.

    Oxigraph's own union-default-graph option answers once per graph that holds a triple
    (oxigraph issue #1919), so a fact stated in three documents would count three times; the
    RDF merge kept in the default graph is a set, like rdflib's union, so both stores agree.
    """
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    return store


def to_rdflib(term):
    """A pyoxigraph term as the rdflib term it stands for (xsd:string literals become plain)."""
    if term is None:
        return None
    kind = type(term).__name__
    if kind == "NamedNode":
        return URIRef(term.value)
    if kind == "BlankNode":
        return BNode(term.value)
    if kind == "Literal":
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        return Literal(term.value) if dt == str(XSD.string) else Literal(term.value, datatype=URIRef(dt))
    raise QueryError(f"unsupported term in a result: {term!r}")


def _format(path: Path) -> str:
    path = Path(path)
    if not path.is_file():
        raise KGError(f"{path}: graph file not found; run `nrkg build` first or drop --graph")
    fmt = RDF_FORMATS.get(path.suffix)
    if fmt is None:
        raise KGError(f"{path}: unknown graph format; use .trig, .ttl, .nt, .nq or .jsonld")
    return fmt


def as_store(graph):
    """A store for `graph`: an rdflib Dataset is wrapped, a store is itself."""
    return RdflibStore(graph) if isinstance(graph, Dataset) else graph


def select(graph, label: str, text: str) -> list[dict]:
    """The rows of a SELECT on a Dataset or either store, each a dict of variable -> rdflib term (None if unbound)."""
    res = as_store(graph).query(label, text)
    return [dict(zip(res.vars, row)) for row in res.rows]


def check_store(kind: str) -> str:
    if kind not in STORES:
        raise KGError(f"unknown store '{kind}'; choose one of {', '.join(STORES)}")
    return kind


def open_store(kind: str, *, path: Path):
    """The store of `kind` over a built file (.trig, .ttl, .nt, .nq, .jsonld)."""
    return (RdflibStore if check_store(kind) == "rdflib" else OxigraphStore).load(path)
