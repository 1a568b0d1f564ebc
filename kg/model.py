"""Typed values passed between the stages."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import XSD

BASE = "https://w3id.org/nato-russia-kg/"
class CachedNamespace(Namespace):
    """A Namespace that makes each term's URIRef once: extraction asks for KG.participant,
    ID["state/russia"] ... hundreds of thousands of times, and rdflib validates every new URIRef."""

    _cache: dict = {}

    def term(self, name: str) -> URIRef:
        key = (str(self), name)
        got = CachedNamespace._cache.get(key)
        if got is None:
            if len(CachedNamespace._cache) >= 200_000:  # bounded: evidence IRIs of a big corpus are made once each
                CachedNamespace._cache.clear()
            got = CachedNamespace._cache[key] = super().term(name)
        return got


KG = CachedNamespace(BASE + "ontology#")
ID = CachedNamespace(BASE + "id/")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")

def slugify(text: str) -> str:
    """A readable IRI segment: lower-case letters and digits (any script, as IRIs allow) joined by '-'."""
    return re.sub(r"[\W_]+", "-", text.lower()).strip("-")


PRECISION_DATATYPE = {"year": XSD.gYear, "month": XSD.gYearMonth, "day": XSD.date}


@dataclass(frozen=True, order=True)
class DateValue:
    """A date of known precision: value is YYYY, YYYY-MM or YYYY-MM-DD."""

    value: str
    precision: str  # year | month | day
    qualifier: str | None = None

    @staticmethod
    def parse(text: str) -> "DateValue":
        precision = {4: "year", 7: "month", 10: "day"}.get(len(text))
        if precision is None:
            raise ValueError(f"date {text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        return DateValue(text, precision)

    @property
    def year(self) -> int:
        return int(self.value[:4])

    def literal(self) -> Literal:
        return Literal(self.value, datatype=PRECISION_DATATYPE[self.precision])


@dataclass(frozen=True)
class Document:
    id: str
    path: Path
    text: str
    title: str
    date: DateValue | None
    date_note: str | None = None
    speaker: str | None = None
    role: str | None = None
    voice: str | None = None
    publisher: str | None = None
    kind: str | None = None
    parties: tuple[str, ...] = ()

    @property
    def iri(self) -> URIRef:
        return ID["doc/" + self.id]


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int  # character offsets into Document.text, stripped of surrounding space
    end: int


@dataclass(frozen=True)
class Mention:
    """A span of text naming an entity, topic or date."""

    start: int
    end: int
    sent: int
    text: str
    entity: str  # gazetteer id, or "date" for dates
    cls: str  # ontology class local name, or "Date"
    layer: str  # entity | topic | date
    rule: str
    date: DateValue | None = None
    label: str | None = None  # the name of a person found by pattern ("~slug" entity), not in the gazetteer


@dataclass(frozen=True)
class Evidence:
    doc: str
    sent: int
    start: int
    end: int
    quote: str
    rule: str


@dataclass(frozen=True)
class Fact:
    s: URIRef
    p: URIRef
    o: URIRef | Literal
    evidence: Evidence
    mode: str = "asserted"  # asserted | negated | proposed | expected | planned | hypothetical


@dataclass
class AnalysedDoc:
    doc: Document
    sentences: list[Sentence]
    mentions: list[Mention]
    unknown_names: list[tuple[str, int]] = field(default_factory=list)  # (capitalised name, sentence) not recognised
    unresolved_dates: list[tuple[str, int]] = field(default_factory=list)  # (date expression, sentence) left undated

    def sentence_mentions(self) -> dict[int, list[Mention]]:
        out: dict[int, list[Mention]] = {s.index: [] for s in self.sentences}
        for m in self.mentions:
            out[m.sent].append(m)
        return out
