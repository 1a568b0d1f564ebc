r"""SPARQL over the graph: named queries in queries/*.rq, safe by construction.

Read-only and offline: updates are refused, and SERVICE, FROM / FROM NAMED and LOAD are
refused before execution (rdflib would otherwise fetch them over the network).

One text is vetted and executed. A query is first normalised (`normalise`: line ends to \n,
\u / \U escapes expanded, as SPARQL says they are before parsing); the vetting parser (rdflib's)
reads that text and the store executes that same text, so no difference in how two parsers read
comments, line ends or escapes can hide a SERVICE from the vetting. Below the parser there are
two more walls: the keyword SERVICE may not appear anywhere in the normalised text (not even in
a string or a comment), and processes that execute users' queries cannot open network sockets
at all (kg.sandbox).
"""
from __future__ import annotations

import csv
import io
import itertools
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import rdflib.plugins.sparql as rdflib_sparql
from pyparsing import ParseException, ParseResults
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parser import parseQuery

from kg.errors import QueryError
from kg.graph import PREFIXES

rdflib_sparql.SPARQL_LOAD_GRAPHS = False
QUERIES_DIR = Path(__file__).parent.parent / "queries"
QUERY_WORDS = re.compile(r"^\s*(?:#[^\n]*\n\s*)*(?:PREFIX|BASE|SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.I)
UPDATE_WORDS = re.compile(r"\b(?:INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|COPY|MOVE|ADD)\b\s*(?:DATA\b|WHERE\b|\{|<|GRAPH\b|SILENT\b|ALL\b|DEFAULT\b|NAMED\b)", re.I)


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    summary: str
    text: str


def _summary(text: str) -> str:
    """The question a query answers: its `#+ summary:` header line."""
    for line in text.splitlines():
        if line.startswith("#+ summary:"):
            return line[len("#+ summary:"):].strip()
    return ""


def named_queries(directory: Path = QUERIES_DIR) -> dict[str, NamedQuery]:
    out = {}
    for path in sorted(Path(directory).glob("*.rq")):
        name = re.sub(r"^\d+-", "", path.stem)
        text = path.read_text(encoding="utf-8")
        out[name] = NamedQuery(name, path, _summary(text), text)
    return out


def resolve(arg: str, directory: Path = QUERIES_DIR) -> tuple[str, str]:
    """A query name, a .rq file or SPARQL text -> (label for messages, SPARQL text)."""
    named = named_queries(directory)
    if arg in named:
        return named[arg].path.name, named[arg].text
    stem = re.sub(r"^\d+-", "", Path(arg).stem)
    if arg.endswith(".rq"):
        path = Path(arg)
        if path.is_file():
            try:
                return str(path), path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                raise QueryError(f"{arg}: not a UTF-8 text file; save the query as UTF-8 text") from None
        if stem in named:
            return named[stem].path.name, named[stem].text
        raise QueryError(f"{arg}: no such query file; `nrkg query --list` shows the named queries")
    if QUERY_WORDS.match(arg) or UPDATE_WORDS.search(arg):
        return "query", arg
    close = [n for n in named if arg.lower() in n or n in arg.lower()]
    hint = f" (did you mean {', '.join(close[:3])}?)" if close else ""
    raise QueryError(f"unknown query '{arg}'{hint}; `nrkg query --list` shows the named queries")


def _walk(node, found: set[str]) -> None:
    name = getattr(node, "name", None)
    if name:
        found.add(name)
    if isinstance(node, dict):
        for v in node.values():
            _walk(v, found)
    elif isinstance(node, (list, tuple, ParseResults)):
        for v in node:
            _walk(v, found)


def check(label: str, text: str):
    """Parse and vet a query; returns the prepared query or raises QueryError (one line)."""
    return vet(label, text)[1]


def vet(label: str, text: str):
    """(the normalised text, its prepared query) once the text is vetted, or QueryError (one line).

    A store must execute the returned text, never the one it was given: that is the text the
    vetting read.
    """
    try:
        safe = normalise(text)
        return safe, _vetted(safe)
    except _Refused as exc:
        raise QueryError(f"{label}: {exc}") from None


class _Refused(Exception):
    """Why a query is refused, without the label of who asked (the caller adds it)."""


_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8}))")
_ANY_ESCAPE = re.compile(r"\\[uU][0-9A-Fa-f]{4}")
# The SERVICE keyword, unless it is the end of a hyphenated or longer word (org:security-service).
_SERVICE = re.compile(r"(?<![A-Za-z-])service(?![A-Za-z0-9_-])", re.I)


MAX_PATH_STEPS, MAX_NESTING = 100, 100
_SKIP = re.compile(r"<[^<>\s]*>|\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|#[^\n]*")


def _check_size(text: str) -> None:
    """Refuse shapes that take a parser or store down before they run: a property path of
    thousands of steps (Oxigraph crashes at 3,000 and takes 40 s at 1,000) or deep nesting."""
    bare = _SKIP.sub(" ", text)
    steps = len(re.findall(r"[/|^]", bare))
    if steps > MAX_PATH_STEPS:
        raise _Refused(f"{steps} property path steps is over the limit of {MAX_PATH_STEPS}; split the path")
    depth = deepest = 0
    for ch in bare:
        if ch in "({[":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in ")}]":
            depth -= 1
    if deepest > MAX_NESTING:
        raise _Refused(f"nesting {deepest} deep is over the limit of {MAX_NESTING}; flatten the query")


def normalise(text: str) -> str:
    r"""The one text that is vetted and executed: \r\n and lone \r become \n, and \uXXXX /
    \UXXXXXXXX escapes are expanded once. Refused: an escape that is malformed, names no
    character, or leaves another escape behind (a second expansion would change the text), and
    the keyword SERVICE anywhere, even in a string or a comment."""
    def expand(m: re.Match) -> str:
        code = int(m.group(1) or m.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise _Refused(f"the escape {m.group(0)} names no Unicode character")
        return chr(code)

    # Escapes first: an escaped \r must become a \n too (a comment ends at \r for one parser only).
    text = _ESCAPE.sub(expand, text).replace("\r\n", "\n").replace("\r", "\n")
    if _ANY_ESCAPE.search(text):
        raise _Refused("a \\u or \\U escape is malformed (\\u takes 4 hex digits, \\U 8) or yields another escape; "
                       "write the character itself")
    _check_size(text)
    if _SERVICE.search(text):
        raise _Refused("SERVICE is not allowed; queries run offline on the local graph (the word may not appear "
                       "even in a string or comment: to match it in data, write REGEX(?x, \"[s]ervice\", \"i\"))")
    return text


@lru_cache(maxsize=512)
def _vetted(text: str):
    """The prepared query for `text`, parsed and vetted once: the endpoint, the barometer and the
    page send the same texts again and again, and a parse costs tens of milliseconds. Refusals
    are not cached (lru_cache keeps only results)."""
    # Parsed, not grepped: "SELECT ?delete WHERE { ... }" is a query; an update fails to parse as
    # one and then parses as an update.
    try:
        parsed = parseQuery(text)
    except ParseException as exc:
        if _is_update(text):
            raise _Refused("SPARQL Update is not allowed; the graph is read-only") from None
        raise _Refused(f"syntax error at line {exc.lineno}, column {exc.col}: {exc.msg}") from None
    except Exception as exc:  # noqa: BLE001 - rdflib raises several kinds
        raise _Refused(f"cannot parse the query ({exc})") from None
    found: set[str] = set()
    _walk(parsed, found)
    if "ServiceGraphPattern" in found:
        raise _Refused("SERVICE is not allowed; queries run offline on the local graph")
    if "DatasetClause" in found:
        raise _Refused("FROM / FROM NAMED are not allowed; use GRAPH <iri> { } on the local named graphs")
    try:
        return prepareQuery(text, initNs={p: str(ns) for p, ns in PREFIXES.items()})
    except Exception as exc:  # noqa: BLE001
        raise _Refused(f"cannot prepare the query ({exc})") from None


def _is_update(text: str) -> bool:
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(text)
    except Exception:  # noqa: BLE001 - not an update either: the query's syntax error stands
        return False
    return True


@dataclass
class Result:
    kind: str  # select | ask | graph
    vars: list[str]
    rows: list[list]
    boolean: bool | None = None
    graph: Graph | None = None


def run(ds: Dataset, label: str, text: str, max_rows: int | None = None) -> Result:
    """The result of a vetted query; with `max_rows`, a SELECT stops after max_rows + 1 solutions
    (enough to know the cap was passed) instead of computing every one."""
    q = check(label, text)
    try:
        res = ds.query(q)
        if res.type == "ASK":
            return Result("ask", [], [], boolean=bool(res.askAnswer))
        if res.type in ("CONSTRUCT", "DESCRIBE"):
            return Result("graph", [], [], graph=res.graph)
        vars_ = [str(v) for v in res.vars]
        rows = res if max_rows is None else itertools.islice(res, max_rows + 1)
        return Result("select", vars_, [list(r) for r in rows])
    except (QueryError, MemoryError):  # out of memory is the worker's limit, not the query's fault
        raise
    except Exception as exc:  # noqa: BLE001 - rdflib raises many kinds during evaluation
        raise QueryError(f"{label}: query failed ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})") from None


def short(term, ns=None) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        s = str(term)
        for p, base in sorted(PREFIXES.items(), key=lambda kv: -len(str(kv[1]))):
            if s.startswith(str(base)):
                return f"{p}:{s[len(str(base)):]}"
        return f"<{s}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


# Media types the endpoint can answer with, per kind of result (first one is the default).
SELECT_TYPES = {"application/sparql-results+json": "json", "application/sparql-results+xml": "xml",
                "text/csv": "csv", "text/tab-separated-values": "tsv",
                "application/json": "json", "application/xml": "xml"}
# RDF/XML is what SPARQLWrapper and rdflib's SPARQLStore ask for by default; N-Quads and TriG
# carry the CONSTRUCTed triples in the default graph, for clients that read datasets.
GRAPH_TYPES = {"text/turtle": "ttl", "application/n-triples": "nt", "application/ld+json": "jsonld",
               "application/rdf+xml": "rdfxml", "application/n-quads": "nq", "application/trig": "trig"}


def _term_json(v) -> dict:
    if isinstance(v, URIRef):
        return {"type": "uri", "value": str(v)}
    if isinstance(v, BNode):
        return {"type": "bnode", "value": str(v)}
    d = {"type": "literal", "value": str(v)}
    if isinstance(v, Literal) and v.language:
        d["xml:lang"] = v.language
    elif isinstance(v, Literal) and v.datatype:
        d["datatype"] = str(v.datatype)
    return d


def _tsv_term(v) -> str:
    return "" if v is None else v.n3().replace("\t", "\\t")


_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def _rdfxml(g: Graph) -> str:
    """RDF/XML, one rdf:Description per subject, subjects and properties sorted (rdflib's own
    RDF/XML writer follows the store's hash order, which changes from one process to the next)."""
    from xml.sax.saxutils import escape, quoteattr

    from rdflib.namespace import split_uri

    known = {str(ns): p for p, ns in PREFIXES.items()}
    spaces: dict[str, str] = {_RDF: "rdf"}
    props = {}
    for pred in sorted({p for _, p, _ in g}):
        try:
            ns, local = split_uri(pred)
        except ValueError:
            raise QueryError(f"the property <{pred}> cannot be written as RDF/XML; ask for Turtle or N-Triples") from None
        if ns not in spaces:
            name = known.get(ns)
            spaces[ns] = name if name and name not in spaces.values() else f"ns{len(spaces)}"
        props[pred] = f"{spaces[ns]}:{local}"

    def node(term) -> str:
        return f"rdf:nodeID={quoteattr(str(term))}" if isinstance(term, BNode) else f"rdf:about={quoteattr(str(term))}"

    out = ['<?xml version="1.0" encoding="utf-8"?>',
           "<rdf:RDF " + "\n  ".join(f"xmlns:{p}={quoteattr(ns)}" for ns, p in sorted(spaces.items(), key=lambda kv: kv[1])) + ">"]
    by_subject: dict = {}
    for s_, p_, o_ in sorted(g):
        by_subject.setdefault(s_, []).append((p_, o_))
    for subj, pairs in by_subject.items():
        out.append(f"  <rdf:Description {node(subj)}>")
        for pred, obj in pairs:
            tag = props[pred]
            if isinstance(obj, URIRef):
                out.append(f"    <{tag} rdf:resource={quoteattr(str(obj))}/>")
            elif isinstance(obj, BNode):
                out.append(f"    <{tag} rdf:nodeID={quoteattr(str(obj))}/>")
            else:
                attr = (f" xml:lang={quoteattr(obj.language)}" if obj.language else
                        f" rdf:datatype={quoteattr(str(obj.datatype))}" if obj.datatype else "")
                out.append(f"    <{tag}{attr}>{escape(str(obj))}</{tag}>")
        out.append("  </rdf:Description>")
    out.append("</rdf:RDF>")
    return "\n".join(out) + "\n"


def _graph_text(g: Graph, fmt: str) -> str:
    if fmt in ("nt", "nq"):
        lines = g.serialize(format="nt").splitlines()
        return "\n".join(sorted(line for line in lines if line.strip())) + "\n"
    if fmt == "rdfxml":
        return _rdfxml(g)
    if fmt == "trig":  # one graph: the default graph of a dataset
        from rdflib import Dataset as _Dataset

        ds = _Dataset()
        for p, ns in PREFIXES.items():
            ds.bind(p, ns, override=True, replace=True)
        for t in g:
            ds.add(t)
        return ds.serialize(format="trig")
    if fmt == "jsonld":  # inline context: nothing remote is ever referenced
        return g.serialize(format="json-ld", context={p: str(ns) for p, ns in sorted(PREFIXES.items())}, auto_compact=True)
    for p, ns in PREFIXES.items():
        g.bind(p, ns, override=True, replace=True)
    return g.serialize(format="turtle")


def format_result(res: Result, fmt: str) -> str:
    """A result as text: table (for people), csv, tsv, json or xml (SPARQL 1.1 results formats).

    CONSTRUCT / DESCRIBE results come out as Turtle, or as N-Triples / JSON-LD / RDF/XML / N-Quads /
    TriG for fmt nt / jsonld / rdfxml / nq / trig (and JSON-LD for json, Turtle for anything else).
    """
    return "".join(iter_result(res, fmt))


def iter_result(res: Result, fmt: str):
    """format_result's text in pieces (one per row for csv, json and xml), so that a writer can
    stop as soon as the text passes a size limit instead of building all of it."""
    if res.kind == "graph":
        yield _graph_text(res.graph, {"json": "jsonld", "nt": "nt", "jsonld": "jsonld", "rdfxml": "rdfxml",
                                      "nq": "nq", "trig": "trig"}.get(fmt, "ttl"))
        return
    if fmt == "xml":
        yield from _xml(res)
        return
    if res.kind == "ask":
        if fmt == "json":
            yield json.dumps({"head": {}, "boolean": res.boolean}) + "\n"
        elif fmt in ("csv", "tsv"):
            yield f"{'?' if fmt == 'tsv' else ''}_askResult\n{'true' if res.boolean else 'false'}\n"
        else:
            yield "true\n" if res.boolean else "false\n"
        return
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(res.vars)
        for row in res.rows:
            w.writerow(["" if v is None else str(v) for v in row])
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
        yield buf.getvalue()
        return
    if fmt == "tsv":
        yield "\t".join("?" + v for v in res.vars) + "\n"
        for row in res.rows:
            yield "\t".join(_tsv_term(v) for v in row) + "\n"
        return
    if fmt == "json":
        yield from _json(res)
        return
    # table
    cells = [[short(v) for v in row] for row in res.rows]
    widths = [min(60, max([len(h)] + [len(r[i]) for r in cells])) for i, h in enumerate(res.vars)]
    def line(vals):
        return "  ".join((v if len(v) <= 60 else v[:57] + "...").ljust(w) for v, w in zip(vals, widths)).rstrip()
    out = [line(res.vars), line(["-" * w for w in widths])] + [line(r) for r in cells]
    out.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    yield "\n".join(out) + "\n"


def _json(res: Result):
    """SPARQL JSON, row by row, exactly as json.dumps(..., indent=1) writes the whole document."""
    def binding(row):
        return {k: _term_json(v) for k, v in zip(res.vars, row) if v is not None}

    if not res.rows:
        yield json.dumps({"head": {"vars": res.vars}, "results": {"bindings": []}}, indent=1, ensure_ascii=False) + "\n"
        return
    whole = json.dumps({"head": {"vars": res.vars}, "results": {"bindings": [0]}}, indent=1, ensure_ascii=False)
    before, after = whole.split("\n   0\n")  # the placeholder's line; variables are quoted, so it is unique
    yield before + "\n   "
    for i, row in enumerate(res.rows):
        # JSON strings hold no raw newline, so indenting every line is a plain replace
        yield (",\n   " if i else "") + json.dumps(binding(row), indent=1, ensure_ascii=False).replace("\n", "\n   ")
    yield "\n" + after + "\n"


def _xml(res: Result):
    """SPARQL Query Results XML Format, written with the standard library's XML escaping, in pieces."""
    from xml.sax.saxutils import escape, quoteattr

    out = ['<?xml version="1.0" encoding="utf-8"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "<head>"]
    out += [f"<variable name={quoteattr(v)}/>" for v in res.vars]
    out.append("</head>")
    if res.kind == "ask":
        out.append(f"<boolean>{'true' if res.boolean else 'false'}</boolean>")
    else:
        out.append("<results>")
        for row in res.rows:
            yield "\n".join(out) + "\n"
            out = ["<result>"]
            for name, v in zip(res.vars, row):
                if v is None:
                    continue
                if isinstance(v, URIRef):
                    cell = f"<uri>{escape(str(v))}</uri>"
                elif isinstance(v, BNode):
                    cell = f"<bnode>{escape(str(v))}</bnode>"
                elif v.language:
                    cell = f"<literal xml:lang={quoteattr(v.language)}>{escape(str(v))}</literal>"
                elif v.datatype:
                    cell = f"<literal datatype={quoteattr(str(v.datatype))}>{escape(str(v))}</literal>"
                else:
                    cell = f"<literal>{escape(str(v))}</literal>"
                out.append(f"<binding name={quoteattr(name)}>{cell}</binding>")
            out.append("</result>")
        out.append("</results>")
    out.append("</sparql>")
    yield "\n".join(out) + "\n"
