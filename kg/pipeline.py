"""Wires the stages together: documents -> sentences/mentions -> facts -> RDF dataset."""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, Dataset

from kg.corpus import load_corpus
from kg.extract import extract_all
from kg.graph import build_dataset
from kg.model import KG, AnalysedDoc, Document, Fact
from kg.nlp import analyse_all
from kg.rules import RULES_DIR, Rulebook, load_rulebook


@dataclass
class BuildResult:
    docs: list[Document]
    analysed: list[AnalysedDoc]
    facts: list[Fact]
    dataset: Dataset
    book: Rulebook
    seconds: dict[str, float] = field(default_factory=dict)

    def summary(self) -> dict:
        ds = self.dataset
        per_class = Counter()
        top = ["Person", "State", "Organization", "Agreement", "Event", "Place", "Dispute", "Proposal",
               "CooperationArea", "Vessel", "Position"]
        typed = {}
        for s, o in ds.subject_objects(RDF.type):
            typed.setdefault(s, set()).add(o)
        onto = self.book.folders
        for s, types in typed.items():
            for t in types:
                local = str(t).split("#")[-1]
                for c in top:
                    if local in _subclasses(self.book, c):
                        per_class[c] += 1
                        break
        asserted = [f for f in self.facts if f.mode == "asserted"]
        return {
            "documents": len(self.docs),
            "sentences": sum(len(a.sentences) for a in self.analysed),
            "words": sum(len(d.text.split()) for d in self.docs),
            "entities": {c: per_class[c] for c in top if per_class[c]},
            "facts": len({(f.s, f.p, f.o) for f in asserted}),
            "claims (not asserted)": len({(f.s, f.p, f.o, f.mode) for f in self.facts if f.mode != "asserted"}),
            "evidence records": sum(1 for _ in ds.subjects(RDF.type, KG.Evidence)),
            "documents without facts": [a.doc.id for a in self.analysed
                                        if not any(f.evidence.doc == a.doc.id and not f.evidence.rule.startswith("gaz.")
                                                   for f in self.facts)],
            "triples": len(ds),
        }


def _subclasses(book: Rulebook, cls: str) -> set[str]:
    from kg.rules import load_ontology

    onto = load_ontology()
    return set(onto.classes.get(cls, {cls}))


def build(seeds: Path, rules_dir: Path = RULES_DIR) -> BuildResult:
    times = {}
    t = time.perf_counter()
    book = load_rulebook(rules_dir)
    docs = load_corpus(seeds)
    times["load"] = time.perf_counter() - t
    t = time.perf_counter()
    analysed = analyse_all(docs, book)
    times["analyse"] = time.perf_counter() - t
    t = time.perf_counter()
    facts = extract_all(analysed, book)
    times["extract"] = time.perf_counter() - t
    t = time.perf_counter()
    ds = build_dataset(docs, facts, book)
    times["graph"] = time.perf_counter() - t
    return BuildResult(docs, analysed, facts, ds, book, times)
