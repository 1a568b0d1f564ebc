"""Wires the stages together: documents -> sentences/mentions -> facts -> RDF dataset."""
from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, Dataset

from kg.corpus import load_corpus
from kg.extract import Extractor
from kg.graph import build_dataset
from kg.model import KG, AnalysedDoc, Document, Fact
from kg.nlp import Analyser
from kg.rules import RULES_DIR, Rulebook, load_rulebook


@dataclass
class BuildResult:
    docs: list[Document]
    analysed: list[AnalysedDoc]
    facts: list[Fact]
    dataset: Dataset
    book: Rulebook
    seconds: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # one line each, naming the file

    def summary(self) -> dict:
        ds = self.dataset
        per_class = Counter()
        top = ["Person", "State", "Organization", "Agreement", "Event", "Place", "Dispute", "Proposal",
               "CooperationArea", "Vessel", "Policy", "Relationship", "Position"]
        tops: dict = {}
        for f in self.facts:  # extracted types only: inferred supertypes would count entities twice
            if f.p == RDF.type and f.mode == "asserted":
                tops.setdefault(f.s, set()).add(self.book.top_class.get(str(f.o).split("#")[-1]))
        for found in tops.values():
            per_class[next(c for c in top if c in found)] += 1
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


PARALLEL_MIN_CHARS = 2_000_000  # below this, starting worker processes costs more than it saves

_worker: tuple | None = None


def _init_worker(rules_dir: str) -> None:
    global _worker
    book = load_rulebook(Path(rules_dir))
    _worker = (Analyser(book), Extractor(book))


def _run(analyser: Analyser, extractor: Extractor, doc: Document) -> tuple[AnalysedDoc, list[Fact]]:
    ad = analyser.analyse(doc)
    return ad, extractor.extract(ad)


def _process(doc: Document) -> tuple[AnalysedDoc, list[Fact]]:
    return _run(*_worker, doc)


def extract_corpus(docs: list[Document], book: Rulebook, rules_dir: Path, jobs: int | None = None):
    """Sentences, mentions and facts for every document, in document order.

    Documents are independent, so a large corpus is spread over worker processes (one per
    core by default); results come back in the same order, so output stays deterministic.
    """
    jobs = jobs or os.cpu_count() or 1
    if jobs > 1 and len(docs) > 1 and sum(len(d.text) for d in docs) >= PARALLEL_MIN_CHARS:
        ctx = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
        with ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init_worker, initargs=(str(rules_dir),)) as pool:
            pairs = list(pool.map(_process, docs, chunksize=max(1, len(docs) // (jobs * 8))))
    else:
        analyser, extractor = Analyser(book), Extractor(book)
        pairs = [_run(analyser, extractor, d) for d in docs]
    return [a for a, _ in pairs], [f for _, fs in pairs for f in fs]


def build(seeds: Path, rules_dir: Path = RULES_DIR, jobs: int | None = None) -> BuildResult:
    times = {}
    t = time.perf_counter()
    book = load_rulebook(rules_dir)
    warnings: list[str] = []
    docs = load_corpus(seeds, warnings)
    times["load"] = time.perf_counter() - t
    t = time.perf_counter()
    analysed, facts = extract_corpus(docs, book, rules_dir, jobs)
    times["extract"] = time.perf_counter() - t
    t = time.perf_counter()
    ds = build_dataset(docs, facts, book)
    times["graph"] = time.perf_counter() - t
    return BuildResult(docs, analysed, facts, ds, book, times, warnings)
