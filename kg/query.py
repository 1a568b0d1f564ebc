"""SPARQL over the graph: named queries in queries/*.rq, safe by construction.

Read-only and offline: updates are refused, and SERVICE, FROM / FROM NAMED and LOAD are
refused before execution (rdflib would otherwise fetch them over the network).
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
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
            return str(path), path.read_text(encoding="utf-8")
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
    if UPDATE_WORDS.search(_strip_strings(text)):
        raise QueryError(f"{label}: SPARQL Update is not allowed; the graph is read-only")
    try:
        parsed = parseQuery(text)
    except ParseException as exc:
        raise QueryError(f"{label}: syntax error at line {exc.lineno}, column {exc.col}: {exc.msg}") from None
    except Exception as exc:  # noqa: BLE001 - rdflib raises several kinds
        raise QueryError(f"{label}: cannot parse the query ({exc})") from None
    found: set[str] = set()
    _walk(parsed, found)
    if "ServiceGraphPattern" in found:
        raise QueryError(f"{label}: SERVICE is not allowed; queries run offline on the local graph")
    if "DatasetClause" in found:
        raise QueryError(f"{label}: FROM / FROM NAMED are not allowed; use GRAPH <iri> {{ }} on the local named graphs")
    try:
        return prepareQuery(text, initNs={p: str(ns) for p, ns in PREFIXES.items()})
    except Exception as exc:  # noqa: BLE001
        raise QueryError(f"{label}: cannot prepare the query ({exc})") from None


def _strip_strings(text: str) -> str:
    text = re.sub(r"#[^\n]*", "", text)
    return re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|<[^>\s]*>', '""', text)


@dataclass
class Result:
    kind: str  # select | ask | graph
    vars: list[str]
    rows: list[list]
    boolean: bool | None = None
    graph: Graph | None = None


def run(ds: Dataset, label: str, text: str) -> Result:
    q = check(label, text)
    try:
        res = ds.query(q)
        if res.type == "ASK":
            return Result("ask", [], [], boolean=bool(res.askAnswer))
        if res.type in ("CONSTRUCT", "DESCRIBE"):
            return Result("graph", [], [], graph=res.graph)
        vars_ = [str(v) for v in res.vars]
        return Result("select", vars_, [list(r) for r in res])
    except QueryError:
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


def format_result(res: Result, fmt: str) -> str:
    if res.kind == "ask":
        return json.dumps({"head": {}, "boolean": res.boolean}) + "\n" if fmt == "json" else ("true\n" if res.boolean else "false\n")
    if res.kind == "graph":
        return res.graph.serialize(format="json-ld" if fmt == "json" else "longturtle")
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(res.vars)
        for row in res.rows:
            w.writerow(["" if v is None else str(v) for v in row])
        return buf.getvalue()
    if fmt == "json":
        def term(v):
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
        bindings = [{k: term(v) for k, v in zip(res.vars, row) if v is not None} for row in res.rows]
        return json.dumps({"head": {"vars": res.vars}, "results": {"bindings": bindings}}, indent=1, ensure_ascii=False) + "\n"
    # table
    cells = [[short(v) for v in row] for row in res.rows]
    widths = [min(60, max([len(h)] + [len(r[i]) for r in cells])) for i, h in enumerate(res.vars)]
    def line(vals):
        return "  ".join((v if len(v) <= 60 else v[:57] + "...").ljust(w) for v, w in zip(vals, widths)).rstrip()
    out = [line(res.vars), line(["-" * w for w in widths])] + [line(r) for r in cells]
    out.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(out) + "\n"
